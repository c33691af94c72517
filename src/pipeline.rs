//! The `run` job: corpus → text → extract → actors → output, with progress, skips and
//! the manifest.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::actors::{surname_merges, Actor, ActorResolver};
use crate::config::{RunConfig, RUN_CONFIG_FILE};
use crate::corpus::{Article, Skipped};
use crate::extract::Extractor;
use crate::models::{ModelError, ResolvedModel, Task};
use crate::output::{
    actors_frame, articles_frame, stance_frame, statements_frame, tone_frame, write_json, write_parquet, write_text,
    ActorRow, ArticleRow, BatchedTable, Counts, InputReport, Manifest, ModelReport, OutputError, Runtime,
    ScoringReport, StatementRow, Timings, MAX_SKIPPED_LISTED,
};
use crate::score::{ScoreError, Scorer, StanceItem, StanceScorer, TextItem, ToneScorer};
use crate::text::{CharOffsets, Document};

/// Articles extracted together (in parallel) and written as one Parquet row group.
const BATCH: usize = 256;

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
}

/// How the run talks to the person running it.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunHooks {
    /// Draw a progress bar on stderr (only when stderr is a terminal).
    pub progress: bool,
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
}

/// One article's statements with actors resolved (ids before run-wide merging).
struct ArticleResult {
    row: ArticleRow,
    statements: Vec<StatementRow>,
    actors: Vec<Actor>,
}

