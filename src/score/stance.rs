//! Stance by zero-shot NLI: each (statement, target) is read against a "supports"
//! and an "opposes" hypothesis. Entailment of the first or contradiction of the
//! second speak for favour, the reverse for against, neutrality for none:
//! `p_favor = (P(ent | supports) + P(con | opposes)) / 2`,
//! `p_against = (P(con | supports) + P(ent | opposes)) / 2`,
//! `p_none = (P(neu | supports) + P(neu | opposes)) / 2`, which sum to one.
//! Label indices come from the model's `config.json`, never from position.

use serde::{Deserialize, Serialize};

use super::{load_classifier, predict_unique, ScoreError, ScoreSettings, ScoreStats, Scorer};
use crate::models::{Input, ModelError, NliLabels, ResolvedModel, SequenceClassifier, Task};

pub const DEFAULT_FAVOR: &str = "The speaker supports {}.";
pub const DEFAULT_AGAINST: &str = "The speaker opposes {}.";

/// A stance target with its hypothesis templates (`{}` takes the description).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub id: String,
    pub description: String,
    pub favor_template: String,
    pub against_template: String,
}

impl Target {
    pub fn new(id: &str, description: &str) -> Self {
        Target {
            id: id.into(),
            description: description.into(),
            favor_template: DEFAULT_FAVOR.into(),
            against_template: DEFAULT_AGAINST.into(),
        }
    }

    pub fn favor_hypothesis(&self) -> String {
        self.favor_template.replace("{}", &self.description)
    }

    pub fn against_hypothesis(&self) -> String {
        self.against_template.replace("{}", &self.description)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StanceItem {
    pub id: String,
    pub text: String,
    pub target: Target,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StanceRow {
    pub id: String,
    pub target_id: String,
    pub model: String,
    pub label: String,
    pub p_favor: f32,
    pub p_against: f32,
    pub p_none: f32,
}

pub struct StanceScorer {
    model: ResolvedModel,
    classifier: SequenceClassifier,
    labels: NliLabels,
    settings: ScoreSettings,
}

impl StanceScorer {
    pub fn load(model: &ResolvedModel, device: tch::Device, settings: ScoreSettings) -> Result<Self, ModelError> {
        let classifier = load_classifier(model, device, settings)?;
        let labels = NliLabels::from_labels(&model.spec.name, classifier.labels())?;
        Ok(StanceScorer {
            model: model.clone(),
            classifier,
            labels,
            settings,
        })
    }
}

impl Scorer for StanceScorer {
    type Item = StanceItem;
    type Row = StanceRow;

    fn task(&self) -> Task {
        Task::Stance
    }

    fn model(&self) -> &ResolvedModel {
        &self.model
    }

    fn score(&self, items: &[StanceItem], stats: &mut ScoreStats) -> Result<Vec<StanceRow>, ScoreError> {
        let hypotheses: Vec<(String, String)> = items
            .iter()
            .map(|i| (i.target.favor_hypothesis(), i.target.against_hypothesis()))
            .collect();
        let mut inputs = Vec::with_capacity(items.len() * 2);
        for (item, (favor, against)) in items.iter().zip(&hypotheses) {
            inputs.push(Input::Pair(&item.text, favor));
            inputs.push(Input::Pair(&item.text, against));
        }
        let probabilities = predict_unique(&self.classifier, &inputs, self.settings, stats)?;
        let l = self.labels;
        Ok(items
            .iter()
            .zip(probabilities.chunks(2))
            .map(|(item, pair)| {
                let (supports, opposes) = (&pair[0], &pair[1]);
                let p_favor = (supports[l.entailment] + opposes[l.contradiction]) / 2.0;
                let p_against = (supports[l.contradiction] + opposes[l.entailment]) / 2.0;
                let p_none = (supports[l.neutral] + opposes[l.neutral]) / 2.0;
                let label = if p_favor >= p_against && p_favor >= p_none {
                    "favor"
                } else if p_against >= p_none {
                    "against"
                } else {
                    "none"
                };
                StanceRow {
                    id: item.id.clone(),
                    target_id: item.target.id.clone(),
                    model: self.model.spec.name.clone(),
                    label: label.into(),
                    p_favor,
                    p_against,
                    p_none,
                }
            })
            .collect())
    }
}
