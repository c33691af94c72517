//! `stancemap compare`: stance per group and target, tone per group, and both over
//! time, each as a mean with a 95% interval ([`super::stats`]: cluster-robust over
//! articles by default), and with `--diff` the difference of two groups.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::stats::{Difference, IntervalMethod, Scored};
use super::{date_from_days, days_from_date, AnalyzeError, Columns, Estimate, RunTables};

/// What rows are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    #[default]
    Actor,
    Affiliation,
    Source,
}

impl GroupBy {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Actor => "actor",
            GroupBy::Affiliation => "affiliation",
            GroupBy::Source => "source",
        }
    }
}

/// Timeline granularity: weeks start on Monday, months on the 1st.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    #[default]
    Week,
    Month,
}

impl Period {
    pub fn start(self, date: NaiveDate) -> NaiveDate {
        match self {
            Period::Week => date - chrono::Duration::days(date.weekday().num_days_from_monday() as i64),
            Period::Month => date.with_day(1).unwrap_or(date),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareOptions {
    pub by: GroupBy,
    pub target: Option<String>,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub every: Period,
    /// Cells with fewer statements, or with all from one article, are kept but marked sparse.
    pub min_n: u64,
    #[serde(default)]
    pub interval: IntervalMethod,
    /// Two groups whose difference (second less first) is reported per measure.
    #[serde(default)]
    pub diff: Option<(String, String)>,
    /// Stance only from statements whose words name the target (`target_named`).
    #[serde(default)]
    pub named_only: bool,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            by: GroupBy::Actor,
            target: None,
            since: None,
            until: None,
            every: Period::Week,
            min_n: 5,
            interval: IntervalMethod::default(),
            diff: None,
            named_only: false,
        }
    }
}

/// Mean (p_favor − p_against) of one group toward one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StanceCell {
    pub group: String,
    pub group_name: String,
    pub target_id: String,
    #[serde(flatten)]
    pub estimate: Estimate,
    /// Statements labelled favor / against / none.
    pub favor: u64,
    pub against: u64,
    pub none: u64,
    /// Statements whose words name the target (description or alias); the rest take a
    /// side only by implication, which the shipped models barely read (README). None
    /// for runs written before stance.parquet had `target_named`.
    #[serde(default)]
    pub named: Option<u64>,
    pub sparse: bool,
}

/// Mean tone_score of one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToneCell {
    pub group: String,
    pub group_name: String,
    #[serde(flatten)]
    pub estimate: Estimate,
    pub positive: u64,
    pub neutral: u64,
    pub negative: u64,
    pub sparse: bool,
}

/// A group's tone (`measure` = "tone") or stance toward a target (`measure` = the
/// target id) in one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelinePoint {
    pub group: String,
    pub group_name: String,
    pub measure: String,
    pub period_start: NaiveDate,
    #[serde(flatten)]
    pub estimate: Estimate,
    pub sparse: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub run: String,
    pub options: CompareOptions,
    pub interval: String,
    pub groups: Vec<String>,
    pub targets: Vec<String>,
    pub stance: Vec<StanceCell>,
    pub tone: Vec<ToneCell>,
    pub timeline: Vec<TimelinePoint>,
    /// `--diff A B`: B's mean less A's, per target and for tone.
    #[serde(default)]
    pub differences: Vec<DifferenceCell>,
    /// Statements left out: no group (unattributed, no affiliation or no source).
    pub without_group: u64,
    /// Statements in the comparison without an article date (absent from timelines).
    pub without_date: u64,
    pub has_tone: bool,
    pub has_stance: bool,
    /// Compared targets whose description names a change ("ending the war"), from the
    /// run's saved configuration: stance models read those poorly (README).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets_naming_a_change: Vec<String>,
}

/// One measure (a target, or "tone") of `--diff A B`: B's mean less A's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DifferenceCell {
    pub measure: String,
    pub group_a: String,
    pub group_b: String,
    #[serde(flatten)]
    pub difference: Difference,
}

/// One scored statement with its group and date.
struct Observation {
    group: String,
    article: String,
    group_name: String,
    days: Option<i64>,
    measure: String,
    value: f64,
    label: String,
    /// Stance only: whether the statement names the target, where the run says.
    named: Option<bool>,
}