pub fn run(config: &RunConfig, hooks: RunHooks) -> Result<RunSummary, RunError> {
    let started = Instant::now();
    let started_at = chrono::Utc::now().to_rfc3339();
    if config.runs_models() {
        // A missing engine also fails each model's load below, where the run reports
        // it and goes on; here it is only worth a warning.
        if let Err(error) = crate::models::set_threads(config.threads) {
            tracing::warn!("{error}");
        }
    }
    let extractor = config
        .extractor
        .build(config.device)
        .map_err(|source| RunError::Extractor {
            extractor: config.extractor.name(),
            source,
        })?;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(config.threads).build().ok();
    let resolver = ActorResolver::new(&config.study);
    let out = &config.out_dir;

    let total_bytes: u64 = config.inputs.iter().map(|i| input_bytes(&i.path)).sum();
    let bar = progress_bar(hooks.progress, total_bytes, BYTES_TEMPLATE);

    let articles_path = out.join("articles.parquet");
    let schema = articles_frame(&[])
        .map_err(|source| RunError::Table {
            table: "articles",
            source,
        })?
        .schema()
        .as_ref()
        .clone();
    let mut articles_table = BatchedTable::create(&articles_path, &schema)?;

    let mut skipped: Vec<Skipped> = Vec::new();
    let mut skipped_total = 0u64;
    let mut skipped_files = 0u64;
    let mut seen_ids: HashMap<String, (String, Option<u64>)> = HashMap::new();
    let mut statements: Vec<StatementRow> = Vec::new();
    // Study actors are listed even when they say nothing.
    let mut actors: HashMap<String, Actor> = config
        .study
        .actors
        .iter()
        .map(|spec| (spec.id.clone(), Actor::from(spec)))
        .collect();
    let mut reports = Vec::new();
    let mut counts = Counts::default();

    let mut note_skip = |skip: Skipped, skipped: &mut Vec<Skipped>| {
        tracing::warn!("skipped {skip}");
        skipped_total += 1;
        if skipped.len() < MAX_SKIPPED_LISTED {
            skipped.push(skip);
        }
    };

    for input in &config.inputs {
        let mut report = InputReport {
            input: input.clone(),
            bytes: input_bytes(&input.path),
            articles: 0,
            skipped: 0,
            error: None,
        };
        let reader = input.format.reader();
        let records = match reader.read(&input.path, config.limits) {
            Ok(records) => records,
            Err(e) => {
                let file = input.path.display().to_string();
                let message = e.to_string();
                let reason = message
                    .strip_prefix(&format!("{file}: "))
                    .unwrap_or(&message)
                    .to_string();
                report.error = Some(message.clone());
                skipped_files += 1;
                note_skip(
                    Skipped {
                        file,
                        line: None,
                        article_id: None,
                        reason,
                    },
                    &mut skipped,
                );
                reports.push(report);
                continue;
            }
        };
        let mut batch: Vec<Article> = Vec::with_capacity(BATCH);
        let mut flush = |batch: &mut Vec<Article>| -> Result<Vec<Skipped>, RunError> {
            let extract = || -> Vec<Result<ArticleResult, Skipped>> {
                batch
                    .par_iter()
                    .map(|a| process_article(a, extractor.as_ref(), &resolver))
                    .collect()
            };
            let mut results: Vec<ArticleResult> = Vec::with_capacity(batch.len());
            let mut failed: Vec<Skipped> = Vec::new();
            for outcome in match &pool {
                Some(pool) => pool.install(extract),
                None => extract(),
            } {
                match outcome {
                    Ok(result) => results.push(result),
                    Err(skip) => failed.push(skip),
                }
            }
            let rows: Vec<ArticleRow> = results.iter().map(|r| r.row.clone()).collect();
            let frame = articles_frame(&rows).map_err(|source| RunError::Table {
                table: "articles",
                source,
            })?;
            articles_table.write(&frame)?;
            for result in results {
                for actor in result.actors {
                    actors.entry(actor.id.clone()).or_insert(actor);
                }
                statements.extend(result.statements);
            }
            let bytes: u64 = batch.iter().map(|a| a.input_bytes).sum();
            bar.inc(bytes);
            batch.clear();
            Ok(failed)
        };
        for record in records {
            match record {
                Ok(article) => {
                    if let Some((file, line)) = seen_ids.get(&article.id) {
                        let first = match line {
                            Some(line) => format!("{file}:{line}"),
                            None => file.clone(),
                        };
                        report.skipped += 1;
                        note_skip(
                            Skipped {
                                file: article.origin_file.clone(),
                                line: article.origin_line,
                                article_id: Some(article.id.clone()),
                                reason: format!(
                                    "duplicate article id, first seen at {first}: give each article its own id"
                                ),
                            },
                            &mut skipped,
                        );
                        continue;
                    }
                    seen_ids.insert(article.id.clone(), (article.origin_file.clone(), article.origin_line));
                    report.articles += 1;
                    counts.articles += 1;
                    batch.push(article);
                    if batch.len() >= BATCH {
                        for skip in recount_failed(flush(&mut batch)?, &mut report, &mut counts) {
                            note_skip(skip, &mut skipped);
                        }
                        bar.set_message(rate_message(counts.articles, started));
                    }
                }
                Err(skip) => {
                    report.skipped += 1;
                    note_skip(skip, &mut skipped);
                }
            }
        }
        for skip in recount_failed(flush(&mut batch)?, &mut report, &mut counts) {
            note_skip(skip, &mut skipped);
        }
        bar.set_message(rate_message(counts.articles, started));
        reports.push(report);
    }
    bar.finish_and_clear();
    let extracted = started.elapsed().as_secs_f64();

    // Surname-only ids join the single full name that ends with them.
    let merges = surname_merges(&actors);
    for statement in &mut statements {
        if let Some(target) = statement.actor_id.as_ref().and_then(|id| merges.get(id)) {
            statement.actor_id = Some(target.clone());
        }
    }
    for id in merges.keys() {
        actors.remove(id);
    }

    let write_started = Instant::now();
    let actor_rows = actor_rows(&actors, &statements);
    let mut outputs = Vec::new();
    let mut statements_frame = statements_frame(&statements).map_err(|source| RunError::Table {
        table: "statements",
        source,
    })?;
    let mut actors_frame = actors_frame(&actor_rows).map_err(|source| RunError::Table {
        table: "actors",
        source,
    })?;
    articles_table.commit()?;
    outputs.push("articles.parquet".to_string());
    write_parquet(&out.join("statements.parquet"), &mut statements_frame)?;
    outputs.push("statements.parquet".to_string());
    write_parquet(&out.join("actors.parquet"), &mut actors_frame)?;
    outputs.push("actors.parquet".to_string());
    write_text(&out.join(RUN_CONFIG_FILE), &config.to_toml()?)?;
    outputs.push(RUN_CONFIG_FILE.to_string());

    // Scoring comes after the extraction tables are safely written: a model that
    // fails to load costs its own table, not the others.
    let mut failures = Vec::new();
    let scoring = score_statements(config, &statements, hooks, &mut outputs, &mut failures)?;
    outputs.push("manifest.json".to_string());

    counts.skipped = skipped_total;
    counts.skipped_files = skipped_files;
    counts.statements = statements.len() as u64;
    let mut by_kind = BTreeMap::new();
    for s in &statements {
        *by_kind.entry(s.kind.clone()).or_insert(0) += 1;
    }
    counts.statements_by_kind = by_kind;
    counts.statements_without_speaker = statements.iter().filter(|s| s.speaker_text.is_none()).count() as u64;
    counts.statements_without_actor = statements.iter().filter(|s| s.actor_id.is_none()).count() as u64;
    counts.actors = actor_rows.len() as u64;
    counts.actors_in_study = actor_rows.iter().filter(|a| a.in_study).count() as u64;

    let total = started.elapsed().as_secs_f64();
    let manifest = Manifest {
        stancemap_version: env!("CARGO_PKG_VERSION").to_string(),
        started_at,
        finished_at: chrono::Utc::now().to_rfc3339(),
        config: config.clone(),
        inputs: reports,
        counts: counts.clone(),
        skipped,
        timings: Timings {
            read_extract_seconds: extracted,
            write_seconds: write_started.elapsed().as_secs_f64(),
            total_seconds: total,
            articles_per_second: counts.articles as f64 / extracted.max(1e-9),
        },
        runtime: Runtime {
            threads: config.threads,
            device: config.device.describe(),
            // Asked only where a model ran: asking loads libtorch.
            cuda_devices: config
                .runs_models()
                .then(crate::models::cuda_devices)
                .and_then(Result::ok),
            extractor: extractor.name().to_string(),
        },
        outputs: outputs.clone(),
        models: config
            .models
            .iter()
            .chain(config.extractor.tagger().map(|t| &t.model))
            .map(model_report)
            .collect(),
        scoring: scoring.clone(),
    };
    write_json(&out.join("manifest.json"), &manifest)?;

    let mut top: Vec<(String, u64)> = actor_rows
        .iter()
        .map(|a| (format!("{} ({})", a.name, a.actor_id), a.statement_count as u64))
        .collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(8);
    Ok(RunSummary {
        out_dir: out.clone(),
        counts,
        top_speakers: top,
        seconds: total,
        outputs,
        scoring,
        failures,
    })
}

