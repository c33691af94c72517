//! The `run` job, in chunks: the corpus streams through extract → actors → score, one
//! chunk of articles at a time, each chunk's tables written as part files and recorded
//! in a journal; at the end the parts become the run's tables (`finalize`).
//!
//! The steps, each a type of its own:
//! 1. [`RunFolder`]: where this run (or shard) works, whether OUT holds a finished run
//!    (refused without `--overwrite`), and leftovers of a crash to clear.
//! 2. [`journal::Journal`]: finished chunks; a re-run continues after the last one.
//! 3. [`article_stream::ArticleStream`]: inputs → articles and skips, deduplicated,
//!    a shard's share only.
//! 4. [`chunk::ChunkWorker`]: one chunk → part files and a journal entry.
//! 5. [`finalize::finalize`]: parts → tables and `manifest.json` (for a shard, that is
//!    `stancemap merge`'s job: [`merge::merge`]); run-wide, actor name forms merge and
//!    roles the run binds to one person name the descriptions no article resolved
//!    ([`roles`]).

mod article_stream;
mod chunk;
mod fault;
mod finalize;
mod journal;
pub mod merge;
mod roles;
mod score_job;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::config::RunConfig;
use crate::models::ModelError;
use crate::output::{Counts, OutputError, ScoringReport};
use crate::score::ScoreError;

pub use crate::corpus::shard::Shard;
pub use chunk::statement_id;
pub use journal::JournalError;
pub use score_job::{score_file, ScoreJob, ScoreJobError, ScoreJobSummary};

use article_stream::{ArticleStream, Event};
use chunk::{Chunk, ChunkWorker};
use finalize::{finalize, FinishedWork};
use journal::{InputStamp, Journal, JournalHeader};

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("cannot build table {table}: {source}")]
    Table {
        table: &'static str,
        #[source]
        source: polars::prelude::PolarsError,
    },
    #[error(
        "{path}: cannot read this part file ({source}); it was written by an earlier attempt: re-run with --overwrite"
    )]
    Part {
        path: PathBuf,
        #[source]
        source: polars::prelude::PolarsError,
    },
    #[error("cannot save the run configuration: {0}")]
    Config(#[from] toml::ser::Error),
    #[error(transparent)]
    Score(#[from] ScoreError),
    #[error("cannot load the {extractor} extractor: {source}")]
    Extractor {
        extractor: &'static str,
        #[source]
        source: ModelError,
    },
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error("{0} holds a finished run: pass --overwrite to replace it, or choose another --out")]
    Finished(PathBuf),
    #[error(transparent)]
    Merge(#[from] merge::MergeError),
}

/// How the run talks to the person running it, and what it may replace.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunHooks {
    /// Draw a progress bar on stderr (only when stderr is a terminal).
    pub progress: bool,
    /// Replace a finished run (or shard) in the output folder.
    pub overwrite: bool,
}

/// What a run did, for the summary screen and exit codes.
#[derive(Debug, Clone)]
pub struct RunSummary {
    pub out_dir: PathBuf,
    pub counts: Counts,
    pub top_speakers: Vec<(String, u64)>,
    pub seconds: f64,
    pub outputs: Vec<String>,
    pub scoring: Vec<ScoringReport>,
    /// Steps that failed after the tables were written (a model that would not load).
    pub failures: Vec<String>,
    /// The shard this run was (its tables come from `stancemap merge`).
    pub shard: Option<Shard>,
    /// Chunks and articles an earlier, interrupted attempt had finished.
    pub resumed_chunks: u64,
    pub resumed_articles: u64,
}

/// The files of a single run's (or the merge's) final output in OUT.
pub const FINAL_OUTPUTS: &[&str] = &[
    "manifest.json",
    "articles.parquet",
    "statements.parquet",
    "actors.parquet",
    "tone.parquet",
    "stance.parquet",
    crate::config::RUN_CONFIG_FILE,
];

/// Where a run works: `OUT/parts` for a single run, `OUT/shard=I` for a shard.
pub struct RunFolder {
    pub out: PathBuf,
    pub work: PathBuf,
    pub shard: Option<Shard>,
}

impl RunFolder {
    pub fn for_config(config: &RunConfig) -> RunFolder {
        let work = match config.shard {
            Some(shard) => config.out_dir.join(shard.folder_name()),
            None => config.out_dir.join("parts"),
        };
        RunFolder {
            out: config.out_dir.clone(),
            work,
            shard: config.shard,
        }
    }

