//! Finalize: from the part files and journals of finished chunks (one work folder for
//! a single run, one per shard for `merge`) to the run's tables and manifest.
//!
//! Run-wide decisions happen here and only here: which name an actor goes by, which
//! name forms (initials, a surname alone) join a full name. Tables are built part by
//! part, so memory holds one part at a time. Every file is written atomically and `manifest.json` last: a
//! run killed while finalizing finalizes again when re-run.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Instant;

use polars::prelude::*;

use crate::actors::{name_merges, Actor, ActorKind};
use crate::config::{RunConfig, RUN_CONFIG_FILE};
use crate::models::{ResolvedModel, Task};
use crate::output::{
    actor_mention_rows, actors_frame, articles_frame, stance_frame, statements_frame, tone_frame, write_json,
    write_parquet, write_text, ActorMentionRow, ActorRow, BatchedTable, ChunkingReport, Counts, InputReport, Manifest,
    ModelReport, OutputError, Runtime, ScoringReport, Timings, MAX_SKIPPED_LISTED,
};
use crate::score::ScoreStats;

use super::chunk::{part_path, ACTOR_MENTIONS, ARTICLES, STANCE, STATEMENTS, TONE};
use super::fault::kill_point;
use super::journal::Journal;
use super::roles::{bind_roles, RoleVotes};
use super::RunError;

/// A finished work folder and its journal.
pub struct FinishedWork {
    pub folder: PathBuf,
    pub journal: Journal,
}

impl FinishedWork {
    fn parts<'a>(&'a self, table: &'a str) -> impl Iterator<Item = PathBuf> + 'a {
        self.journal
            .chunks
            .iter()
            .filter(move |c| c.tables.iter().any(|t| t == table))
            .map(move |c| part_path(&self.folder, table, c.index))
    }
}

/// What finalizing wrote, for the summary.
pub struct Finalized {
    pub counts: Counts,
    pub top_speakers: Vec<(String, u64)>,
    pub outputs: Vec<String>,
    pub scoring: Vec<ScoringReport>,
    pub failures: Vec<String>,
}