fn model_report(model: &ResolvedModel) -> ModelReport {
    ModelReport {
        name: model.spec.name.clone(),
        task: model.spec.task.as_str().into(),
        architecture: model.spec.architecture.model_type().into(),
        source: model.spec.source.clone(),
        folder: model.dir.display().to_string(),
        weights_sha256: model.weights_sha256.clone(),
    }
}

/// Statements scored per progress step.
const SCORE_CHUNK: usize = 512;

/// Scores tone and stance with the configured models and writes their tables.
fn score_statements(
    config: &RunConfig,
    statements: &[StatementRow],
    hooks: RunHooks,
    outputs: &mut Vec<String>,
    failures: &mut Vec<String>,
) -> Result<Vec<ScoringReport>, RunError> {
    let device = config.device;
    let model_for = |task: Task| config.models.iter().find(|m| m.spec.task == task);
    let not_scored = |task: &str, status: &str| ScoringReport {
        task: task.into(),
        status: status.into(),
        stats: None,
    };
    let mut reports = Vec::new();
    let items: Vec<TextItem> = statements
        .iter()
        .map(|s| TextItem {
            id: s.statement_id.clone(),
            text: s.content.clone(),
        })
        .collect();
    let tone_items: Vec<TextItem> = statements
        .iter()
        .map(|s| TextItem {
            id: s.statement_id.clone(),
            text: tone_text(&s.kind, &s.content),
        })
        .collect();

    match model_for(Task::Tone) {
        None => reports.push(not_scored("tone", "no model configured")),
        Some(model) => reports.push(score_task(
            "tone",
            || ToneScorer::load(model, device, config.score),
            &tone_items,
            |rows| tone_frame("statement_id", rows),
            &config.out_dir,
            hooks,
            outputs,
            failures,
        )?),
    }

    let targets = config.targets();
    match model_for(Task::Stance) {
        None => reports.push(not_scored("stance", "no model configured")),
        Some(_) if targets.is_empty() => reports.push(not_scored("stance", "no targets in the study")),
        Some(model) => {
            let stance_items: Vec<StanceItem> = items
                .iter()
                .flat_map(|item| {
                    targets.iter().map(|t| StanceItem {
                        id: item.id.clone(),
                        text: item.text.clone(),
                        target: t.clone(),
                    })
                })
                .collect();
            reports.push(score_task(
                "stance",
                || StanceScorer::load(model, device, config.score),
                &stance_items,
                |rows| stance_frame("statement_id", rows),
                &config.out_dir,
                hooks,
                outputs,
                failures,
            )?);
        }
    }
    Ok(reports)
}