    /// Refuses a finished run unless `overwrite` (then removes it), and clears what a
    /// crash left half-written. A shard touches only its own folder: others may be
    /// running beside it.
    pub fn prepare(&self, overwrite: bool) -> Result<(), RunError> {
        let journal = self.work.join(journal::JOURNAL_FILE);
        let finished = match self.shard {
            // A journal beside the manifest: killed while removing its work files,
            // so it finalizes again (to the same tables) rather than refuse.
            None => self.out.join("manifest.json").exists() && !journal.exists(),
            Some(_) => Journal::read(&journal).is_ok_and(|j| j.finished()),
        };
        if overwrite {
            if self.shard.is_none() {
                for name in FINAL_OUTPUTS {
                    remove_file(&self.out.join(name))?;
                }
            }
            remove_folder(&self.work)?;
        } else if finished {
            return Err(RunError::Finished(match self.shard {
                None => self.out.clone(),
                Some(_) => self.work.clone(),
            }));
        }
        std::fs::create_dir_all(&self.work).map_err(|source| OutputError::Io {
            path: self.work.clone(),
            source,
        })?;
        remove_temp_files(&self.work)?;
        if self.shard.is_none() {
            remove_temp_files(&self.out)?;
        }
        Ok(())
    }
}

pub fn run(config: &RunConfig, hooks: RunHooks) -> Result<RunSummary, RunError> {
    let started = Instant::now();
    let folder = RunFolder::for_config(config);
    folder.prepare(hooks.overwrite)?;
    let header = JournalHeader {
        version: journal::JOURNAL_VERSION,
        config_toml: config.to_toml()?,
        inputs: config.inputs.iter().map(InputStamp::of).collect(),
        started_at: chrono::Utc::now().to_rfc3339(),
        // Asked only where a model runs on CUDA: asking loads libtorch.
        cuda_devices: (config.runs_models() && config.device != crate::models::ResolvedDevice::Cpu)
            .then(crate::models::cuda_devices)
            .and_then(Result::ok),
    };
    let mut journal = Journal::open_or_start(&folder.work, header)?;
    let resumed_chunks = journal.chunks.len() as u64;
    let resumed_articles = journal.articles_done();
    if resumed_chunks > 0 {
        tracing::info!(
            "continuing the run in {}: {resumed_chunks} chunks ({resumed_articles} articles) were done",
            folder.work.display()
        );
    }
    if !journal.finished() {
        stream_chunks(config, &mut journal, &folder.work, hooks)?;
    }
    let mut summary = RunSummary {
        out_dir: config.out_dir.clone(),
        counts: Counts::default(),
        top_speakers: Vec::new(),
        seconds: 0.0,
        outputs: Vec::new(),
        scoring: Vec::new(),
        failures: journal
            .failed_tasks()
            .iter()
            .map(|(t, why)| format!("{t}: {why}"))
            .collect(),
        shard: config.shard,
        resumed_chunks,
        resumed_articles,
    };
    if config.shard.is_some() {
        for chunk in &journal.chunks {
            summary.counts.articles += chunk.articles;
            summary.counts.skipped += chunk.skipped_total;
            summary.counts.skipped_files += chunk.skipped_files;
            summary.counts.statements += chunk.statements;
        }
        summary.outputs = vec![folder.work.display().to_string()];
    } else {
        let works = [FinishedWork {
            folder: folder.work.clone(),
            journal,
        }];
        let done = finalize(config, &works)?;
        remove_work_folder(&folder.work)?;
        summary.counts = done.counts;
        summary.top_speakers = done.top_speakers;
        summary.outputs = done.outputs;
        summary.scoring = done.scoring;
        summary.failures = done.failures;
    }
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Reads the corpus from the start, passes over what the journal has, and runs the
/// rest chunk by chunk; the last chunk (possibly empty) marks the stream's end. The
/// extractor and models load here, so a run that only has to finalize loads none.
fn stream_chunks(config: &RunConfig, journal: &mut Journal, work: &Path, hooks: RunHooks) -> Result<(), RunError> {
    let mut worker = ChunkWorker::load(config, &journal.failed_tasks())?;
    let started = Instant::now();
    let readers: Vec<_> = config.inputs.iter().map(|i| i.format.reader()).collect();
    let mut stream = ArticleStream::new(&config.inputs, &readers, config.limits, config.shard);
    let total_bytes: u64 = journal.header.inputs.iter().map(|i| i.bytes).sum();
    let bar = progress_bar(hooks.progress, total_bytes, BYTES_TEMPLATE);
    let resume_at = journal.events_done();
    let articles_before = journal.articles_done();
    while stream.position() < resume_at && stream.next().is_some() {}
    bar.set_position(stream.bytes_read());

    let mut chunk = Chunk {
        index: journal.chunks.len() as u64,
        ..Default::default()
    };
    let mut articles_now = 0u64;
    loop {
        let event = stream.next();
        let end = event.is_none();
        match event {
            Some(Event::Article { article, input }) => chunk.articles.push((article, input)),
            Some(Event::Skip {
                skip,
                input,
                whole_file,
            }) => chunk.skips.push((skip, input, whole_file)),
            None => {}
        }
        if !end && chunk.articles.len() < config.chunk_size {
            continue;
        }
        chunk.events_end = stream.position();
        chunk.bytes_read = stream.bytes_read();
        chunk.last = end;
        let next = Chunk {
            index: chunk.index + 1,
            ..Default::default()
        };
        let index = chunk.index;
        let room = crate::output::MAX_SKIPPED_LISTED.saturating_sub(journal.skipped_listed());
        let entry = worker.process(std::mem::replace(&mut chunk, next), work, room)?;
        articles_now += entry.articles;
        journal.append(entry)?;
        fault::kill_point(&format!("chunk:{index}:journal"));
        bar.set_position(stream.bytes_read());
        bar.set_message(progress_message(index + 1, articles_before, articles_now, started));
        if end {
            break;
        }
    }
    bar.finish_and_clear();
    Ok(())
}

fn progress_message(chunks: u64, before: u64, now: u64, started: Instant) -> String {
    let rate = now as f64 / started.elapsed().as_secs_f64().max(1e-9);
    if before > 0 {
        format!("chunk {chunks}: {before} articles before, {now} now, {rate:.0} articles/s")
    } else {
        format!("chunk {chunks}: {now} articles, {rate:.0} articles/s")
    }
}

const BYTES_TEMPLATE: &str = "{spinner} [{bar:30}] {bytes}/{total_bytes} {msg} ETA {eta}";
pub(crate) const ITEMS_TEMPLATE: &str = "{spinner} [{bar:30}] {pos}/{len} {msg} ETA {eta}";

/// A bar on stderr when wanted and stderr is a terminal, else a hidden one.
pub(crate) fn progress_bar(wanted: bool, total: u64, template: &str) -> ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new(total);
    let style = ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar
}