pub fn compare(run: &Path, options: &CompareOptions) -> Result<Comparison, AnalyzeError> {
    if let (Some(since), Some(until)) = (options.since, options.until) {
        if since > until {
            return Err(AnalyzeError::BadDates {
                since: since.to_string(),
                until: until.to_string(),
            });
        }
    }
    let tables = RunTables::open(run)?;
    let base = base(&tables, options)?;
    let (without_group, without_date) = uncounted(&tables, base.clone(), options.by)?;
    let mut observations = Vec::new();
    let has_stance = tables.has("stance");
    let has_tone = tables.has("tone");
    let mut targets = Vec::new();
    if has_stance {
        let mut columns = vec!["statement_id", "target_id", "p_favor", "p_against", "label"];
        let knows_named = tables.has_column("stance", "target_named")?;
        if knows_named {
            columns.push("target_named");
        }
        let stance = tables.scan("stance", &columns)?;
        let stance = match (knows_named, options.named_only) {
            (true, _) => stance,
            (false, true) => {
                return Err(AnalyzeError::NoTargetNamed {
                    path: run.join("stance.parquet"),
                })
            }
            (false, false) => stance.with_column(lit(NULL).cast(DataType::Boolean).alias("target_named")),
        };
        let all: Vec<String> = {
            let ids = tables.collect(
                "stance",
                stance
                    .clone()
                    .select([col("target_id")])
                    .unique(None, UniqueKeepStrategy::First),
            )?;
            let c = Columns {
                frame: &ids,
                dir: run,
                table: "stance",
            };
            let mut v: Vec<String> = c.strings("target_id")?.into_iter().flatten().collect();
            v.sort();
            v
        };
        let stance = match &options.target {
            Some(target) => {
                if !all.contains(target) {
                    return Err(AnalyzeError::UnknownTarget {
                        target: target.clone(),
                        known: all.join(", "),
                    });
                }
                targets.push(target.clone());
                stance.filter(col("target_id").eq(lit(target.as_str())))
            }
            None => {
                targets = all;
                stance
            }
        };
        // After the targets are known: a target no statement names stays known, empty.
        let stance = if options.named_only {
            stance.filter(col("target_named").eq(lit(true)))
        } else {
            stance
        };
        let joined = tables.collect(
            "stance",
            base.clone()
                .join(
                    stance,
                    [col("statement_id")],
                    [col("statement_id")],
                    JoinArgs::new(JoinType::Inner),
                )
                .with_column(
                    (col("p_favor").cast(DataType::Float64) - col("p_against").cast(DataType::Float64)).alias("value"),
                ),
        )?;
        read_observations(&joined, run, "stance", options.by, Some("target_id"), &mut observations)?;
    }
    if has_tone {
        let tone = tables.scan("tone", &["statement_id", "tone_score", "label"])?;
        let joined = tables.collect(
            "tone",
            base.join(
                tone,
                [col("statement_id")],
                [col("statement_id")],
                JoinArgs::new(JoinType::Inner),
            )
            .with_column(col("tone_score").cast(DataType::Float64).alias("value")),
        )?;
        read_observations(&joined, run, "tone", options.by, None, &mut observations)?;
    }
    if let Some((a, b)) = &options.diff {
        for group in [a, b] {
            if !observations.iter().any(|o| &o.group == group) {
                let mut known: Vec<&str> = observations.iter().map(|o| o.group.as_str()).collect();
                known.sort_unstable();
                known.dedup();
                return Err(AnalyzeError::UnknownGroup {
                    group: group.clone(),
                    by: options.by.as_str(),
                    known: known.into_iter().take(30).collect::<Vec<_>>().join(", "),
                });
            }
        }
    }
    let targets_naming_a_change = targets_naming_a_change(run, &targets);
    let scope = Scope {
        targets,
        targets_naming_a_change,
        without_group,
        without_date,
        has_tone,
        has_stance,
    };
    Ok(summarise(run, options, scope, observations))
}

