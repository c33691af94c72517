//! DeBERTa-v2/v3 sequence classification written directly on tch, following
//! transformers' `modeling_deberta_v2.py` operation for operation.
//!
//! Why not rust-bert's: rust-bert 0.23 divides the content→position and
//! position→content scores by `size × scale_factor` where transformers divides by
//! `√(size × scale_factor)`, so with relative attention (every released DeBERTa-v2/v3)
//! its probabilities drift from the reference by up to 0.09 on tiny models. The
//! variable names here are transformers' own, so `model.safetensors` from the Hub
//! loads as is.

use serde::{Deserialize, Deserializer};
use tch::nn::{self, Module};
use tch::{Kind, Tensor};

/// The fields of a DeBERTa-v2 `config.json` that inference needs, with
/// transformers' defaults where a field may be missing.
#[derive(Debug, Clone, Deserialize)]
pub struct DebertaV2Config {
    pub vocab_size: i64,
    pub hidden_size: i64,
    pub num_hidden_layers: i64,
    pub num_attention_heads: i64,
    pub intermediate_size: i64,
    #[serde(default = "gelu")]
    pub hidden_act: String,
    #[serde(default = "default_max_position_embeddings")]
    pub max_position_embeddings: i64,
    #[serde(default)]
    pub type_vocab_size: i64,
    #[serde(default = "default_layer_norm_eps")]
    pub layer_norm_eps: f64,
    #[serde(default)]
    pub relative_attention: bool,
    #[serde(default = "minus_one")]
    pub max_relative_positions: i64,
    #[serde(default = "minus_one")]
    pub position_buckets: i64,
    #[serde(default = "yes")]
    pub position_biased_input: bool,
    /// `["p2c", "c2p"]`, or the older `"p2c|c2p"` string.
    #[serde(default, deserialize_with = "attention_types")]
    pub pos_att_type: Vec<String>,
    #[serde(default)]
    pub share_att_key: bool,
    #[serde(default = "none_string")]
    pub norm_rel_ebd: String,
    #[serde(default)]
    pub conv_kernel_size: i64,
    #[serde(default = "one")]
    pub conv_groups: i64,
    #[serde(default = "tanh")]
    pub conv_act: String,
    pub embedding_size: Option<i64>,
    pub attention_head_size: Option<i64>,
    pub pooler_hidden_size: Option<i64>,
    #[serde(default = "gelu")]
    pub pooler_hidden_act: String,
    #[serde(default)]
    pub pad_token_id: Option<i64>,
}

fn gelu() -> String {
    "gelu".into()
}
fn tanh() -> String {
    "tanh".into()
}
fn none_string() -> String {
    "none".into()
}
fn default_max_position_embeddings() -> i64 {
    512
}
fn default_layer_norm_eps() -> f64 {
    1e-7
}
fn minus_one() -> i64 {
    -1
}
fn one() -> i64 {
    1
}
fn yes() -> bool {
    true
}

fn attention_types<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Types {
        List(Vec<String>),
        Joined(String),
    }
    Ok(match Option::<Types>::deserialize(deserializer)? {
        None => Vec::new(),
        Some(Types::List(list)) => list.into_iter().map(|t| t.trim().to_lowercase()).collect(),
        Some(Types::Joined(joined)) => joined.split('|').map(|t| t.trim().to_lowercase()).collect(),
    })
}

impl DebertaV2Config {
    fn has_attention_type(&self, name: &str) -> bool {
        self.pos_att_type.iter().any(|t| t == name)
    }

    fn head_size(&self) -> i64 {
        self.attention_head_size
            .unwrap_or(self.hidden_size / self.num_attention_heads.max(1))
    }

    /// Largest distance the relative embeddings tell apart.
    fn max_relative_positions(&self) -> i64 {
        if self.max_relative_positions < 1 {
            self.max_position_embeddings
        } else {
            self.max_relative_positions
        }
    }