fn remove_file(path: &Path) -> Result<(), OutputError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(OutputError::Io {
            path: path.to_path_buf(),
            source: e,
        }),
        _ => Ok(()),
    }
}

fn remove_folder(path: &Path) -> Result<(), OutputError> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(OutputError::Io {
            path: path.to_path_buf(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// Removes a finished work folder with its journal last, so that a kill halfway
/// leaves a journal (and the run finalizes again) or nothing.
fn remove_work_folder(work: &Path) -> Result<(), OutputError> {
    for table in chunk::TABLES {
        remove_folder(&work.join(table))?;
    }
    remove_file(&work.join(journal::JOURNAL_FILE))?;
    remove_folder(work)
}

/// Removes `.NAME.XXXXXX.tmp` files (see [`crate::output::AtomicFile`]) that a killed
/// process left in `folder` and its table folders.
fn remove_temp_files(folder: &Path) -> Result<(), OutputError> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Ok(());
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if chunk::TABLES.contains(&name.as_str()) {
                remove_temp_files(&path)?;
            }
        } else if name.starts_with('.') && name.ends_with(".tmp") {
            remove_file(&path)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crash_leftovers_go_and_finished_runs_stay_unless_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().to_path_buf();
        let folder = RunFolder {
            out: out.clone(),
            work: out.join("parts"),
            shard: None,
        };
        std::fs::create_dir_all(out.join("parts/statements")).unwrap();
        std::fs::write(out.join(".articles.parquet.a1b2c3.tmp"), "half").unwrap();
        std::fs::write(out.join("parts/statements/.000001.parquet.x.tmp"), "half").unwrap();
        std::fs::write(out.join("parts/statements/000000.parquet"), "whole").unwrap();
        folder.prepare(false).unwrap();
        assert!(!out.join(".articles.parquet.a1b2c3.tmp").exists());
        assert!(!out.join("parts/statements/.000001.parquet.x.tmp").exists());
        assert!(out.join("parts/statements/000000.parquet").exists());

        std::fs::write(out.join("manifest.json"), "{}").unwrap();
        std::fs::write(out.join("parts/journal.jsonl"), "").unwrap();
        folder
            .prepare(false)
            .expect("a run killed after its manifest finalizes again");
        std::fs::remove_file(out.join("parts/journal.jsonl")).unwrap();
        let err = folder.prepare(false).unwrap_err().to_string();
        assert!(err.contains("finished run") && err.contains("--overwrite"), "{err}");
        folder.prepare(true).unwrap();
        assert!(!out.join("manifest.json").exists());
        assert!(!out.join("parts/statements").exists());
    }
}
