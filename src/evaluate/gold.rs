//! Gold data for `stancemap eval`, one reader per published format. A line that
//! cannot be used is skipped with its file and line, and counted.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::corpus::Skipped;
use crate::score::Target;

/// The gold formats `stancemap eval` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GoldFormat {
    /// `sentence<TAB>label` with a header, 1 = positive (GLUE SST-2).
    Sst2,
    /// VADER gold sets: `id<TAB>mean rating −4..+4<TAB>text`.
    Vader,
    /// NewsMTSC JSONL: the polarity toward the sentence's primary target (2, 4, 6).
    Newsmtsc,
    /// EmoBank CSV: `id,split,V,A,D,text`, valence 1–5.
    Emobank,
    /// SemEval-2016 Task 6: `ID<TAB>Target<TAB>Tweet<TAB>Stance`, Windows-1252.
    Semeval,
    /// IBM ArgQ-30k CSV: `argument,topic,set,stance_WA,...`.
    Argq,
    /// VAST CSV: `post`, `topic_str`, `label` (0 con, 1 pro, 2 neutral).
    Vast,
    /// `{premise, hypothesis, label}` lines, 3-way or 2-way (`not_entailment`).
    NliJsonl,
    /// A label file of `stancemap label`, filled in (JSONL, or CSV by extension):
    /// stance rows where they name a target, tone rows otherwise.
    Labels,
}

impl GoldFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            GoldFormat::Sst2 => "sst2",
            GoldFormat::Vader => "vader",
            GoldFormat::Newsmtsc => "newsmtsc",
            GoldFormat::Emobank => "emobank",
            GoldFormat::Semeval => "semeval",
            GoldFormat::Argq => "argq",
            GoldFormat::Vast => "vast",
            GoldFormat::NliJsonl => "nli-jsonl",
            GoldFormat::Labels => "labels",
        }
    }
}

/// What a gold item asks of the model.
#[derive(Debug, Clone, PartialEq)]
pub enum Probe {
    /// Tone of a text.
    Text(String),
    /// Stance of a text toward a target.
    Stance { text: String, target: Target },
    /// A premise–hypothesis pair.
    Pair { premise: String, hypothesis: String },
}

/// The gold answer: a class (index into the set's labels) or a graded value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Gold {
    Class(usize),
    Graded(f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct GoldItem {
    pub probe: Probe,
    pub gold: Gold,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GoldSet {
    /// Class names for `Gold::Class`; for graded sets, the classes that the sign of
    /// the prediction is scored on.
    pub labels: Vec<&'static str>,
    pub items: Vec<GoldItem>,
    pub skipped: Vec<Skipped>,
    /// The value that separates negative from positive in graded gold.
    pub graded_centre: Option<f64>,
}

#[derive(Debug, thiserror::Error)]
pub enum GoldError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {problem}")]
    Format { path: String, problem: String },
}

/// Which ArgQ rows to read (`set` column); other formats ignore it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    Train,
    #[default]
    Dev,
    All,
}

