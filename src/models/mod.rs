//! Models: where transformer models come from and how they run (ONNX Runtime in
//! [`onnx`] by default on CPU, libtorch through tch and rust-bert in the [`engine`]
//! for CUDA and models without an export, each opened only when a model runs;
//! tokenizers through the `tokenizers` crate).
//!
//! This module knows nothing of statements or tables: it turns texts and text pairs
//! into class probabilities with named labels, and documents into tagged tokens.

pub mod classifier;
pub mod engine;
mod hub;
pub mod labels;
pub mod network;
pub mod onnx;
pub mod registry;
pub mod text_tokenizer;
pub mod token_tagger;
pub mod weights;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use classifier::{Architecture, Input, Prediction, SequenceClassifier};
pub use labels::{Labels, NliLabels, ToneLabels};
pub use network::{EngineChoice, EngineKind, EnginePlan, Precision, PrecisionChoice, Runtime};
pub use registry::{ModelSource, ModelSpec, Registry, ResolvedModel, Task};
pub use token_tagger::{TaggedToken, TokenTagger, Windowing};
/// The device a user asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DeviceChoice {
    Cpu,
    Cuda,
    /// CUDA when libtorch sees a GPU, else the CPU (without opening libtorch where
    /// the machine has no NVIDIA device at all).
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
    #[error("model {model}: {detail}")]
    Engine { model: String, detail: String },
    #[error("model {model}: forward pass failed: {detail}")]
    Forward { model: String, detail: String },
    #[error("Hugging Face model {repo}@{revision}: {detail}")]
    Hub {
        repo: String,
        revision: String,
        detail: String,
    },
}

impl ModelError {
    /// An engine failure of `model` ("(any)" where no one model is concerned): about a
    /// file where the engine names one.
    pub(crate) fn from_engine(model: &str, failure: engine::EngineFailure) -> Self {
        match failure.path {
            Some(path) => ModelError::File {
                model: model.into(),
                path,
                detail: failure.detail,
            },
            None => ModelError::Engine {
                model: model.into(),
                detail: failure.detail,
            },
        }
    }
}

/// Number of CUDA devices libtorch can use (loads the engine, so libtorch).
pub fn cuda_devices() -> Result<i64, ModelError> {
    engine::cuda_devices().map_err(|failure| ModelError::from_engine("(any)", failure))
}

/// The device models will run on. Only `auto` asks libtorch what is there, and only
/// when `models_run` and the machine has an NVIDIA device (a run without models, or
/// on a machine without a GPU, never loads libtorch; it records `cpu`).
pub fn resolve_device(choice: DeviceChoice, models_run: bool) -> Result<ResolvedDevice, ModelError> {
    let gpu = ResolvedDevice::Cuda { index: 0 };
    match choice {
        DeviceChoice::Cpu => Ok(ResolvedDevice::Cpu),
        DeviceChoice::Auto if !models_run || !nvidia_device_present() => Ok(ResolvedDevice::Cpu),
        DeviceChoice::Auto => Ok(if cuda_devices()? > 0 { gpu } else { ResolvedDevice::Cpu }),
        DeviceChoice::Cuda if cuda_devices()? > 0 => Ok(gpu),
        DeviceChoice::Cuda => Err(ModelError::NoCuda),
    }
}

/// The Python virtual environments looked into, in order: the active one
/// (`VIRTUAL_ENV`), then the one this binary was built against (the project's
/// `.venv`, where `make setup` installs onnxruntime and the training recipes' needs).
pub fn python_environments() -> Vec<PathBuf> {
    let built_with = env!("STANCEMAP_BUILD_VENV");
    std::env::var_os("VIRTUAL_ENV")
        .map(PathBuf::from)
        .into_iter()
        .chain((!built_with.is_empty()).then(|| PathBuf::from(built_with)))
        .collect()
}

/// Whether the machine shows an NVIDIA GPU (the driver's /proc entry or a device
/// node): without one CUDA cannot run, and asking libtorch would cost its loading.
fn nvidia_device_present() -> bool {
    if !cfg!(target_os = "linux") {
        return cfg!(not(target_os = "macos"));
    }
    Path::new("/proc/driver/nvidia/version").exists()
        || std::fs::read_dir("/dev").is_ok_and(|entries| {
            entries.flatten().any(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.strip_prefix("nvidia")
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_always_resolves_and_auto_matches_libtorch() {
        assert_eq!(resolve_device(DeviceChoice::Cpu, true).unwrap(), ResolvedDevice::Cpu);
        assert_eq!(resolve_device(DeviceChoice::Auto, false).unwrap(), ResolvedDevice::Cpu);
        let auto = resolve_device(DeviceChoice::Auto, true).unwrap();
        let devices = cuda_devices().unwrap();
        assert_eq!(auto == ResolvedDevice::Cpu, devices == 0);
        if devices > 0 {
            assert!(
                nvidia_device_present(),
                "libtorch sees a GPU that the device check missed"
            );
        }
        assert_eq!(resolve_device(DeviceChoice::Cuda, true).is_ok(), devices > 0);
    }

    #[test]
    fn device_names_parse() {
        assert_eq!("CPU".parse::<DeviceChoice>().unwrap(), DeviceChoice::Cpu);
        assert!("tpu".parse::<DeviceChoice>().is_err());
    }
}
