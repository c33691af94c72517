//! `stancemap score`: tone or stance for rows the user already has, outside a run.

use std::path::PathBuf;

use crate::corpus::Skipped;
use crate::models::Task;
use crate::output::{stance_frame, tone_frame, write_parquet};
use crate::score::{ScoreError, Scorer, StanceItem, StanceScorer, TextItem, ToneScorer};

use super::{progress_bar, RunError, RunHooks, ITEMS_TEMPLATE};

/// Statements scored per progress step.
const SCORE_CHUNK: usize = 512;

/// What `stancemap score` was asked to do.
#[derive(Debug, Clone)]
pub struct ScoreJob {
    pub task: Task,
    pub input: PathBuf,
    pub out: PathBuf,
    pub models: crate::config::ModelOptions,
    pub device: crate::models::DeviceChoice,
    pub threads: Option<usize>,
    pub quiet: bool,
}

#[derive(Debug, Clone)]
pub struct ScoreJobSummary {
    pub rows: usize,
    pub skipped: Vec<Skipped>,
    pub stats: crate::score::ScoreStats,
}

#[derive(Debug, thiserror::Error)]
pub enum ScoreJobError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("no {0} model: name one with --model, or declare a default in a registry (--models FILE)")]
    NoModel(&'static str),
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}: no row could be scored")]
    NothingToScore(PathBuf),
    #[error(transparent)]
    Run(#[from] RunError),
    #[error("`stancemap score` runs tone and stance models; an attribution tagger runs in `stancemap run --extractor learned`")]
    NotAScorer,
}

/// `stancemap score`: scores `{id, text}` rows (tone) or `{id, text, target}` rows
/// (stance, the target being free text used in the hypotheses) from a JSONL file.
pub fn score_file(job: &ScoreJob) -> Result<ScoreJobSummary, ScoreJobError> {
    let runtime = job.models.runtime(job.device, job.threads)?;
    let settings = job.models.settings()?;
    let model = job
        .models
        .resolve_one(job.task)?
        .ok_or(ScoreJobError::NoModel(job.task.as_str()))?;
    let raw = std::fs::read(&job.input).map_err(|source| ScoreJobError::Read {
        path: job.input.clone(),
        source,
    })?;
    let (rows, skipped) = score_rows(&raw, &job.input, job.task == Task::Stance);
    for skip in &skipped {
        tracing::warn!("skipped {skip}");
    }
    if rows.is_empty() {
        return Err(ScoreJobError::NothingToScore(job.input.clone()));
    }
    let hooks = RunHooks {
        progress: !job.quiet,
        overwrite: false,
    };
    let (mut frame, stats) = match job.task {
        Task::Attribution => return Err(ScoreJobError::NotAScorer),
        Task::Tone => {
            let scorer = ToneScorer::load(&model, runtime, settings).map_err(|e| RunError::Score(e.into()))?;
            let items: Vec<TextItem> = rows
                .iter()
                .map(|(id, text, _)| TextItem {
                    id: id.clone(),
                    text: text.clone(),
                })
                .collect();
            let mut stats = scorer.stats();
            let scored = in_chunks(&scorer, &items, &mut stats, hooks, "tone").map_err(RunError::from)?;
            (
                tone_frame("id", &scored).map_err(|source| RunError::Table { table: "tone", source })?,
                stats,
            )
        }
        Task::Stance => {
            let scorer = StanceScorer::load(&model, runtime, settings).map_err(|e| RunError::Score(e.into()))?;
            let items: Vec<StanceItem> = rows
                .iter()
                .map(|(id, text, target)| {
                    let target = target.clone().unwrap_or_default();
                    StanceItem {
                        id: id.clone(),
                        text: text.clone(),
                        target: crate::score::Target::new(&target, &target),
                    }
                })
                .collect();
            let mut stats = scorer.stats();
            let scored = in_chunks(&scorer, &items, &mut stats, hooks, "stance").map_err(RunError::from)?;
            (
                stance_frame("id", &scored).map_err(|source| RunError::Table {
                    table: "stance",
                    source,
                })?,
                stats,
            )
        }
    };
    if let Some(parent) = job.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| ScoreJobError::Read {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    write_parquet(&job.out, &mut frame).map_err(RunError::from)?;
    Ok(ScoreJobSummary {
        rows: frame.height(),
        skipped,
        stats,
    })
}

/// Parses `{id, text[, target]}` JSONL rows; bad rows are returned as skips.
fn score_rows(
    raw: &[u8],
    path: &std::path::Path,
    needs_target: bool,
) -> (Vec<(String, String, Option<String>)>, Vec<Skipped>) {
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for (n, line) in raw.split(|&b| b == b'\n').enumerate() {
        let line_no = n as u64 + 1;
        let skip = |reason: String| Skipped {
            file: path.display().to_string(),
            line: Some(line_no),
            article_id: None,
            reason,
        };
        if line.trim_ascii().is_empty() {
            continue;
        }
        let value: serde_json::Value = match std::str::from_utf8(line)
            .map_err(|e| e.to_string())
            .and_then(|l| serde_json::from_str(l).map_err(|e| e.to_string()))
        {
            Ok(v) => v,
            Err(e) => {
                skipped.push(skip(format!("not a JSON line: {e}")));
                continue;
            }
        };
        let field = |name: &str| match value.get(name) {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let (Some(id), Some(text)) = (field("id"), field("text")) else {
            skipped.push(skip("each row needs \"id\" and \"text\"".into()));
            continue;
        };
        let target = field("target").filter(|t| !t.trim().is_empty());
        if needs_target && target.is_none() {
            skipped.push(skip(
                "stance rows need a \"target\" (free text such as \"a ceasefire\")".into(),
            ));
            continue;
        }
        rows.push((id, text, target));
    }
    (rows, skipped)
}

/// Runs a scorer over `items` in chunks, advancing a progress bar.
fn in_chunks<S: Scorer>(
    scorer: &S,
    items: &[S::Item],
    stats: &mut crate::score::ScoreStats,
    hooks: RunHooks,
    what: &str,
) -> Result<Vec<S::Row>, ScoreError> {
    let bar = progress_bar(hooks.progress, items.len() as u64, ITEMS_TEMPLATE);
    bar.set_message(format!("{what} with {}", scorer.model().spec.name));
    let mut rows = Vec::with_capacity(items.len());
    for chunk in items.chunks(SCORE_CHUNK) {
        rows.extend(scorer.score(chunk, stats)?);
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    Ok(rows)
}
