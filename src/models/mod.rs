//! Models: where transformer models come from and how they run (libtorch through
//! tch and rust-bert, tokenizers through the `tokenizers` crate).
//!
//! This module knows nothing of statements or tables: it turns texts and text pairs
//! into class probabilities with named labels, and documents into tagged tokens.

pub mod classifier;
pub mod deberta_v2;
mod hub;
pub mod labels;
pub mod registry;
pub mod text_tokenizer;
pub mod token_tagger;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use classifier::{Architecture, Input, Prediction, SequenceClassifier};
pub use labels::{Labels, NliLabels, ToneLabels};
pub use registry::{ModelSource, ModelSpec, Registry, ResolvedModel, Task};
pub use token_tagger::{TaggedToken, TokenTagger, Windowing};
/// The device a user asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DeviceChoice {
    Cpu,
    Cuda,
    /// CUDA when libtorch sees a GPU, else the CPU.
    #[default]
    Auto,
}

impl std::str::FromStr for DeviceChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "cpu" => Ok(DeviceChoice::Cpu),
            "cuda" | "gpu" => Ok(DeviceChoice::Cuda),
            "auto" => Ok(DeviceChoice::Auto),
            other => Err(format!("unknown device {other:?}: use cpu, cuda or auto")),
        }
    }
}

/// The device a run uses, after asking libtorch what is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResolvedDevice {
    Cpu,
    Cuda { index: usize },
}

impl ResolvedDevice {
    pub fn to_tch(self) -> tch::Device {
        match self {
            ResolvedDevice::Cpu => tch::Device::Cpu,
            ResolvedDevice::Cuda { index } => tch::Device::Cuda(index),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            ResolvedDevice::Cpu => "cpu".into(),
            ResolvedDevice::Cuda { index } => format!("cuda:{index}"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("--device cuda was asked for, but libtorch sees no CUDA device: use --device cpu or auto")]
    NoCuda,
    #[error("model registry {path}: {detail}")]
    Registry { path: PathBuf, detail: String },
    #[error("no model named {name:?}; the registry knows: {known}")]
    UnknownModel { name: String, known: String },
    #[error("model {name:?} is a {declared} model, not a {task} model")]
    WrongTask {
        name: String,
        task: &'static str,
        declared: &'static str,
    },
    #[error("model {model}: {path}: {detail}")]
    File {
        model: String,
        path: PathBuf,
        detail: String,
    },
    #[error("model {model} is declared as {declared} but its config.json says model_type {found:?}: fix the registry's architecture")]
    Architecture {
        model: String,
        declared: String,
        found: String,
    },
    #[error("model {model}: {problem}")]
    Labels { model: String, problem: String },
    #[error("model {model}: cannot tokenize: {detail}")]
    Tokenize { model: String, detail: String },
    #[error("model {model}: forward pass failed: {detail}")]
    Forward { model: String, detail: String },
    #[error("Hugging Face model {repo}@{revision}: {detail}")]
    Hub {
        repo: String,
        revision: String,
        detail: String,
    },
}

/// Number of CUDA devices libtorch can use.
pub fn cuda_devices() -> i64 {
    tch::Cuda::device_count()
}

pub fn resolve_device(choice: DeviceChoice) -> Result<ResolvedDevice, ModelError> {
    let available = tch::Cuda::is_available();
    match (choice, available) {
        (DeviceChoice::Cpu, _) | (DeviceChoice::Auto, false) => Ok(ResolvedDevice::Cpu),
        (DeviceChoice::Cuda | DeviceChoice::Auto, true) => Ok(ResolvedDevice::Cuda { index: 0 }),
        (DeviceChoice::Cuda, false) => Err(ModelError::NoCuda),
    }
}

/// Sets libtorch's intra-op thread count (what model inference will use).
pub fn set_threads(threads: usize) {
    tch::set_num_threads(threads as i32);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_always_resolves_and_auto_matches_libtorch() {
        assert_eq!(resolve_device(DeviceChoice::Cpu).unwrap(), ResolvedDevice::Cpu);
        let auto = resolve_device(DeviceChoice::Auto).unwrap();
        assert_eq!(auto == ResolvedDevice::Cpu, !tch::Cuda::is_available());
        // libtorch really runs: a tensor computed on the resolved device.
        let t = tch::Tensor::from_slice(&[1.0f32, 2.0, 3.0]).to_device(auto.to_tch());
        assert_eq!(t.sum(tch::Kind::Float).double_value(&[]), 6.0);
    }

    #[test]
    fn device_names_parse() {
        assert_eq!("CPU".parse::<DeviceChoice>().unwrap(), DeviceChoice::Cpu);
        assert!("tpu".parse::<DeviceChoice>().is_err());
    }
}