/// statements ⨝ articles ⨝ actors, restricted to the date range.
fn base(tables: &RunTables, options: &CompareOptions) -> Result<LazyFrame, AnalyzeError> {
    let statements = tables.scan("statements", &["statement_id", "article_id", "actor_id"])?;
    let articles = tables
        .scan("articles", &["article_id", "date", "source"])?
        .with_column(col("date").cast(DataType::Int32).cast(DataType::Int64).alias("days"));
    let actors = tables.scan("actors", &["actor_id", "name", "affiliation"])?;
    let mut frame = statements
        .join(
            articles,
            [col("article_id")],
            [col("article_id")],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            actors,
            [col("actor_id")],
            [col("actor_id")],
            JoinArgs::new(JoinType::Left),
        );
    if let Some(since) = options.since {
        frame = frame.filter(col("days").gt_eq(lit(days_from_date(since))));
    }
    if let Some(until) = options.until {
        frame = frame.filter(col("days").lt_eq(lit(days_from_date(until))));
    }
    Ok(frame)
}

fn group_column(by: GroupBy) -> &'static str {
    match by {
        GroupBy::Actor => "actor_id",
        GroupBy::Affiliation => "affiliation",
        GroupBy::Source => "source",
    }
}

/// Statements in range without a group, and those with a group but no date.
fn uncounted(tables: &RunTables, base: LazyFrame, by: GroupBy) -> Result<(u64, u64), AnalyzeError> {
    let frame = tables.collect("statements", base.select([col(group_column(by)), col("days")]))?;
    let c = Columns {
        frame: &frame,
        dir: &tables.dir,
        table: "statements",
    };
    let groups = c.strings(group_column(by))?;
    let days = c.ints("days")?;
    let without_group = groups.iter().filter(|g| g.as_deref().is_none_or(str::is_empty)).count() as u64;
    let without_date = groups
        .iter()
        .zip(&days)
        .filter(|(g, d)| g.as_deref().is_some_and(|g| !g.is_empty()) && d.is_none())
        .count() as u64;
    Ok((without_group, without_date))
}

/// Appends one observation per row that has a group.
fn read_observations(
    frame: &DataFrame,
    dir: &Path,
    table: &'static str,
    by: GroupBy,
    measure_column: Option<&'static str>,
    out: &mut Vec<Observation>,
) -> Result<(), AnalyzeError> {
    let c = Columns { frame, dir, table };
    let (keys, names) = match by {
        GroupBy::Actor => (c.strings("actor_id")?, c.strings("name")?),
        GroupBy::Affiliation => {
            let a = c.strings("affiliation")?;
            (a.clone(), a)
        }
        GroupBy::Source => {
            let s = c.strings("source")?;
            (s.clone(), s)
        }
    };
    let days = c.ints("days")?;
    let articles = c.strings("article_id")?;
    let values = c.floats("value")?;
    let labels = c.strings("label")?;
    let named = match measure_column {
        Some(_) => c.bools("target_named")?,
        None => vec![None; frame.height()],
    };
    let measures = match measure_column {
        Some(column) => c.strings(column)?,
        None => vec![Some("tone".to_string()); frame.height()],
    };
    for i in 0..frame.height() {
        let (Some(group), Some(value), Some(measure)) = (keys[i].clone(), values[i], measures[i].clone()) else {
            continue;
        };
        if group.is_empty() {
            continue;
        }
        out.push(Observation {
            group_name: names[i].clone().unwrap_or_else(|| group.clone()),
            group,
            article: articles[i].clone().unwrap_or_default(),
            days: days[i],
            measure,
            value,
            label: labels[i].clone().unwrap_or_default(),
            named: named[i],
        });
    }
    Ok(())
}

struct Scope {
    targets: Vec<String>,
    targets_naming_a_change: Vec<String>,
    without_group: u64,
    without_date: u64,
    has_tone: bool,
    has_stance: bool,
}

/// One group's statements on one measure: scores, label counts and, for stance, how
/// many name the target (None where any row does not say: runs scored before the column).
#[derive(Default)]
struct Cell<'a> {
    values: Vec<Scored<'a>>,
    labels: BTreeMap<String, u64>,
    named: Option<u64>,
}

impl<'a> Cell<'a> {
    fn add(&mut self, scored: Scored<'a>, o: &Observation) {
        self.named = if self.values.is_empty() {
            o.named.map(u64::from)
        } else {
            self.named.zip(o.named).map(|(n, is)| n + u64::from(is))
        };
        self.values.push(scored);
        *self.labels.entry(o.label.clone()).or_default() += 1;
    }
}

