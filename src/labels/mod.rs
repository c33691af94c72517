//! The user's own labels: `stancemap label` draws a stratified sample of a run's
//! statements into a file a person fills in ([`sample`]), `stancemap train`
//! fine-tunes the default model on the filled rows ([`train`]), and `stancemap eval
//! --format labels` scores a model on the rows held out from training.
//!
//! One file format serves all three: JSONL (one object per line) or CSV with a
//! header, chosen by the file's extension, with the fields of [`LabelRow`]. The
//! `text` is what the model reads (for tone, the speaker's own words of a
//! descriptive statement), and stance rows carry the two hypotheses the model is
//! asked, so that training asks exactly what scoring asks.

pub mod sample;
pub mod train;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::corpus::Skipped;

pub use sample::{sample, SampleOptions, SampleSummary};
pub use train::{train, TrainJob, TrainSummary};

/// The task labels are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelTask {
    Tone,
    Stance,
}

impl LabelTask {
    pub fn as_str(self) -> &'static str {
        match self {
            LabelTask::Tone => "tone",
            LabelTask::Stance => "stance",
        }
    }

    /// The labels a person may write, in the order eval reports them.
    pub fn labels(self) -> &'static [&'static str] {
        match self {
            LabelTask::Tone => &["negative", "neutral", "positive"],
            LabelTask::Stance => &["favor", "against", "none"],
        }
    }
}

/// One statement (for stance: one statement and target) to label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelRow {
    pub statement_id: String,
    pub article_id: String,
    pub actor_id: Option<String>,
    pub speaker: Option<String>,
    pub target_id: Option<String>,
    pub target: Option<String>,
    pub favor_hypothesis: Option<String>,
    pub against_hypothesis: Option<String>,
    /// What the model reads.
    pub text: String,
    /// The model's label when the sample was drawn, and its probability.
    pub model_label: Option<String>,
    pub model_probability: Option<f64>,
    /// The person's label: empty until filled in.
    pub label: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum LabelError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {detail}")]
    Format { path: PathBuf, detail: String },
    #[error(transparent)]
    Analyze(#[from] crate::analyze::AnalyzeError),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Eval(#[from] crate::evaluate::EvalError),
    #[error("{0}")]
    Train(String),
}

