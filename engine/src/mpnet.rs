//! MPNet sequence classification written directly on tch, following transformers'
//! `modeling_mpnet.py` operation for operation (rust-bert 0.23 has no MPNet).
//!
//! MPNet is BERT's encoder with three differences that matter at inference: no
//! token types; positions counted RoBERTa's way, from after the padding index, for
//! real tokens only; and one table of relative-position biases (T5's bidirectional
//! log buckets), shared by every layer, added to the attention scores. Variable
//! names are transformers' own, so an `MPNetForSequenceClassification`'s
//! `model.safetensors` (all-mpnet-base-v2 fine-tuned by `models/recipes`) loads as is.

use serde::Deserialize;
use tch::nn::{self, Module};
use tch::{Kind, Tensor};

use crate::deberta_v2::{layer_norm, Activation};

/// transformers' MPNet embeddings count positions from after this index, whatever
/// the config's `pad_token_id` says.
const PADDING_INDEX: i64 = 1;
/// `compute_position_bias` buckets with these, not the config's bucket count (which
/// sizes the table only).
const BUCKETS: i64 = 32;
const MAX_DISTANCE: i64 = 128;

/// The fields of an MPNet `config.json` that inference needs, with transformers'
/// defaults where a field may be missing.
#[derive(Debug, Clone, Deserialize)]
pub struct MpnetConfig {
    pub vocab_size: i64,
    pub hidden_size: i64,
    pub num_hidden_layers: i64,
    pub num_attention_heads: i64,
    pub intermediate_size: i64,
    #[serde(default = "gelu")]
    pub hidden_act: String,
    #[serde(default = "default_max_position_embeddings")]
    pub max_position_embeddings: i64,
    #[serde(default = "default_layer_norm_eps")]
    pub layer_norm_eps: f64,
    #[serde(default = "default_buckets")]
    pub relative_attention_num_buckets: i64,
}

fn gelu() -> String {
    "gelu".into()
}
fn default_max_position_embeddings() -> i64 {
    514
}
fn default_layer_norm_eps() -> f64 {
    1e-12
}
fn default_buckets() -> i64 {
    BUCKETS
}

impl MpnetConfig {
    pub fn validate(&self) -> Result<(), String> {
        if self.num_attention_heads <= 0 || self.hidden_size % self.num_attention_heads != 0 {
            return Err(format!(
                "hidden_size {} is not a multiple of num_attention_heads {}",
                self.hidden_size, self.num_attention_heads
            ));
        }
        if self.relative_attention_num_buckets < BUCKETS {
            return Err(format!(
                "relative_attention_num_buckets {} is under the {BUCKETS} buckets MPNet computes",
                self.relative_attention_num_buckets
            ));
        }
        Activation::parse(&self.hidden_act).map(|_| ())
    }
}

/// transformers' `relative_position_bucket` (bidirectional, 32 buckets, distances up
/// to 128): half the buckets for keys after the query; within each half, distances
/// under 8 exact, longer ones in logarithmically wider buckets. In float32 as there,
/// so that bucket edges round the same way.
fn relative_position_bucket(relative: &Tensor) -> Tensor {
    let half = BUCKETS / 2;
    let n = -relative;
    let after = n.lt(0).to_kind(Kind::Int64) * half;
    let n = n.abs();
    let max_exact = half / 2;
    let is_small = n.lt(max_exact);
    let scaled = (n.to_kind(Kind::Float) / max_exact as f64).log() / ((MAX_DISTANCE as f64) / (max_exact as f64)).ln()
        * (half - max_exact) as f64;
    let large = (scaled.to_kind(Kind::Int64) + max_exact).clamp_max(half - 1);
    after + n.where_self(&is_small, &large)
}

struct Layer {
    query: nn::Linear,
    key: nn::Linear,
    value: nn::Linear,
    attention_output: nn::Linear,
    attention_norm: nn::LayerNorm,
    intermediate: nn::Linear,
    output: nn::Linear,
    output_norm: nn::LayerNorm,
    heads: i64,
    activation: Activation,
}

impl Layer {
    fn new(p: nn::Path, c: &MpnetConfig, activation: Activation) -> Self {
        let attention = &p / "attention";
        let linear = |path: nn::Path, from: i64, to: i64| nn::linear(path, from, to, Default::default());
        Layer {
            query: linear(&attention / "attn" / "q", c.hidden_size, c.hidden_size),
            key: linear(&attention / "attn" / "k", c.hidden_size, c.hidden_size),
            value: linear(&attention / "attn" / "v", c.hidden_size, c.hidden_size),
            attention_output: linear(&attention / "attn" / "o", c.hidden_size, c.hidden_size),
            attention_norm: layer_norm(&attention / "LayerNorm", c.hidden_size, c.layer_norm_eps),
            intermediate: linear(&p / "intermediate" / "dense", c.hidden_size, c.intermediate_size),
            output: linear(&p / "output" / "dense", c.intermediate_size, c.hidden_size),
            output_norm: layer_norm(&p / "output" / "LayerNorm", c.hidden_size, c.layer_norm_eps),
            heads: c.num_attention_heads,
            activation,
        }
    }

