//! Score stage: transformer models over statements, tone and stance.
//!
//! A [`Scorer`] takes texts (with stance targets where the task needs them) and
//! returns rows with the full probability distribution. Identical inputs are scored
//! once per call (a run calls once per chunk); what was truncated or deduplicated is
//! counted for the manifest.

mod stance;
mod tone;

use serde::{Deserialize, Serialize};

use crate::models::{ModelError, ResolvedModel, SequenceClassifier, Task};

pub use stance::{
    reads_as_claim, stance_text, StanceItem, StanceRow, StanceScorer, Target, CLAIM_AGAINST, CLAIM_FAVOR,
    DEFAULT_AGAINST, DEFAULT_FAVOR,
};
pub use tone::{tone_text, ToneRow, ToneScorer};

/// How to run models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreSettings {
    /// Inputs per forward pass.
    pub batch_size: usize,
    /// Longest input in tokens (the model's own limit applies too).
    pub max_tokens: usize,
}

impl Default for ScoreSettings {
    fn default() -> Self {
        ScoreSettings {
            batch_size: 32,
            max_tokens: 256,
        }
    }
}

/// One text to score: an id carried through to the output, and the text.
#[derive(Debug, Clone, PartialEq)]
pub struct TextItem {
    pub id: String,
    pub text: String,
}

/// What scoring did, for the manifest.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ScoreStats {
    pub task: String,
    pub model: String,
    /// Model inputs asked for (statements, or statement × target × hypothesis).
    pub inputs: u64,
    /// Inputs run through the model after removing duplicates.
    pub unique_inputs: u64,
    /// Inputs answered from an identical one already scored.
    pub deduplicated: u64,
    /// Unique inputs cut to the token limit.
    pub truncated: u64,
    pub seconds: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum ScoreError {
    #[error(transparent)]
    Model(#[from] ModelError),
}

/// The scorers, one per task: items in, one or more rows per item out.
pub trait Scorer {
    type Item;
    type Row;
    fn task(&self) -> Task;
    fn model(&self) -> &ResolvedModel;
    fn score(&self, items: &[Self::Item], stats: &mut ScoreStats) -> Result<Vec<Self::Row>, ScoreError>;

    /// Fresh counts for this scorer.
    fn stats(&self) -> ScoreStats {
        ScoreStats {
            task: self.task().as_str().into(),
            model: self.model().spec.name.clone(),
            ..Default::default()
        }
    }
}

/// Loads a resolved model's classifier where `runtime` says.
pub(crate) fn load_classifier(
    model: &ResolvedModel,
    runtime: crate::models::Runtime,
    settings: ScoreSettings,
) -> Result<SequenceClassifier, ModelError> {
    let max_tokens = model
        .spec
        .max_tokens
        .unwrap_or(settings.max_tokens)
        .min(settings.max_tokens);
    SequenceClassifier::load(
        &model.spec.name,
        &model.dir,
        model.spec.architecture,
        runtime.for_model(model.spec.precision),
        max_tokens,
    )
}

/// Runs `inputs` through `classifier` with identical inputs scored once; returns the
/// probabilities per input and the counts.
pub(crate) fn predict_unique<'a>(
    classifier: &SequenceClassifier,
    inputs: &[crate::models::Input<'a>],
    settings: ScoreSettings,
    stats: &mut ScoreStats,
) -> Result<Vec<Vec<f32>>, ModelError> {
    let started = std::time::Instant::now();
    let mut index: std::collections::HashMap<crate::models::Input<'a>, usize> = std::collections::HashMap::new();
    let mut unique = Vec::new();
    let slots: Vec<usize> = inputs
        .iter()
        .map(|input| {
            *index.entry(*input).or_insert_with(|| {
                unique.push(*input);
                unique.len() - 1
            })
        })
        .collect();
    let predictions = classifier.predict(&unique, settings.batch_size)?;
    stats.inputs += inputs.len() as u64;
    stats.unique_inputs += unique.len() as u64;
    stats.deduplicated += (inputs.len() - unique.len()) as u64;
    stats.truncated += predictions.iter().filter(|p| p.truncated).count() as u64;
    stats.seconds += started.elapsed().as_secs_f64();
    Ok(slots
        .into_iter()
        .map(|slot| predictions[slot].probabilities.clone())
        .collect())
}
