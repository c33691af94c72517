//! `stancemap eval`: a scoring model against labelled data, with the figures the
//! field reports (accuracy, macro-F1, confusion matrix; Pearson r and sign accuracy
//! for graded gold; SemEval-2016's F1avg for stance).
//!
//! Evaluation goes through the same scorers as a run, so what it measures is what
//! `stancemap run` writes: tone's argmax label (or, for binary gold, positive vs
//! negative), stance's favour/against/none from the two NLI hypotheses.

pub mod gold;
pub mod metrics;

use std::path::PathBuf;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, ModelOptions};
use crate::corpus::Skipped;
use crate::models::{DeviceChoice, Input, NliLabels, Task};
use crate::pipeline::{progress_bar, ITEMS_TEMPLATE};
use crate::score::{ScoreError, ScoreStats, Scorer, StanceItem, StanceScorer, TextItem, ToneScorer};
pub use gold::{Gold, GoldFormat, GoldSet, Probe, Split};
pub use metrics::Classification;

/// What is evaluated: a tone model, a stance model through its stance rows, or a
/// stance model as a plain NLI classifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvalTask {
    Tone,
    Stance,
    Nli,
}

impl EvalTask {
    pub fn as_str(self) -> &'static str {
        match self {
            EvalTask::Tone => "tone",
            EvalTask::Stance => "stance",
            EvalTask::Nli => "nli",
        }
    }

    fn model_task(self) -> Task {
        match self {
            EvalTask::Tone => Task::Tone,
            EvalTask::Stance | EvalTask::Nli => Task::Stance,
        }
    }

    fn formats(self) -> &'static [GoldFormat] {
        match self {
            EvalTask::Tone => &[
                GoldFormat::Sst2,
                GoldFormat::Vader,
                GoldFormat::Newsmtsc,
                GoldFormat::Emobank,
                GoldFormat::Labels,
            ],
            EvalTask::Stance => &[
                GoldFormat::Semeval,
                GoldFormat::Argq,
                GoldFormat::Vast,
                GoldFormat::Labels,
            ],
            EvalTask::Nli => &[GoldFormat::NliJsonl],
        }
    }
}

#[derive(Debug, Clone)]
pub struct EvalJob {
    pub task: EvalTask,
    pub data: PathBuf,
    pub format: GoldFormat,
    pub split: Split,
    pub models: ModelOptions,
    pub device: DeviceChoice,
    pub threads: Option<usize>,
    /// Evaluate the first N usable items only.
    pub limit: Option<usize>,
    pub progress: bool,
}