/// The words whose tone is the speaker's. A descriptive statement (`described the
/// meeting with Putin as "highly productive"`) is the reporter's object plus the
/// speaker's quoted characterisation: only the latter is the speaker's tone, and
/// names in the object would colour it. Everything else is read whole.
pub fn tone_text(kind: &str, content: &str) -> String {
    if kind != "descriptive" {
        return content.to_string();
    }
    let quoted = quoted_segments(content);
    if quoted.is_empty() {
        content.to_string()
    } else {
        quoted.join(", ")
    }
}

/// Text between paired quotation marks (curly double, curly single, straight double).
fn quoted_segments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (open, close) in [('“', '”'), ('‘', '’'), ('"', '"')] {
        let mut rest = text;
        while let Some(start) = rest.find(open) {
            let after = &rest[start + open.len_utf8()..];
            let Some(end) = after.find(close) else { break };
            let inner = after[..end].trim().trim_end_matches([',', '.', ';', ':']).trim();
            if !inner.is_empty() {
                out.push(inner.to_string());
            }
            rest = &after[end + close.len_utf8()..];
        }
        if !out.is_empty() {
            break;
        }
    }
    out
}

/// Loads a scorer, scores `items` and writes `{task}.parquet`. A model that cannot
/// be used is recorded as a failure, so the run's other tables stand.
#[allow(clippy::too_many_arguments)]
fn score_task<S: Scorer>(
    task: &'static str,
    load: impl FnOnce() -> Result<S, crate::models::ModelError>,
    items: &[S::Item],
    frame: impl FnOnce(&[S::Row]) -> polars::prelude::PolarsResult<polars::prelude::DataFrame>,
    out_dir: &std::path::Path,
    hooks: RunHooks,
    outputs: &mut Vec<String>,
    failures: &mut Vec<String>,
) -> Result<ScoringReport, RunError> {
    let scored = load().map_err(ScoreError::from).and_then(|scorer| {
        let mut stats = scorer.stats();
        let rows = in_chunks(&scorer, items, &mut stats, hooks, task)?;
        Ok((rows, stats))
    });
    match scored {
        Ok((rows, stats)) => {
            let mut table = frame(&rows).map_err(|source| RunError::Table { table: task, source })?;
            let file = format!("{task}.parquet");
            write_parquet(&out_dir.join(&file), &mut table)?;
            outputs.push(file);
            Ok(ScoringReport {
                task: task.into(),
                status: "scored".into(),
                stats: Some(stats),
            })
        }
        Err(e) => {
            failures.push(e.to_string());
            Ok(ScoringReport {
                task: task.into(),
                status: format!("failed: {e}"),
                stats: None,
            })
        }
    }
}