/// Builds the tables in `config.out_dir` from `works` (in shard order), then the
/// manifest.
pub fn finalize(config: &RunConfig, works: &[FinishedWork]) -> Result<Finalized, RunError> {
    let started = Instant::now();
    let out = &config.out_dir;
    let journals: Vec<&Journal> = works.iter().map(|w| &w.journal).collect();
    let mut outputs = Vec::new();

    concatenate(
        works,
        ARTICLES,
        articles_frame(&[]),
        &out.join("articles.parquet"),
        |f| Ok(f),
    )?;
    outputs.push("articles.parquet".to_string());
    kill_point("finalize:articles");

    let (mut actors, mentions, role_votes) = run_actors(config, works)?;
    let merges = name_merges(&actors, &mentions);
    for id in merges.keys() {
        actors.remove(id);
    }
    let roles = role_votes.bound(&merges, &actors);
    let mut bound_actors = HashSet::new();
    let mut tally = StatementTally::default();
    concatenate(
        works,
        STATEMENTS,
        statements_frame(&[]),
        &out.join("statements.parquet"),
        |frame| {
            let frame = merge_actor_ids(frame, &merges)?;
            let frame = bind_roles(frame, &roles, &mut bound_actors)?;
            tally.add(&frame)?;
            Ok(frame)
        },
    )?;
    // A person bound to a role may speak in the run only through it.
    for actor in roles.values().filter(|a| bound_actors.contains(&a.id)) {
        actors.entry(actor.id.clone()).or_insert_with(|| actor.clone());
    }
    outputs.push("statements.parquet".to_string());
    kill_point("finalize:statements");

    let actor_rows = actor_rows(&actors, &tally);
    let mut frame = actors_frame(&actor_rows).map_err(|source| RunError::Table {
        table: "actors",
        source,
    })?;
    write_parquet(&out.join("actors.parquet"), &mut frame)?;
    outputs.push("actors.parquet".to_string());
    write_text(&out.join(RUN_CONFIG_FILE), &config.to_toml()?)?;
    outputs.push(RUN_CONFIG_FILE.to_string());

    let failed: BTreeMap<String, String> = journals.iter().flat_map(|j| j.failed_tasks()).collect();
    let mut scoring = Vec::new();
    for (task, table) in [(Task::Tone, TONE), (Task::Stance, STANCE)] {
        let report = scoring_report(config, task, &failed, &journals);
        if report.status == "scored" {
            let empty = match task {
                Task::Tone => tone_frame("statement_id", &[]),
                _ => stance_frame("statement_id", &[]),
            };
            let file = format!("{table}.parquet");
            concatenate(works, table, empty, &out.join(&file), |f| Ok(f))?;
            outputs.push(file);
            kill_point(&format!("finalize:{table}"));
        }
        scoring.push(report);
    }
    outputs.push("manifest.json".to_string());

    let mut counts = Counts::default();
    let mut skipped = Vec::new();
    // Every work folder stamped the same inputs (a merge checks it).
    let stamps = journals.first().map(|j| j.header.inputs.as_slice()).unwrap_or_default();
    let mut inputs: Vec<InputReport> = config
        .inputs
        .iter()
        .enumerate()
        .map(|(i, input)| InputReport {
            input: input.clone(),
            bytes: stamps.get(i).map_or(0, |stamp| stamp.bytes),
            articles: 0,
            skipped: 0,
            error: None,
        })
        .collect();
    let (mut extract_seconds, mut score_seconds) = (0.0, 0.0);
    for chunk in journals.iter().flat_map(|j| &j.chunks) {
        counts.articles += chunk.articles;
        counts.skipped += chunk.skipped_total;
        counts.skipped_files += chunk.skipped_files;
        extract_seconds += chunk.extract_seconds;
        score_seconds += chunk.score_seconds;
        for listed in &chunk.skipped {
            if skipped.len() < MAX_SKIPPED_LISTED {
                skipped.push(listed.clone());
            }
        }
        for tally in &chunk.inputs {
            if let Some(report) = inputs.get_mut(tally.input) {
                report.articles += tally.articles;
                report.skipped += tally.skipped;
                if tally.error.is_some() {
                    report.error = tally.error.clone();
                }
            }
        }
    }
    counts.statements = tally.statements;
    counts.statements_by_kind = tally.by_kind.clone();
    counts.statements_without_speaker = tally.without_speaker;
    counts.statements_without_actor = tally.without_actor;
    counts.actors = actor_rows.len() as u64;
    counts.actors_in_study = actor_rows.iter().filter(|a| a.in_study).count() as u64;

    let first = journals
        .iter()
        .map(|j| j.header.started_at.clone())
        .min()
        .unwrap_or_default();
    let finalize_seconds = started.elapsed().as_secs_f64();
    let manifest = Manifest {
        stancemap_version: env!("CARGO_PKG_VERSION").to_string(),
        started_at: first,
        finished_at: chrono::Utc::now().to_rfc3339(),
        config: config.clone(),
        inputs,
        counts: counts.clone(),
        skipped,
        timings: Timings {
            read_extract_seconds: extract_seconds,
            write_seconds: finalize_seconds,
            total_seconds: extract_seconds + score_seconds + finalize_seconds,
            articles_per_second: counts.articles as f64 / extract_seconds.max(1e-9),
        },
        runtime: Runtime {
            threads: config.threads,
            device: config.device.describe(),
            cuda_devices: journals.first().and_then(|j| j.header.cuda_devices),
            extractor: config.extractor.name().to_string(),
        },
        chunking: ChunkingReport {
            chunk_size: config.chunk_size as u64,
            chunks: journals.iter().map(|j| j.chunks.len() as u64).sum(),
            shards: works.len() as u64,
        },
        outputs: outputs.clone(),
        models: config
            .models
            .iter()
            .chain(config.extractor.tagger().map(|t| &t.model))
            .map(|model| model_report(model, config.runtime()))
            .collect(),
        scoring: scoring.clone(),
    };
    write_json(&out.join("manifest.json"), &manifest)?;
    kill_point("finalize:manifest");

    let mut top: Vec<(String, u64)> = actor_rows
        .iter()
        .map(|a| (format!("{} ({})", a.name, a.actor_id), a.statement_count as u64))
        .collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(8);
    let failures = failed.iter().map(|(task, why)| format!("{task}: {why}")).collect();
    Ok(Finalized {
        counts,
        top_speakers: top,
        outputs,
        scoring,
        failures,
    })
}

