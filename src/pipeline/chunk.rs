//! One chunk of articles through extract → actors → score → part files.
//!
//! A chunk's tables are written as part files (`<table>/<chunk>.parquet` in the work
//! folder, each atomically) before the next chunk starts, so memory holds one chunk
//! at a time. Actor ids stay as found: run-wide merges happen when the run finalizes.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::actors::{Actor, ActorResolver};
use crate::config::RunConfig;
use crate::corpus::{Article, Skipped};
use crate::extract::{Attribution, ExtractError, Extractor};
use crate::models::Task;
use crate::output::{
    actor_mentions_frame, articles_frame, stance_frame, statements_frame, tone_frame, write_parquet, ActorMentionRow,
    ArticleRow, StatementRow,
};
use crate::score::{Scorer, StanceItem, StanceScorer, Target, TextItem, ToneScorer};
use crate::text::{CharOffsets, Document};

use super::fault::kill_point;
use super::journal::{ChunkEntry, InputTally};
use super::RunError;

/// Tables a chunk writes a part of, in the order written.
pub const ARTICLES: &str = "articles";
pub const STATEMENTS: &str = "statements";
pub const ACTOR_MENTIONS: &str = "actor_mentions";
pub const TONE: &str = "tone";
pub const STANCE: &str = "stance";
pub const TABLES: &[&str] = &[ARTICLES, STATEMENTS, ACTOR_MENTIONS, TONE, STANCE];

/// The part file of `table` for chunk `index` in a work folder.
pub fn part_path(work: &Path, table: &str, index: u64) -> PathBuf {
    work.join(table).join(format!("{index:06}.parquet"))
}

/// Articles and skipped records between two chunk boundaries of the stream.
#[derive(Debug, Default)]
pub struct Chunk {
    pub index: u64,
    pub articles: Vec<(Article, usize)>,
    /// Skipped records: the skip, its input, and whether the whole input failed.
    pub skips: Vec<(Skipped, usize, bool)>,
    pub events_end: u64,
    pub bytes_read: u64,
    pub last: bool,
}

/// Extracts, resolves and scores chunks with what the run loaded once.
pub struct ChunkWorker {
    extractor: Box<dyn Extractor>,
    resolver: ActorResolver,
    pool: Option<rayon::ThreadPool>,
    tone: Option<ToneScorer>,
    stance: Option<StanceScorer>,
    targets: Vec<Target>,
    /// Failures not yet in the journal (a model that would not load).
    new_failures: BTreeMap<String, String>,
}

/// One article's statements with actors resolved (ids before run-wide merging).
struct ArticleResult {
    row: ArticleRow,
    statements: Vec<StatementRow>,
    actors: Vec<Actor>,
    /// Roles the article writes before a name ([`crate::identity::role_key`], the person).
    roles: Vec<(String, Actor)>,
}

impl ChunkWorker {
    /// Loads the extractor (which the run cannot do without) and the scorers (a model
    /// that will not load costs its own table only). Tasks in `failed` stay failed.
    pub fn load(config: &RunConfig, failed: &BTreeMap<String, String>) -> Result<Self, RunError> {
        let extractor = config
            .extractor
            .build(config.runtime())
            .map_err(|source| RunError::Extractor {
                extractor: config.extractor.name(),
                source,
            })?;
        let mut new_failures = BTreeMap::new();
        let model_for = |task: Task| {
            config
                .models
                .iter()
                .find(|m| m.spec.task == task)
                .filter(|_| !failed.contains_key(task.as_str()))
        };
        let mut tone = None;
        if let Some(model) = model_for(Task::Tone) {
            match ToneScorer::load(model, config.runtime(), config.score) {
                Ok(scorer) => tone = Some(scorer),
                Err(e) => {
                    new_failures.insert(TONE.to_string(), e.to_string());
                }
            }
        }
        let targets = config.targets();
        let mut stance = None;
        if let Some(model) = model_for(Task::Stance).filter(|_| !targets.is_empty()) {
            match StanceScorer::load(model, config.runtime(), config.score) {
                Ok(scorer) => {
                    warn_of_change_targets(&targets);
                    stance = Some(scorer)
                }
                Err(e) => {
                    new_failures.insert(STANCE.to_string(), e.to_string());
                }
            }
        }
        Ok(ChunkWorker {
            extractor,
            resolver: ActorResolver::new(&config.study),
            pool: rayon::ThreadPoolBuilder::new().num_threads(config.threads).build().ok(),
            tone,
            stance,
            targets,
            new_failures,
        })
    }