pub fn read(path: &Path, format: GoldFormat, split: Split) -> Result<GoldSet, GoldError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| GoldError::Read {
        path: name.clone(),
        source,
    })?;
    if format == GoldFormat::Labels {
        return Ok(read_labels(path, &bytes));
    }
    let text = match format {
        GoldFormat::Semeval => decode_windows_1252(&bytes),
        _ => String::from_utf8_lossy(&bytes).into_owned(),
    };
    let mut set = GoldSet {
        labels: Vec::new(),
        items: Vec::new(),
        skipped: Vec::new(),
        graded_centre: None,
    };
    let skip = |set: &mut GoldSet, line: usize, reason: String| {
        set.skipped.push(Skipped {
            file: name.clone(),
            line: Some(line as u64),
            article_id: None,
            reason,
        })
    };
    match format {
        GoldFormat::Sst2 => {
            set.labels = vec!["negative", "positive"];
            for (i, line) in text.lines().enumerate().skip(1) {
                let Some((sentence, label)) = line.rsplit_once('\t') else {
                    skip(&mut set, i + 1, "expected sentence<TAB>label".into());
                    continue;
                };
                match label.trim() {
                    "0" | "1" => set.items.push(GoldItem {
                        probe: Probe::Text(sentence.trim().to_string()),
                        gold: Gold::Class(usize::from(label.trim() == "1")),
                    }),
                    other => skip(&mut set, i + 1, format!("label {other:?} is not 0 or 1")),
                }
            }
        }
        GoldFormat::Vader => {
            set.labels = vec!["negative", "positive"];
            set.graded_centre = Some(0.0);
            for (i, line) in text.lines().enumerate() {
                let mut parts = line.splitn(3, '\t');
                let (_, rating, sentence) = (parts.next(), parts.next(), parts.next());
                match (rating.and_then(|r| r.trim().parse::<f64>().ok()), sentence) {
                    (Some(r), Some(s)) if r.is_finite() => set.items.push(GoldItem {
                        probe: Probe::Text(s.trim().to_string()),
                        gold: Gold::Graded(r),
                    }),
                    _ if line.trim().is_empty() => {}
                    _ => skip(&mut set, i + 1, "expected id<TAB>rating<TAB>text".into()),
                }
            }
        }
        GoldFormat::Newsmtsc => {
            set.labels = vec!["negative", "neutral", "positive"];
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match newsmtsc_line(line) {
                    Ok(item) => set.items.push(item),
                    Err(reason) => skip(&mut set, i + 1, reason),
                }
            }
        }
        GoldFormat::Emobank => {
            set.labels = vec!["negative", "positive"];
            set.graded_centre = Some(3.0);
            for (line, record) in csv_records(&text, &name)? {
                match (record.get("V").and_then(|v| v.parse::<f64>().ok()), record.get("text")) {
                    (Some(v), Some(t)) => set.items.push(GoldItem {
                        probe: Probe::Text(t.clone()),
                        gold: Gold::Graded(v),
                    }),
                    _ => skip(&mut set, line, "needs a numeric V and a text".into()),
                }
            }
        }
        GoldFormat::Semeval => {
            set.labels = vec!["favor", "against", "none"];
            for (i, line) in text.lines().enumerate().skip(1) {
                let parts: Vec<&str> = line.split('\t').collect();
                if parts.len() < 4 {
                    if !line.trim().is_empty() {
                        skip(&mut set, i + 1, "expected ID<TAB>Target<TAB>Tweet<TAB>Stance".into());
                    }
                    continue;
                }
                let gold = match parts[3].trim() {
                    "FAVOR" => 0,
                    "AGAINST" => 1,
                    "NONE" => 2,
                    other => {
                        skip(
                            &mut set,
                            i + 1,
                            format!("stance {other:?} is not FAVOR, AGAINST or NONE"),
                        );
                        continue;
                    }
                };
                let target = parts[1].trim();
                set.items.push(GoldItem {
                    probe: Probe::Stance {
                        text: parts[2].trim().to_string(),
                        target: Target::new(&crate::actors::slug(target), target),
                    },
                    gold: Gold::Class(gold),
                });
            }
        }
        GoldFormat::Argq => {
            set.labels = vec!["favor", "against"];
            for (line, r) in csv_records(&text, &name)? {
                let in_split = match split {
                    Split::All => true,
                    Split::Train => r.get("set").is_some_and(|s| s == "train"),
                    Split::Dev => r.get("set").is_some_and(|s| s == "dev"),
                };
                if !in_split {
                    continue;
                }
                let stance = r.get("stance_WA").and_then(|s| s.trim().parse::<i32>().ok());
                match (r.get("argument"), r.get("topic"), stance) {
                    (Some(argument), Some(topic), Some(s)) if s == 1 || s == -1 => {
                        // Every ArgQ topic is a claim, also those without an auxiliary
                        // ("Intelligence tests bring more harm than good").
                        let target = Target::claim(&crate::actors::slug(topic), &claim(topic));
                        set.items.push(GoldItem {
                            probe: Probe::Stance {
                                text: argument.clone(),
                                target,
                            },
                            gold: Gold::Class(if s == 1 { 0 } else { 1 }),
                        });
                    }
                    _ => skip(&mut set, line, "needs argument, topic and stance_WA of 1 or -1".into()),
                }
            }
        }
        GoldFormat::Vast => {
            set.labels = vec!["favor", "against", "none"];
            for (line, r) in csv_records(&text, &name)? {
                let gold = match r.get("label").map(|s| s.trim()) {
                    Some("1") => 0,
                    Some("0") => 1,
                    Some("2") => 2,
                    _ => {
                        skip(&mut set, line, "label must be 0 (con), 1 (pro) or 2 (neutral)".into());
                        continue;
                    }
                };
                match (r.get("post"), r.get("topic_str")) {
                    (Some(post), Some(topic)) => set.items.push(GoldItem {
                        probe: Probe::Stance {
                            text: post.clone(),
                            target: Target::new(&crate::actors::slug(topic), topic),
                        },
                        gold: Gold::Class(gold),
                    }),
                    _ => skip(&mut set, line, "needs post and topic_str".into()),
                }
            }
        }
        GoldFormat::Labels => unreachable!("read_labels reads label files"),
        GoldFormat::NliJsonl => {
            let mut rows = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<NliRow>(line) {
                    Ok(row) => rows.push((i + 1, row)),
                    Err(e) => skip(
                        &mut set,
                        i + 1,
                        format!("not a {{premise, hypothesis, label}} object: {e}"),
                    ),
                }
            }
            let two_way = rows.iter().any(|(_, r)| r.label == "not_entailment");
            set.labels = if two_way {
                vec!["entailment", "not_entailment"]
            } else {
                vec!["entailment", "neutral", "contradiction"]
            };
            for (line, row) in rows {
                match set.labels.iter().position(|l| *l == row.label) {
                    Some(gold) => set.items.push(GoldItem {
                        probe: Probe::Pair {
                            premise: row.premise,
                            hypothesis: row.hypothesis,
                        },
                        gold: Gold::Class(gold),
                    }),
                    None => {
                        let reason = format!("label {:?} is not one of {:?}", row.label, set.labels);
                        skip(&mut set, line, reason)
                    }
                }
            }
        }
    }
    Ok(set)
}