fn summarise(run: &Path, options: &CompareOptions, scope: Scope, observations: Vec<Observation>) -> Comparison {
    let Scope {
        targets,
        targets_naming_a_change,
        without_group,
        without_date,
        has_tone,
        has_stance,
    } = scope;
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    // (group, measure) -> its cell; (group, measure, period) -> values.
    let mut cells: BTreeMap<(String, String), Cell> = BTreeMap::new();
    let mut periods: BTreeMap<(String, String, NaiveDate), Vec<Scored>> = BTreeMap::new();
    for o in &observations {
        names.entry(o.group.clone()).or_insert_with(|| o.group_name.clone());
        let scored = Scored {
            value: o.value,
            article: &o.article,
        };
        cells
            .entry((o.group.clone(), o.measure.clone()))
            .or_default()
            .add(scored, o);
        if let Some(date) = o.days.and_then(date_from_days) {
            periods
                .entry((o.group.clone(), o.measure.clone(), options.every.start(date)))
                .or_default()
                .push(scored);
        }
    }
    let estimate = |values: &[Scored]| Estimate::of(values, options.interval);
    // One article says nothing about how another would read, whatever its count.
    let sparse = |e: &Estimate| e.n < options.min_n || e.articles < 2;
    // Groups by how much they said (statements in the tone table, else stance rows).
    let mut weight: BTreeMap<&String, u64> = BTreeMap::new();
    for ((group, _), cell) in &cells {
        *weight.entry(group).or_default() += cell.values.len() as u64;
    }
    let mut groups: Vec<String> = names.keys().cloned().collect();
    groups.sort_by(|a, b| weight.get(b).cmp(&weight.get(a)).then(a.cmp(b)));

    let count = |labels: &BTreeMap<String, u64>, key: &str| labels.get(key).copied().unwrap_or(0);
    let mut stance = Vec::new();
    let mut tone = Vec::new();
    for group in &groups {
        let group_name = names[group].clone();
        for target in &targets {
            if let Some(cell) = cells.get(&(group.clone(), target.clone())) {
                let labels = &cell.labels;
                if let Some(estimate) = estimate(&cell.values) {
                    stance.push(StanceCell {
                        group: group.clone(),
                        group_name: group_name.clone(),
                        target_id: target.clone(),
                        sparse: sparse(&estimate),
                        estimate,
                        favor: count(labels, "favor"),
                        against: count(labels, "against"),
                        none: count(labels, "none"),
                        named: cell.named,
                    });
                }
            }
        }
        if let Some(cell) = cells.get(&(group.clone(), "tone".to_string())) {
            let labels = &cell.labels;
            if let Some(estimate) = estimate(&cell.values) {
                tone.push(ToneCell {
                    group: group.clone(),
                    group_name: group_name.clone(),
                    sparse: sparse(&estimate),
                    estimate,
                    positive: count(labels, "positive"),
                    neutral: count(labels, "neutral"),
                    negative: count(labels, "negative"),
                });
            }
        }
    }
    let order: BTreeMap<&String, usize> = groups.iter().enumerate().map(|(i, g)| (g, i)).collect();
    let mut timeline: Vec<TimelinePoint> = periods
        .into_iter()
        .filter_map(|((group, measure, period_start), values)| {
            let estimate = estimate(&values)?;
            Some(TimelinePoint {
                group_name: names[&group].clone(),
                group,
                measure,
                period_start,
                sparse: sparse(&estimate),
                estimate,
            })
        })
        .collect();
    timeline.sort_by(|a, b| {
        (a.measure != "tone")
            .cmp(&(b.measure != "tone"))
            .then(a.measure.cmp(&b.measure))
            .then(order.get(&a.group).cmp(&order.get(&b.group)))
            .then(a.period_start.cmp(&b.period_start))
    });
    let mut differences = Vec::new();
    if let Some((a, b)) = &options.diff {
        let measures = targets.iter().cloned().chain(has_tone.then(|| "tone".to_string()));
        for measure in measures {
            let values = |group: &String| {
                cells
                    .get(&(group.clone(), measure.clone()))
                    .map(|c| c.values.as_slice())
            };
            if let (Some(va), Some(vb)) = (values(a), values(b)) {
                if let Some(difference) = Difference::of(va, vb, options.interval) {
                    differences.push(DifferenceCell {
                        measure,
                        group_a: a.clone(),
                        group_b: b.clone(),
                        difference,
                    });
                }
            }
        }
    }
    Comparison {
        run: run.display().to_string(),
        options: options.clone(),
        interval: options.interval.describe().into(),
        groups,
        targets,
        stance,
        tone,
        timeline,
        differences,
        without_group,
        without_date,
        has_tone,
        has_stance,
        targets_naming_a_change,
    }
}