    /// Runs `chunk` and writes its part files into `work`; returns its journal entry.
    /// `listing_room` is how many more skipped records the manifest lists.
    pub fn process(&mut self, chunk: Chunk, work: &Path, listing_room: usize) -> Result<ChunkEntry, RunError> {
        let started = Instant::now();
        let index = chunk.index;
        let mut tallies: BTreeMap<usize, InputTally> = BTreeMap::new();
        let mut entry = ChunkEntry {
            index,
            events_end: chunk.events_end,
            last: chunk.last,
            bytes_read: chunk.bytes_read,
            ..Default::default()
        };
        let mut skips: Vec<Skipped> = Vec::new();
        for (skip, input, whole_file) in chunk.skips {
            let t = tally(&mut tallies, input);
            t.skipped += 1;
            if whole_file {
                t.error = Some(format!("{}: {}", skip.file, skip.reason));
                entry.skipped_files += 1;
            }
            skips.push(skip);
        }

        let extract = || -> Vec<(Result<ArticleResult, Skipped>, usize)> {
            let docs: Vec<Document> = chunk.articles.par_iter().map(|(a, _)| Document::new(&a.text)).collect();
            let found = self.extractor.extract_many(&docs);
            chunk
                .articles
                .par_iter()
                .zip(docs)
                .zip(found)
                .map(|(((article, input), doc), found)| {
                    (
                        article_result(article, &doc, found, self.extractor.name(), &self.resolver),
                        *input,
                    )
                })
                .collect()
        };
        let outcomes = match &self.pool {
            Some(pool) => pool.install(extract),
            None => extract(),
        };
        let mut results = Vec::with_capacity(outcomes.len());
        for (outcome, input) in outcomes {
            let t = tally(&mut tallies, input);
            match outcome {
                Ok(result) => {
                    t.articles += 1;
                    results.push(result);
                }
                Err(skip) => {
                    t.skipped += 1;
                    skips.push(skip);
                }
            }
        }
        for skip in &skips {
            tracing::warn!("skipped {skip}");
        }
        entry.articles = results.len() as u64;
        entry.skipped_total = skips.len() as u64;
        entry.skipped = skips.into_iter().take(listing_room).collect();
        entry.inputs = tallies.into_values().collect();

        let mut article_rows = Vec::with_capacity(results.len());
        let mut statements = Vec::new();
        // One row per actor, name form and kind: how many mentions showed each kind is
        // then the same however the run is cut into chunks and shards.
        let mut mentions: HashMap<(String, String, &'static str), ActorMentionRow> = HashMap::new();
        let mut roles: HashMap<(String, String, String), ActorMentionRow> = HashMap::new();
        for result in results {
            article_rows.push(result.row);
            statements.extend(result.statements);
            for actor in result.actors {
                mentions
                    .entry((actor.id.clone(), actor.name.clone(), actor.kind.as_str()))
                    .or_insert_with(|| ActorMentionRow::from(&actor))
                    .mentions += 1;
            }
            for (role, actor) in result.roles {
                roles
                    .entry((role.clone(), actor.id.clone(), actor.name.clone()))
                    .or_insert_with(|| ActorMentionRow {
                        role: Some(role),
                        ..ActorMentionRow::from(&actor)
                    })
                    .mentions += 1;
            }
        }
        let mut mentions: Vec<ActorMentionRow> = mentions.into_values().chain(roles.into_values()).collect();
        mentions
            .sort_by(|a, b| (&a.role, &a.actor_id, &a.name, &a.kind).cmp(&(&b.role, &b.actor_id, &b.name, &b.kind)));
        entry.statements = statements.len() as u64;
        let table = |table: &'static str| move |source| RunError::Table { table, source };
        write_part(
            work,
            ARTICLES,
            index,
            articles_frame(&article_rows).map_err(table(ARTICLES))?,
        )?;
        kill_point(&format!("chunk:{index}:articles"));
        drop(article_rows);
        write_part(
            work,
            STATEMENTS,
            index,
            statements_frame(&statements).map_err(table(STATEMENTS))?,
        )?;
        write_part(
            work,
            ACTOR_MENTIONS,
            index,
            actor_mentions_frame(&mentions).map_err(table(ACTOR_MENTIONS))?,
        )?;
        entry.tables = vec![ARTICLES.into(), STATEMENTS.into(), ACTOR_MENTIONS.into()];
        entry.extract_seconds = started.elapsed().as_secs_f64();

        let scoring_started = Instant::now();
        self.score_tone(&statements, work, &mut entry)?;
        self.score_stance(&statements, work, &mut entry)?;
        entry.score_seconds = scoring_started.elapsed().as_secs_f64();
        entry.task_failures.append(&mut self.new_failures);
        kill_point(&format!("chunk:{index}:parts"));
        Ok(entry)
    }

    fn score_tone(&mut self, statements: &[StatementRow], work: &Path, entry: &mut ChunkEntry) -> Result<(), RunError> {
        let Some(scorer) = &self.tone else { return Ok(()) };
        let items: Vec<TextItem> = statements
            .iter()
            .map(|s| TextItem {
                id: s.statement_id.clone(),
                text: crate::score::tone_text(&s.kind, &s.content),
            })
            .collect();
        if !score_into_part(
            scorer,
            &items,
            |rows| tone_frame("statement_id", rows),
            TONE,
            work,
            entry,
        )? {
            self.tone = None;
        }
        Ok(())
    }

    fn score_stance(
        &mut self,
        statements: &[StatementRow],
        work: &Path,
        entry: &mut ChunkEntry,
    ) -> Result<(), RunError> {
        let Some(scorer) = &self.stance else { return Ok(()) };
        let items: Vec<StanceItem> = statements
            .iter()
            .flat_map(|s| {
                self.targets.iter().map(move |t| StanceItem {
                    id: s.statement_id.clone(),
                    text: crate::score::stance_text(s.cue.as_deref(), &s.content, t),
                    target: t.clone(),
                })
            })
            .collect();
        if !score_into_part(
            scorer,
            &items,
            |rows| stance_frame("statement_id", rows),
            STANCE,
            work,
            entry,
        )? {
            self.stance = None;
        }
        Ok(())
    }
}

/// Scores `items` and writes the chunk's part of `table`; false when the model failed
/// (recorded in `entry`: the task is not scored again in this run).
fn score_into_part<S: Scorer>(
    scorer: &S,
    items: &[S::Item],
    frame: impl FnOnce(&[S::Row]) -> polars::prelude::PolarsResult<polars::prelude::DataFrame>,
    table: &'static str,
    work: &Path,
    entry: &mut ChunkEntry,
) -> Result<bool, RunError> {
    let mut stats = scorer.stats();
    match scorer.score(items, &mut stats) {
        Ok(rows) => {
            let frame = frame(&rows).map_err(|source| RunError::Table { table, source })?;
            write_part(work, table, entry.index, frame)?;
            entry.tables.push(table.into());
            entry.scoring.push(stats);
            Ok(true)
        }
        Err(e) => {
            entry.task_failures.insert(table.into(), e.to_string());
            Ok(false)
        }
    }
}

/// Tells the user which targets name a change ("ending the war"): the stance models
/// read those through the mood toward the thing, so their cells want checking on labels
/// of the user's own (README, "Targets that name a change read poorly").
fn warn_of_change_targets(targets: &[Target]) {
    for target in targets {
        if let Some(verb) = target.change_verb() {
            tracing::warn!(
                "target {:?} (\"{}\") names a change ({verb} …): stance models read such targets \
                 through the mood toward the thing, not the change (nli-minilm F1avg 0.50 on \
                 tests/data/change_target_stance_heldout.jsonl, ending the war 0.28; \"I support a \
                 ceasefire.\" reads against ending the war). Check its cells on labels of your own: \
                 `stancemap label`, then `stancemap eval --task stance --format labels`",
                target.id,
                target.description
            );
        }
    }
}

fn tally(tallies: &mut BTreeMap<usize, InputTally>, input: usize) -> &mut InputTally {
    tallies.entry(input).or_insert_with(|| InputTally {
        input,
        ..Default::default()
    })
}

fn write_part(work: &Path, table: &str, index: u64, mut frame: polars::prelude::DataFrame) -> Result<(), RunError> {
    let path = part_path(work, table, index);
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).map_err(|source| crate::output::OutputError::Io {
            path: folder.to_path_buf(),
            source,
        })?;
    }
    write_parquet(&path, &mut frame)?;
    Ok(())
}

