//! The journal: one JSON line per finished chunk in the run's work folder, so that a
//! run killed at any point continues after its last finished chunk.
//!
//! The first line says what the run is (its configuration and a stamp of each input);
//! a run that finds a journal for something else refuses to continue it and says what
//! differs. A chunk's line is appended (and synced) only after all its part files are
//! in place, so every chunk the journal names is whole; a line cut short by a crash is
//! dropped when the journal is opened again.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::corpus::{InputSpec, Skipped};
use crate::output::{write_text, OutputError};
use crate::score::ScoreStats;

use super::fault::fault_point;

pub const JOURNAL_FILE: &str = "journal.jsonl";
pub const JOURNAL_VERSION: u32 = 1;

/// What a run is: the first line of its journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalHeader {
    pub version: u32,
    /// The run configuration as saved in `run_config.toml`.
    pub config_toml: String,
    pub inputs: Vec<InputStamp>,
    pub started_at: String,
    pub cuda_devices: Option<i64>,
}

/// Size and modification time of an input (for a folder, of its files together).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputStamp {
    pub path: String,
    pub files: u64,
    pub bytes: u64,
    pub modified_unix: i64,
}

impl InputStamp {
    pub fn of(input: &InputSpec) -> InputStamp {
        let mut stamp = InputStamp {
            path: input.path.display().to_string(),
            files: 0,
            bytes: 0,
            modified_unix: 0,
        };
        stamp.add(&input.path);
        stamp
    }

    fn add(&mut self, path: &Path) {
        let Ok(meta) = std::fs::metadata(path) else { return };
        if meta.is_dir() {
            if let Ok(entries) = std::fs::read_dir(path) {
                for entry in entries.filter_map(Result::ok) {
                    self.add(&entry.path());
                }
            }
            return;
        }
        self.files += 1;
        self.bytes += meta.len();
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs() as i64);
        self.modified_unix = self.modified_unix.max(modified);
    }
}

/// Per input, what one chunk read from it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct InputTally {
    pub input: usize,
    pub articles: u64,
    pub skipped: u64,
    pub error: Option<String>,
}

/// One finished chunk: what it read, skipped, found and wrote.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChunkEntry {
    pub index: u64,
    /// Stream position after the chunk's last event.
    pub events_end: u64,
    /// The chunk that ended the stream.
    pub last: bool,
    pub articles: u64,
    /// Input bytes read up to the chunk's end (for progress).
    pub bytes_read: u64,
    pub inputs: Vec<InputTally>,
    /// Skipped records listed in the manifest (the run lists the first 1,000).
    pub skipped: Vec<Skipped>,
    pub skipped_total: u64,
    pub skipped_files: u64,
    pub statements: u64,
    /// Tables with a part file for this chunk.
    pub tables: Vec<String>,
    pub scoring: Vec<ScoreStats>,
    /// Tasks that failed in this chunk (or, for the first chunk, that would not load),
    /// with why. A failed task is not scored again in the run.
    pub task_failures: BTreeMap<String, String>,
    pub extract_seconds: f64,
    pub score_seconds: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "snake_case")]
enum Line {
    Start(JournalHeader),
    Chunk(ChunkEntry),
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("{path}: {detail}; it is not a stancemap journal this version can continue: remove the output folder's work files or pass --overwrite")]
    Unreadable { path: PathBuf, detail: String },
    #[error("{folder} holds an unfinished run of a different configuration or corpus, so it cannot be continued:\n{differences}\nRun the same command as before to continue it, pass --overwrite to start afresh, or choose another --out")]
    Different { folder: PathBuf, differences: String },
}

/// A run's journal, open for appending.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    pub header: JournalHeader,
    pub chunks: Vec<ChunkEntry>,
    file: Option<File>,
}