    /// `hidden` `[batch, length, size]`; `bias` `[1, heads, length, length]` (the shared
    /// position biases) and `mask_bias` `[batch, 1, 1, length]` (large negative on
    /// padding) are added to the scores.
    fn forward(&self, hidden: &Tensor, bias: &Tensor, mask_bias: &Tensor) -> Tensor {
        let (batch, length, size) = hidden.size3().unwrap_or((0, 0, 0));
        let head_size = size / self.heads;
        let heads = |x: Tensor| x.view([batch, length, self.heads, head_size]).permute([0, 2, 1, 3]);
        let q = heads(self.query.forward(hidden));
        let k = heads(self.key.forward(hidden));
        let v = heads(self.value.forward(hidden));
        let scores = q.matmul(&k.transpose(-1, -2)) / (head_size as f64).sqrt() + bias + mask_bias;
        let context = scores
            .softmax(-1, scores.kind())
            .matmul(&v)
            .permute([0, 2, 1, 3])
            .contiguous()
            .view([batch, length, size]);
        let attended = self
            .attention_norm
            .forward(&(self.attention_output.forward(&context) + hidden));
        let inner = self.activation.apply(&self.intermediate.forward(&attended));
        self.output_norm.forward(&(self.output.forward(&inner) + &attended))
    }
}

/// `MPNetForSequenceClassification`: the encoder, then the first token's state
/// through the classification head (dense, tanh, projection).
pub struct MpnetClassifier {
    word_embeddings: nn::Embedding,
    position_embeddings: nn::Embedding,
    embedding_norm: nn::LayerNorm,
    layers: Vec<Layer>,
    relative_attention_bias: nn::Embedding,
    dense: nn::Linear,
    out_proj: nn::Linear,
}

impl MpnetClassifier {
    /// Declares the variables under `root` (transformers' names) for `labels` classes;
    /// the weights are loaded into the var store afterwards.
    pub fn new(root: &nn::Path, config: &MpnetConfig, labels: i64) -> Result<Self, String> {
        config.validate()?;
        let c = config;
        let activation = Activation::parse(&c.hidden_act)?;
        let mpnet = root / "mpnet";
        let embeddings = &mpnet / "embeddings";
        let encoder = &mpnet / "encoder";
        let head = root / "classifier";
        Ok(MpnetClassifier {
            word_embeddings: nn::embedding(
                &embeddings / "word_embeddings",
                c.vocab_size,
                c.hidden_size,
                Default::default(),
            ),
            position_embeddings: nn::embedding(
                &embeddings / "position_embeddings",
                c.max_position_embeddings,
                c.hidden_size,
                Default::default(),
            ),
            embedding_norm: layer_norm(&embeddings / "LayerNorm", c.hidden_size, c.layer_norm_eps),
            layers: (0..c.num_hidden_layers)
                .map(|i| Layer::new(&encoder / "layer" / i, c, activation))
                .collect(),
            relative_attention_bias: nn::embedding(
                &encoder / "relative_attention_bias",
                c.relative_attention_num_buckets,
                c.num_attention_heads,
                Default::default(),
            ),
            dense: nn::linear(&head / "dense", c.hidden_size, c.hidden_size, Default::default()),
            out_proj: nn::linear(&head / "out_proj", c.hidden_size, labels, Default::default()),
        })
    }

    /// Logits `[batch, labels]` for token ids and a 0/1 attention mask, both
    /// `[batch, length]`.
    pub fn forward(&self, ids: &Tensor, mask: &Tensor) -> Tensor {
        let length = ids.size()[1];
        let device = ids.device();
        // create_position_ids_from_input_ids: real tokens count up from after the
        // padding index; padding tokens (by id, as there) sit at the padding index.
        let real = ids.ne(PADDING_INDEX).to_kind(Kind::Int64);
        let positions = real.cumsum(1, Kind::Int64) * &real + PADDING_INDEX;
        let embedded = self
            .embedding_norm
            .forward(&(self.word_embeddings.forward(ids) + self.position_embeddings.forward(&positions)));
        let steps = Tensor::arange(length, (Kind::Int64, device));
        let relative = steps.unsqueeze(0) - steps.unsqueeze(1);
        let bias = self
            .relative_attention_bias
            .forward(&relative_position_bucket(&relative))
            .permute([2, 0, 1])
            .unsqueeze(0)
            .to_kind(embedded.kind());
        // transformers' extended mask: 0 on tokens, the dtype's lowest value on padding.
        let mask_bias = (mask.to_kind(embedded.kind()) - 1.0).unsqueeze(1).unsqueeze(2) * f64::from(f32::MAX);
        let hidden = self
            .layers
            .iter()
            .fold(embedded, |hidden, layer| layer.forward(&hidden, &bias, &mask_bias));
        let first = hidden.select(1, 0);
        self.out_proj.forward(&self.dense.forward(&first).tanh())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_buckets_match_transformers() {
        // Expected values: transformers' MPNetEncoder.relative_position_bucket on the
        // same key-minus-query distances.
        let relative = Tensor::from_slice(&[0i64, 1, -1, 7, -7, 8, -8, 20, -20, 127, -127, 500, -500]);
        let buckets = Vec::<i64>::try_from(relative_position_bucket(&relative)).unwrap();
        assert_eq!(buckets, [0, 17, 1, 23, 7, 24, 8, 26, 10, 31, 15, 31, 15]);
    }

    #[test]
    fn bad_configurations_are_refused_with_a_reason() {
        let config = crate::deberta_v2::tests::small_config::<MpnetConfig>;
        assert!(config(serde_json::json!({})).validate().is_ok());
        let bad = config(serde_json::json!({"num_attention_heads": 3}));
        assert!(bad.validate().unwrap_err().contains("multiple"));
        let bad = config(serde_json::json!({"relative_attention_num_buckets": 16}));
        assert!(bad.validate().unwrap_err().contains("buckets"));
        let bad = config(serde_json::json!({"hidden_act": "mish"}));
        assert!(bad.validate().unwrap_err().contains("mish"));
    }
}
