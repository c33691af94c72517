//! Plain text: one article per `.txt` file, id = file stem. A first line (or leading
//! words) `date YYYY-MM-DD`, as in the seed article, is metadata and not part of the
//! text; otherwise the text is the whole file, unchanged, so that offsets line up with
//! annotations made on the file (PolNeAR).

use std::path::{Path, PathBuf};

use super::{parse_date, too_large, CorpusError, CorpusReader, ReadLimits, Record, Skipped};
use crate::corpus::Article;

pub struct TxtReader;

impl CorpusReader for TxtReader {
    fn read<'a>(
        &'a self,
        path: &'a Path,
        limits: ReadLimits,
    ) -> Result<Box<dyn Iterator<Item = Record> + 'a>, CorpusError> {
        let files = if path.is_dir() {
            txt_files_below(path)?
        } else {
            vec![path.to_path_buf()]
        };
        Ok(Box::new(files.into_iter().map(move |file| read_file(&file, limits))))
    }
}

fn txt_files_below(dir: &Path) -> Result<Vec<PathBuf>, CorpusError> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|source| CorpusError::Io {
            path: folder.clone(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| CorpusError::Io {
                path: folder.clone(),
                source,
            })?;
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt")) {
                files.push(path);
            }
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(CorpusError::Malformed {
            path: dir.to_path_buf(),
            format: "text folder",
            detail: "no .txt files in it".into(),
        });
    }
    Ok(files)
}

fn read_file(file: &Path, limits: ReadLimits) -> Record {
    let id = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let skip = |line: Option<u64>, reason: String| Skipped {
        file: file.display().to_string(),
        line,
        article_id: Some(id.clone()),
        reason,
    };
    let size = std::fs::metadata(file)
        .map_err(|e| skip(None, format!("cannot read: {e}")))?
        .len();
    if size > limits.max_article_bytes {
        return Err(skip(None, too_large(size, limits)));
    }
    let bytes = std::fs::read(file).map_err(|e| skip(None, format!("cannot read: {e}")))?;
    let content = match String::from_utf8(bytes) {
        Ok(content) => content,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..valid].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            return Err(skip(
                Some(line),
                format!("invalid UTF-8 at byte {valid}: save the file as UTF-8"),
            ));
        }
    };
    let (date, header_bytes) = date_header(&content);
    let text = content[header_bytes..].to_string();
    if text.trim().is_empty() {
        return Err(skip(None, "empty text".into()));
    }
    Ok(Article {
        id,
        text,
        date,
        title: None,
        source: None,
        url: None,
        origin_file: file.display().to_string(),
        origin_line: None,
        text_offset: content[..header_bytes].chars().count() as u64,
        input_bytes: size,
    })
}

/// Recognises `date YYYY-MM-DD` at the start of a file (after optional white space)
/// followed by a line break or a space; returns the date and the bytes it occupies,
/// separator included.
fn date_header(content: &str) -> (Option<chrono::NaiveDate>, usize) {
    let body = content.trim_start();
    let lead = content.len() - body.len();
    let Some(rest) = body.strip_prefix("date ") else {
        return (None, 0);
    };
    let Some(date) = rest.get(..10).and_then(parse_date) else {
        return (None, 0);
    };
    let after = &rest[10..];
    let separator = if after.starts_with("\r\n") {
        2
    } else if after.starts_with(['\n', ' ', '\t']) {
        1
    } else if after.is_empty() {
        0
    } else {
        return (None, 0);
    };
    (Some(date), lead + "date ".len() + 10 + separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_header_inline_or_on_its_own_line_is_metadata() {
        let (date, bytes) = date_header(" date 2025-08-07 Ukrainian president");
        assert_eq!(date.unwrap().to_string(), "2025-08-07");
        assert_eq!(&" date 2025-08-07 Ukrainian president"[bytes..], "Ukrainian president");
        let (_, bytes) = date_header("date 2025-08-07\nText.");
        assert_eq!(&"date 2025-08-07\nText."[bytes..], "Text.");
        assert_eq!(date_header("dated 2025-08-07 x"), (None, 0));
        assert_eq!(date_header("date: unknown"), (None, 0));
    }

    #[test]
    fn folder_of_files_with_bad_ones_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.txt"), "date 2025-08-07\nZelensky wrote on X.").unwrap();
        std::fs::write(dir.path().join("a.txt"), "Whole file, unchanged.\n").unwrap();
        std::fs::write(dir.path().join("c.txt"), b"line one\nbad \xff byte").unwrap();
        std::fs::write(dir.path().join("d.txt"), "   \n").unwrap();
        std::fs::write(dir.path().join("e.txt"), "x".repeat(2000)).unwrap();
        std::fs::write(dir.path().join("notes.md"), "ignored").unwrap();
        let limits = ReadLimits {
            max_article_bytes: 1000,
        };
        let records: Vec<Record> = TxtReader.read(dir.path(), limits).unwrap().collect();
        assert_eq!(records.len(), 5);
        let a = records[0].as_ref().unwrap();
        assert_eq!(
            (a.id.as_str(), a.text.as_str(), a.text_offset),
            ("a", "Whole file, unchanged.\n", 0)
        );
        let b = records[1].as_ref().unwrap();
        assert_eq!((b.text.as_str(), b.text_offset), ("Zelensky wrote on X.", 16));
        let c = records[2].as_ref().unwrap_err();
        assert_eq!(c.line, Some(2));
        assert!(c.reason.contains("invalid UTF-8"));
        assert!(records[3].as_ref().unwrap_err().reason.contains("empty"));
        assert!(records[4].as_ref().unwrap_err().reason.contains("over the limit"));
    }

    #[test]
    fn a_missing_file_is_a_skipped_record_not_a_crash() {
        let records: Vec<Record> = TxtReader
            .read(Path::new("/nonexistent/x.txt"), ReadLimits::default())
            .unwrap()
            .collect();
        assert!(records[0].as_ref().unwrap_err().reason.contains("cannot read"));
    }
}