/// Runs a scorer over `items` in chunks, advancing a progress bar.
fn in_chunks<S: Scorer>(
    scorer: &S,
    items: &[S::Item],
    stats: &mut crate::score::ScoreStats,
    hooks: RunHooks,
    what: &str,
) -> Result<Vec<S::Row>, ScoreError> {
    let bar = progress_bar(hooks.progress, items.len() as u64, BYTES_TEMPLATE);
    bar.set_message(format!("{what} with {}", scorer.model().spec.name));
    let mut rows = Vec::with_capacity(items.len());
    for chunk in items.chunks(SCORE_CHUNK) {
        rows.extend(scorer.score(chunk, stats)?);
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    Ok(rows)
}

fn rate_message(articles: u64, started: Instant) -> String {
    let rate = articles as f64 / started.elapsed().as_secs_f64().max(1e-9);
    format!("{articles} articles, {rate:.0} articles/s")
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

fn input_bytes(path: &std::path::Path) -> u64 {
    if path.is_dir() {
        std::fs::read_dir(path)
            .map(|entries| entries.filter_map(Result::ok).map(|e| input_bytes(&e.path())).sum())
            .unwrap_or(0)
    } else {
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
    }
}

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
    let device = crate::models::resolve_device(job.device, true).map_err(crate::config::ConfigError::from)?;
    if let Some(threads) = job.threads {
        crate::models::set_threads(threads).map_err(crate::config::ConfigError::from)?;
    }
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
    let hooks = RunHooks { progress: !job.quiet };
    let (mut frame, stats) = match job.task {
        Task::Attribution => return Err(ScoreJobError::NotAScorer),
        Task::Tone => {
            let scorer = ToneScorer::load(&model, device, settings).map_err(|e| RunError::Score(e.into()))?;
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
            let scorer = StanceScorer::load(&model, device, settings).map_err(|e| RunError::Score(e.into()))?;
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

/// Articles are counted as read when batched; those whose extraction failed become
/// skips instead.
fn recount_failed(failed: Vec<Skipped>, report: &mut InputReport, counts: &mut Counts) -> Vec<Skipped> {
    let n = failed.len() as u64;
    report.skipped += n;
    report.articles -= n;
    counts.articles -= n;
    failed
}

/// Stable id of a statement: its article and content span.
pub fn statement_id(article_id: &str, content_start: i64, content_end: i64) -> String {
    let digest = Sha256::digest(format!("{article_id}\u{1f}{content_start}\u{1f}{content_end}").as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// An article whose extraction failed is skipped (named by file, line and id) and
/// the run goes on.
fn process_article(
    article: &Article,
    extractor: &dyn Extractor,
    resolver: &ActorResolver,
) -> Result<ArticleResult, Skipped> {
    let doc = Document::new(&article.text);
    let attributions = extractor.extract(&doc).map_err(|e| Skipped {
        file: article.origin_file.clone(),
        line: article.origin_line,
        article_id: Some(article.id.clone()),
        reason: format!("extraction failed: {e}"),
    })?;
    let resolved = resolver.resolve_article(&doc, &attributions);
    let offsets = CharOffsets::new(&article.text);
    let at = |byte: usize| offsets.char_of(byte) as i64;
    let mut actors = Vec::new();
    let statements: Vec<StatementRow> = attributions
        .iter()
        .zip(resolved)
        .map(|(a, r)| {
            let (content_start, content_end) = (at(a.content.start), at(a.content.end));
            let actor_id = r.as_ref().map(|r| r.actor.id.clone());
            let resolution = r.as_ref().map(|r| r.method.to_string());
            if let Some(r) = r {
                actors.push(r.actor);
            }
            StatementRow {
                statement_id: statement_id(&article.id, content_start, content_end),
                article_id: article.id.clone(),
                actor_id,
                speaker_text: a.speaker.map(|s| s.slice(&article.text).to_string()),
                speaker_start: a.speaker.map(|s| at(s.start)),
                speaker_end: a.speaker.map(|s| at(s.end)),
                cue: a.cue.map(|s| s.slice(&article.text).to_string()),
                cue_start: a.cue.map(|s| at(s.start)),
                cue_end: a.cue.map(|s| at(s.end)),
                content: a.content_text.clone(),
                content_start,
                content_end,
                kind: a.kind.as_str().to_string(),
                sentence_start: at(a.sentences.start),
                sentence_end: at(a.sentences.end),
                confidence: a.confidence,
                extractor: extractor.name().to_string(),
                resolution,
            }
        })
        .collect();
    let row = ArticleRow {
        article_id: article.id.clone(),
        title: article.title.clone(),
        date: article.date,
        source: article.source.clone(),
        url: article.url.clone(),
        text: article.text.clone(),
        n_chars: article.text.chars().count() as i64,
        input_file: article.origin_file.clone(),
        input_line: article.origin_line.map(|l| l as i64),
        text_offset: article.text_offset as i64,
        statement_count: statements.len() as i64,
    };
    Ok(ArticleResult {
        row,
        statements,
        actors,
    })
}

fn actor_rows(actors: &HashMap<String, Actor>, statements: &[StatementRow]) -> Vec<ActorRow> {
    let mut statement_count: HashMap<&str, i64> = HashMap::new();
    let mut articles: HashMap<&str, HashSet<&str>> = HashMap::new();
    for s in statements {
        if let Some(id) = s.actor_id.as_deref() {
            *statement_count.entry(id).or_insert(0) += 1;
            articles.entry(id).or_default().insert(s.article_id.as_str());
        }
    }
    let mut rows: Vec<ActorRow> = actors
        .values()
        .map(|a| ActorRow {
            actor_id: a.id.clone(),
            name: a.name.clone(),
            kind: a.kind.as_str().to_string(),
            affiliation: a.affiliation.clone(),
            in_study: a.in_study,
            statement_count: statement_count.get(a.id.as_str()).copied().unwrap_or(0),
            article_count: articles.get(a.id.as_str()).map_or(0, |s| s.len() as i64),
        })
        .collect();
    rows.sort_by(|a, b| {
        b.statement_count
            .cmp(&a.statement_count)
            .then(a.actor_id.cmp(&b.actor_id))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptive_tone_reads_the_quoted_words() {
        let content = "Witkoff’s three-hour meeting with Putin as “highly productive,”";
        assert_eq!(tone_text("descriptive", content), "highly productive");
        assert_eq!(
            tone_text("descriptive", "the discussions as “useful” and “constructive,”"),
            "useful, constructive"
        );
        assert_eq!(tone_text("descriptive", "meeting ‘constructive’"), "constructive");
        assert_eq!(
            tone_text("descriptive", "the talks as a failure"),
            "the talks as a failure"
        );
        assert_eq!(tone_text("indirect", content), content);
    }

    #[test]
    fn statement_ids_are_stable_and_distinct() {
        assert_eq!(statement_id("a", 1, 5), statement_id("a", 1, 5));
        assert_ne!(statement_id("a", 1, 5), statement_id("a", 1, 6));
        assert_ne!(statement_id("a", 1, 5), statement_id("b", 1, 5));
        assert_eq!(statement_id("a", 1, 5).len(), 16);
    }
}