/// Writes every part of `table` into one Parquet file at `target`, one row group a
/// part, each part passed through `each` first.
fn concatenate(
    works: &[FinishedWork],
    table: &'static str,
    empty: PolarsResult<DataFrame>,
    target: &Path,
    mut each: impl FnMut(DataFrame) -> PolarsResult<DataFrame>,
) -> Result<(), RunError> {
    let empty = empty.map_err(|source| RunError::Table { table, source })?;
    let schema = empty.schema().as_ref().clone();
    let mut writer = BatchedTable::create(target, &schema)?;
    for path in works.iter().flat_map(|w| w.parts(table)) {
        let frame = read_part(&path)?;
        let frame = each(frame).map_err(|source| RunError::Table { table, source })?;
        writer.write(&frame)?;
    }
    writer.commit()?;
    Ok(())
}

fn read_part(path: &Path) -> Result<DataFrame, RunError> {
    let file = File::open(path).map_err(|source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    ParquetReader::new(file).finish().map_err(|source| RunError::Part {
        path: path.to_path_buf(),
        source,
    })
}

/// The run's actors: the study's, and every other id under the name form mentioned
/// most often (ties: the first in sort order), so that the choice does not depend on
/// the order chunks or shards ran in; with each found actor's mentions in the run.
type RunActors = (HashMap<String, Actor>, HashMap<String, i64>, RoleVotes);

fn run_actors(config: &RunConfig, works: &[FinishedWork]) -> Result<RunActors, RunError> {
    let mut actors: HashMap<String, Actor> = config
        .study
        .actors
        .iter()
        .map(|spec| (spec.id.clone(), Actor::from(spec)))
        .collect();
    let mut forms: BTreeMap<String, BTreeMap<String, (i64, Actor)>> = BTreeMap::new();
    // Known kinds per id, with their mentions: an actor one article shows to be a
    // person is one in the run.
    let mut kinds: BTreeMap<String, BTreeMap<&'static str, i64>> = BTreeMap::new();
    let mut roles = RoleVotes::default();
    for path in works.iter().flat_map(|w| w.parts(ACTOR_MENTIONS)) {
        let rows = actor_mention_rows(&read_part(&path)?).map_err(|source| RunError::Part {
            path: path.clone(),
            source,
        })?;
        for row in rows.into_iter().filter(|r| !r.in_study) {
            if let Some(role) = &row.role {
                roles.add(role, found_actor(&row), row.mentions);
                continue;
            }
            let entry = forms
                .entry(row.actor_id.clone())
                .or_default()
                .entry(row.name.clone())
                .or_insert_with(|| (0, found_actor(&row)));
            entry.0 += row.mentions;
            let kind = ActorKind::from_name(&row.kind);
            if kind != ActorKind::Unknown {
                *kinds
                    .entry(row.actor_id.clone())
                    .or_default()
                    .entry(kind.as_str())
                    .or_insert(0) += row.mentions;
            }
        }
    }
    let mut mentions: HashMap<String, i64> = HashMap::new();
    for (id, names) in forms {
        if actors.contains_key(&id) {
            continue;
        }
        mentions.insert(id.clone(), names.values().map(|(count, _)| count).sum());
        let mut best: Option<(i64, Actor)> = None;
        for (count, actor) in names.into_values() {
            if best.as_ref().is_none_or(|(best_count, _)| count > *best_count) {
                best = Some((count, actor));
            }
        }
        if let Some((_, mut actor)) = best {
            if let Some((kind, _)) = kinds.get(&id).and_then(|k| k.iter().max_by_key(|(_, n)| **n)) {
                actor.kind = ActorKind::from_name(kind);
            }
            actors.insert(id, actor);
        }
    }
    Ok((actors, mentions, roles))
}

/// The actor an actor-mention row of a part names (found in the text, not the study's).
fn found_actor(row: &ActorMentionRow) -> Actor {
    Actor {
        id: row.actor_id.clone(),
        name: row.name.clone(),
        kind: ActorKind::from_name(&row.kind),
        affiliation: row.affiliation.clone(),
        in_study: false,
    }
}

fn merge_actor_ids(mut frame: DataFrame, merges: &HashMap<String, String>) -> PolarsResult<DataFrame> {
    if merges.is_empty() {
        return Ok(frame);
    }
    let merged: StringChunked = frame
        .column("actor_id")?
        .str()?
        .into_iter()
        .map(|id| id.map(|id| merges.get(id).map_or(id, String::as_str)))
        .collect();
    frame.with_column(merged.with_name("actor_id".into()).into_series())?;
    Ok(frame)
}

/// Counts over the final statements, taken part by part.
#[derive(Default)]
struct StatementTally {
    statements: u64,
    by_kind: BTreeMap<String, u64>,
    without_speaker: u64,
    without_actor: u64,
    per_actor: HashMap<String, i64>,
    /// An article's statements are all in one part, so articles per actor add up.
    articles_per_actor: HashMap<String, i64>,
    /// Per actor, how often each speaker text named it.
    forms: HashMap<String, HashMap<String, u64>>,
}

/// Mention forms listed per actor in `actors.parquet`.
const MENTION_FORMS_LISTED: usize = 20;

impl StatementTally {
    fn add(&mut self, frame: &DataFrame) -> PolarsResult<()> {
        self.statements += frame.height() as u64;
        for kind in frame.column("kind")?.str()?.into_iter().flatten() {
            *self.by_kind.entry(kind.to_string()).or_insert(0) += 1;
        }
        self.without_speaker += frame.column("speaker_text")?.null_count() as u64;
        self.without_actor += frame.column("actor_id")?.null_count() as u64;
        let mut seen: HashSet<(&str, &str)> = HashSet::new();
        let actors = frame.column("actor_id")?.str()?;
        let articles = frame.column("article_id")?.str()?;
        let speakers = frame.column("speaker_text")?.str()?;
        for ((actor, article), speaker) in actors.into_iter().zip(articles).zip(speakers) {
            if let (Some(actor), Some(article)) = (actor, article) {
                *self.per_actor.entry(actor.to_string()).or_insert(0) += 1;
                if seen.insert((actor, article)) {
                    *self.articles_per_actor.entry(actor.to_string()).or_insert(0) += 1;
                }
                if let Some(speaker) = speaker {
                    let forms = self.forms.entry(actor.to_string()).or_default();
                    *forms.entry(speaker.trim().to_string()).or_insert(0) += 1;
                }
            }
        }
        Ok(())
    }
}

impl StatementTally {
    /// An actor's speaker texts, most frequent first (ties in sort order).
    fn mention_forms(&self, actor: &str) -> Vec<String> {
        let Some(forms) = self.forms.get(actor) else {
            return Vec::new();
        };
        let mut forms: Vec<(&String, &u64)> = forms.iter().collect();
        forms.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        forms
            .into_iter()
            .take(MENTION_FORMS_LISTED)
            .map(|(f, _)| f.clone())
            .collect()
    }
}

fn actor_rows(actors: &HashMap<String, Actor>, tally: &StatementTally) -> Vec<ActorRow> {
    let mut rows: Vec<ActorRow> = actors
        .values()
        .map(|a| ActorRow {
            actor_id: a.id.clone(),
            name: a.name.clone(),
            kind: a.kind.as_str().to_string(),
            affiliation: a.affiliation.clone(),
            in_study: a.in_study,
            statement_count: tally.per_actor.get(&a.id).copied().unwrap_or(0),
            article_count: tally.articles_per_actor.get(&a.id).copied().unwrap_or(0),
            mention_forms: tally.mention_forms(&a.id),
        })
        .collect();
    rows.sort_by(|a, b| {
        b.statement_count
            .cmp(&a.statement_count)
            .then(a.actor_id.cmp(&b.actor_id))
    });
    rows
}

/// Whether a task was scored over the whole run, and its summed counts.
fn scoring_report(
    config: &RunConfig,
    task: Task,
    failed: &BTreeMap<String, String>,
    journals: &[&Journal],
) -> ScoringReport {
    let name = task.as_str();
    let status = |status: &str| ScoringReport {
        task: name.into(),
        status: status.into(),
        stats: None,
    };
    if !config.models.iter().any(|m| m.spec.task == task) {
        return status("no model configured");
    }
    if task == Task::Stance && config.study.targets.is_empty() {
        return status("no targets in the study");
    }
    if let Some(why) = failed.get(name) {
        return status(&format!("failed: {why}"));
    }
    let mut total: Option<ScoreStats> = None;
    for stats in journals.iter().flat_map(|j| &j.chunks).flat_map(|c| &c.scoring) {
        if stats.task != name {
            continue;
        }
        let sum = total.get_or_insert_with(|| ScoreStats {
            task: stats.task.clone(),
            model: stats.model.clone(),
            ..Default::default()
        });
        sum.inputs += stats.inputs;
        sum.unique_inputs += stats.unique_inputs;
        sum.deduplicated += stats.deduplicated;
        sum.truncated += stats.truncated;
        sum.seconds += stats.seconds;
    }
    let model = config.models.iter().find(|m| m.spec.task == task);
    ScoringReport {
        task: name.into(),
        status: "scored".into(),
        stats: Some(total.unwrap_or_else(|| ScoreStats {
            task: name.into(),
            model: model.map(|m| m.spec.name.clone()).unwrap_or_default(),
            ..Default::default()
        })),
    }
}

fn model_report(model: &ResolvedModel, runtime: crate::models::Runtime) -> ModelReport {
    let plan = model.engine(runtime);
    ModelReport {
        engine: plan
            .as_ref()
            .map_or_else(|e| format!("unavailable: {e}"), |plan| plan.engine.as_str().to_string()),
        precision: plan
            .as_ref()
            .map_or_else(|_| String::new(), |plan| plan.precision.as_str().to_string()),
        name: model.spec.name.clone(),
        task: model.spec.task.as_str().into(),
        architecture: model.spec.architecture.model_type().into(),
        source: model.spec.source.clone(),
        folder: model.dir.display().to_string(),
        weights_sha256: model.weights_sha256.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actor_ids_are_merged_in_place() {
        let frame = df!("actor_id" => [Some("smith"), None, Some("x")], "n" => [1, 2, 3]).unwrap();
        let merges = HashMap::from([("smith".to_string(), "john-smith".to_string())]);
        let merged = merge_actor_ids(frame, &merges).unwrap();
        let ids: Vec<Option<&str>> = merged.column("actor_id").unwrap().str().unwrap().into_iter().collect();
        assert_eq!(ids, vec![Some("john-smith"), None, Some("x")]);
    }

    #[test]
    fn statement_tally_counts_articles_once_per_actor() {
        let frame = df!(
            "actor_id" => [Some("a"), Some("a"), Some("b"), None],
            "article_id" => ["1", "1", "1", "2"],
            "kind" => ["direct", "indirect", "direct", "direct"],
            "speaker_text" => [Some("A"), Some("he"), Some("B"), None],
        )
        .unwrap();
        let mut tally = StatementTally::default();
        tally.add(&frame).unwrap();
        tally.add(&frame).unwrap();
        assert_eq!(tally.statements, 8);
        assert_eq!(tally.per_actor["a"], 4);
        assert_eq!(
            tally.articles_per_actor["a"], 2,
            "once per part, and parts never share an article"
        );
        assert_eq!(tally.by_kind["direct"], 6);
        assert_eq!((tally.without_speaker, tally.without_actor), (2, 2));
        assert_eq!(
            tally.mention_forms("a"),
            vec!["A", "he"],
            "most frequent first, then in sort order"
        );
        assert!(tally.mention_forms("nobody").is_empty());
    }
}
