//! `stancemap label`: a sample of a run's scored statements, stratified by actor
//! (and, for stance, by target), for a person to label.
//!
//! Each cell (actor × target for stance, actor for tone; statements without an actor
//! form a cell of their own) gives up to `per_cell` rows, drawn in a seeded order, so
//! that small actors are not drowned by the most quoted ones and the same command
//! draws the same sample.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{seeded_key, write_rows, LabelError, LabelRow, LabelTask};
use crate::analyze::{Columns, RunTables};

#[derive(Debug, Clone)]
pub struct SampleOptions {
    pub run: PathBuf,
    pub task: LabelTask,
    pub per_cell: usize,
    pub seed: u64,
    pub out: PathBuf,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SampleSummary {
    pub rows: usize,
    pub cells: usize,
    /// Cells with fewer rows than asked for (all they had).
    pub short_cells: usize,
}

/// The cell of a statement without an actor.
const UNRESOLVED: &str = "(unresolved)";

pub fn sample(options: &SampleOptions) -> Result<SampleSummary, LabelError> {
    let tables = RunTables::open(&options.run)?;
    let statements = tables.collect(
        "statements",
        tables.scan(
            "statements",
            &[
                "statement_id",
                "article_id",
                "actor_id",
                "speaker_text",
                "content",
                "kind",
                "cue",
            ],
        )?,
    )?;
    let columns = Columns {
        frame: &statements,
        dir: &options.run,
        table: "statements",
    };
    let ids = columns.strings("statement_id")?;
    let articles = columns.strings("article_id")?;
    let actors = columns.strings("actor_id")?;
    let speakers = columns.strings("speaker_text")?;
    let contents = columns.strings("content")?;
    let kinds = columns.strings("kind")?;
    let cues = columns.strings("cue")?;
    let mut by_id: BTreeMap<String, LabelRow> = BTreeMap::new();
    let mut cue_of: BTreeMap<String, Option<String>> = BTreeMap::new();
    for i in 0..statements.height() {
        let (Some(id), Some(content)) = (ids[i].clone(), contents[i].clone()) else {
            continue;
        };
        // Stance reads the cue with the content per target (`stance_rows`).
        let text = match options.task {
            LabelTask::Tone => crate::score::tone_text(kinds[i].as_deref().unwrap_or_default(), &content),
            LabelTask::Stance => content,
        };
        cue_of.insert(id.clone(), cues[i].clone());
        by_id.insert(
            id.clone(),
            LabelRow {
                statement_id: id,
                article_id: articles[i].clone().unwrap_or_default(),
                actor_id: actors[i].clone(),
                speaker: speakers[i].clone(),
                target_id: None,
                target: None,
                favor_hypothesis: None,
                against_hypothesis: None,
                text,
                model_label: None,
                model_probability: None,
                label: None,
            },
        );
    }
    let rows = match options.task {
        LabelTask::Tone => tone_rows(&tables, &options.run, by_id)?,
        LabelTask::Stance => stance_rows(&tables, &options.run, &by_id, &cue_of)?,
    };
    let mut cells: BTreeMap<(String, String), Vec<LabelRow>> = BTreeMap::new();
    for row in rows {
        let key = (
            row.actor_id.clone().unwrap_or_else(|| UNRESOLVED.into()),
            row.target_id.clone().unwrap_or_default(),
        );
        cells.entry(key).or_default().push(row);
    }
    let mut out = Vec::new();
    let mut short_cells = 0;
    for rows in cells.values_mut() {
        rows.sort_by_key(|r| {
            seeded_key(
                options.seed,
                &[&r.statement_id, r.target_id.as_deref().unwrap_or_default()],
            )
        });
        if rows.len() < options.per_cell {
            short_cells += 1;
        }
        out.extend(rows.iter().take(options.per_cell).cloned());
    }
    write_rows(&options.out, &out)?;
    Ok(SampleSummary {
        rows: out.len(),
        cells: cells.len(),
        short_cells,
    })
}

fn tone_rows(
    tables: &RunTables,
    dir: &Path,
    mut by_id: BTreeMap<String, LabelRow>,
) -> Result<Vec<LabelRow>, LabelError> {
    if !tables.has("tone") {
        return Err(LabelError::Format {
            path: dir.join("tone.parquet"),
            detail: "this run has no tone table: run it with a tone model (without --no-scores)".into(),
        });
    }
    let tone = tables.collect(
        "tone",
        tables.scan(
            "tone",
            &["statement_id", "label", "p_negative", "p_neutral", "p_positive"],
        )?,
    )?;
    let columns = Columns {
        frame: &tone,
        dir,
        table: "tone",
    };
    let ids = columns.strings("statement_id")?;
    let model = ModelLabels::read(
        &columns,
        [
            ("negative", "p_negative"),
            ("neutral", "p_neutral"),
            ("positive", "p_positive"),
        ],
    )?;
    let mut rows = Vec::new();
    for i in 0..tone.height() {
        let Some(mut row) = ids[i].as_ref().and_then(|id| by_id.remove(id)) else {
            continue;
        };
        (row.model_label, row.model_probability) = model.of_row(i);
        rows.push(row);
    }
    Ok(rows)
}

fn stance_rows(
    tables: &RunTables,
    dir: &Path,
    by_id: &BTreeMap<String, LabelRow>,
    cue_of: &BTreeMap<String, Option<String>>,
) -> Result<Vec<LabelRow>, LabelError> {
    if !tables.has("stance") {
        return Err(LabelError::Format {
            path: dir.join("stance.parquet"),
            detail: "this run has no stance table: run it with a study that names targets".into(),
        });
    }
    let config = crate::config::RunConfig::load(&dir.join(crate::config::RUN_CONFIG_FILE))?;
    let targets: BTreeMap<String, crate::score::Target> =
        config.targets().into_iter().map(|t| (t.id.clone(), t)).collect();
    let stance = tables.collect(
        "stance",
        tables.scan(
            "stance",
            &["statement_id", "target_id", "label", "p_favor", "p_against", "p_none"],
        )?,
    )?;
    let columns = Columns {
        frame: &stance,
        dir,
        table: "stance",
    };
    let ids = columns.strings("statement_id")?;
    let target_ids = columns.strings("target_id")?;
    let model = ModelLabels::read(
        &columns,
        [("favor", "p_favor"), ("against", "p_against"), ("none", "p_none")],
    )?;
    let mut rows = Vec::new();
    for i in 0..stance.height() {
        let (Some(statement), Some(target)) = (
            ids[i].as_ref().and_then(|id| by_id.get(id)),
            target_ids[i].as_ref().and_then(|t| targets.get(t)),
        ) else {
            continue;
        };
        let mut row = statement.clone();
        row.target_id = Some(target.id.clone());
        row.target = Some(target.description.clone());
        let cue = cue_of.get(&row.statement_id).and_then(Option::as_deref);
        row.text = crate::score::stance_text(cue, &row.text, target);
        let (favor, against) = target.hypotheses_for(&row.text);
        row.favor_hypothesis = Some(favor);
        row.against_hypothesis = Some(against);
        (row.model_label, row.model_probability) = model.of_row(i);
        rows.push(row);
    }
    Ok(rows)
}

/// A scored table's label of each row, with the probability the model gave it.
struct ModelLabels {
    labels: Vec<Option<String>>,
    probabilities: Vec<(&'static str, Vec<Option<f64>>)>,
}

impl ModelLabels {
    /// `columns`' `label` and, per label, its probability column.
    fn read(columns: &Columns, probability_columns: [(&'static str, &'static str); 3]) -> Result<Self, LabelError> {
        let mut probabilities = Vec::new();
        for (label, column) in probability_columns {
            probabilities.push((label, columns.floats(column)?));
        }
        Ok(ModelLabels {
            labels: columns.strings("label")?,
            probabilities,
        })
    }

    fn of_row(&self, i: usize) -> (Option<String>, Option<f64>) {
        let label = self.labels[i].clone();
        let probability = label
            .as_deref()
            .and_then(|l| self.probabilities.iter().find(|(name, _)| *name == l))
            .and_then(|(_, values)| values[i]);
        (label, probability)
    }
}