/// Stable id of a statement: its article and content span.
pub fn statement_id(article_id: &str, content_start: i64, content_end: i64) -> String {
    let digest = Sha256::digest(format!("{article_id}\u{1f}{content_start}\u{1f}{content_end}").as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// An article's rows from what the extractor found in it. An article whose extraction
/// failed is skipped (named by file, line and id) and the run goes on.
fn article_result(
    article: &Article,
    doc: &Document,
    found: Result<Vec<Attribution>, ExtractError>,
    extractor: &str,
    resolver: &ActorResolver,
) -> Result<ArticleResult, Skipped> {
    let attributions = found.map_err(|e| Skipped {
        file: article.origin_file.clone(),
        line: article.origin_line,
        article_id: Some(article.id.clone()),
        reason: format!("extraction failed: {e}"),
    })?;
    let (resolved, roles) = resolver.resolve_article_and_roles(doc, &attributions);
    let offsets = CharOffsets::new(&article.text);
    let at = |byte: usize| offsets.char_of(byte) as i64;
    let mut actors = Vec::new();
    let statements: Vec<StatementRow> = attributions
        .iter()
        .zip(resolved)
        .map(|(a, r)| {
            let (content_start, content_end) = (at(a.content.start), at(a.content.end));
            // A description that names no entity resolves to no actor.
            let r = r.filter(|r| r.entity);
            let actor_id = r.as_ref().map(|r| r.actor.id.clone());
            // A speaker named but not resolved says so; no speaker, no resolution.
            let resolution = match (&r, a.speaker) {
                (Some(r), _) => Some(r.method.to_string()),
                (None, Some(_)) => Some("unresolved".to_string()),
                (None, None) => None,
            };
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
                extractor: extractor.to_string(),
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
        roles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_ids_are_stable_and_distinct() {
        assert_eq!(statement_id("a", 1, 5), statement_id("a", 1, 5));
        assert_ne!(statement_id("a", 1, 5), statement_id("a", 1, 6));
        assert_ne!(statement_id("a", 1, 5), statement_id("b", 1, 5));
        assert_eq!(statement_id("a", 1, 5).len(), 16);
    }

    #[test]
    fn a_chunk_writes_its_parts_and_its_journal_entry() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("a.jsonl");
        std::fs::write(&input, "").unwrap();
        let config = RunConfig::resolve(crate::RunOptions {
            inputs: vec![input.display().to_string()],
            out_dir: dir.path().join("out"),
            studies: Vec::new(),
            max_article_mb: 1.0,
            device: crate::models::DeviceChoice::Cpu,
            threads: Some(1),
            strict: false,
            models: crate::ModelOptions {
                no_models: true,
                ..Default::default()
            },
            extractor: None,
            no_scores: false,
            chunk_size: 10,
            shard: None,
            shard_count: None,
            tagger_overlap: None,
        })
        .unwrap();
        let article = |id: &str, text: &str| Article {
            id: id.into(),
            text: text.into(),
            date: None,
            title: None,
            source: None,
            url: None,
            origin_file: "a.jsonl".into(),
            origin_line: Some(1),
            text_offset: 0,
            input_bytes: 10,
        };
        let chunk = Chunk {
            index: 3,
            articles: vec![
                (
                    article("x", "“We will win,” said Jane Doe. Doe said the talks failed."),
                    0,
                ),
                (article("y", "Nothing was said."), 0),
            ],
            skips: vec![(
                Skipped {
                    file: "a.jsonl".into(),
                    line: Some(2),
                    article_id: None,
                    reason: "bad".into(),
                },
                0,
                false,
            )],
            events_end: 3,
            bytes_read: 20,
            last: true,
        };
        let mut worker = ChunkWorker::load(&config, &BTreeMap::new()).unwrap();
        let work = dir.path().join("work");
        let entry = worker.process(chunk, &work, 0).unwrap();
        assert_eq!((entry.index, entry.articles, entry.skipped_total), (3, 2, 1));
        assert!(entry.skipped.is_empty(), "no room left to list skips");
        assert_eq!(entry.inputs[0].articles, 2);
        assert_eq!(entry.tables, vec![ARTICLES, STATEMENTS, ACTOR_MENTIONS]);
        assert!(entry.statements >= 2, "{entry:?}");
        for table in &entry.tables {
            assert!(part_path(&work, table, 3).exists(), "{table}");
        }
    }
}
