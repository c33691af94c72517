//! Corpus stage: reading articles from JSONL, CSV, Parquet and `.txt` files (JSONL
//! and CSV also gzip- or Zstandard-compressed, see [`compressed`]).
//!
//! Each format is one [`CorpusReader`]. Readers stream [`Record`]s: a good article, or
//! a [`Skipped`] note naming the file and line of a bad one, so that one bad row never
//! stops a run. Article text is kept verbatim: offsets in every table index into it.

pub mod compressed;
mod csv_reader;
mod jsonl;
mod parquet_reader;
pub mod shard;
mod txt;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use csv_reader::CsvReader;
pub use jsonl::JsonlReader;
pub use parquet_reader::ParquetCorpusReader;
pub use txt::TxtReader;

/// One news article as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub id: String,
    pub text: String,
    pub date: Option<NaiveDate>,
    pub title: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    /// Where it came from: file and 1-based line (JSONL, CSV) or row (Parquet).
    pub origin_file: String,
    pub origin_line: Option<u64>,
    /// Characters of the file before `text` (a `.txt` date header); 0 elsewhere.
    pub text_offset: u64,
    /// Size of the record in the input, for progress reporting.
    pub input_bytes: u64,
}

/// A record (or a whole file) that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    pub file: String,
    /// 1-based line (JSONL, CSV) or row (Parquet); absent when the whole file failed.
    pub line: Option<u64>,
    pub article_id: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(id) = &self.article_id {
            write!(f, " (article {id})")?;
        }
        write!(f, ": {}", self.reason)
    }
}

pub type Record = Result<Article, Skipped>;

/// Limits that protect a run from absurd inputs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReadLimits {
    /// Largest article text accepted, in bytes.
    pub max_article_bytes: u64,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_article_bytes: 10 * 1024 * 1024,
        }
    }
}

/// A corpus format. Readers never fail on a bad record, only when the input as a whole
/// cannot be opened or lacks what the format requires.
pub trait CorpusReader {
    fn read<'a>(
        &'a self,
        path: &'a Path,
        limits: ReadLimits,
    ) -> Result<Box<dyn Iterator<Item = Record> + 'a>, CorpusError>;
}

/// Input formats, chosen from the file name (or a folder of `.txt` files).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InputFormat {
    Jsonl,
    Csv,
    Parquet,
    /// A `.txt` file, or every `.txt` file below a folder.
    Txt,
}

impl InputFormat {
    pub fn for_path(path: &Path) -> Result<Self, CorpusError> {
        if path.is_dir() {
            return Ok(InputFormat::Txt);
        }
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let compressed = compressed::Compression::for_name(&file_name) != compressed::Compression::Plain;
        let name = compressed::Compression::plain_name(&file_name);
        let format = if name.ends_with(".jsonl") || name.ends_with(".ndjson") || name.ends_with(".json") {
            Some(InputFormat::Jsonl)
        } else if name.ends_with(".csv") {
            Some(InputFormat::Csv)
        } else if name.ends_with(".parquet") {
            Some(InputFormat::Parquet)
        } else if name.ends_with(".txt") {
            Some(InputFormat::Txt)
        } else {
            None
        };
        match format {
            // Only the line formats are read through a decompressor.
            Some(format @ (InputFormat::Jsonl | InputFormat::Csv)) => Ok(format),
            Some(format) if !compressed => Ok(format),
            _ => Err(CorpusError::UnknownFormat {
                path: path.to_path_buf(),
            }),
        }
    }

    pub fn reader(&self) -> Box<dyn CorpusReader> {
        match self {
            InputFormat::Jsonl => Box::new(JsonlReader),
            InputFormat::Csv => Box::new(CsvReader),
            InputFormat::Parquet => Box::new(ParquetCorpusReader),
            InputFormat::Txt => Box::new(TxtReader),
        }
    }
}

/// One resolved input: a file or folder with its format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputSpec {
    pub path: PathBuf,
    pub format: InputFormat,
}

#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("input {pattern:?} matches no file or folder: check the path (globs like 'news/*.jsonl' are expanded)")]
    NoMatch { pattern: String },
    #[error("invalid glob pattern {pattern:?}: {source}")]
    BadPattern {
        pattern: String,
        #[source]
        source: glob::PatternError,
    },
    #[error(
        "{path}: unknown input format; use .jsonl or .csv (plain, .gz or .zst), .parquet, .txt or a folder of .txt files"
    )]
    UnknownFormat { path: PathBuf },
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: no column named 'text' (columns: {found}); the article text must be in a column named 'text'")]
    MissingTextColumn { path: PathBuf, found: String },
    #[error("{path}: not a readable {format} file: {detail}")]
    Malformed {
        path: PathBuf,
        format: &'static str,
        detail: String,
    },
}

/// Expands the `--input` arguments (paths or globs) into inputs with formats, in the
/// order given and sorted within each glob.
pub fn resolve_inputs(patterns: &[String]) -> Result<Vec<InputSpec>, CorpusError> {
    let mut inputs = Vec::new();
    for pattern in patterns {
        let direct = PathBuf::from(pattern);
        let paths: Vec<PathBuf> = if direct.exists() {
            vec![direct]
        } else if pattern.contains(['*', '?', '[']) {
            let matches = glob::glob(pattern).map_err(|source| CorpusError::BadPattern {
                pattern: pattern.clone(),
                source,
            })?;
            let mut found: Vec<PathBuf> = matches.filter_map(Result::ok).collect();
            found.sort();
            found
        } else {
            Vec::new()
        };
        if paths.is_empty() {
            return Err(CorpusError::NoMatch {
                pattern: pattern.clone(),
            });
        }
        for path in paths {
            let format = InputFormat::for_path(&path)?;
            inputs.push(InputSpec { path, format });
        }
    }
    Ok(inputs)
}

