//! A network as the classifiers and the tagger see it: padded token ids in, softmax
//! probabilities out, run by one of two engines.
//!
//! - [`super::onnx`]: ONNX Runtime on a model's exported `model.onnx`; the default on
//!   CPU wherever the export is current, as it is the faster of the two there.
//! - [`super::engine`]: libtorch (tch, rust-bert, our DeBERTa-v2); for CUDA, for
//!   models without an export, and for the architectures ONNX export does not cover.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::engine::{EngineFailure, Head, NetworkSpec, TorchNetwork};
use super::onnx::{export_problem, runtime_available, OnnxNetwork};
use super::{ModelError, ResolvedDevice};

/// The engine a user asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum EngineChoice {
    /// ONNX Runtime on CPU where the model's export is current, libtorch otherwise.
    #[default]
    Auto,
    /// ONNX Runtime for every model; a model without a current export fails to load.
    Onnx,
    /// libtorch for every model.
    Torch,
}

impl std::str::FromStr for EngineChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(EngineChoice::Auto),
            "onnx" | "ort" | "onnxruntime" => Ok(EngineChoice::Onnx),
            "torch" | "libtorch" => Ok(EngineChoice::Torch),
            other => Err(format!("unknown engine {other:?}: use auto, onnx or torch")),
        }
    }
}

/// The numeric precision a user asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PrecisionChoice {
    /// What each model's registry entry declares (`precision = "int8"` where the int8
    /// export was measured to keep the task's figures), fp32 otherwise.
    #[default]
    Auto,
    Fp32,
    /// The int8 export of every model (ONNX Runtime only).
    Int8,
}

impl std::str::FromStr for PrecisionChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(PrecisionChoice::Auto),
            "fp32" | "float32" => Ok(PrecisionChoice::Fp32),
            "int8" => Ok(PrecisionChoice::Int8),
            other => Err(format!("unknown precision {other:?}: use auto, fp32 or int8")),
        }
    }
}

/// The precision a network runs at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Fp32,
    /// Feed-forward weights in int8, the rest fp32 (models/recipes/export_onnx.py).
    Int8,
}

impl Precision {
    pub fn as_str(&self) -> &'static str {
        match self {
            Precision::Fp32 => "fp32",
            Precision::Int8 => "int8",
        }
    }
}

/// The engine a network actually runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EngineKind {
    Onnx,
    Torch,
}

impl EngineKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            EngineKind::Onnx => "onnx",
            EngineKind::Torch => "torch",
        }
    }
}

/// Where and how models run: the device, the engine and precision asked for, and
/// the threads a network may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Runtime {
    pub device: ResolvedDevice,
    pub engine: EngineChoice,
    pub precision: PrecisionChoice,
    /// The precision the model being loaded declares in its registry entry (set by
    /// [`Runtime::for_model`]).
    pub declared: Option<Precision>,
    pub threads: usize,
}

impl Runtime {
    pub fn cpu(engine: EngineChoice, threads: usize) -> Runtime {
        Runtime {
            device: ResolvedDevice::Cpu,
            engine,
            precision: PrecisionChoice::Auto,
            declared: None,
            threads,
        }
    }

    /// This runtime for a model that declares `declared`.
    pub fn for_model(self, declared: Option<Precision>) -> Runtime {
        Runtime { declared, ..self }
    }
}

/// The engine and precision a model runs at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnginePlan {
    pub engine: EngineKind,
    pub precision: Precision,
}

/// One batch for [`Network::probabilities`]: row-major `[rows, width]` inputs.
pub struct Batch<'a> {
    pub ids: &'a [i64],
    pub mask: &'a [i64],
    /// Token type ids, for architectures that take them.
    pub types: Option<&'a [i64]>,
    pub rows: usize,
    pub width: usize,
}

impl Batch<'_> {
    pub(super) fn check(&self) -> Result<(), EngineFailure> {
        let cells = self.rows * self.width;
        if self.ids.len() != cells || self.mask.len() != cells || self.types.is_some_and(|t| t.len() != cells) {
            return Err(EngineFailure::new(format!(
                "a batch of {} × {} needs that many ids, mask and type values",
                self.rows, self.width
            )));
        }
        Ok(())
    }
}

/// A loaded network. It may move between threads; users that share one across
/// threads put it behind a lock (libtorch modules are not `Sync`).
pub trait Network: Send {
    fn kind(&self) -> EngineKind;
    /// Softmax probabilities in float32: `[rows, labels]` for a sequence head,
    /// `[rows, width, labels]` for a token head, row-major.
    fn probabilities(&self, batch: &Batch) -> Result<Vec<f32>, EngineFailure>;
}