impl Journal {
    /// Continues the journal in `folder` when it is this run's, else starts one.
    pub fn open_or_start(folder: &Path, header: JournalHeader) -> Result<Journal, JournalError> {
        let path = folder.join(JOURNAL_FILE);
        let mut journal = if path.exists() {
            let found = Journal::read(&path)?;
            let differences = differences(&found.header, &header);
            if !differences.is_empty() {
                return Err(JournalError::Different {
                    folder: folder.to_path_buf(),
                    differences: differences.join("\n"),
                });
            }
            found
        } else {
            Journal {
                path: path.clone(),
                header,
                chunks: Vec::new(),
                file: None,
            }
        };
        // Rewritten whole: drops a line a crash cut short, which an append would
        // otherwise extend into garbage.
        let mut text = line_text(&Line::Start(journal.header.clone()), &path)?;
        for chunk in &journal.chunks {
            text.push_str(&line_text(&Line::Chunk(chunk.clone()), &path)?);
        }
        write_text(&path, &text)?;
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|source| OutputError::Io {
                path: path.clone(),
                source,
            })?;
        journal.file = Some(file);
        Ok(journal)
    }

    /// Reads a journal without opening it for writing (for `merge`).
    pub fn read(path: &Path) -> Result<Journal, JournalError> {
        let unreadable = |detail: String| JournalError::Unreadable {
            path: path.to_path_buf(),
            detail,
        };
        let raw = std::fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))?;
        let mut lines = raw.lines().filter(|l| !l.trim().is_empty());
        let header = match lines.next().map(serde_json::from_str::<Line>) {
            Some(Ok(Line::Start(header))) if header.version == JOURNAL_VERSION => header,
            Some(Ok(Line::Start(header))) => return Err(unreadable(format!("journal version {}", header.version))),
            Some(Ok(Line::Chunk(_))) | None => return Err(unreadable("no start line".into())),
            Some(Err(e)) => return Err(unreadable(e.to_string())),
        };
        let mut chunks = Vec::new();
        for line in lines {
            match serde_json::from_str::<Line>(line) {
                Ok(Line::Chunk(chunk)) if chunk.index == chunks.len() as u64 => chunks.push(chunk),
                // A torn or out-of-order line ends what can be trusted.
                _ => break,
            }
        }
        Ok(Journal {
            path: path.to_path_buf(),
            header,
            chunks,
            file: None,
        })
    }

    /// Appends a finished chunk and syncs it to disk.
    pub fn append(&mut self, chunk: ChunkEntry) -> Result<(), OutputError> {
        let text = line_text(&Line::Chunk(chunk.clone()), &self.path)?;
        let io = |source| OutputError::Io {
            path: self.path.clone(),
            source,
        };
        let Some(file) = self.file.as_mut() else {
            return Err(io(std::io::Error::other("the journal is open for reading only")));
        };
        let torn_point = format!("chunk:{}:torn", chunk.index);
        if fault_point(&torn_point, false) {
            let half = &text.as_bytes()[..text.len() / 2];
            file.write_all(half).and_then(|_| file.sync_all()).map_err(io)?;
            fault_point(&torn_point, true);
        }
        file.write_all(text.as_bytes())
            .and_then(|_| file.sync_all())
            .map_err(io)?;
        self.chunks.push(chunk);
        Ok(())
    }

    /// Whether every chunk of the run is done.
    pub fn finished(&self) -> bool {
        self.chunks.last().is_some_and(|c| c.last)
    }

    pub fn events_done(&self) -> u64 {
        self.chunks.last().map_or(0, |c| c.events_end)
    }

    pub fn articles_done(&self) -> u64 {
        self.chunks.iter().map(|c| c.articles).sum()
    }

    pub fn skipped_listed(&self) -> usize {
        self.chunks.iter().map(|c| c.skipped.len()).sum()
    }

    /// Tasks that failed earlier in the run.
    pub fn failed_tasks(&self) -> BTreeMap<String, String> {
        let mut failed = BTreeMap::new();
        for chunk in &self.chunks {
            for (task, why) in &chunk.task_failures {
                failed.entry(task.clone()).or_insert_with(|| why.clone());
            }
        }
        failed
    }
}