/// The file's format, by its extension: `.csv` is CSV, anything else JSONL.
fn is_csv(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// Writes rows as JSONL or CSV (by extension), atomically.
pub fn write_rows(path: &Path, rows: &[LabelRow]) -> Result<(), LabelError> {
    let io = |source| LabelError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut bytes = Vec::new();
    if is_csv(path) {
        let mut writer = csv::Writer::from_writer(&mut bytes);
        for row in rows {
            writer.serialize(row).map_err(|e| LabelError::Format {
                path: path.to_path_buf(),
                detail: e.to_string(),
            })?;
        }
        writer.flush().map_err(io)?;
    } else {
        for row in rows {
            let line = serde_json::to_string(row).map_err(|e| LabelError::Format {
                path: path.to_path_buf(),
                detail: e.to_string(),
            })?;
            bytes.extend_from_slice(line.as_bytes());
            bytes.push(b'\n');
        }
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    std::io::Write::write_all(&mut file, &bytes).map_err(io)?;
    file.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// Labelled rows of a file, with the line (1-based) each came from.
#[derive(Debug, Clone, Default)]
pub struct LabelledRows {
    pub rows: Vec<(u64, LabelRow)>,
    /// Rows still without a label.
    pub unlabelled: u64,
    /// Rows that could not be used, with file, line and why.
    pub skipped: Vec<Skipped>,
}

/// Every row of a label file's text (JSONL, or CSV by the path's extension), parsed
/// or with why not, with its line (1-based).
pub fn parse_rows(path: &Path, text: &str) -> Vec<(u64, Result<LabelRow, String>)> {
    let mut parsed: Vec<(u64, Result<LabelRow, String>)> = Vec::new();
    if is_csv(path) {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        for (i, record) in reader.deserialize::<LabelRow>().enumerate() {
            // Line 1 is the header (CSV fields with line breaks would shift this; the
            // files `label` writes have none).
            parsed.push((i as u64 + 2, record.map_err(|e| e.to_string())));
        }
    } else {
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            parsed.push((i as u64 + 1, serde_json::from_str(line).map_err(|e| e.to_string())));
        }
    }
    parsed
}

fn read_text(path: &Path) -> Result<String, LabelError> {
    std::fs::read_to_string(path).map_err(|source| LabelError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Which task a label file's rows are for: stance where they name a target.
pub fn task_of(parsed: &[(u64, Result<LabelRow, String>)]) -> LabelTask {
    if parsed
        .iter()
        .any(|(_, row)| row.as_ref().is_ok_and(|r| r.target.is_some()))
    {
        LabelTask::Stance
    } else {
        LabelTask::Tone
    }
}

/// Reads a filled-in label file for `task` (see [`labelled`]).
pub fn read_labelled(path: &Path, task: LabelTask) -> Result<LabelledRows, LabelError> {
    Ok(labelled(path, parse_rows(path, &read_text(path)?), task))
}

/// The usable rows of a label file (`path` names it in skips) for `task`: rows with a
/// label of the task (case and surrounding spaces ignored) are kept, rows without
/// one are counted, and a row that cannot be used (bad JSON, an unknown label, a
/// stance row without a target) is skipped with its line.
pub fn labelled(path: &Path, parsed: Vec<(u64, Result<LabelRow, String>)>, task: LabelTask) -> LabelledRows {
    let mut out = LabelledRows::default();
    let file = path.display().to_string();
    for (line, row) in parsed {
        let mut skip = |reason: String| {
            out.skipped.push(Skipped {
                file: file.clone(),
                line: Some(line),
                article_id: None,
                reason,
            })
        };
        let mut row = match row {
            Ok(row) => row,
            Err(e) => {
                skip(format!("not a label row: {e}"));
                continue;
            }
        };
        let Some(label) = row
            .label
            .as_deref()
            .map(|l| l.trim().to_ascii_lowercase())
            .filter(|l| !l.is_empty())
        else {
            out.unlabelled += 1;
            continue;
        };
        if !task.labels().contains(&label.as_str()) {
            skip(format!(
                "label {label:?} is not a {} label: use one of {}",
                task.as_str(),
                task.labels().join(", ")
            ));
            continue;
        }
        if task == LabelTask::Stance
            && (row.target.is_none() || row.favor_hypothesis.is_none() || row.against_hypothesis.is_none())
        {
            skip(
                "a stance row needs target, favor_hypothesis and against_hypothesis (as `stancemap label` writes them)"
                    .into(),
            );
            continue;
        }
        if row.text.trim().is_empty() {
            skip("the text is empty".into());
            continue;
        }
        row.label = Some(label);
        out.rows.push((line, row));
    }
    out
}

/// A stable pseudo-random key of `parts` under `seed` (order of a sample, and the
/// train/held-out split), the same on every machine.
pub(crate) fn seeded_key(seed: u64, parts: &[&str]) -> u64 {
    use sha2::{Digest, Sha256};
    let mut digest = Sha256::new();
    digest.update(seed.to_le_bytes());
    for part in parts {
        digest.update(part.as_bytes());
        digest.update([0]);
    }
    let hash = digest.finalize();
    u64::from_le_bytes([hash[0], hash[1], hash[2], hash[3], hash[4], hash[5], hash[6], hash[7]])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(label: Option<&str>, target: bool) -> LabelRow {
        LabelRow {
            statement_id: "s1".into(),
            article_id: "a1".into(),
            actor_id: Some("mara_ilves".into()),
            speaker: Some("Ilves".into()),
            target_id: target.then(|| "ceasefire".into()),
            target: target.then(|| "a ceasefire".into()),
            favor_hypothesis: target.then(|| "The speaker supports a ceasefire.".into()),
            against_hypothesis: target.then(|| "The speaker opposes a ceasefire.".into()),
            text: "We offer a ceasefire, today.".into(),
            model_label: Some("favor".into()),
            model_probability: Some(0.61),
            label: label.map(str::to_string),
        }
    }

    #[test]
    fn rows_round_trip_through_jsonl_and_csv() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["labels.jsonl", "labels.csv"] {
            let path = dir.path().join(name);
            let rows = vec![row(Some(" Favor "), true), row(None, true), row(Some("maybe"), true)];
            write_rows(&path, &rows).unwrap();
            let read = read_labelled(&path, LabelTask::Stance).unwrap();
            assert_eq!(read.rows.len(), 1, "{name}");
            assert_eq!(read.rows[0].1.label.as_deref(), Some("favor"));
            assert_eq!(read.rows[0].1.text, rows[0].text);
            assert_eq!(read.unlabelled, 1);
            assert_eq!(read.skipped.len(), 1);
            let expected_line = if name.ends_with("csv") { 4 } else { 3 };
            assert_eq!(read.skipped[0].line, Some(expected_line), "{name}");
            assert!(read.skipped[0].reason.contains("favor, against, none"));
        }
    }

    #[test]
    fn a_stance_row_needs_its_hypotheses_and_bad_lines_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.jsonl");
        let tone_row = serde_json::to_string(&row(Some("favor"), false)).unwrap();
        std::fs::write(&path, format!("{tone_row}\n{{not json\n")).unwrap();
        let read = read_labelled(&path, LabelTask::Stance).unwrap();
        assert!(read.rows.is_empty());
        assert_eq!(read.skipped.len(), 2);
        assert!(read.skipped[0].reason.contains("needs target"));
        assert_eq!(read.skipped[1].line, Some(2));
        let read = read_labelled(&path, LabelTask::Tone).unwrap();
        assert!(read.skipped[0].reason.contains("not a tone label"));
    }

    #[test]
    fn seeded_keys_are_stable_and_differ_by_seed() {
        assert_eq!(seeded_key(13, &["a", "b"]), seeded_key(13, &["a", "b"]));
        assert_ne!(seeded_key(13, &["a", "b"]), seeded_key(14, &["a", "b"]));
        assert_ne!(seeded_key(13, &["ab", ""]), seeded_key(13, &["a", "b"]));
    }
}