/// A filled-in label file: its task is stance where its rows name a target.
fn read_labels(path: &Path, bytes: &[u8]) -> GoldSet {
    use crate::labels::{labelled, parse_rows, task_of, LabelTask::*};
    let parsed = parse_rows(path, &String::from_utf8_lossy(bytes));
    let task = task_of(&parsed);
    let read = labelled(path, parsed, task);
    let labels = task.labels();
    let items = read
        .rows
        .into_iter()
        .filter_map(|(_, row)| {
            let gold = labels.iter().position(|l| Some(*l) == row.label.as_deref())?;
            let probe = match task {
                Tone => Probe::Text(row.text),
                Stance => {
                    let (target, favor, against) = (row.target?, row.favor_hypothesis?, row.against_hypothesis?);
                    // The hypotheses as the label file asked them (no placeholder left).
                    let target = Target {
                        id: row.target_id.unwrap_or_else(|| crate::actors::slug(&target)),
                        description: target,
                        favor_template: favor.replace("{}", "{ }"),
                        against_template: against.replace("{}", "{ }"),
                        aliases: Vec::new(),
                    };
                    Probe::Stance { text: row.text, target }
                }
            };
            Some(GoldItem {
                probe,
                gold: Gold::Class(gold),
            })
        })
        .collect();
    GoldSet {
        labels: labels.to_vec(),
        items,
        skipped: read.skipped,
        graded_centre: None,
    }
}

#[derive(Deserialize)]
struct NliRow {
    premise: String,
    hypothesis: String,
    label: String,
}

fn newsmtsc_line(line: &str) -> Result<GoldItem, String> {
    let value: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let sentence = value
        .get("sentence_normalized")
        .and_then(|s| s.as_str())
        .ok_or("no sentence_normalized")?;
    let primary = value.get("primary_gid").and_then(|s| s.as_str());
    let targets = value.get("targets").and_then(|t| t.as_array()).ok_or("no targets")?;
    let target = targets
        .iter()
        .find(|t| t.get("Input.gid").and_then(|g| g.as_str()) == primary)
        .or_else(|| targets.first())
        .ok_or("empty targets")?;
    let polarity = target.get("polarity").and_then(|p| p.as_f64()).ok_or("no polarity")?;
    let gold = match polarity as i64 {
        2 => 0,
        4 => 1,
        6 => 2,
        _ => return Err(format!("polarity {polarity} is not 2, 4 or 6")),
    };
    Ok(GoldItem {
        probe: Probe::Text(sentence.to_string()),
        gold: Gold::Class(gold),
    })
}