/// The figures of one evaluation (printed, or written as JSON with `--json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    pub task: String,
    pub format: String,
    pub data: String,
    pub model: String,
    pub weights_sha256: String,
    /// The engine the model ran on: `onnx` or `torch`.
    #[serde(default)]
    pub engine: String,
    /// `fp32` or `int8`.
    #[serde(default)]
    pub precision: String,
    pub items: u64,
    pub skipped: u64,
    /// The first skipped lines, with file and line.
    pub skipped_lines: Vec<Skipped>,
    pub classification: Classification,
    /// SemEval-2016 Task 6's F1avg = (F1 favor + F1 against) / 2, for stance sets.
    pub f1_avg: Option<f64>,
    /// Graded gold: Pearson r between `tone_score` and the gold value.
    pub pearson_r: Option<f64>,
    /// Graded gold: share of non-centre gold items whose tone score has its sign.
    pub sign_accuracy: Option<f64>,
    /// Stance sets: how p_favor − p_against, what `compare` averages, follows the gold side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_score: Option<metrics::SignedScoreFit>,
    pub seconds: f64,
    pub scoring: ScoreStats,
}

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Gold(#[from] gold::GoldError),
    #[error(transparent)]
    Score(#[from] ScoreError),
    #[error("format {format} holds {found} data, not {task}: use one of {expected}")]
    Mismatch {
        format: &'static str,
        found: &'static str,
        task: &'static str,
        expected: String,
    },
    #[error("no {0} model: name one with --model, or declare a default in a registry (--models FILE)")]
    NoModel(&'static str),
    #[error("{0}: no usable item (see the skipped lines above)")]
    Empty(String),
}

/// Items scored per progress step.
const CHUNK: usize = 256;

pub fn evaluate(job: &EvalJob) -> Result<EvalReport, EvalError> {
    if !job.task.formats().contains(&job.format) {
        let found = [EvalTask::Tone, EvalTask::Stance, EvalTask::Nli]
            .into_iter()
            .find(|t| t.formats().contains(&job.format))
            .map_or("other", EvalTask::as_str);
        return Err(EvalError::Mismatch {
            format: job.format.as_str(),
            found,
            task: job.task.as_str(),
            expected: job
                .task
                .formats()
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let started = Instant::now();
    let runtime = job.models.runtime(job.device, job.threads)?;
    let settings = job.models.settings()?;
    let task = job.task.model_task();
    let model = job.models.resolve_one(task)?.ok_or(EvalError::NoModel(task.as_str()))?;
    let plan = model.engine(runtime).map_err(ConfigError::from)?;

    let mut set = gold::read(&job.data, job.format, job.split)?;
    for skip in &set.skipped {
        tracing::warn!("skipped {skip}");
    }
    if job.format == GoldFormat::Labels {
        // A label file holds one task's rows: stance rows name a target.
        let found = if set.items.iter().any(|i| matches!(i.probe, Probe::Stance { .. })) {
            EvalTask::Stance
        } else {
            EvalTask::Tone
        };
        if found != job.task && !set.items.is_empty() {
            return Err(EvalError::Mismatch {
                format: job.format.as_str(),
                found: found.as_str(),
                task: job.task.as_str(),
                expected: format!("--task {} for this file", found.as_str()),
            });
        }
    }
    if let Some(limit) = job.limit {
        set.items.truncate(limit);
    }
    if set.items.is_empty() {
        return Err(EvalError::Empty(job.data.display().to_string()));
    }
    let bar = progress_bar(job.progress, set.items.len() as u64, ITEMS_TEMPLATE);
    bar.set_message(format!("evaluating {}", model.spec.name));

    // Each item's prediction: a class index into set.labels, and a graded score.
    let mut predictions: Vec<(usize, f64)> = Vec::with_capacity(set.items.len());
    let mut stats;
    match job.task {
        EvalTask::Tone => {
            let scorer = ToneScorer::load(&model, runtime, settings).map_err(ScoreError::from)?;
            stats = scorer.stats();
            for (n, chunk) in set.items.chunks(CHUNK).enumerate() {
                let items: Vec<TextItem> = chunk
                    .iter()
                    .enumerate()
                    .map(|(i, item)| TextItem {
                        id: (n * CHUNK + i).to_string(),
                        text: match &item.probe {
                            Probe::Text(t) => t.clone(),
                            _ => String::new(),
                        },
                    })
                    .collect();
                for row in scorer.score(&items, &mut stats)? {
                    let class = if set.labels.len() == 2 {
                        usize::from(row.p_positive >= row.p_negative)
                    } else {
                        set.labels.iter().position(|l| *l == row.label).unwrap_or(0)
                    };
                    predictions.push((class, row.tone_score as f64));
                }
                bar.inc(chunk.len() as u64);
            }
        }
        EvalTask::Stance => {
            let scorer = StanceScorer::load(&model, runtime, settings).map_err(ScoreError::from)?;
            stats = scorer.stats();
            for (n, chunk) in set.items.chunks(CHUNK).enumerate() {
                let items: Vec<StanceItem> = chunk
                    .iter()
                    .enumerate()
                    .filter_map(|(i, item)| match &item.probe {
                        Probe::Stance { text, target } => Some(StanceItem {
                            id: (n * CHUNK + i).to_string(),
                            text: text.clone(),
                            target: target.clone(),
                        }),
                        _ => None,
                    })
                    .collect();
                for row in scorer.score(&items, &mut stats)? {
                    let class = if set.labels.len() == 2 {
                        usize::from(row.p_against > row.p_favor)
                    } else {
                        set.labels.iter().position(|l| *l == row.label).unwrap_or(2)
                    };
                    predictions.push((class, (row.p_favor - row.p_against) as f64));
                }
                bar.inc(chunk.len() as u64);
            }
        }
        EvalTask::Nli => {
            let classifier = crate::score::load_classifier(&model, runtime, settings).map_err(ScoreError::from)?;
            let labels = NliLabels::from_labels(&model.spec.name, classifier.labels()).map_err(ScoreError::from)?;
            stats = ScoreStats {
                task: "nli".into(),
                model: model.spec.name.clone(),
                ..Default::default()
            };
            let two_way = set.labels.len() == 2;
            for chunk in set.items.chunks(CHUNK) {
                let inputs: Vec<Input> = chunk
                    .iter()
                    .filter_map(|item| match &item.probe {
                        Probe::Pair { premise, hypothesis } => Some(Input::Pair(premise, hypothesis)),
                        _ => None,
                    })
                    .collect();
                let probabilities = crate::score::predict_unique(&classifier, &inputs, settings, &mut stats)
                    .map_err(ScoreError::from)?;
                for p in probabilities {
                    let (e, n, c) = (p[labels.entailment], p[labels.neutral], p[labels.contradiction]);
                    let class = if two_way {
                        usize::from(e < n + c)
                    } else if e >= n && e >= c {
                        0
                    } else if n >= c {
                        1
                    } else {
                        2
                    };
                    predictions.push((class, e as f64));
                }
                bar.inc(chunk.len() as u64);
            }
        }
    }
    bar.finish_and_clear();

    let mut pairs = Vec::new();
    let mut gold_and_score = Vec::new();
    let (mut graded_pred, mut graded_gold) = (Vec::new(), Vec::new());
    for (item, &(class, score)) in set.items.iter().zip(&predictions) {
        match item.gold {
            Gold::Class(g) => {
                pairs.push((g, class));
                gold_and_score.push((g, score));
            }
            Gold::Graded(value) => {
                let centre = set.graded_centre.unwrap_or(0.0);
                graded_pred.push(score);
                graded_gold.push(value - centre);
                if value != centre {
                    pairs.push((usize::from(value > centre), usize::from(score > 0.0)));
                }
            }
        }
    }
    let classification = Classification::new(&set.labels, &pairs);
    let f1_avg = (job.task == EvalTask::Stance && set.labels.len() == 3)
        .then(|| classification.f1_avg_favor_against())
        .flatten();
    let graded = !graded_gold.is_empty();
    Ok(EvalReport {
        task: job.task.as_str().into(),
        format: job.format.as_str().into(),
        data: job.data.display().to_string(),
        model: model.spec.name.clone(),
        weights_sha256: model.weights_sha256.clone(),
        engine: plan.engine.as_str().into(),
        precision: plan.precision.as_str().into(),
        items: set.items.len() as u64,
        skipped: set.skipped.len() as u64,
        skipped_lines: set
            .skipped
            .iter()
            .take(crate::output::MAX_SKIPPED_LISTED)
            .cloned()
            .collect(),
        classification,
        f1_avg,
        pearson_r: graded.then(|| metrics::pearson(&graded_pred, &graded_gold)).flatten(),
        sign_accuracy: graded
            .then(|| metrics::sign_accuracy(&graded_pred, &graded_gold))
            .flatten(),
        signed_score: (job.task == EvalTask::Stance && !gold_and_score.is_empty())
            .then(|| metrics::signed_score_fit(&set.labels, &gold_and_score)),
        seconds: started.elapsed().as_secs_f64(),
        scoring: stats,
    })
}

impl EvalReport {
    /// The report as aligned text for a terminal.
    pub fn to_table(&self) -> String {
        use std::fmt::Write;
        let c = &self.classification;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} eval of {} on {} ({})",
            self.task, self.model, self.data, self.format
        );
        let _ = writeln!(
            s,
            "  items {}   skipped {}   {:.1} s",
            self.items, self.skipped, self.seconds
        );
        let _ = writeln!(s, "  accuracy  {:.4}   (n = {})", c.accuracy, c.n);
        let _ = writeln!(s, "  macro-F1  {:.4}", c.macro_f1);
        if let Some(f) = self.f1_avg {
            let _ = writeln!(
                s,
                "  F1avg     {f:.4}   (mean of F1 favor and F1 against, SemEval-2016)"
            );
        }
        if let Some(r) = self.pearson_r {
            let _ = writeln!(s, "  Pearson r {r:.4}   (tone_score against the gold rating)");
        }
        if let Some(a) = self.sign_accuracy {
            let _ = writeln!(s, "  sign acc. {a:.4}");
        }
        if let Some(fit) = &self.signed_score {
            if let Some(r) = fit.pearson_r {
                let _ = writeln!(
                    s,
                    "  score r   {r:.4}   (p_favor − p_against against the gold side, favor +1 / none 0 / against −1: what compare averages)"
                );
            }
            let means: Vec<String> = fit
                .by_gold
                .iter()
                .map(|g| match g.mean {
                    Some(m) => format!("{} {m:+.3} (n {})", g.label, g.n),
                    None => format!("{} – (n 0)", g.label),
                })
                .collect();
            let _ = writeln!(s, "  mean score by gold side: {}", means.join(", "));
        }
        let width = c.labels.iter().map(|l| l.len()).max().unwrap_or(8).max(9);
        let _ = writeln!(
            s,
            "\n  {:<width$} {:>9} {:>9} {:>9} {:>8}",
            "class", "precision", "recall", "F1", "support"
        );
        for k in &c.classes {
            let _ = writeln!(
                s,
                "  {:<width$} {:>9.4} {:>9.4} {:>9.4} {:>8}",
                k.label, k.precision, k.recall, k.f1, k.support
            );
        }
        let head = "gold \\ predicted";
        let first = width.max(head.len());
        let cell = width.max(8);
        let _ = write!(s, "\n  {head:<first$}");
        for l in &c.labels {
            let _ = write!(s, " {l:>cell$}");
        }
        let _ = writeln!(s);
        for (gold, row) in c.labels.iter().zip(&c.confusion) {
            let _ = write!(s, "  {gold:<first$}");
            for v in row {
                let _ = write!(s, " {v:>cell$}");
            }
            let _ = writeln!(s);
        }
        s
    }
}
