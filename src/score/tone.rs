//! Tone: a sequence classifier's full distribution over negative / neutral /
//! positive, mapped by label name, and `tone_score = p_positive − p_negative`.

use super::{load_classifier, predict_unique, ScoreError, ScoreSettings, ScoreStats, Scorer, TextItem};
use crate::models::{Input, ModelError, ResolvedModel, SequenceClassifier, Task, ToneLabels};

#[derive(Debug, Clone, PartialEq)]
pub struct ToneRow {
    pub id: String,
    pub model: String,
    pub label: String,
    pub p_negative: f32,
    /// None for two-class models, which have no neutral output.
    pub p_neutral: Option<f32>,
    pub p_positive: f32,
    pub tone_score: f32,
}

pub struct ToneScorer {
    model: ResolvedModel,
    classifier: SequenceClassifier,
    labels: ToneLabels,
    settings: ScoreSettings,
}

impl ToneScorer {
    pub fn load(
        model: &ResolvedModel,
        runtime: crate::models::Runtime,
        settings: ScoreSettings,
    ) -> Result<Self, ModelError> {
        let classifier = load_classifier(model, runtime, settings)?;
        let labels = ToneLabels::from_labels(&model.spec.name, classifier.labels())?;
        Ok(ToneScorer {
            model: model.clone(),
            classifier,
            labels,
            settings,
        })
    }
}

impl Scorer for ToneScorer {
    type Item = TextItem;
    type Row = ToneRow;

    fn task(&self) -> Task {
        Task::Tone
    }

    fn model(&self) -> &ResolvedModel {
        &self.model
    }

    fn score(&self, items: &[TextItem], stats: &mut ScoreStats) -> Result<Vec<ToneRow>, ScoreError> {
        let inputs: Vec<Input> = items.iter().map(|i| Input::Single(&i.text)).collect();
        let probabilities = predict_unique(&self.classifier, &inputs, self.settings, stats)?;
        Ok(items
            .iter()
            .zip(probabilities)
            .map(|(item, p)| self.row(item, &p))
            .collect())
    }
}

impl ToneScorer {
    fn row(&self, item: &TextItem, p: &[f32]) -> ToneRow {
        let negative = p[self.labels.negative];
        let positive = p[self.labels.positive];
        let neutral = self.labels.neutral.map(|i| p[i]);
        let mut label = ("negative", negative);
        for candidate in [("neutral", neutral.unwrap_or(f32::MIN)), ("positive", positive)] {
            if candidate.1 > label.1 {
                label = candidate;
            }
        }
        ToneRow {
            id: item.id.clone(),
            model: self.model.spec.name.clone(),
            label: label.0.to_string(),
            p_negative: negative,
            p_neutral: neutral,
            p_positive: positive,
            tone_score: positive - negative,
        }
    }
}

/// The words whose tone is the speaker's. A descriptive statement (`described the
/// meeting with Putin as "highly productive"`) is the reporter's object plus the
/// speaker's quoted characterisation: only the latter is the speaker's tone, and
/// names in the object would colour it. Everything else is read whole.
pub fn tone_text(kind: &str, content: &str) -> String {
    if kind != "descriptive" {
        return content.to_string();
    }
    let quoted = quoted_segments(content);
    if quoted.is_empty() {
        content.to_string()
    } else {
        quoted.join(", ")
    }
}

/// Text between paired quotation marks (curly double, curly single, straight double).
fn quoted_segments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (open, close) in [('“', '”'), ('‘', '’'), ('"', '"')] {
        let mut rest = text;
        while let Some(start) = rest.find(open) {
            let after = &rest[start + open.len_utf8()..];
            let Some(end) = after.find(close) else { break };
            let inner = after[..end].trim().trim_end_matches([',', '.', ';', ':']).trim();
            if !inner.is_empty() {
                out.push(inner.to_string());
            }
            rest = &after[end + close.len_utf8()..];
        }
        if !out.is_empty() {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptive_tone_reads_the_quoted_words() {
        let content = "Witkoff’s three-hour meeting with Putin as “highly productive,”";
        assert_eq!(tone_text("descriptive", content), "highly productive");
        assert_eq!(
            tone_text("descriptive", "the discussions as “useful” and “constructive,”"),
            "useful, constructive"
        );
        assert_eq!(tone_text("descriptive", "meeting ‘constructive’"), "constructive");
        assert_eq!(
            tone_text("descriptive", "the talks as a failure"),
            "the talks as a failure"
        );
        assert_eq!(tone_text("indirect", content), content);
    }
}