/// The fields a row may carry, as found, before validation.
#[derive(Debug, Default)]
pub(crate) struct RawFields {
    pub id: Option<String>,
    pub text: Option<String>,
    pub date: Option<String>,
    pub title: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
}

/// Validates a row into an [`Article`], or says why it is skipped. Ids missing from
/// the row are derived from the file name and the row's url (or text), so they stay
/// the same when rows are reordered.
pub(crate) fn build_article(
    fields: RawFields,
    file: &Path,
    line: Option<u64>,
    input_bytes: u64,
    limits: ReadLimits,
) -> Record {
    let file_label = file.display().to_string();
    let skip = |id: Option<String>, reason: String| Skipped {
        file: file_label.clone(),
        line,
        article_id: id,
        reason,
    };
    let id = fields.id.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let Some(text) = fields.text else {
        return Err(skip(id, "no text: the 'text' field is missing or null".into()));
    };
    if text.trim().is_empty() {
        return Err(skip(id, "empty text".into()));
    }
    if text.len() as u64 > limits.max_article_bytes {
        return Err(skip(id, too_large(text.len() as u64, limits)));
    }
    let id = id.unwrap_or_else(|| derive_id(file, fields.url.as_deref().unwrap_or(&text)));
    let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let date = match clean(fields.date) {
        None => None,
        Some(raw) => match parse_date(&raw) {
            Some(date) => Some(date),
            None => {
                return Err(skip(
                    Some(id),
                    format!("date {raw:?} is not a date: write it as YYYY-MM-DD (or an RFC 3339 timestamp)"),
                ))
            }
        },
    };
    Ok(Article {
        id,
        text,
        date,
        title: clean(fields.title),
        source: clean(fields.source),
        url: clean(fields.url),
        origin_file: file_label,
        origin_line: line,
        text_offset: 0,
        input_bytes,
    })
}

pub(crate) fn too_large(bytes: u64, limits: ReadLimits) -> String {
    format!(
        "article text of {:.1} MB is over the limit of {:.1} MB (raise it with --max-article-mb)",
        bytes as f64 / 1e6,
        limits.max_article_bytes as f64 / 1e6
    )
}

/// Accepts `YYYY-MM-DD`, optionally followed by a time (`T…` or ` …`).
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    let head = raw.get(..10)?;
    let rest = &raw[10..];
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

fn derive_id(file: &Path, key: &str) -> String {
    // The plain file's stem, so that `news.csv` and `news.csv.gz` give the same ids.
    let name = file
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let plain = compressed::Compression::plain_name(&name);
    let stem = Path::new(plain)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("{stem}-{hex}")
}

/// Describes invalid UTF-8 for a message: where it starts.
pub(crate) fn utf8_problem(err: &std::str::Utf8Error) -> String {
    format!("invalid UTF-8 at byte {}: save the file as UTF-8", err.valid_up_to())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_file_names() {
        assert_eq!(
            InputFormat::for_path(Path::new("a/news.jsonl")).unwrap(),
            InputFormat::Jsonl
        );
        assert_eq!(InputFormat::for_path(Path::new("news.CSV")).unwrap(), InputFormat::Csv);
        assert_eq!(
            InputFormat::for_path(Path::new("n.parquet")).unwrap(),
            InputFormat::Parquet
        );
        assert_eq!(InputFormat::for_path(Path::new("n.txt")).unwrap(), InputFormat::Txt);
        assert!(matches!(
            InputFormat::for_path(Path::new("n.docx")),
            Err(CorpusError::UnknownFormat { .. })
        ));
        assert_eq!(
            InputFormat::for_path(Path::new("n.jsonl.gz")).unwrap(),
            InputFormat::Jsonl
        );
        assert_eq!(InputFormat::for_path(Path::new("n.CSV.zst")).unwrap(), InputFormat::Csv);
        for unread in ["n.parquet.gz", "n.txt.zst", "n.gz"] {
            assert!(
                matches!(
                    InputFormat::for_path(Path::new(unread)),
                    Err(CorpusError::UnknownFormat { .. })
                ),
                "{unread}"
            );
        }
    }

    #[test]
    fn dates_with_and_without_time() {
        assert_eq!(parse_date("2025-08-07"), NaiveDate::from_ymd_opt(2025, 8, 7));
        assert_eq!(parse_date("2025-08-07T10:00:00Z"), NaiveDate::from_ymd_opt(2025, 8, 7));
        assert_eq!(parse_date("07/08/2025"), None);
        assert_eq!(parse_date("2025-13-01"), None);
    }

    #[test]
    fn derived_ids_depend_on_file_and_key_only() {
        let a = derive_id(Path::new("x/wiki.csv"), "https://a");
        assert_eq!(a, derive_id(Path::new("y/wiki.csv"), "https://a"));
        assert_ne!(a, derive_id(Path::new("x/wiki.csv"), "https://b"));
        assert!(a.starts_with("wiki-"));
    }

    #[test]
    fn build_article_rejects_empty_and_oversized_text() {
        let limits = ReadLimits { max_article_bytes: 10 };
        let fields = |text: &str| RawFields {
            id: Some("a".into()),
            text: Some(text.into()),
            ..Default::default()
        };
        let file = Path::new("f.jsonl");
        assert!(build_article(fields("  "), file, Some(3), 0, limits)
            .unwrap_err()
            .reason
            .contains("empty"));
        let err = build_article(fields("01234567890"), file, Some(4), 0, limits).unwrap_err();
        assert!(err.reason.contains("over the limit"), "{err}");
        assert_eq!(err.line, Some(4));
        assert!(build_article(fields("short"), file, Some(5), 0, limits).is_ok());
    }
}