/// What the `named` column counts, and why it matters.
pub const NAMED_NOTE: &str = "named = statements whose words name the target (its description or an alias); the others take a side only by implication, which the shipped stance models barely read (README, \"Named or implied\").";

/// What `compare` and the report say before the targets that name a change.
pub const CHANGE_TARGETS_NOTE: &str = "Targets that name a change, read with care (stance models read them through the mood toward the thing; README, \"Targets that name a change read poorly\")";

/// The ids among `compared` of the run's targets whose description names a change, as
/// its saved configuration gives them; none where that file is missing or unreadable
/// (the comparison does not need it).
fn targets_naming_a_change(run: &Path, compared: &[String]) -> Vec<String> {
    let Ok(config) = crate::config::RunConfig::load(&run.join(crate::config::RUN_CONFIG_FILE)) else {
        return Vec::new();
    };
    config
        .targets()
        .into_iter()
        .filter(|t| t.change_verb().is_some() && compared.contains(&t.id))
        .map(|t| t.id)
        .collect()
}

impl Comparison {
    /// `stance_matrix`, `tone`, `timeline` and (with `--diff`) `differences` as data
    /// frames.
    pub fn frames(&self) -> PolarsResult<Vec<(&'static str, DataFrame)>> {
        let s = &self.stance;
        let stance = DataFrame::new(vec![
            Column::new("group".into(), s.iter().map(|c| c.group.clone()).collect::<Vec<_>>()),
            Column::new(
                "group_name".into(),
                s.iter().map(|c| c.group_name.clone()).collect::<Vec<_>>(),
            ),
            Column::new(
                "target_id".into(),
                s.iter().map(|c| c.target_id.clone()).collect::<Vec<_>>(),
            ),
            Column::new("n".into(), s.iter().map(|c| c.estimate.n).collect::<Vec<_>>()),
            Column::new(
                "mean_favor_minus_against".into(),
                s.iter().map(|c| c.estimate.mean).collect::<Vec<_>>(),
            ),
            Column::new("ci_low".into(), s.iter().map(|c| c.estimate.ci_low).collect::<Vec<_>>()),
            Column::new(
                "ci_high".into(),
                s.iter().map(|c| c.estimate.ci_high).collect::<Vec<_>>(),
            ),
            Column::new("favor".into(), s.iter().map(|c| c.favor).collect::<Vec<_>>()),
            Column::new("against".into(), s.iter().map(|c| c.against).collect::<Vec<_>>()),
            Column::new("none".into(), s.iter().map(|c| c.none).collect::<Vec<_>>()),
            Column::new("named".into(), s.iter().map(|c| c.named).collect::<Vec<_>>()),
            Column::new("sparse".into(), s.iter().map(|c| c.sparse).collect::<Vec<_>>()),
        ])?;
        let t = &self.tone;
        let tone = DataFrame::new(vec![
            Column::new("group".into(), t.iter().map(|c| c.group.clone()).collect::<Vec<_>>()),
            Column::new(
                "group_name".into(),
                t.iter().map(|c| c.group_name.clone()).collect::<Vec<_>>(),
            ),
            Column::new("n".into(), t.iter().map(|c| c.estimate.n).collect::<Vec<_>>()),
            Column::new(
                "mean_tone".into(),
                t.iter().map(|c| c.estimate.mean).collect::<Vec<_>>(),
            ),
            Column::new("ci_low".into(), t.iter().map(|c| c.estimate.ci_low).collect::<Vec<_>>()),
            Column::new(
                "ci_high".into(),
                t.iter().map(|c| c.estimate.ci_high).collect::<Vec<_>>(),
            ),
            Column::new("positive".into(), t.iter().map(|c| c.positive).collect::<Vec<_>>()),
            Column::new("neutral".into(), t.iter().map(|c| c.neutral).collect::<Vec<_>>()),
            Column::new("negative".into(), t.iter().map(|c| c.negative).collect::<Vec<_>>()),
            Column::new("sparse".into(), t.iter().map(|c| c.sparse).collect::<Vec<_>>()),
        ])?;
        let p = &self.timeline;
        let timeline = DataFrame::new(vec![
            Column::new("group".into(), p.iter().map(|c| c.group.clone()).collect::<Vec<_>>()),
            Column::new(
                "group_name".into(),
                p.iter().map(|c| c.group_name.clone()).collect::<Vec<_>>(),
            ),
            Column::new(
                "measure".into(),
                p.iter().map(|c| c.measure.clone()).collect::<Vec<_>>(),
            ),
            Column::new(
                "period_start".into(),
                p.iter()
                    .map(|c| days_from_date(c.period_start) as i32)
                    .collect::<Vec<_>>(),
            )
            .cast(&DataType::Date)?,
            Column::new("n".into(), p.iter().map(|c| c.estimate.n).collect::<Vec<_>>()),
            Column::new("mean".into(), p.iter().map(|c| c.estimate.mean).collect::<Vec<_>>()),
            Column::new("ci_low".into(), p.iter().map(|c| c.estimate.ci_low).collect::<Vec<_>>()),
            Column::new(
                "ci_high".into(),
                p.iter().map(|c| c.estimate.ci_high).collect::<Vec<_>>(),
            ),
            Column::new("sparse".into(), p.iter().map(|c| c.sparse).collect::<Vec<_>>()),
        ])?;
        let mut frames = vec![("stance_matrix", stance), ("tone", tone), ("timeline", timeline)];
        if !self.differences.is_empty() {
            let d = &self.differences;
            let text = |f: fn(&DifferenceCell) -> String| d.iter().map(f).collect::<Vec<_>>();
            let number = |f: fn(&Difference) -> f64| d.iter().map(|c| f(&c.difference)).collect::<Vec<_>>();
            frames.push((
                "differences",
                DataFrame::new(vec![
                    Column::new("measure".into(), text(|c| c.measure.clone())),
                    Column::new("group_a".into(), text(|c| c.group_a.clone())),
                    Column::new("group_b".into(), text(|c| c.group_b.clone())),
                    Column::new("n_a".into(), d.iter().map(|c| c.difference.n_a).collect::<Vec<_>>()),
                    Column::new("n_b".into(), d.iter().map(|c| c.difference.n_b).collect::<Vec<_>>()),
                    Column::new("difference".into(), number(|x| x.difference)),
                    Column::new("ci_low".into(), number(|x| x.ci_low)),
                    Column::new("ci_high".into(), number(|x| x.ci_high)),
                ])?,
            ));
        }
        Ok(frames)
    }

