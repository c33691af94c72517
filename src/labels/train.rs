//! `stancemap train --task stance|tone --labels FILE --out DIR`: fine-tunes the
//! task's model (the registry default, or `--base`) on a filled-in label file and
//! registers the result.
//!
//! The labelled rows are split by article (statements of one article are not
//! independent) into a training part and a held-out part (`--holdout`, seeded). The
//! recipe `models/recipes/finetune_labels.py` trains in the project's `.venv` (seeded,
//! every layer, a few epochs: minutes on 2 cores for a few hundred labels) and exports
//! the model to ONNX. `DIR` then holds `model/`, `models.toml` (a registry declaring
//! it the task's default: pass `--models DIR/models.toml`), `train.jsonl`,
//! `heldout.jsonl` and `train_report.json`, with the held-out figures of the base
//! model and of the tuned one, measured by `stancemap eval --format labels`, so the
//! report says whether training helped.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::{read_labelled, seeded_key, write_rows, LabelError, LabelRow, LabelTask};
use crate::config::ModelOptions;
use crate::corpus::Skipped;
use crate::evaluate::{evaluate, EvalJob, EvalReport, EvalTask, GoldFormat, Split};
use crate::models::{DeviceChoice, Task};

#[derive(Debug, Clone)]
pub struct TrainJob {
    pub task: LabelTask,
    pub labels: PathBuf,
    pub out: PathBuf,
    /// Registry name of the tuned model (default: `<task>-<name of OUT>`).
    pub name: Option<String>,
    /// Registries and the base model (`tone_model` / `stance_model`; default: the
    /// task's default).
    pub models: ModelOptions,
    pub epochs: usize,
    pub learning_rate: f64,
    /// Share of the labelled articles held out for evaluation.
    pub holdout: f64,
    pub seed: u64,
    pub threads: Option<usize>,
    pub device: DeviceChoice,
    pub quiet: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainSummary {
    pub task: String,
    pub name: String,
    pub base_model: String,
    pub model_dir: PathBuf,
    pub registry: PathBuf,
    pub train_rows: usize,
    pub heldout_rows: usize,
    pub unlabelled: u64,
    pub skipped: Vec<Skipped>,
    pub epochs: usize,
    pub seed: u64,
    pub train_seconds: f64,
    /// Held-out figures of the base model and of the tuned one (None without a
    /// held-out part).
    pub heldout_base: Option<EvalReport>,
    pub heldout_tuned: Option<EvalReport>,
}

impl TrainSummary {
    /// Whether the tuned model's held-out macro-F1 beats the base model's.
    pub fn helped(&self) -> Option<bool> {
        match (&self.heldout_base, &self.heldout_tuned) {
            (Some(base), Some(tuned)) => Some(tuned.classification.macro_f1 > base.classification.macro_f1),
            _ => None,
        }
    }
}

/// Fewest labelled rows worth training on.
pub const MIN_LABELLED: usize = 8;

pub fn train(job: &TrainJob) -> Result<TrainSummary, LabelError> {
    if !(0.0..0.9).contains(&job.holdout) {
        return Err(LabelError::Train(format!(
            "--holdout {} must be at least 0 and below 0.9",
            job.holdout
        )));
    }
    if job.epochs == 0 {
        return Err(LabelError::Train("--epochs must be at least 1".into()));
    }
    let read = read_labelled(&job.labels, job.task)?;
    for skip in &read.skipped {
        tracing::warn!("skipped {skip}");
    }
    if read.rows.len() < MIN_LABELLED {
        return Err(LabelError::Train(format!(
            "{}: {} labelled {} rows ({} still unlabelled, {} skipped); fill in at least {MIN_LABELLED} \
             `label` fields ({})",
            job.labels.display(),
            read.rows.len(),
            job.task.as_str(),
            read.unlabelled,
            read.skipped.len(),
            job.task.labels().join(", ")
        )));
    }
    let (train_rows, heldout_rows) = split_by_article(read.rows.into_iter().map(|(_, r)| r).collect(), job);
    let model_task = match job.task {
        LabelTask::Tone => Task::Tone,
        LabelTask::Stance => Task::Stance,
    };
    let base = job.models.resolve_one(model_task)?.ok_or_else(|| {
        LabelError::Train(format!(
            "no {} model to start from: declare a default in a registry (--models FILE) or name one with --base",
            job.task.as_str()
        ))
    })?;
    std::fs::create_dir_all(&job.out).map_err(|source| LabelError::Io {
        path: job.out.clone(),
        source,
    })?;
    let train_file = job.out.join("train.jsonl");
    let heldout_file = job.out.join("heldout.jsonl");
    write_rows(&train_file, &train_rows)?;
    write_rows(&heldout_file, &heldout_rows)?;

    let model_dir = job.out.join("model");
    let threads = job
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    let recipe = recipe_path();
    let python = python();
    let mut command = Command::new(&python);
    command
        .arg(&recipe)
        .args(["--task", job.task.as_str()])
        .arg("--base")
        .arg(&base.dir)
        .arg("--train")
        .arg(&train_file)
        .arg("--out")
        .arg(&model_dir)
        .args(["--epochs", &job.epochs.to_string()])
        .args(["--lr", &job.learning_rate.to_string()])
        .args(["--seed", &job.seed.to_string()])
        .args(["--threads", &threads.to_string()]);
    if job.quiet {
        command.stdout(std::process::Stdio::null());
    }
    let started = Instant::now();
    let status = command.status().map_err(|e| {
        LabelError::Train(format!(
            "cannot run {} {}: {e}; `make setup` creates the project's .venv",
            python.display(),
            recipe.display()
        ))
    })?;
    if !status.success() {
        return Err(LabelError::Train(format!(
            "the training recipe failed ({status}): {} {} (its output is above)",
            python.display(),
            recipe.display()
        )));
    }
    let train_seconds = started.elapsed().as_secs_f64();

    let name = job.name.clone().unwrap_or_else(|| {
        let folder = job
            .out
            .file_name()
            .map(|n| crate::actors::slug(&n.to_string_lossy()))
            .unwrap_or_default();
        format!("{}-{folder}", job.task.as_str())
    });
    let registry = job.out.join("models.toml");
    let entry = RegistryFile {
        models: vec![RegistryEntry {
            name: name.clone(),
            task: job.task.as_str().into(),
            architecture: base.spec.architecture.model_type().into(),
            default: true,
            source: LocalSource {
                r#type: "local".into(),
                path: "model".into(),
            },
        }],
    };
    let toml = toml::to_string_pretty(&entry).map_err(|e| LabelError::Train(e.to_string()))?;
    let header = format!(
        "# Written by `stancemap train`: {} fine-tuned on {} ({} rows, {} epochs, seed {}).\n\
         # Use it with --models {}\n",
        base.spec.name,
        job.labels.display(),
        train_rows.len(),
        job.epochs,
        job.seed,
        registry.display()
    );
    std::fs::write(&registry, header + &toml).map_err(|source| LabelError::Io {
        path: registry.clone(),
        source,
    })?;

    let eval_with = |models: ModelOptions| -> Result<EvalReport, LabelError> {
        Ok(evaluate(&EvalJob {
            task: match job.task {
                LabelTask::Tone => EvalTask::Tone,
                LabelTask::Stance => EvalTask::Stance,
            },
            data: heldout_file.clone(),
            format: GoldFormat::Labels,
            split: Split::All,
            models,
            device: job.device,
            threads: job.threads,
            limit: None,
            progress: false,
        })?)
    };
    let (heldout_base, heldout_tuned) = if heldout_rows.is_empty() {
        (None, None)
    } else {
        let base_options = ModelOptions {
            tone_model: (job.task == LabelTask::Tone).then(|| base.spec.name.clone()),
            stance_model: (job.task == LabelTask::Stance).then(|| base.spec.name.clone()),
            ..job.models.clone()
        };
        let mut tuned_options = job.models.clone();
        tuned_options.registries.push(registry.clone());
        tuned_options.tone_model = (job.task == LabelTask::Tone).then(|| name.clone());
        tuned_options.stance_model = (job.task == LabelTask::Stance).then(|| name.clone());
        (Some(eval_with(base_options)?), Some(eval_with(tuned_options)?))
    };
    let summary = TrainSummary {
        task: job.task.as_str().into(),
        name,
        base_model: base.spec.name.clone(),
        model_dir,
        registry,
        train_rows: train_rows.len(),
        heldout_rows: heldout_rows.len(),
        unlabelled: read.unlabelled,
        skipped: read.skipped,
        epochs: job.epochs,
        seed: job.seed,
        train_seconds,
        heldout_base,
        heldout_tuned,
    };
    let report = job.out.join("train_report.json");
    let json = serde_json::to_string_pretty(&summary).map_err(|e| LabelError::Train(e.to_string()))?;
    std::fs::write(&report, json).map_err(|source| LabelError::Io { path: report, source })?;
    Ok(summary)
}

/// Rows of a held-out share of the articles (seeded) apart from the rest; at least
/// one article on each side where there are two or more.
fn split_by_article(rows: Vec<LabelRow>, job: &TrainJob) -> (Vec<LabelRow>, Vec<LabelRow>) {
    let mut articles: Vec<&str> = rows.iter().map(|r| r.article_id.as_str()).collect();
    articles.sort_unstable();
    articles.dedup();
    articles.sort_by_key(|a| seeded_key(job.seed, &[a]));
    let mut held = ((articles.len() as f64) * job.holdout).round() as usize;
    if job.holdout > 0.0 && articles.len() >= 2 {
        held = held.clamp(1, articles.len() - 1);
    }
    let held: std::collections::HashSet<String> = articles[..held].iter().map(|a| a.to_string()).collect();
    rows.into_iter().partition(|r| !held.contains(&r.article_id))
}

#[derive(Serialize, Deserialize)]
struct RegistryFile {
    models: Vec<RegistryEntry>,
}

#[derive(Serialize, Deserialize)]
struct RegistryEntry {
    name: String,
    task: String,
    architecture: String,
    default: bool,
    source: LocalSource,
}

#[derive(Serialize, Deserialize)]
struct LocalSource {
    r#type: String,
    path: String,
}

/// The recipe: `STANCEMAP_RECIPES/finetune_labels.py`, else this checkout's.
fn recipe_path() -> PathBuf {
    std::env::var_os("STANCEMAP_RECIPES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("models").join("recipes"))
        .join("finetune_labels.py")
}

/// The Python that trains: the active venv's, else the one this binary was built
/// with (the project's `.venv`), else `python3` from PATH.
fn python() -> PathBuf {
    crate::models::python_environments()
        .into_iter()
        .map(|venv| venv.join("bin").join("python"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("python3"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(articles: usize) -> Vec<LabelRow> {
        (0..articles * 3)
            .map(|i| LabelRow {
                statement_id: format!("s{i}"),
                article_id: format!("a{}", i / 3),
                actor_id: None,
                speaker: None,
                target_id: None,
                target: None,
                favor_hypothesis: None,
                against_hypothesis: None,
                text: "text".into(),
                model_label: None,
                model_probability: None,
                label: Some("neutral".into()),
            })
            .collect()
    }

    fn job(holdout: f64, seed: u64) -> TrainJob {
        TrainJob {
            task: LabelTask::Tone,
            labels: PathBuf::new(),
            out: PathBuf::new(),
            name: None,
            models: ModelOptions::default(),
            epochs: 1,
            learning_rate: 3e-5,
            holdout,
            seed,
            threads: None,
            device: DeviceChoice::Cpu,
            quiet: true,
        }
    }

    #[test]
    fn the_split_keeps_articles_whole_and_is_seeded() {
        let (train, held) = split_by_article(rows(10), &job(0.2, 13));
        assert_eq!((train.len(), held.len()), (24, 6));
        let held_articles: std::collections::HashSet<_> = held.iter().map(|r| &r.article_id).collect();
        assert!(train.iter().all(|r| !held_articles.contains(&r.article_id)));
        let (_, again) = split_by_article(rows(10), &job(0.2, 13));
        assert_eq!(held, again);
        let (_, other) = split_by_article(rows(10), &job(0.2, 14));
        assert_ne!(held, other);
        // Two articles and a small share still hold one out; no share holds none.
        assert_eq!(split_by_article(rows(2), &job(0.1, 13)).1.len(), 3);
        assert!(split_by_article(rows(5), &job(0.0, 13)).1.is_empty());
    }
}