fn line_text(line: &Line, path: &Path) -> Result<String, OutputError> {
    serde_json::to_string(line)
        .map(|mut text| {
            text.push('\n');
            text
        })
        .map_err(|e| OutputError::Encode {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })
}

/// What makes two runs different: configuration lines (threads aside, which do not
/// change results) and input stamps.
fn differences(found: &JournalHeader, now: &JournalHeader) -> Vec<String> {
    let mut out = Vec::new();
    if found.version != now.version {
        out.push(format!("  journal version {} (now {})", found.version, now.version));
    }
    let significant = |toml: &str| -> Vec<String> {
        toml.lines()
            .filter(|l| !l.starts_with("threads ="))
            .map(str::to_string)
            .collect()
    };
    let (before, after) = (significant(&found.config_toml), significant(&now.config_toml));
    for line in before.iter().filter(|l| !after.contains(l)).take(6) {
        out.push(format!("  configuration had: {line}"));
    }
    for line in after.iter().filter(|l| !before.contains(l)).take(6) {
        out.push(format!("  configuration now: {line}"));
    }
    if found.inputs.len() != now.inputs.len() {
        out.push(format!(
            "  {} inputs then, {} now",
            found.inputs.len(),
            now.inputs.len()
        ));
    }
    for (then, now) in found.inputs.iter().zip(&now.inputs) {
        if then.path != now.path {
            out.push(format!("  input {} is now {}", then.path, now.path));
        } else if then != now {
            out.push(format!(
                "  input {} changed: {} files, {} bytes, modified at {} then; {} files, {} bytes, modified at {} now",
                now.path, then.files, then.bytes, then.modified_unix, now.files, now.bytes, now.modified_unix
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(config: &str) -> JournalHeader {
        JournalHeader {
            version: JOURNAL_VERSION,
            config_toml: config.into(),
            inputs: vec![InputStamp {
                path: "/c/a.jsonl".into(),
                files: 1,
                bytes: 10,
                modified_unix: 5,
            }],
            started_at: "then".into(),
            cuda_devices: None,
        }
    }

    fn chunk(index: u64, last: bool) -> ChunkEntry {
        ChunkEntry {
            index,
            events_end: (index + 1) * 10,
            last,
            articles: 10,
            ..Default::default()
        }
    }

    #[test]
    fn a_journal_continues_where_it_stopped_and_drops_a_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        let mut journal = Journal::open_or_start(dir.path(), header("threads = 2\nx = 1")).unwrap();
        journal.append(chunk(0, false)).unwrap();
        journal.append(chunk(1, false)).unwrap();
        drop(journal);
        let path = dir.path().join(JOURNAL_FILE);
        let mut raw = std::fs::read_to_string(&path).unwrap();
        raw.push_str("{\"entry\":\"chunk\",\"index\":2,\"eve");
        std::fs::write(&path, raw).unwrap();

        // Other threads are the same run; the torn line is gone.
        let mut journal = Journal::open_or_start(dir.path(), header("threads = 8\nx = 1")).unwrap();
        assert_eq!(journal.chunks.len(), 2);
        assert_eq!(journal.events_done(), 20);
        assert!(!journal.finished());
        journal.append(chunk(2, true)).unwrap();
        let journal = Journal::read(&path).unwrap();
        assert_eq!(journal.chunks.len(), 3);
        assert!(journal.finished());
        assert_eq!(journal.articles_done(), 30);
    }

    #[test]
    fn a_different_run_is_refused_with_what_differs() {
        let dir = tempfile::tempdir().unwrap();
        Journal::open_or_start(dir.path(), header("x = 1")).unwrap();
        let mut changed = header("x = 2");
        changed.inputs[0].bytes = 11;
        let err = Journal::open_or_start(dir.path(), changed).unwrap_err().to_string();
        assert!(err.contains("configuration had: x = 1"), "{err}");
        assert!(err.contains("configuration now: x = 2"), "{err}");
        assert!(err.contains("input /c/a.jsonl changed"), "{err}");
        assert!(err.contains("--overwrite"), "{err}");
    }
}
