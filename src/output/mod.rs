//! Output stage: zstd Parquet tables and the JSON manifest, written atomically.
//!
//! Every file is written under a temporary name in the output folder and renamed into
//! place only when complete, so a crash never leaves a half-written table behind and
//! a table from an earlier run stays intact until its replacement is whole.

mod manifest;
mod tables;

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use polars::io::parquet::write::BatchedWriter;
use polars::prelude::*;

pub use manifest::{
    ChunkingReport, Counts, InputReport, Manifest, ModelReport, Runtime, ScoringReport, Timings, MAX_SKIPPED_LISTED,
};
pub use tables::{
    actor_mention_rows, actor_mentions_frame, actors_frame, articles_frame, stance_frame, statements_frame, tone_frame,
    ActorMentionRow, ActorRow, ArticleRow, StatementRow,
};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write table {path}: {source}")]
    Table {
        path: PathBuf,
        #[source]
        source: PolarsError,
    },
    #[error("cannot encode {path}: {detail}")]
    Encode { path: PathBuf, detail: String },
}

/// A temporary file beside `target` that becomes `target` on [`AtomicFile::commit`]
/// and is removed if dropped uncommitted. Its name is unique (`.NAME.XXXXXX.tmp`), so
/// two writers never share one.
pub struct AtomicFile {
    target: PathBuf,
    temp: tempfile::NamedTempFile,
}

impl AtomicFile {
    pub fn create(target: &Path) -> Result<Self, OutputError> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        // Read-write for all, less the umask, like any other file the user writes
        // (tempfile's own default, 0600, would hide shared results from a group).
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666))
            .tempfile_in(dir)
            .map_err(|source| OutputError::Io {
                path: dir.join(format!(".{name}.XXXXXX.tmp")),
                source,
            })?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            temp,
        })
    }

    pub fn file(&mut self) -> &mut File {
        self.temp.as_file_mut()
    }

    pub fn commit(self) -> Result<PathBuf, OutputError> {
        let temp_path = self.temp.path().to_path_buf();
        self.temp.as_file().sync_all().map_err(|source| OutputError::Io {
            path: temp_path,
            source,
        })?;
        self.temp.persist(&self.target).map_err(|e| OutputError::Io {
            path: self.target.clone(),
            source: e.error,
        })?;
        Ok(self.target)
    }
}

fn parquet_writer(file: &mut File) -> ParquetWriter<&mut File> {
    ParquetWriter::new(file)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::default())
}

/// Writes a whole table to `path` atomically.
pub fn write_parquet(path: &Path, frame: &mut DataFrame) -> Result<PathBuf, OutputError> {
    let mut out = AtomicFile::create(path)?;
    parquet_writer(out.file())
        .finish(frame)
        .map_err(|source| OutputError::Table {
            path: path.to_path_buf(),
            source,
        })?;
    out.commit()
}

/// Writes any serialisable value as pretty JSON, atomically.
pub fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<PathBuf, OutputError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| OutputError::Encode {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    write_text(path, &text)
}

pub fn write_text(path: &Path, text: &str) -> Result<PathBuf, OutputError> {
    let mut out = AtomicFile::create(path)?;
    out.file()
        .write_all(text.as_bytes())
        .map_err(|source| OutputError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    out.commit()
}

/// A Parquet table written in batches as rows arrive (for articles, whose text makes
/// them the largest table), committed at the end.
pub struct BatchedTable {
    path: PathBuf,
    writer: Option<BatchedWriter<File>>,
    temp: Option<AtomicFile>,
    rows: usize,
}

impl BatchedTable {
    pub fn create(path: &Path, schema: &Schema) -> Result<Self, OutputError> {
        let mut temp = AtomicFile::create(path)?;
        let file = temp.file().try_clone().map_err(|source| OutputError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let writer = ParquetWriter::new(file)
            .with_compression(ParquetCompression::Zstd(None))
            .batched(schema)
            .map_err(|source| OutputError::Table {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(BatchedTable {
            path: path.to_path_buf(),
            writer: Some(writer),
            temp: Some(temp),
            rows: 0,
        })
    }

    pub fn write(&mut self, frame: &DataFrame) -> Result<(), OutputError> {
        if frame.height() == 0 {
            return Ok(());
        }
        if let Some(writer) = self.writer.as_mut() {
            writer.write_batch(frame).map_err(|source| OutputError::Table {
                path: self.path.clone(),
                source,
            })?;
        }
        self.rows += frame.height();
        Ok(())
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        if let Some(writer) = self.writer.take() {
            writer.finish().map_err(|source| OutputError::Table {
                path: self.path.clone(),
                source,
            })?;
        }
        match self.temp.take() {
            Some(temp) => temp.commit(),
            None => Ok(self.path.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_file_appears_only_on_commit_and_vanishes_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("t.json");
        std::fs::write(&target, "old").unwrap();
        {
            let mut f = AtomicFile::create(&target).unwrap();
            f.file().write_all(b"half").unwrap();
            assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        } // dropped: the old file stays, the temp file is gone
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write_text(&target, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
    }

    #[test]
    fn batched_table_round_trips_through_polars() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.parquet");
        let batch = |start: i64| df!("n" => [start, start + 1], "s" => ["a", "b"]).unwrap();
        let schema = batch(0).schema().as_ref().clone();
        let mut table = BatchedTable::create(&path, &schema).unwrap();
        table.write(&batch(0)).unwrap();
        table.write(&batch(10)).unwrap();
        assert!(!path.exists());
        table.commit().unwrap();
        let back = ParquetReader::new(File::open(&path).unwrap()).finish().unwrap();
        let n: Vec<Option<i64>> = back.column("n").unwrap().i64().unwrap().into_iter().collect();
        assert_eq!(n, vec![Some(0), Some(1), Some(10), Some(11)]);
    }
}