    /// Half the rows of the relative-position embedding table.
    fn position_span(&self) -> i64 {
        if self.position_buckets > 0 {
            self.position_buckets
        } else {
            self.max_relative_positions()
        }
    }

    /// Checks what the layer shapes depend on, so that a bad configuration fails at
    /// load with a reason rather than inside a matrix product.
    pub fn validate(&self) -> Result<(), String> {
        if self.num_attention_heads < 1 || self.hidden_size % self.num_attention_heads != 0 {
            return Err(format!(
                "hidden_size {} is not a multiple of num_attention_heads {}",
                self.hidden_size, self.num_attention_heads
            ));
        }
        if self.head_size() * self.num_attention_heads != self.hidden_size {
            return Err(format!(
                "attention_head_size {} × {} heads must equal hidden_size {}",
                self.head_size(),
                self.num_attention_heads,
                self.hidden_size
            ));
        }
        if let Some(pooler) = self.pooler_hidden_size {
            if pooler != self.hidden_size {
                return Err(format!(
                    "pooler_hidden_size {pooler} differs from hidden_size {}",
                    self.hidden_size
                ));
            }
        }
        for t in &self.pos_att_type {
            if t != "c2p" && t != "p2c" {
                return Err(format!("pos_att_type {t:?} is unknown (c2p and p2c are)"));
            }
        }
        for act in [&self.hidden_act, &self.pooler_hidden_act, &self.conv_act] {
            Activation::parse(act)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Activation {
    Gelu,
    GeluTanh,
    Relu,
    Tanh,
    Silu,
}

impl Activation {
    pub(crate) fn parse(name: &str) -> Result<Self, String> {
        Ok(match name {
            "gelu" => Activation::Gelu,
            "gelu_new" | "gelu_pytorch_tanh" | "gelu_fast" => Activation::GeluTanh,
            "relu" => Activation::Relu,
            "tanh" => Activation::Tanh,
            "silu" | "swish" => Activation::Silu,
            other => return Err(format!("activation {other:?} is not supported")),
        })
    }

    pub(crate) fn apply(self, x: &Tensor) -> Tensor {
        match self {
            Activation::Gelu => x.gelu("none"),
            Activation::GeluTanh => x.gelu("tanh"),
            Activation::Relu => x.relu(),
            Activation::Tanh => x.tanh(),
            Activation::Silu => x.silu(),
        }
    }
}

pub(crate) fn layer_norm(path: nn::Path, size: i64, eps: f64) -> nn::LayerNorm {
    nn::layer_norm(
        path,
        vec![size],
        nn::LayerNormConfig {
            eps,
            ..Default::default()
        },
    )
}

/// Rearranges `[batch, length, heads × size]` into `[batch × heads, length, size]`.
fn split_heads(x: &Tensor, heads: i64) -> Tensor {
    let (batch, length) = (x.size()[0], x.size()[1]);
    x.view([batch, length, heads, -1])
        .permute([0, 2, 1, 3])
        .contiguous()
        .view([batch * heads, length, -1])
}

/// transformers' `make_log_bucket_position`: distances under half the bucket count
/// stay exact, longer ones share logarithmically wider buckets. Computed in float32
/// as there, so that bucket edges round the same way.
fn log_bucket_position(relative: &Tensor, bucket_size: i64, max_position: i64) -> Tensor {
    let mid = bucket_size / 2;
    let sign = relative.sign();
    let near = relative.lt(mid).logical_and(&relative.gt(-mid));
    let device = relative.device();
    let abs_pos = relative
        .abs()
        .where_self(&near.logical_not(), &Tensor::from(mid - 1).to_device(device));
    let log_base = Tensor::from(((max_position - 1) as f64 / mid as f64) as f32)
        .to_device(device)
        .log();
    let log_pos = (abs_pos.to_kind(Kind::Float) / mid as f64).log() / log_base * (mid - 1) as f64;
    let log_pos = log_pos.ceil() + mid as f64;
    let bucketed = log_pos * sign.to_kind(Kind::Float);
    relative
        .to_kind(Kind::Float)
        .where_self(&abs_pos.le(mid), &bucketed)
        .to_kind(Kind::Int64)
}

/// Query-minus-key distances `[1, length, length]`, bucketed when the model says so.
fn relative_positions(length: i64, config: &DebertaV2Config, device: tch::Device) -> Tensor {
    let ids = Tensor::arange(length, (Kind::Int64, device));
    let relative = ids.unsqueeze(1) - ids.unsqueeze(0);
    let relative = if config.position_buckets > 0 && config.max_relative_positions() > 0 {
        log_bucket_position(&relative, config.position_buckets, config.max_relative_positions())
    } else {
        relative
    };
    relative.unsqueeze(0)
}

struct Embeddings {
    word: nn::Embedding,
    position: Option<nn::Embedding>,
    token_type: Option<nn::Embedding>,
    projection: Option<nn::Linear>,
    norm: nn::LayerNorm,
}

impl Embeddings {
    fn new(p: nn::Path, c: &DebertaV2Config) -> Self {
        let width = c.embedding_size.unwrap_or(c.hidden_size);
        let embedding = |name: &str, rows: i64| nn::embedding(&p / name, rows, width, Default::default());
        Embeddings {
            word: embedding("word_embeddings", c.vocab_size),
            position: c
                .position_biased_input
                .then(|| embedding("position_embeddings", c.max_position_embeddings)),
            token_type: (c.type_vocab_size > 0).then(|| embedding("token_type_embeddings", c.type_vocab_size)),
            projection: (width != c.hidden_size).then(|| {
                nn::linear(
                    &p / "embed_proj",
                    width,
                    c.hidden_size,
                    nn::LinearConfig {
                        bias: false,
                        ..Default::default()
                    },
                )
            }),
            norm: layer_norm(&p / "LayerNorm", c.hidden_size, c.layer_norm_eps),
        }
    }

    fn forward(&self, ids: &Tensor, token_types: Option<&Tensor>, mask: &Tensor) -> Tensor {
        let mut x = self.word.forward(ids);
        if let Some(position) = &self.position {
            let positions = Tensor::arange(ids.size()[1], (Kind::Int64, ids.device())).unsqueeze(0);
            x += position.forward(&positions);
        }
        if let Some(token_type) = &self.token_type {
            let types = match token_types {
                Some(t) => t.shallow_clone(),
                None => ids.zeros_like(),
            };
            x += token_type.forward(&types);
        }
        if let Some(projection) = &self.projection {
            x = projection.forward(&x);
        }
        self.norm.forward(&x) * mask.unsqueeze(2).to_kind(x.kind())
    }
}

struct DisentangledAttention {
    heads: i64,
    query: nn::Linear,
    key: nn::Linear,
    value: nn::Linear,
    position_key: Option<nn::Linear>,
    position_query: Option<nn::Linear>,
    content_to_position: bool,
    position_to_content: bool,
    relative: bool,
    span: i64,
    /// √(head size × number of score terms): every term is divided by it.
    scale: f64,
}

impl DisentangledAttention {
    fn new(p: nn::Path, c: &DebertaV2Config) -> Self {
        let all = c.num_attention_heads * c.head_size();
        let linear = |name: &str| nn::linear(&p / name, c.hidden_size, all, Default::default());
        let c2p = c.has_attention_type("c2p");
        let p2c = c.has_attention_type("p2c");
        let own_positions = c.relative_attention && !c.share_att_key;
        let scale_factor = 1 + c2p as i64 + p2c as i64;
        // float32 as in transformers, where the scale is a float32 tensor.
        let scale = ((c.head_size() as f32) * scale_factor as f32).sqrt() as f64;
        DisentangledAttention {
            heads: c.num_attention_heads,
            query: linear("query_proj"),
            key: linear("key_proj"),
            value: linear("value_proj"),
            position_key: (own_positions && c2p).then(|| linear("pos_key_proj")),
            position_query: (own_positions && p2c).then(|| linear("pos_query_proj")),
            content_to_position: c2p,
            position_to_content: p2c,
            relative: c.relative_attention,
            span: c.position_span(),
            scale,
        }
    }

    /// `mask` is `[batch, 1, length, length]` with 1 where a query may see a key.
    fn forward(&self, hidden: &Tensor, mask: &Tensor, relative: &Tensor, relative_embeddings: &Tensor) -> Tensor {
        let (batch, length) = (hidden.size()[0], hidden.size()[1]);
        let query = split_heads(&self.query.forward(hidden), self.heads);
        let key = split_heads(&self.key.forward(hidden), self.heads);
        let value = split_heads(&self.value.forward(hidden), self.heads);
        let mut scores = query.bmm(&(key.transpose(-1, -2) / self.scale));
        if self.relative {
            scores += self.relative_bias(&query, &key, relative, relative_embeddings, batch);
        }
        let scores = scores.view([-1, self.heads, length, length]);
        let hidden_from = mask.to_kind(Kind::Bool).logical_not();
        let probabilities = scores
            .masked_fill(&hidden_from, f32::MIN as f64)
            .softmax(-1, scores.kind())
            .masked_fill(&hidden_from, 0.0);
        probabilities
            .view([-1, length, length])
            .bmm(&value)
            .view([batch, self.heads, length, -1])
            .permute([0, 2, 1, 3])
            .contiguous()
            .view([batch, length, -1])
    }

    fn relative_bias(
        &self,
        query: &Tensor,
        key: &Tensor,
        relative: &Tensor,
        relative_embeddings: &Tensor,
        batch: i64,
    ) -> Tensor {
        let length = query.size()[1];
        let rows = relative_embeddings.narrow(0, 0, (self.span * 2).min(relative_embeddings.size()[0]));
        let rows = rows.unsqueeze(0);
        let project = |linear: &nn::Linear| split_heads(&linear.forward(&rows), self.heads).repeat([batch, 1, 1]);
        let index_shape = [query.size()[0], length, length];
        let mut score = Tensor::zeros(index_shape, (query.kind(), query.device()));
        if self.content_to_position {
            let position_key = project(self.position_key.as_ref().unwrap_or(&self.key));
            let c2p = query.bmm(&position_key.transpose(-1, -2));
            let index = (relative + self.span)
                .clamp(0, self.span * 2 - 1)
                .squeeze_dim(0)
                .expand(index_shape, false);
            score += c2p.gather(-1, &index, false) / self.scale;
        }
        if self.position_to_content {
            let position_query = project(self.position_query.as_ref().unwrap_or(&self.query));
            let p2c = key.bmm(&position_query.transpose(-1, -2));
            let index = (-relative + self.span)
                .clamp(0, self.span * 2 - 1)
                .squeeze_dim(0)
                .expand(index_shape, false);
            score += p2c.gather(-1, &index, false).transpose(-1, -2) / self.scale;
        }
        score
    }
}

struct Layer {
    attention: DisentangledAttention,
    attention_output: nn::Linear,
    attention_norm: nn::LayerNorm,
    intermediate: nn::Linear,
    activation: Activation,
    output: nn::Linear,
    output_norm: nn::LayerNorm,
}

impl Layer {
    fn new(p: nn::Path, c: &DebertaV2Config, activation: Activation) -> Self {
        let linear = |path: nn::Path, from: i64, to: i64| nn::linear(path, from, to, Default::default());
        Layer {
            attention: DisentangledAttention::new(&p / "attention" / "self", c),
            attention_output: linear(&p / "attention" / "output" / "dense", c.hidden_size, c.hidden_size),
            attention_norm: layer_norm(
                &p / "attention" / "output" / "LayerNorm",
                c.hidden_size,
                c.layer_norm_eps,
            ),
            intermediate: linear(&p / "intermediate" / "dense", c.hidden_size, c.intermediate_size),
            activation,
            output: linear(&p / "output" / "dense", c.intermediate_size, c.hidden_size),
            output_norm: layer_norm(&p / "output" / "LayerNorm", c.hidden_size, c.layer_norm_eps),
        }
    }

    fn forward(&self, hidden: &Tensor, mask: &Tensor, relative: &Tensor, relative_embeddings: &Tensor) -> Tensor {
        let attended = self.attention.forward(hidden, mask, relative, relative_embeddings);
        let attended = self
            .attention_norm
            .forward(&(self.attention_output.forward(&attended) + hidden));
        let inner = self.activation.apply(&self.intermediate.forward(&attended));
        self.output_norm.forward(&(self.output.forward(&inner) + attended))
    }
}

/// The convolution DeBERTa-v2 xlarge/xxlarge add after the first layer.
struct Convolution {
    conv: nn::Conv1D,
    activation: Activation,
    norm: nn::LayerNorm,
}

impl Convolution {
    fn new(p: nn::Path, c: &DebertaV2Config, activation: Activation) -> Self {
        let kernel = c.conv_kernel_size;
        Convolution {
            conv: nn::conv1d(
                &p / "conv",
                c.hidden_size,
                c.hidden_size,
                kernel,
                nn::ConvConfig {
                    padding: (kernel - 1) / 2,
                    groups: c.conv_groups,
                    ..Default::default()
                },
            ),
            activation,
            norm: layer_norm(&p / "LayerNorm", c.hidden_size, c.layer_norm_eps),
        }
    }

    fn forward(&self, embedded: &Tensor, residual: &Tensor, mask: &Tensor) -> Tensor {
        let out = self
            .conv
            .forward(&embedded.permute([0, 2, 1]).contiguous())
            .permute([0, 2, 1])
            .contiguous();
        let padding = mask.eq(0).unsqueeze(-1);
        let out = self.activation.apply(&out.masked_fill(&padding, 0.0));
        self.norm.forward(&(residual + out)) * mask.unsqueeze(2).to_kind(residual.kind())
    }
}

/// `DebertaV2ForSequenceClassification`: the encoder, the first token's state
/// through the context pooler, and a linear head.
pub struct DebertaV2Classifier {
    config: DebertaV2Config,
    embeddings: Embeddings,
    layers: Vec<Layer>,
    relative_embeddings: Option<nn::Embedding>,
    relative_norm: Option<nn::LayerNorm>,
    convolution: Option<Convolution>,
    pooler: nn::Linear,
    pooler_activation: Activation,
    classifier: nn::Linear,
}

impl DebertaV2Classifier {
    /// Declares the variables under `root` (transformers' names) for `labels` classes;
    /// the weights are loaded into the var store afterwards.
    pub fn new(root: &nn::Path, config: &DebertaV2Config, labels: i64) -> Result<Self, String> {
        config.validate()?;
        let c = config;
        let activation = Activation::parse(&c.hidden_act)?;
        let deberta = root / "deberta";
        let encoder = &deberta / "encoder";
        let layers = (0..c.num_hidden_layers)
            .map(|i| Layer::new(&encoder / "layer" / i, c, activation))
            .collect();
        let relative_embeddings = c.relative_attention.then(|| {
            nn::embedding(
                &encoder / "rel_embeddings",
                c.position_span() * 2,
                c.hidden_size,
                Default::default(),
            )
        });
        let normalise_relative = c.norm_rel_ebd.split('|').any(|part| part.trim() == "layer_norm");
        Ok(DebertaV2Classifier {
            embeddings: Embeddings::new(&deberta / "embeddings", c),
            layers,
            relative_embeddings,
            relative_norm: normalise_relative
                .then(|| layer_norm(&encoder / "LayerNorm", c.hidden_size, c.layer_norm_eps)),
            convolution: (c.conv_kernel_size > 0)
                .then(|| Activation::parse(&c.conv_act).map(|a| Convolution::new(&encoder / "conv", c, a)))
                .transpose()?,
            pooler: nn::linear(
                root / "pooler" / "dense",
                c.hidden_size,
                c.hidden_size,
                Default::default(),
            ),
            pooler_activation: Activation::parse(&c.pooler_hidden_act)?,
            classifier: nn::linear(root / "classifier", c.hidden_size, labels, Default::default()),
            config: config.clone(),
        })
    }

    /// Logits `[batch, labels]` for token ids and a 0/1 attention mask, both
    /// `[batch, length]`; token types count only for models with segment embeddings.
    pub fn forward(&self, ids: &Tensor, mask: &Tensor, token_types: Option<&Tensor>) -> Tensor {
        let length = ids.size()[1];
        let embedded = self.embeddings.forward(ids, token_types, mask);
        let extended = mask.unsqueeze(1).unsqueeze(2);
        let pair_mask = &extended * extended.squeeze_dim(-2).unsqueeze(-1);
        let relative = relative_positions(length, &self.config, ids.device());
        let relative_embeddings = match &self.relative_embeddings {
            Some(table) => match &self.relative_norm {
                Some(norm) => norm.forward(&table.ws),
                None => table.ws.shallow_clone(),
            },
            None => Tensor::zeros([0, self.config.hidden_size], (embedded.kind(), embedded.device())),
        };
        let mut hidden = embedded.shallow_clone();
        for (i, layer) in self.layers.iter().enumerate() {
            hidden = layer.forward(&hidden, &pair_mask, &relative, &relative_embeddings);
            if i == 0 {
                if let Some(convolution) = &self.convolution {
                    hidden = convolution.forward(&embedded, &hidden, mask);
                }
            }
        }
        let first = hidden.select(1, 0);
        let pooled = self.pooler_activation.apply(&self.pooler.forward(&first));
        self.classifier.forward(&pooled)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A one-layer encoder's configuration with `extra` fields over it (the encoder
    /// tests of every architecture here).
    pub(crate) fn small_config<T: serde::de::DeserializeOwned>(extra: serde_json::Value) -> T {
        let mut base = serde_json::json!({
            "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1,
            "num_attention_heads": 2, "intermediate_size": 16
        });
        if let (Some(map), Some(more)) = (base.as_object_mut(), extra.as_object()) {
            map.extend(more.clone());
        }
        serde_json::from_value(base).unwrap()
    }

    fn config(extra: serde_json::Value) -> DebertaV2Config {
        small_config(extra)
    }

    #[test]
    fn attention_types_read_from_list_string_or_null() {
        assert_eq!(
            config(serde_json::json!({"pos_att_type": ["p2c", "c2p"]})).pos_att_type,
            ["p2c", "c2p"]
        );
        assert_eq!(
            config(serde_json::json!({"pos_att_type": "P2C|c2p"})).pos_att_type,
            ["p2c", "c2p"]
        );
        assert!(config(serde_json::json!({"pos_att_type": null}))
            .pos_att_type
            .is_empty());
        assert!(config(serde_json::json!({})).pos_att_type.is_empty());
    }

    #[test]
    fn log_buckets_keep_near_distances_and_compress_far_ones() {
        // Expected values: transformers' make_log_bucket_position(r, 8, 64) on the same r.
        let relative = Tensor::from_slice(&[0i64, 1, -3, 4, -4, 5, 16, 63, -63, 100]);
        let bucketed = Vec::<i64>::try_from(log_bucket_position(&relative, 8, 64)).unwrap();
        assert_eq!(bucketed, [0, 1, -3, 4, -4, 5, 6, 7, -7, 8]);
    }

    #[test]
    fn bad_configurations_are_refused_with_a_reason() {
        let c = config(serde_json::json!({"num_attention_heads": 3}));
        assert!(c.validate().unwrap_err().contains("multiple"));
        let c = config(serde_json::json!({"pos_att_type": ["p2p"]}));
        assert!(c.validate().unwrap_err().contains("p2p"));
        let c = config(serde_json::json!({"hidden_act": "mish"}));
        assert!(c.validate().unwrap_err().contains("mish"));
        let c = config(serde_json::json!({"pooler_hidden_size": 4}));
        assert!(c.validate().unwrap_err().contains("pooler"));
    }
}