    /// Writes `compare/*.parquet` into `dir`; returns the paths.
    pub fn write(&self, dir: &Path) -> Result<Vec<std::path::PathBuf>, AnalyzeError> {
        let frames = self.frames().map_err(|source| AnalyzeError::Table {
            table: "compare",
            source,
        })?;
        std::fs::create_dir_all(dir).map_err(|source| crate::output::OutputError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut written = Vec::new();
        for (name, mut frame) in frames {
            written.push(crate::output::write_parquet(
                &dir.join(format!("{name}.parquet")),
                &mut frame,
            )?);
        }
        Ok(written)
    }

    /// Aligned text: the stance matrix (one line per cell), then tone.
    pub fn to_table(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let by = self.options.by.as_str();
        let width = self
            .stance
            .iter()
            .map(|c| c.group_name.chars().count())
            .chain(self.tone.iter().map(|c| c.group_name.chars().count()))
            .max()
            .unwrap_or(5)
            .max(by.len());
        let twidth = self.targets.iter().map(|t| t.len()).max().unwrap_or(6).max(6);
        let interval = |e: &Estimate| format!("[{:+.2}, {:+.2}]", e.ci_low, e.ci_high);
        if self.has_stance {
            let _ = writeln!(
                s,
                "Stance: mean p(favor) − p(against) by {by} and target{} ({})",
                if self.options.named_only {
                    ", statements that name it only"
                } else {
                    ""
                },
                self.interval
            );
            let _ = writeln!(
                s,
                "  {by:<width$}  {:<twidth$}  {:>5}  {:>6}  {:<16}  {:>5} {:>7} {:>4} {:>5}",
                "target", "n", "mean", "95% interval", "favor", "against", "none", "named"
            );
            for c in &self.stance {
                let _ = writeln!(
                    s,
                    "  {:<width$}  {:<twidth$}  {:>5}  {:>+6.2}  {:<16}  {:>5} {:>7} {:>4} {:>5}{}",
                    c.group_name,
                    c.target_id,
                    c.estimate.n,
                    c.estimate.mean,
                    interval(&c.estimate),
                    c.favor,
                    c.against,
                    c.none,
                    c.named.map_or("-".to_string(), |n| n.to_string()),
                    if c.sparse { "  (few)" } else { "" }
                );
            }
        } else {
            let _ = writeln!(
                s,
                "Stance: this run has no stance.parquet (no stance model or no targets)"
            );
        }
        if self.has_tone {
            let _ = writeln!(s, "\nTone: mean tone_score (p_positive − p_negative) by {by}");
            let _ = writeln!(
                s,
                "  {by:<width$}  {:>5}  {:>6}  {:<16}  {:>4} {:>4} {:>4}",
                "n", "mean", "95% interval", "pos", "neu", "neg"
            );
            for c in &self.tone {
                let _ = writeln!(
                    s,
                    "  {:<width$}  {:>5}  {:>+6.2}  {:<16}  {:>4} {:>4} {:>4}{}",
                    c.group_name,
                    c.estimate.n,
                    c.estimate.mean,
                    interval(&c.estimate),
                    c.positive,
                    c.neutral,
                    c.negative,
                    if c.sparse { "  (few)" } else { "" }
                );
            }
        } else {
            let _ = writeln!(s, "\nTone: this run has no tone.parquet (no tone model)");
        }
        if !self.differences.is_empty() {
            let _ = writeln!(s, "\nDifferences: second less first ({})", self.interval);
            for d in &self.differences {
                let x = &d.difference;
                let _ = writeln!(
                    s,
                    "  {:<twidth$}  {} − {}  {:>+6.2}  [{:+.2}, {:+.2}]  n {} and {}{}",
                    d.measure,
                    d.group_b,
                    d.group_a,
                    x.difference,
                    x.ci_low,
                    x.ci_high,
                    x.n_b,
                    x.n_a,
                    if x.ci_low > 0.0 || x.ci_high < 0.0 {
                        "  (interval excludes 0)"
                    } else {
                        ""
                    }
                );
            }
        }
        if !self.targets_naming_a_change.is_empty() {
            let _ = write!(
                s,
                "\n{CHANGE_TARGETS_NOTE}: {}.",
                self.targets_naming_a_change.join(", ")
            );
        }
        let _ = writeln!(
            s,
            "\n(few) = fewer than {} statements, or all from one article. Statements without {by}, left out: {}. Without a date, missing from the {}ly timeline: {}.",
            self.options.min_n,
            self.without_group,
            self.options.every.as_str(),
            self.without_date
        );
        if self.has_stance {
            let _ = writeln!(s, "{NAMED_NOTE}");
        }
        s
    }

    /// CSV: the stance matrix and tone rows in one long table (`measure` = target or "tone").
    pub fn to_csv(&self) -> String {
        let mut s = String::from("group,group_name,measure,n,mean,ci_low,ci_high,sparse\n");
        let quote = |v: &str| format!("\"{}\"", v.replace('"', "\"\""));
        for c in &self.stance {
            s.push_str(&format!(
                "{},{},{},{},{},{},{},{}\n",
                quote(&c.group),
                quote(&c.group_name),
                quote(&c.target_id),
                c.estimate.n,
                c.estimate.mean,
                c.estimate.ci_low,
                c.estimate.ci_high,
                c.sparse
            ));
        }
        for c in &self.tone {
            s.push_str(&format!(
                "{},{},tone,{},{},{},{},{}\n",
                quote(&c.group),
                quote(&c.group_name),
                c.estimate.n,
                c.estimate.mean,
                c.estimate.ci_low,
                c.estimate.ci_high,
                c.sparse
            ));
        }
        s
    }
}
