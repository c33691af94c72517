//! Sequence classifiers on rust-bert's model classes (DeBERTa-v2 on our own), fed
//! by the model's tokenizer, batched by length with attention masks.
//!
//! Outputs are the softmax over the model's logits, in the order of `config.json`'s
//! `id2label`; what each index means is for [`super::labels`] to say.

use std::path::{Path, PathBuf};

use rust_bert::bert::{BertConfig, BertForSequenceClassification};
use rust_bert::distilbert::{DistilBertConfig, DistilBertModelClassifier};
use rust_bert::roberta::RobertaForSequenceClassification;
use serde::{Deserialize, Serialize};
use tch::{nn, Device, Kind, Tensor};

use super::deberta_v2::{DebertaV2Classifier, DebertaV2Config};
use super::labels::Labels;
use super::text_tokenizer::{Encoded, TextTokenizer};
use super::ModelError;

/// Model families stancemap runs, named as in `config.json`'s `model_type`.
///
/// DeBERTa-v2/v3 runs on [`super::deberta_v2`], not on rust-bert's implementation
/// (see there why).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Architecture {
    #[serde(rename = "bert")]
    Bert,
    #[serde(rename = "distilbert")]
    DistilBert,
    #[serde(rename = "roberta")]
    Roberta,
    #[serde(rename = "xlm-roberta")]
    XlmRoberta,
    /// DeBERTa-v2 and v3 (both say `deberta-v2`).
    #[serde(rename = "deberta-v2")]
    DebertaV2,
}

impl Architecture {
    pub fn model_type(&self) -> &'static str {
        match self {
            Architecture::Bert => "bert",
            Architecture::DistilBert => "distilbert",
            Architecture::Roberta => "roberta",
            Architecture::XlmRoberta => "xlm-roberta",
            Architecture::DebertaV2 => "deberta-v2",
        }
    }

    /// Token type ids carry the segment of a pair (BERT; DeBERTa where its config has
    /// segment embeddings); RoBERTa-style and DistilBERT models take none.
    fn uses_token_types(&self) -> bool {
        matches!(self, Architecture::Bert | Architecture::DebertaV2)
    }
}

enum Network {
    Bert(BertForSequenceClassification),
    DistilBert(DistilBertModelClassifier),
    Roberta(RobertaForSequenceClassification),
    DebertaV2(DebertaV2Classifier),
}

/// One input: a text, or a (premise, hypothesis) pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Input<'a> {
    Single(&'a str),
    Pair(&'a str, &'a str),
}

/// A classifier's output for one input.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub probabilities: Vec<f32>,
    /// Tokens fed to the model (special tokens included).
    pub tokens: usize,
    /// The input was cut to `max_tokens`.
    pub truncated: bool,
}

pub struct SequenceClassifier {
    name: String,
    architecture: Architecture,
    network: Network,
    // Owns the weights the network's tensors point into.
    _weights: nn::VarStore,
    tokenizer: TextTokenizer,
    labels: Labels,
    pad_id: i64,
    device: Device,
    max_tokens: usize,
    weights_file: PathBuf,
}

