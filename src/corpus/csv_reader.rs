//! CSV with a header row: `text` is required; `id`, `date`, `title`, `source`, `url`
//! are used when present (Wikinews' `url,date,title,text` works as it is).

use std::path::Path;

use super::compressed::{self, RecordSizes};
use super::{build_article, utf8_problem, CorpusError, CorpusReader, RawFields, ReadLimits, Record, Skipped};

pub struct CsvReader;

struct Columns {
    id: Option<usize>,
    text: usize,
    date: Option<usize>,
    title: Option<usize>,
    source: Option<usize>,
    url: Option<usize>,
}

impl CorpusReader for CsvReader {
    fn read<'a>(
        &'a self,
        path: &'a Path,
        limits: ReadLimits,
    ) -> Result<Box<dyn Iterator<Item = Record> + 'a>, CorpusError> {
        let (plain, counter) = compressed::open(path)?;
        let mut sizes = RecordSizes::new(counter);
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(plain);
        let headers = reader
            .byte_headers()
            .map_err(|e| CorpusError::Malformed {
                path: path.to_path_buf(),
                format: "CSV",
                detail: e.to_string(),
            })?
            .clone();
        let names: Vec<String> = headers
            .iter()
            .map(|h| {
                String::from_utf8_lossy(h)
                    .trim()
                    .trim_start_matches('\u{feff}')
                    .to_lowercase()
            })
            .collect();
        let find = |name: &str| names.iter().position(|n| n == name);
        let Some(text) = find("text") else {
            return Err(CorpusError::MissingTextColumn {
                path: path.to_path_buf(),
                found: names.join(", "),
            });
        };
        let columns = Columns {
            id: find("id"),
            text,
            date: find("date"),
            title: find("title"),
            source: find("source"),
            url: find("url"),
        };
        let file_label = path.display().to_string();
        let records = reader.into_byte_records().map(move |row| {
            let row = match row {
                Ok(row) => row,
                Err(e) => {
                    let line = e.position().map(|p| p.line());
                    return Err(Skipped {
                        file: file_label.clone(),
                        line,
                        article_id: None,
                        reason: format!("bad CSV row: {e}"),
                    });
                }
            };
            let line = row.position().map(|p| p.line());
            let mut fields = RawFields::default();
            let targets: [(Option<usize>, &mut Option<String>); 6] = [
                (columns.id, &mut fields.id),
                (Some(columns.text), &mut fields.text),
                (columns.date, &mut fields.date),
                (columns.title, &mut fields.title),
                (columns.source, &mut fields.source),
                (columns.url, &mut fields.url),
            ];
            for (index, slot) in targets {
                let Some(raw) = index.and_then(|i| row.get(i)) else {
                    continue;
                };
                match std::str::from_utf8(raw) {
                    Ok(value) => *slot = Some(value.to_string()),
                    Err(e) => {
                        return Err(Skipped {
                            file: file_label.clone(),
                            line,
                            article_id: None,
                            reason: utf8_problem(&e),
                        })
                    }
                }
            }
            let bytes = sizes.next(row.as_slice().len() as u64);
            build_article(fields, path, line, bytes, limits)
        });
        Ok(Box::new(records))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(content: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wiki.csv");
        std::fs::File::create(&path).unwrap().write_all(content).unwrap();
        (dir, path)
    }

    #[test]
    fn wikinews_columns_with_derived_ids_and_multiline_text() {
        let (_dir, path) = write(
            b"url,date,title,text\nhttps://w/1,2019-01-02,T1,\"First line.\nSecond \"\"quoted\"\" line.\"\nhttps://w/2,2019-01-03,T2,Other.\n",
        );
        let records: Vec<Record> = CsvReader.read(&path, ReadLimits::default()).unwrap().collect();
        let a = records[0].as_ref().unwrap();
        assert_eq!(a.text, "First line.\nSecond \"quoted\" line.");
        assert_eq!(a.title.as_deref(), Some("T1"));
        assert!(a.id.starts_with("wiki-"));
        assert_ne!(a.id, records[1].as_ref().unwrap().id);
        assert_eq!(records[1].as_ref().unwrap().origin_line, Some(4));
    }

    #[test]
    fn a_file_without_a_text_column_is_refused_with_the_columns_found() {
        let (_dir, path) = write(b"id,body\n1,hello\n");
        let err = CsvReader.read(&path, ReadLimits::default()).err().unwrap();
        let message = err.to_string();
        assert!(
            message.contains("no column named 'text'") && message.contains("id, body"),
            "{message}"
        );
    }

    #[test]
    fn rows_with_wrong_field_counts_or_bad_bytes_are_skipped() {
        let (_dir, path) = write(b"id,text\n1,good\n2,too,many\n3,caf\xe9\n4,also good\n");
        let records: Vec<Record> = CsvReader.read(&path, ReadLimits::default()).unwrap().collect();
        let good: Vec<&str> = records
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|a| a.id.as_str())
            .collect();
        assert_eq!(good, vec!["1", "4"]);
        let skipped: Vec<&Skipped> = records.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(skipped.len(), 2);
        assert_eq!(skipped[0].line, Some(3));
        assert!(skipped[0].reason.contains("bad CSV row"), "{}", skipped[0].reason);
        assert_eq!(skipped[1].line, Some(4));
        assert!(skipped[1].reason.contains("invalid UTF-8"));
    }
}