/// Loads `spec`'s network from the model folder `dir` on the engine [`choose_engine`]
/// picks.
pub fn load_network(
    name: &str,
    dir: &Path,
    spec: NetworkSpec,
    runtime: Runtime,
) -> Result<Box<dyn Network>, ModelError> {
    let from_engine = |failure| ModelError::from_engine(name, failure);
    let plan = choose_engine(name, dir, &spec.weights, spec.head, runtime)?;
    match plan.engine {
        EngineKind::Onnx => {
            let network =
                OnnxNetwork::load(dir, plan.precision, spec.head, spec.labels, runtime.threads).map_err(from_engine)?;
            Ok(Box::new(network))
        }
        EngineKind::Torch => {
            super::engine::set_threads(runtime.threads).map_err(from_engine)?;
            Ok(Box::new(TorchNetwork::load(&spec).map_err(from_engine)?))
        }
    }
}

/// The engine and precision of a model in `dir` (weights `weights`, a `head`
/// classifier) under `runtime`, without loading it. Engines: `torch` and `onnx` as
/// asked (onnx only on the CPU and with a current export, else an error saying what
/// to do); `auto` is ONNX Runtime on the CPU where the export is current and the
/// library is there, libtorch otherwise (logged with the reason). Precision: as
/// asked, or as the model declares (`auto`); int8 only on ONNX Runtime, so a
/// declared int8 runs at fp32 on libtorch and an asked-for one fails there.
pub fn choose_engine(
    name: &str,
    dir: &Path,
    weights: &Path,
    head: Head,
    runtime: Runtime,
) -> Result<EnginePlan, ModelError> {
    let precision = match runtime.precision {
        PrecisionChoice::Auto => runtime.declared.unwrap_or(Precision::Fp32),
        PrecisionChoice::Fp32 => Precision::Fp32,
        PrecisionChoice::Int8 => Precision::Int8,
    };
    let torch = || {
        if runtime.precision == PrecisionChoice::Int8 {
            return Err(ModelError::Engine {
                model: name.into(),
                detail: "int8 runs on ONNX Runtime only: drop --precision int8 or run on the CPU with --engine onnx"
                    .into(),
            });
        }
        Ok(EnginePlan {
            engine: EngineKind::Torch,
            precision: Precision::Fp32,
        })
    };
    let onnx = EnginePlan {
        engine: EngineKind::Onnx,
        precision,
    };
    match runtime.engine {
        EngineChoice::Torch => torch(),
        EngineChoice::Onnx => {
            if runtime.device != ResolvedDevice::Cpu {
                return Err(ModelError::Engine {
                    model: name.into(),
                    detail: format!(
                        "the ONNX engine runs on the CPU only, not on {}: use --engine torch (or auto) with --device cuda",
                        runtime.device.describe()
                    ),
                });
            }
            match export_problem(dir, weights, head, precision) {
                None => Ok(onnx),
                Some(problem) => Err(ModelError::File {
                    model: name.into(),
                    path: dir.join(super::onnx::ONNX_FILE),
                    detail: format!("--engine onnx needs a current export: {problem}"),
                }),
            }
        }
        EngineChoice::Auto => {
            let why_not = if runtime.device != ResolvedDevice::Cpu {
                Some(format!("it runs on {}", runtime.device.describe()))
            } else if !runtime_available() {
                Some("no ONNX Runtime library was found (make setup installs it)".to_string())
            } else {
                export_problem(dir, weights, head, precision)
            };
            match why_not {
                None => Ok(onnx),
                Some(reason) => {
                    tracing::info!("model {name} runs on libtorch: {reason}");
                    torch()
                }
            }
        }
    }
}

/// Softmax over each row of `labels` logits, computed in f64 for the sums.
pub(super) fn softmax_rows(logits: &[f32], labels: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(logits.len());
    for row in logits.chunks(labels.max(1)) {
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let exps: Vec<f64> = row.iter().map(|&x| ((x - max) as f64).exp()).collect();
        let sum: f64 = exps.iter().sum();
        out.extend(exps.iter().map(|&e| (e / sum) as f32));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_rows_sum_to_one_and_keep_order() {
        let p = softmax_rows(&[1.0, 2.0, 3.0, 1000.0, 0.0, -1000.0], 3);
        assert!((p[..3].iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(p[0] < p[1] && p[1] < p[2]);
        assert!((p[3] - 1.0).abs() < 1e-6 && p[5] == 0.0);
    }

    #[test]
    fn engine_names_parse() {
        assert_eq!("ONNX".parse::<EngineChoice>().unwrap(), EngineChoice::Onnx);
        assert_eq!("torch".parse::<EngineChoice>().unwrap(), EngineChoice::Torch);
        assert!("tensorrt".parse::<EngineChoice>().is_err());
    }
}
