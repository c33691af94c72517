//! Parquet with a `text` column (string) and optional `id`, `date`, `title`, `source`,
//! `url` columns of any type that casts to a string (a Date column becomes
//! `YYYY-MM-DD`).

use std::fs::File;
use std::path::Path;

use polars::prelude::*;

use super::{build_article, CorpusError, CorpusReader, RawFields, ReadLimits, Record};

pub struct ParquetCorpusReader;

impl CorpusReader for ParquetCorpusReader {
    fn read<'a>(
        &'a self,
        path: &'a Path,
        limits: ReadLimits,
    ) -> Result<Box<dyn Iterator<Item = Record> + 'a>, CorpusError> {
        let malformed = |detail: String| CorpusError::Malformed {
            path: path.to_path_buf(),
            format: "Parquet",
            detail,
        };
        let file = File::open(path).map_err(|source| CorpusError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let frame = ParquetReader::new(file)
            .finish()
            .map_err(|e| malformed(e.to_string()))?;
        let names: Vec<String> = frame.get_column_names().iter().map(|n| n.to_string()).collect();
        let string_column = |name: &str| -> Result<Option<StringChunked>, CorpusError> {
            let Some(position) = names.iter().position(|n| n.eq_ignore_ascii_case(name)) else {
                return Ok(None);
            };
            let column = &frame.get_columns()[position];
            let cast = column
                .cast(&DataType::String)
                .map_err(|e| malformed(format!("column '{name}' cannot be read as text: {e}")))?;
            let strings = cast.str().map_err(|e| malformed(e.to_string()))?.clone();
            Ok(Some(strings))
        };
        let Some(text) = string_column("text")? else {
            return Err(CorpusError::MissingTextColumn {
                path: path.to_path_buf(),
                found: names.join(", "),
            });
        };
        let id = string_column("id")?;
        let date = string_column("date")?;
        let title = string_column("title")?;
        let source = string_column("source")?;
        let url = string_column("url")?;
        let rows = frame.height();
        let records = (0..rows).map(move |row| {
            let get = |column: &Option<StringChunked>| column.as_ref().and_then(|c| c.get(row)).map(str::to_string);
            let fields = RawFields {
                id: get(&id),
                text: text.get(row).map(str::to_string),
                date: get(&date),
                title: get(&title),
                source: get(&source),
                url: get(&url),
            };
            let bytes = fields.text.as_ref().map_or(0, |t| t.len() as u64);
            build_article(fields, path, Some(row as u64 + 1), bytes, limits)
        });
        Ok(Box::new(records))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_and_null_text_rows_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.parquet");
        let mut frame = df!(
            "id" => [Some("a"), Some("b"), Some("c")],
            "text" => [Some("One."), None, Some("Three.")],
            "date" => [Some("2025-08-07"), None, None],
        )
        .unwrap();
        ParquetWriter::new(File::create(&path).unwrap())
            .finish(&mut frame)
            .unwrap();
        let records: Vec<Record> = ParquetCorpusReader
            .read(&path, ReadLimits::default())
            .unwrap()
            .collect();
        assert_eq!(records[0].as_ref().unwrap().date.unwrap().to_string(), "2025-08-07");
        let skipped = records[1].as_ref().unwrap_err();
        assert_eq!((skipped.line, skipped.article_id.as_deref()), (Some(2), Some("b")));
        assert_eq!(records[2].as_ref().unwrap().text, "Three.");
    }

    #[test]
    fn a_parquet_file_without_text_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.parquet");
        let mut frame = df!("body" => ["x"]).unwrap();
        ParquetWriter::new(File::create(&path).unwrap())
            .finish(&mut frame)
            .unwrap();
        let err = ParquetCorpusReader.read(&path, ReadLimits::default()).err().unwrap();
        assert!(matches!(err, CorpusError::MissingTextColumn { .. }), "{err}");
    }

    #[test]
    fn a_file_that_is_not_parquet_is_refused_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.parquet");
        std::fs::write(&path, b"not parquet at all").unwrap();
        let err = ParquetCorpusReader.read(&path, ReadLimits::default()).err().unwrap();
        assert!(err.to_string().contains("c.parquet"), "{err}");
    }
}
