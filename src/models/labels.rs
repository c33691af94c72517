//! Label maps: which output index means what, read from the model's `config.json`
//! (`id2label`), never assumed from the index order.

use std::collections::BTreeMap;

use super::ModelError;

/// Names of a classifier's outputs by index, as `config.json` gives them.
#[derive(Debug, Clone, PartialEq)]
pub struct Labels {
    pub names: Vec<String>,
}

impl Labels {
    /// Reads `id2label` (string keys "0", "1", ...) from a parsed `config.json`.
    pub fn from_config(model: &str, config: &serde_json::Value) -> Result<Labels, ModelError> {
        let map = config
            .get("id2label")
            .and_then(|v| v.as_object())
            .ok_or_else(|| ModelError::Labels {
                model: model.to_string(),
                problem: "config.json has no id2label: a classifier must name its outputs".into(),
            })?;
        let mut by_index = BTreeMap::new();
        for (key, value) in map {
            let index: usize = key.parse().map_err(|_| ModelError::Labels {
                model: model.to_string(),
                problem: format!("id2label key {key:?} is not an index"),
            })?;
            by_index.insert(index, value.as_str().unwrap_or_default().to_string());
        }
        let names: Vec<String> = by_index.values().cloned().collect();
        if by_index.keys().copied().ne(0..names.len()) {
            return Err(ModelError::Labels {
                model: model.into(),
                problem: "id2label indices are not 0..n".into(),
            });
        }
        Ok(Labels { names })
    }

    fn find(&self, keys: &[&str]) -> Option<usize> {
        self.names.iter().position(|n| {
            let n = n.to_lowercase();
            keys.iter().any(|k| n.starts_with(k) || n == *k)
        })
    }
}

/// Where a tone model keeps negative, neutral (optional) and positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToneLabels {
    pub negative: usize,
    pub neutral: Option<usize>,
    pub positive: usize,
}

impl ToneLabels {
    pub fn from_labels(model: &str, labels: &Labels) -> Result<Self, ModelError> {
        let unmappable = || {
            ModelError::Labels {
            model: model.to_string(),
            problem: format!(
                "tone labels {:?} cannot be mapped onto negative/neutral/positive: name them so in config.json id2label",
                labels.names
            ),
        }
        };
        let negative = labels.find(&["neg"]).ok_or_else(unmappable)?;
        let positive = labels.find(&["pos"]).ok_or_else(unmappable)?;
        let neutral = labels.find(&["neu", "neutral"]);
        let expected = if neutral.is_some() { 3 } else { 2 };
        if labels.names.len() != expected {
            return Err(unmappable());
        }
        Ok(ToneLabels {
            negative,
            neutral,
            positive,
        })
    }
}

/// Where an NLI model keeps entailment, neutral and contradiction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NliLabels {
    pub entailment: usize,
    pub neutral: usize,
    pub contradiction: usize,
}

impl NliLabels {
    pub fn from_labels(model: &str, labels: &Labels) -> Result<Self, ModelError> {
        let missing = |what: &str| ModelError::Labels {
            model: model.to_string(),
            problem: format!(
                "stance needs a 3-way NLI model; labels {:?} have no {what} (config.json id2label)",
                labels.names
            ),
        };
        let entailment = labels.find(&["entail"]).ok_or_else(|| missing("entailment"))?;
        let contradiction = labels.find(&["contradict"]).ok_or_else(|| missing("contradiction"))?;
        let neutral = labels.find(&["neutral"]).ok_or_else(|| missing("neutral"))?;
        Ok(NliLabels {
            entailment,
            neutral,
            contradiction,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(names: &[&str]) -> Labels {
        let map: serde_json::Map<String, serde_json::Value> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (i.to_string(), serde_json::Value::from(*n)))
            .collect();
        Labels::from_config("m", &serde_json::json!({ "id2label": map })).unwrap()
    }

    #[test]
    fn tone_labels_by_name_not_position() {
        let t = ToneLabels::from_labels("m", &labels(&["Positive", "Negative", "Neutral"])).unwrap();
        assert_eq!((t.negative, t.neutral, t.positive), (1, Some(2), 0));
        let t = ToneLabels::from_labels("m", &labels(&["NEGATIVE", "POSITIVE"])).unwrap();
        assert_eq!((t.negative, t.neutral, t.positive), (0, None, 1));
        let err = ToneLabels::from_labels("m", &labels(&["LABEL_0", "LABEL_1", "LABEL_2"])).unwrap_err();
        assert!(err.to_string().contains("cannot be mapped"), "{err}");
    }

    #[test]
    fn nli_labels_wherever_entailment_sits() {
        let n = NliLabels::from_labels("m", &labels(&["entailment", "neutral", "contradiction"])).unwrap();
        assert_eq!((n.entailment, n.contradiction), (0, 2));
        let n = NliLabels::from_labels("m", &labels(&["CONTRADICTION", "NEUTRAL", "ENTAILMENT"])).unwrap();
        assert_eq!((n.entailment, n.contradiction), (2, 0));
        let err = NliLabels::from_labels("m", &labels(&["entailment", "not_entailment"])).unwrap_err();
        assert!(err.to_string().contains("3-way"), "{err}");
    }

    #[test]
    fn id2label_must_exist_and_be_dense() {
        assert!(Labels::from_config("m", &serde_json::json!({})).is_err());
        assert!(Labels::from_config("m", &serde_json::json!({"id2label": {"0": "a", "2": "b"}})).is_err());
    }
}