/// A claim topic as a clause: "We should abandon marriage" → "we should abandon marriage".
pub fn claim(topic: &str) -> String {
    let topic = topic.trim().trim_end_matches('.');
    let mut chars = topic.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// CSV rows as header → value maps, with the 1-based line each record starts on.
fn csv_records(text: &str, name: &str) -> Result<Vec<(usize, std::collections::HashMap<String, String>)>, GoldError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| GoldError::Format {
            path: name.into(),
            problem: format!("no CSV header: {e}"),
        })?
        .clone();
    let mut out = Vec::new();
    for record in reader.records() {
        // A malformed record cannot be told apart from the next one; it ends the file.
        let record = record.map_err(|e| GoldError::Format {
            path: name.into(),
            problem: format!("bad CSV: {e}"),
        })?;
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        let map = headers
            .iter()
            .zip(record.iter())
            .map(|(h, v)| (h.to_string(), v.to_string()))
            .collect();
        out.push((line, map));
    }
    Ok(out)
}

/// Windows-1252: Latin-1 but for 0x80–0x9F, where it keeps typographic marks.
pub fn decode_windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9f => HIGH[(b - 0x80) as usize],
            _ => b as char,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(content: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut f, content).unwrap();
        f
    }

    #[test]
    fn semeval_is_windows_1252_with_crlf() {
        let f = write(b"ID\tTarget\tTweet\tStance\r\n1\tAtheism\tGod\x92s love \x93always\x94\tAGAINST\r\n2\tAtheism\tx\tMAYBE\r\n3\tClimate Change is a Real Concern\tHot.\tFAVOR\r\n");
        let set = read(f.path(), GoldFormat::Semeval, Split::All).unwrap();
        assert_eq!(set.items.len(), 2);
        match &set.items[1].probe {
            Probe::Stance { target, .. } => assert_eq!(
                target.favor_hypothesis(),
                "The speaker agrees that Climate Change is a Real Concern."
            ),
            other => panic!("{other:?}"),
        }
        match &set.items[0].probe {
            Probe::Stance { text, target } => {
                assert_eq!(text, "God’s love “always”");
                assert_eq!(target.favor_hypothesis(), "The speaker supports Atheism.");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(set.items[0].gold, Gold::Class(1));
        assert_eq!(set.skipped.len(), 1);
        assert_eq!(set.skipped[0].line, Some(3));
    }

    #[test]
    fn argq_reads_the_chosen_split_with_claim_hypotheses() {
        let f = write(b"argument,topic,set,stance_WA,stance_WA_conf\nit works,X brings more harm than good,dev,1,1.0\nno,X brings more harm than good,train,-1,1.0\nbad,X brings more harm than good,dev,0,1.0\n");
        let set = read(f.path(), GoldFormat::Argq, Split::Dev).unwrap();
        assert_eq!(set.items.len(), 1);
        match &set.items[0].probe {
            Probe::Stance { target, .. } => {
                assert_eq!(
                    target.favor_hypothesis(),
                    "The speaker agrees that x brings more harm than good."
                )
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(set.skipped.len(), 1);
        assert_eq!(set.skipped[0].line, Some(4));
        assert_eq!(read(f.path(), GoldFormat::Argq, Split::All).unwrap().items.len(), 2);
    }

    #[test]
    fn newsmtsc_takes_the_primary_target() {
        let line = r#"{"primary_gid": "b", "sentence_normalized": "S", "targets": [{"Input.gid": "a", "polarity": 2.0}, {"Input.gid": "b", "polarity": 6.0}]}"#;
        let f = write(format!("{line}\nnot json\n").as_bytes());
        let set = read(f.path(), GoldFormat::Newsmtsc, Split::All).unwrap();
        assert_eq!(set.items[0].gold, Gold::Class(2));
        assert_eq!(set.skipped[0].line, Some(2));
    }

    #[test]
    fn nli_two_way_files_get_two_labels() {
        let f = write(b"{\"premise\":\"p\",\"hypothesis\":\"h\",\"label\":\"not_entailment\"}\n{\"premise\":\"p\",\"hypothesis\":\"h\",\"label\":\"entailment\"}\n");
        let set = read(f.path(), GoldFormat::NliJsonl, Split::All).unwrap();
        assert_eq!(set.labels, vec!["entailment", "not_entailment"]);
        assert_eq!(set.items[0].gold, Gold::Class(1));
    }

    #[test]
    fn vader_is_graded() {
        let f = write(b"1\t2.5\tgood\n2\tx\tbad\n");
        let set = read(f.path(), GoldFormat::Vader, Split::All).unwrap();
        assert_eq!(set.items[0].gold, Gold::Graded(2.5));
        assert_eq!(set.skipped.len(), 1);
    }
}
