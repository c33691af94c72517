//! JSON Lines: one article object per line (`id`, `text`, optional `date`, `title`,
//! `source`, `url`).

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::Value;

use super::compressed::{self, RecordSizes};
use super::{
    build_article, too_large, utf8_problem, CorpusError, CorpusReader, RawFields, ReadLimits, Record, Skipped,
};

pub struct JsonlReader;

impl CorpusReader for JsonlReader {
    fn read<'a>(
        &'a self,
        path: &'a Path,
        limits: ReadLimits,
    ) -> Result<Box<dyn Iterator<Item = Record> + 'a>, CorpusError> {
        let (plain, counter) = compressed::open(path)?;
        Ok(Box::new(JsonlRecords {
            reader: BufReader::with_capacity(1 << 16, plain),
            sizes: RecordSizes::new(counter),
            path,
            line: 0,
            limits,
            failed: false,
        }))
    }
}

struct JsonlRecords<'a> {
    reader: BufReader<Box<dyn Read + Send>>,
    sizes: RecordSizes,
    path: &'a Path,
    line: u64,
    limits: ReadLimits,
    failed: bool,
}

impl JsonlRecords<'_> {
    fn skipped(&self, article_id: Option<String>, reason: String) -> Skipped {
        Skipped {
            file: self.path.display().to_string(),
            line: Some(self.line),
            article_id,
            reason,
        }
    }

    fn parse_line(&self, bytes: &[u8], input_bytes: u64) -> Record {
        // A line far over the limit is refused before parsing it.
        if bytes.len() as u64 > self.limits.max_article_bytes.saturating_mul(2).saturating_add(1 << 20) {
            return Err(self.skipped(None, too_large(bytes.len() as u64, self.limits)));
        }
        let line = std::str::from_utf8(bytes).map_err(|e| self.skipped(None, utf8_problem(&e)))?;
        let value: Value = serde_json::from_str(line)
            .map_err(|e| self.skipped(None, format!("malformed JSON ({e}): each line must be one JSON object")))?;
        let Value::Object(map) = value else {
            return Err(self.skipped(
                None,
                "not a JSON object: each line must be {\"id\": …, \"text\": …}".into(),
            ));
        };
        let id = map.get("id").and_then(scalar_string);
        let text = match map.get("text") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                return Err(self.skipped(id, format!("'text' must be a string, found {}", kind(other))));
            }
        };
        let field = |name: &str| map.get(name).and_then(scalar_string);
        let fields = RawFields {
            id,
            text,
            date: field("date"),
            title: field("title"),
            source: field("source"),
            url: field("url"),
        };
        build_article(fields, self.path, Some(self.line), input_bytes, self.limits)
    }
}

impl Iterator for JsonlRecords<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        if self.failed {
            return None;
        }
        let mut bytes = Vec::new();
        loop {
            bytes.clear();
            match self.reader.read_until(b'\n', &mut bytes) {
                Ok(0) => return None,
                Ok(_) => {
                    self.line += 1;
                    let trimmed = bytes.trim_ascii();
                    if trimmed.is_empty() {
                        continue;
                    }
                    let input_bytes = self.sizes.next(trimmed.len() as u64);
                    return Some(self.parse_line(trimmed, input_bytes));
                }
                Err(e) => {
                    self.failed = true;
                    self.line += 1;
                    return Some(Err(self.skipped(None, format!("read error, rest of file skipped: {e}"))));
                }
            }
        }
    }
}

fn scalar_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read_all(content: &[u8], limits: ReadLimits) -> Vec<Record> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        std::fs::File::create(&path).unwrap().write_all(content).unwrap();
        JsonlReader.read(&path, limits).unwrap().collect()
    }

    #[test]
    fn good_lines_become_articles_with_metadata() {
        let records = read_all(
            b"{\"id\": \"a1\", \"text\": \"Hello.\", \"date\": \"2025-08-07\", \"source\": \"AP\"}\n\n{\"id\": 7, \"text\": \"Bye.\"}\n",
            ReadLimits::default(),
        );
        assert_eq!(records.len(), 2);
        let a = records[0].as_ref().unwrap();
        assert_eq!(
            (a.id.as_str(), a.source.as_deref(), a.origin_line),
            ("a1", Some("AP"), Some(1))
        );
        assert_eq!(a.date.unwrap().to_string(), "2025-08-07");
        let b = records[1].as_ref().unwrap();
        assert_eq!((b.id.as_str(), b.origin_line), ("7", Some(3)));
    }

    #[test]
    fn bad_lines_are_skipped_with_their_line_numbers() {
        let mut content = Vec::new();
        content.extend_from_slice(b"{\"id\": \"ok\", \"text\": \"Fine.\"}\n");
        content.extend_from_slice(b"{\"id\": \"broken\", \"text\": \n");
        content.extend_from_slice(b"{\"id\": \"bytes\", \"text\": \"caf\xff\"}\n");
        content.extend_from_slice(b"{\"id\": \"empty\", \"text\": \"\"}\n");
        content.extend_from_slice(b"{\"id\": \"none\"}\n");
        content.extend_from_slice(b"{\"id\": \"num\", \"text\": 5}\n");
        content.extend_from_slice(b"[1, 2]\n");
        content.extend_from_slice(b"{\"id\": \"baddate\", \"text\": \"x\", \"date\": \"yesterday\"}\n");
        content.extend_from_slice(b"{\"id\": \"last\", \"text\": \"Still read.\"}\n");
        let records = read_all(&content, ReadLimits::default());
        let skipped: Vec<(u64, String)> = records
            .iter()
            .filter_map(|r| r.as_ref().err())
            .map(|s| (s.line.unwrap(), s.reason.clone()))
            .collect();
        let lines: Vec<u64> = skipped.iter().map(|s| s.0).collect();
        assert_eq!(lines, vec![2, 3, 4, 5, 6, 7, 8]);
        assert!(skipped[0].1.contains("malformed JSON"));
        assert!(skipped[1].1.contains("invalid UTF-8"));
        assert!(skipped[2].1.contains("empty text"));
        assert!(skipped[3].1.contains("no text"));
        assert!(skipped[4].1.contains("must be a string"));
        assert!(skipped[5].1.contains("not a JSON object"));
        assert!(skipped[6].1.contains("not a date"));
        let good: Vec<&str> = records
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|a| a.id.as_str())
            .collect();
        assert_eq!(good, vec!["ok", "last"]);
    }

    #[test]
    fn oversized_article_is_skipped_and_reading_goes_on() {
        let big = "x".repeat(5000);
        let content = format!("{{\"id\": \"big\", \"text\": \"{big}\"}}\n{{\"id\": \"small\", \"text\": \"ok\"}}\n");
        let records = read_all(
            content.as_bytes(),
            ReadLimits {
                max_article_bytes: 1000,
            },
        );
        assert!(records[0].as_ref().unwrap_err().reason.contains("over the limit"));
        assert_eq!(records[1].as_ref().unwrap().id, "small");
    }
}
