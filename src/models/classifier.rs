//! Sequence classifiers: a model's tokenizer feeds its network (either engine)
//! ([`super::network`]), batched by length with attention masks.
//!
//! Outputs are the softmax over the model's logits, in the order of `config.json`'s
//! `id2label`; what each index means is for [`super::labels`] to say.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::engine::{Head, NetworkSpec};
use super::labels::Labels;
use super::network::{load_network, Batch, EngineKind, Network, Runtime};
use super::text_tokenizer::{Encoded, TextTokenizer};
use super::weights::{weight_files_of, weights_file};
use super::ModelError;

/// Model families stancemap runs, named as in `config.json`'s `model_type`.
///
/// DeBERTa-v2/v3 runs on the engine's own implementation (`engine/src/deberta_v2.rs`), not on rust-bert's
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
    /// MPNet (all-mpnet-base-v2 and its fine-tunes), on the engine's own
    /// implementation (`engine/src/mpnet.rs`: rust-bert has none); `tokenizer.json` only.
    #[serde(rename = "mpnet")]
    Mpnet,
}

impl Architecture {
    pub fn model_type(&self) -> &'static str {
        match self {
            Architecture::Bert => "bert",
            Architecture::DistilBert => "distilbert",
            Architecture::Roberta => "roberta",
            Architecture::XlmRoberta => "xlm-roberta",
            Architecture::DebertaV2 => "deberta-v2",
            Architecture::Mpnet => "mpnet",
        }
    }

    /// Token type ids carry the segment of a pair (BERT; DeBERTa where its config has
    /// segment embeddings); RoBERTa-style and DistilBERT models take none.
    fn uses_token_types(&self) -> bool {
        matches!(self, Architecture::Bert | Architecture::DebertaV2)
    }
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
    network: Box<dyn Network>,
    tokenizer: TextTokenizer,
    labels: Labels,
    pad_id: i64,
    max_tokens: usize,
    weights_file: PathBuf,
}

impl SequenceClassifier {
    /// Loads a Hugging Face format folder: `config.json`, `model.safetensors` (or its
    /// shards, or `rust_model.ot`: [`super::weights`]) and `tokenizer.json` (else the vocabulary files the
    /// architecture's slow tokenizer reads).
    pub fn load(
        name: &str,
        dir: &Path,
        architecture: Architecture,
        runtime: Runtime,
        max_tokens: usize,
    ) -> Result<Self, ModelError> {
        let config = read_config(name, dir, architecture)?;
        let labels = Labels::from_config(name, &config)?;
        let weights_file = weights_file(name, dir)?;
        let network = load_network(
            name,
            dir,
            NetworkSpec {
                head: Head::Sequence,
                architecture,
                config: config.clone(),
                config_path: dir.join("config.json"),
                weight_files: weight_files_of(name, &weights_file)?,
                weights: weights_file.clone(),
                labels: labels.names.len(),
                device: runtime.device,
            },
            runtime,
        )?;
        let position_limit = position_limit(&config);
        // RoBERTa-style positions (MPNet's too) start after the padding index.
        let position_limit = match architecture {
            Architecture::Roberta | Architecture::XlmRoberta | Architecture::Mpnet => position_limit.saturating_sub(2),
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
            tokenizer,
            labels,
            pad_id,
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

    /// The engine the network runs on.
    pub fn engine(&self) -> EngineKind {
        self.network.kind()
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
        let types = self.architecture.uses_token_types().then_some(types.as_slice());
        let padded = Batch {
            ids: &ids,
            mask: &mask,
            types,
            rows: batch.len(),
            width,
        };
        let probabilities = self
            .network
            .probabilities(&padded)
            .map_err(|failure| ModelError::Forward {
                model: self.name.clone(),
                detail: failure.detail,
            })?;
        Ok(probabilities
            .chunks(self.labels.names.len().max(1))
            .map(<[f32]>::to_vec)
            .collect())
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

/// Longest input the model's position embeddings allow (`config.json`; 512 if unsaid).
pub(super) fn position_limit(config: &serde_json::Value) -> usize {
    config
        .get("max_position_embeddings")
        .and_then(|v| v.as_u64())
        .unwrap_or(512) as usize
}
