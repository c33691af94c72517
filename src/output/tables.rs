//! Row types and their polars frames. Column names and types are documented in
//! README.md ("Tables"); offsets are character offsets, end exclusive.

use chrono::NaiveDate;
use polars::prelude::*;

#[derive(Debug, Clone, PartialEq)]
pub struct ArticleRow {
    pub article_id: String,
    pub title: Option<String>,
    pub date: Option<NaiveDate>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub text: String,
    pub n_chars: i64,
    pub input_file: String,
    pub input_line: Option<i64>,
    pub text_offset: i64,
    pub statement_count: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StatementRow {
    pub statement_id: String,
    pub article_id: String,
    pub actor_id: Option<String>,
    pub speaker_text: Option<String>,
    pub speaker_start: Option<i64>,
    pub speaker_end: Option<i64>,
    pub cue: Option<String>,
    pub cue_start: Option<i64>,
    pub cue_end: Option<i64>,
    pub content: String,
    pub content_start: i64,
    pub content_end: i64,
    pub kind: String,
    pub sentence_start: i64,
    pub sentence_end: i64,
    pub confidence: f32,
    pub extractor: String,
    pub resolution: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActorRow {
    pub actor_id: String,
    pub name: String,
    pub kind: String,
    pub affiliation: Option<String>,
    pub in_study: bool,
    pub statement_count: i64,
    pub article_count: i64,
    /// Speaker texts of its statements, most frequent first.
    pub mention_forms: Vec<String>,
}

/// How often a chunk resolved a speaker to an actor under one name form; the run's
/// actor table is decided from these when it finalizes.
#[derive(Debug, Clone, PartialEq)]
pub struct ActorMentionRow {
    pub actor_id: String,
    pub name: String,
    pub kind: String,
    pub affiliation: Option<String>,
    pub in_study: bool,
    pub mentions: i64,
    /// Set on rows that bind a role to the actor rather than name it
    /// (`republican presidential nominee`, see [`crate::identity::role_key`]): the run
    /// gives a description that names no one in its article the actor its role is
    /// bound to across the run.
    pub role: Option<String>,
}

impl From<&crate::actors::Actor> for ActorMentionRow {
    fn from(actor: &crate::actors::Actor) -> Self {
        ActorMentionRow {
            actor_id: actor.id.clone(),
            name: actor.name.clone(),
            kind: actor.kind.as_str().to_string(),
            affiliation: actor.affiliation.clone(),
            in_study: actor.in_study,
            mentions: 0,
            role: None,
        }
    }
}

fn days_since_epoch(date: &NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    (*date - epoch).num_days() as i32
}

fn column<T, V>(name: &str, values: V) -> Column
where
    Series: NamedFrom<V, T>,
    T: ?Sized,
{
    Column::new(name.into(), values)
}

fn build(columns: Vec<Column>) -> PolarsResult<DataFrame> {
    DataFrame::new(columns)
}

pub fn articles_frame(rows: &[ArticleRow]) -> PolarsResult<DataFrame> {
    let pick = |f: fn(&ArticleRow) -> Option<String>| rows.iter().map(f).collect::<Vec<_>>();
    let dates: Vec<Option<i32>> = rows.iter().map(|r| r.date.as_ref().map(days_since_epoch)).collect();
    build(vec![
        column(
            "article_id",
            rows.iter().map(|r| r.article_id.clone()).collect::<Vec<_>>(),
        ),
        column("title", pick(|r| r.title.clone())),
        column("date", dates).cast(&DataType::Date)?,
        column("source", pick(|r| r.source.clone())),
        column("url", pick(|r| r.url.clone())),
        column("text", rows.iter().map(|r| r.text.clone()).collect::<Vec<_>>()),
        column("n_chars", rows.iter().map(|r| r.n_chars).collect::<Vec<_>>()),
        column(
            "input_file",
            rows.iter().map(|r| r.input_file.clone()).collect::<Vec<_>>(),
        ),
        column("input_line", rows.iter().map(|r| r.input_line).collect::<Vec<_>>()),
        column("text_offset", rows.iter().map(|r| r.text_offset).collect::<Vec<_>>()),
        column(
            "statement_count",
            rows.iter().map(|r| r.statement_count).collect::<Vec<_>>(),
        ),
    ])
}

pub fn statements_frame(rows: &[StatementRow]) -> PolarsResult<DataFrame> {
    let text = |f: fn(&StatementRow) -> Option<String>| rows.iter().map(f).collect::<Vec<_>>();
    let int = |f: fn(&StatementRow) -> Option<i64>| rows.iter().map(f).collect::<Vec<_>>();
    build(vec![
        column(
            "statement_id",
            rows.iter().map(|r| r.statement_id.clone()).collect::<Vec<_>>(),
        ),
        column(
            "article_id",
            rows.iter().map(|r| r.article_id.clone()).collect::<Vec<_>>(),
        ),
        column("actor_id", text(|r| r.actor_id.clone())),
        column("speaker_text", text(|r| r.speaker_text.clone())),
        column("speaker_start", int(|r| r.speaker_start)),
        column("speaker_end", int(|r| r.speaker_end)),
        column("cue", text(|r| r.cue.clone())),
        column("cue_start", int(|r| r.cue_start)),
        column("cue_end", int(|r| r.cue_end)),
        column("content", rows.iter().map(|r| r.content.clone()).collect::<Vec<_>>()),
        column(
            "content_start",
            rows.iter().map(|r| r.content_start).collect::<Vec<_>>(),
        ),
        column("content_end", rows.iter().map(|r| r.content_end).collect::<Vec<_>>()),
        column("kind", rows.iter().map(|r| r.kind.clone()).collect::<Vec<_>>()),
        column(
            "sentence_start",
            rows.iter().map(|r| r.sentence_start).collect::<Vec<_>>(),
        ),
        column("sentence_end", rows.iter().map(|r| r.sentence_end).collect::<Vec<_>>()),
        column("confidence", rows.iter().map(|r| r.confidence).collect::<Vec<_>>()),
        column(
            "extractor",
            rows.iter().map(|r| r.extractor.clone()).collect::<Vec<_>>(),
        ),
        column("resolution", text(|r| r.resolution.clone())),
    ])
}

/// Who each actor is: the columns `actors` and the chunks' actor mentions share.
fn identity_columns<R>(rows: &[R], who: impl Fn(&R) -> (&str, &str, &str, Option<&str>, bool)) -> Vec<Column> {
    let whos: Vec<_> = rows.iter().map(who).collect();
    vec![
        column("actor_id", whos.iter().map(|w| w.0).collect::<Vec<_>>()),
        column("name", whos.iter().map(|w| w.1).collect::<Vec<_>>()),
        column("kind", whos.iter().map(|w| w.2).collect::<Vec<_>>()),
        column("affiliation", whos.iter().map(|w| w.3).collect::<Vec<_>>()),
        column("in_study", whos.iter().map(|w| w.4).collect::<Vec<_>>()),
    ]
}

pub fn actors_frame(rows: &[ActorRow]) -> PolarsResult<DataFrame> {
    let mut columns = identity_columns(rows, |r| {
        (&r.actor_id, &r.name, &r.kind, r.affiliation.as_deref(), r.in_study)
    });
    columns.extend([
        column(
            "statement_count",
            rows.iter().map(|r| r.statement_count).collect::<Vec<_>>(),
        ),
        column(
            "article_count",
            rows.iter().map(|r| r.article_count).collect::<Vec<_>>(),
        ),
        {
            let forms: ListChunked = rows
                .iter()
                .map(|r| Some(Series::new(PlSmallStr::EMPTY, &r.mention_forms)))
                .collect();
            let forms = if rows.is_empty() {
                Series::new_empty("mention_forms".into(), &DataType::List(Box::new(DataType::String)))
            } else {
                forms.into_series().with_name("mention_forms".into())
            };
            forms.into()
        },
    ]);
    build(columns)
}

pub fn actor_mentions_frame(rows: &[ActorMentionRow]) -> PolarsResult<DataFrame> {
    let mut columns = identity_columns(rows, |r| {
        (&r.actor_id, &r.name, &r.kind, r.affiliation.as_deref(), r.in_study)
    });
    columns.push(column("mentions", rows.iter().map(|r| r.mentions).collect::<Vec<_>>()));
    columns.push(column(
        "role",
        rows.iter().map(|r| r.role.as_deref()).collect::<Vec<_>>(),
    ));
    build(columns)
}

/// Reads back what [`actor_mentions_frame`] wrote.
pub fn actor_mention_rows(frame: &DataFrame) -> PolarsResult<Vec<ActorMentionRow>> {
    let text = |name: &str| -> PolarsResult<Vec<Option<String>>> {
        Ok(frame
            .column(name)?
            .str()?
            .into_iter()
            .map(|v| v.map(str::to_string))
            .collect())
    };
    let ids = text("actor_id")?;
    let names = text("name")?;
    let kinds = text("kind")?;
    let affiliations = text("affiliation")?;
    let in_study: Vec<Option<bool>> = frame.column("in_study")?.bool()?.into_iter().collect();
    let mentions: Vec<Option<i64>> = frame.column("mentions")?.i64()?.into_iter().collect();
    // Parts written before roles were bound have no `role` column.
    let roles = if frame.get_column_names().iter().any(|c| c.as_str() == "role") {
        text("role")?
    } else {
        vec![None; frame.height()]
    };
    Ok((0..frame.height())
        .map(|i| ActorMentionRow {
            actor_id: ids[i].clone().unwrap_or_default(),
            name: names[i].clone().unwrap_or_default(),
            kind: kinds[i].clone().unwrap_or_default(),
            affiliation: affiliations[i].clone(),
            in_study: in_study[i].unwrap_or(false),
            mentions: mentions[i].unwrap_or(0),
            role: roles[i].clone(),
        })
        .collect())
}

/// `tone.parquet` (column `statement_id`) or a `score --task tone` file (`id`).
pub fn tone_frame(id_column: &str, rows: &[crate::score::ToneRow]) -> PolarsResult<DataFrame> {
    build(vec![
        column(id_column, rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>()),
        column("model", rows.iter().map(|r| r.model.clone()).collect::<Vec<_>>()),
        column("label", rows.iter().map(|r| r.label.clone()).collect::<Vec<_>>()),
        column("p_negative", rows.iter().map(|r| r.p_negative).collect::<Vec<_>>()),
        column("p_neutral", rows.iter().map(|r| r.p_neutral).collect::<Vec<_>>()),
        column("p_positive", rows.iter().map(|r| r.p_positive).collect::<Vec<_>>()),
        column("tone_score", rows.iter().map(|r| r.tone_score).collect::<Vec<_>>()),
    ])
}

/// `stance.parquet` (column `statement_id`) or a `score --task stance` file (`id`).
pub fn stance_frame(id_column: &str, rows: &[crate::score::StanceRow]) -> PolarsResult<DataFrame> {
    build(vec![
        column(id_column, rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>()),
        column(
            "target_id",
            rows.iter().map(|r| r.target_id.clone()).collect::<Vec<_>>(),
        ),
        column("model", rows.iter().map(|r| r.model.clone()).collect::<Vec<_>>()),
        column("label", rows.iter().map(|r| r.label.clone()).collect::<Vec<_>>()),
        column("p_favor", rows.iter().map(|r| r.p_favor).collect::<Vec<_>>()),
        column("p_against", rows.iter().map(|r| r.p_against).collect::<Vec<_>>()),
        column("p_none", rows.iter().map(|r| r.p_none).collect::<Vec<_>>()),
        column("target_named", rows.iter().map(|r| r.target_named).collect::<Vec<_>>()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_frame_has_typed_columns_even_when_empty() {
        let frame = articles_frame(&[]).unwrap();
        assert_eq!(frame.height(), 0);
        assert_eq!(frame.column("date").unwrap().dtype(), &DataType::Date);
        assert_eq!(frame.column("input_line").unwrap().dtype(), &DataType::Int64);
        let frame = statements_frame(&[]).unwrap();
        assert_eq!(frame.column("confidence").unwrap().dtype(), &DataType::Float32);
        assert_eq!(frame.column("actor_id").unwrap().dtype(), &DataType::String);
    }

    #[test]
    fn dates_are_stored_as_days() {
        let row = ArticleRow {
            article_id: "a".into(),
            title: None,
            date: NaiveDate::from_ymd_opt(2025, 8, 7),
            source: None,
            url: None,
            text: "t".into(),
            n_chars: 1,
            input_file: "f".into(),
            input_line: Some(1),
            text_offset: 0,
            statement_count: 0,
        };
        let frame = articles_frame(&[row]).unwrap();
        let date = frame.column("date").unwrap().cast(&DataType::String).unwrap();
        assert_eq!(date.str().unwrap().get(0), Some("2025-08-07"));
    }
}