impl SequenceClassifier {
    /// Loads a Hugging Face format folder: `config.json`, `model.safetensors` (or
    /// `rust_model.ot`) and `tokenizer.json` (else the vocabulary files the
    /// architecture's slow tokenizer reads).
    pub fn load(
        name: &str,
        dir: &Path,
        architecture: Architecture,
        device: Device,
        max_tokens: usize,
    ) -> Result<Self, ModelError> {
        let config = read_config(name, dir, architecture)?;
        let config_path = dir.join("config.json");
        let file_error = |file: &Path, detail: String| ModelError::File {
            model: name.into(),
            path: file.to_path_buf(),
            detail,
        };
        let model_type = architecture.model_type();
        let labels = Labels::from_config(name, &config)?;
        let typed = |e: serde_json::Error| file_error(&config_path, format!("not a {model_type} configuration: {e}"));
        let weights_file = weights_file(name, dir)?;

        let mut weights = nn::VarStore::new(device);
        let root = weights.root();
        let rust_bert_error = |e: rust_bert::RustBertError| file_error(&config_path, e.to_string());
        let network = match architecture {
            Architecture::Bert => {
                let c: BertConfig = serde_json::from_value(config.clone()).map_err(typed)?;
                Network::Bert(BertForSequenceClassification::new(&root, &c).map_err(rust_bert_error)?)
            }
            Architecture::DistilBert => {
                // Recent transformers leave out fields rust-bert requires; their
                // values there are transformers' own defaults.
                let mut filled = config.clone();
                if let Some(map) = filled.as_object_mut() {
                    for (key, value) in [
                        ("tie_weights_", serde_json::json!(true)),
                        ("qa_dropout", serde_json::json!(0.1)),
                        ("seq_classif_dropout", serde_json::json!(0.2)),
                        ("sinusoidal_pos_embds", serde_json::json!(false)),
                    ] {
                        map.entry(key).or_insert(value);
                    }
                }
                let c: DistilBertConfig = serde_json::from_value(filled).map_err(typed)?;
                Network::DistilBert(DistilBertModelClassifier::new(&root, &c).map_err(rust_bert_error)?)
            }
            Architecture::Roberta | Architecture::XlmRoberta => {
                let c: BertConfig = serde_json::from_value(config.clone()).map_err(typed)?;
                Network::Roberta(RobertaForSequenceClassification::new(&root, &c).map_err(rust_bert_error)?)
            }
            Architecture::DebertaV2 => {
                let c: DebertaV2Config = serde_json::from_value(config.clone()).map_err(typed)?;
                let classes = labels.names.len() as i64;
                Network::DebertaV2(
                    DebertaV2Classifier::new(&root, &c, classes)
                        .map_err(|e| file_error(&config_path, format!("unsupported DeBERTa-v2 configuration: {e}")))?,
                )
            }
        };
        load_weights(name, &mut weights, &weights_file)?;
        let position_limit = position_limit(&config);
        // RoBERTa-style positions start after the padding index.
        let position_limit = match architecture {
            Architecture::Roberta | Architecture::XlmRoberta => position_limit.saturating_sub(2),
            _ => position_limit,
        };
        let max_tokens = max_tokens.min(position_limit).max(2);
        let tokenizer = TextTokenizer::load(name, dir, architecture, max_tokens)?;
        let pad_id = config
            .get("pad_token_id")
            .and_then(|v| v.as_i64())
            .or_else(|| tokenizer.pad_id())
            .unwrap_or(0);
        Ok(SequenceClassifier {
            name: name.into(),
            architecture,
            network,
            _weights: weights,
            tokenizer,
            labels,
            pad_id,
            device,
            max_tokens,
            weights_file,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn labels(&self) -> &Labels {
        &self.labels
    }

    pub fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    pub fn weights_file(&self) -> &Path {
        &self.weights_file
    }

    fn encode(&self, input: Input) -> Result<Encoded, ModelError> {
        self.tokenizer.encode(input).map_err(|detail| ModelError::Tokenize {
            model: self.name.clone(),
            detail,
        })
    }

    /// Class probabilities for every input, in input order. Inputs are sorted by
    /// length into batches of `batch_size` so that padding stays small; attention
    /// masks make each result independent of its batch.
    pub fn predict(&self, inputs: &[Input], batch_size: usize) -> Result<Vec<Prediction>, ModelError> {
        let encoded: Vec<Encoded> = inputs.iter().map(|i| self.encode(*i)).collect::<Result<_, _>>()?;
        let mut order: Vec<usize> = (0..encoded.len()).collect();
        order.sort_by_key(|&i| encoded[i].ids.len());
        let mut out: Vec<Option<Prediction>> = vec![None; encoded.len()];
        for chunk in order.chunks(batch_size.max(1)) {
            let probabilities = self.forward(chunk.iter().map(|&i| &encoded[i]).collect::<Vec<_>>().as_slice())?;
            for (row, &index) in chunk.iter().enumerate() {
                out[index] = Some(Prediction {
                    probabilities: probabilities[row].clone(),
                    tokens: encoded[index].ids.len(),
                    truncated: encoded[index].truncated,
                });
            }
        }
        out.into_iter()
            .map(|p| {
                p.ok_or_else(|| ModelError::Tokenize {
                    model: self.name.clone(),
                    detail: "missing prediction".into(),
                })
            })
            .collect()
    }

    fn forward(&self, batch: &[&Encoded]) -> Result<Vec<Vec<f32>>, ModelError> {
        let width = batch.iter().map(|e| e.ids.len()).max().unwrap_or(0).max(1);
        let mut ids = Vec::with_capacity(batch.len() * width);
        let mut mask = Vec::with_capacity(batch.len() * width);
        let mut types = Vec::with_capacity(batch.len() * width);
        for e in batch {
            let pad = width - e.ids.len();
            ids.extend(e.ids.iter().copied().chain(std::iter::repeat_n(self.pad_id, pad)));
            mask.extend(std::iter::repeat_n(1i64, e.ids.len()).chain(std::iter::repeat_n(0, pad)));
            types.extend(e.type_ids.iter().copied().chain(std::iter::repeat_n(0, pad)));
        }
        let shape = [batch.len() as i64, width as i64];
        let to_tensor = |v: &[i64]| Tensor::from_slice(v).view(shape).to_device(self.device);
        let (ids, mask, types) = (to_tensor(&ids), to_tensor(&mask), to_tensor(&types));
        let types = self.architecture.uses_token_types().then_some(&types);
        let logits = tch::no_grad(|| -> Result<Tensor, ModelError> {
            Ok(match &self.network {
                Network::Bert(m) => m.forward_t(Some(&ids), Some(&mask), types, None, None, false).logits,
                Network::DistilBert(m) => {
                    m.forward_t(Some(&ids), Some(&mask), None, false)
                        .map_err(|e| ModelError::Forward {
                            model: self.name.clone(),
                            detail: e.to_string(),
                        })?
                        .logits
                }
                Network::Roberta(m) => m.forward_t(Some(&ids), Some(&mask), None, None, None, false).logits,
                Network::DebertaV2(m) => m.forward(&ids, &mask, types),
            })
        })?;
        let probabilities = logits
            .to_kind(Kind::Float)
            .softmax(-1, Kind::Float)
            .to_device(Device::Cpu);
        let rows: Vec<Vec<f32>> = Vec::<Vec<f32>>::try_from(&probabilities).map_err(|e| ModelError::Forward {
            model: self.name.clone(),
            detail: e.to_string(),
        })?;
        Ok(rows)
    }
}

/// Reads `config.json` and checks that its `model_type` is the declared architecture.
pub(super) fn read_config(name: &str, dir: &Path, architecture: Architecture) -> Result<serde_json::Value, ModelError> {
    let config_path = dir.join("config.json");
    let file_error = |detail: String| ModelError::File {
        model: name.into(),
        path: config_path.clone(),
        detail,
    };
    let raw = std::fs::read_to_string(&config_path).map_err(|e| file_error(e.to_string()))?;
    let config: serde_json::Value = serde_json::from_str(&raw).map_err(|e| file_error(e.to_string()))?;
    let model_type = config.get("model_type").and_then(|v| v.as_str()).unwrap_or_default();
    if model_type != architecture.model_type() {
        return Err(ModelError::Architecture {
            model: name.into(),
            declared: architecture.model_type().into(),
            found: model_type.into(),
        });
    }
    Ok(config)
}

/// Loads the weights into the networks' variables, in float32 whatever the file's dtype.
pub(super) fn load_weights(name: &str, weights: &mut nn::VarStore, file: &Path) -> Result<(), ModelError> {
    weights.load(file).map_err(|e| ModelError::File {
        model: name.into(),
        path: file.to_path_buf(),
        detail: e.to_string(),
    })?;
    // Loading takes the file's dtype: fp16 weights (as the defaults ship) would
    // run in half precision, slowly on CPUs and unlike transformers, which
    // computes in float32 unless told otherwise.
    weights.float();
    weights.freeze();
    Ok(())
}

/// The model folder's weights: `model.safetensors`, else `rust_model.ot`.
pub(super) fn weights_file(name: &str, dir: &Path) -> Result<PathBuf, ModelError> {
    ["model.safetensors", "rust_model.ot"]
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.exists())
        .ok_or_else(|| ModelError::File {
            model: name.into(),
            path: dir.to_path_buf(),
            detail: "no model.safetensors or rust_model.ot in the model folder".into(),
        })
}

/// Longest input the model's position embeddings allow (`config.json`; 512 if unsaid).
pub(super) fn position_limit(config: &serde_json::Value) -> usize {
    config
        .get("max_position_embeddings")
        .and_then(|v| v.as_u64())
        .unwrap_or(512) as usize
}
