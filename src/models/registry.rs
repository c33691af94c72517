//! The model registry: models declared in TOML (`models/models.toml` for the
//! defaults, more with `--models FILE`), each with a task, an architecture and a
//! source. Local folders are used as they are, relative to the file declaring them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::classifier::Architecture;
use super::ModelError;

/// What a model is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// Sequence classification into negative / neutral / positive.
    Tone,
    /// Zero-shot stance through a 3-way NLI model.
    Stance,
    /// Token tagging of attribution sources, cues and contents (BIO).
    Attribution,
}

impl Task {
    pub fn as_str(&self) -> &'static str {
        match self {
            Task::Tone => "tone",
            Task::Stance => "stance",
            Task::Attribution => "attribution",
        }
    }
}

/// Where a model's files come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ModelSource {
    /// A folder with config.json, weights and tokenizer.json (or the vocabulary
    /// files of the architecture's slow tokenizer). Relative paths are relative to
    /// the registry file.
    Local { path: PathBuf },
    /// A Hugging Face Hub repository at a revision (branch, tag or commit).
    Hub {
        repo: String,
        #[serde(default = "default_revision")]
        revision: String,
    },
}

fn default_revision() -> String {
    "main".into()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    pub name: String,
    pub task: Task,
    pub architecture: Architecture,
    pub source: ModelSource,
    /// The model a run uses for its task when none is named.
    #[serde(default)]
    pub default: bool,
    /// Longest input in tokens; longer inputs are truncated (and counted).
    #[serde(default)]
    pub max_tokens: Option<usize>,
    /// The precision it runs at on ONNX Runtime unless `--precision` says otherwise:
    /// `int8` where its int8 export was measured to keep the task's figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<super::network::Precision>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registry {
    #[serde(default)]
    pub models: Vec<ModelSpec>,
}

impl Registry {
    /// Reads a registry file, making local paths absolute.
    pub fn load(path: &Path) -> Result<Registry, ModelError> {
        let error = |detail: String| ModelError::Registry {
            path: path.to_path_buf(),
            detail,
        };
        let raw = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
        let mut registry: Registry = toml::from_str(&raw).map_err(|e| error(e.to_string()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        for model in &mut registry.models {
            if let ModelSource::Local { path } = &mut model.source {
                if path.is_relative() {
                    *path = std::path::absolute(base.join(&*path)).unwrap_or_else(|_| base.join(&*path));
                }
            }
        }
        let mut names = std::collections::HashSet::new();
        for model in &registry.models {
            if !names.insert(model.name.as_str()) {
                return Err(error(format!("model {:?} is declared twice", model.name)));
            }
        }
        Ok(registry)
    }

    /// Adds `other`'s models; a model with a name already known replaces it, and a
    /// default in `other` replaces the default for its task.
    pub fn merge(&mut self, other: Registry) {
        for model in other.models {
            if model.default {
                for existing in self.models.iter_mut().filter(|m| m.task == model.task) {
                    existing.default = false;
                }
            }
            match self.models.iter_mut().find(|m| m.name == model.name) {
                Some(existing) => *existing = model,
                None => self.models.push(model),
            }
        }
    }

    /// The model for `task`: the one named, or the task's default.
    pub fn choose(&self, task: Task, name: Option<&str>) -> Result<Option<&ModelSpec>, ModelError> {
        match name {
            Some(name) => {
                let model = self
                    .models
                    .iter()
                    .find(|m| m.name == name)
                    .ok_or_else(|| ModelError::UnknownModel {
                        name: name.into(),
                        known: self
                            .models
                            .iter()
                            .map(|m| m.name.clone())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })?;
                if model.task != task {
                    return Err(ModelError::WrongTask {
                        name: name.into(),
                        task: task.as_str(),
                        declared: model.task.as_str(),
                    });
                }
                Ok(Some(model))
            }
            None => Ok(self.models.iter().find(|m| m.task == task && m.default)),
        }
    }
}

/// A model ready to load: its spec and the local folder holding its files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolvedModel {
    pub spec: ModelSpec,
    pub dir: PathBuf,
    /// SHA-256 of the weights file, so a manifest pins exactly what scored.
    pub weights_sha256: String,
}

impl ResolvedModel {
    pub fn resolve(spec: &ModelSpec) -> Result<ResolvedModel, ModelError> {
        let dir = match &spec.source {
            ModelSource::Local { path } => path.clone(),
            ModelSource::Hub { repo, revision } => {
                super::hub::fetch(repo, revision, super::text_tokenizer::vocab_files(spec.architecture))?
            }
        };
        if !dir.join("config.json").exists() {
            return Err(ModelError::File {
                model: spec.name.clone(),
                path: dir.clone(),
                detail: "no config.json here: is this a Hugging Face model folder?".into(),
            });
        }
        let weights = super::weights::weights_file(&spec.name, &dir)?;
        let weights_sha256 = super::weights::sha256_weights(&weights).map_err(|e| ModelError::File {
            model: spec.name.clone(),
            path: weights.clone(),
            detail: e.to_string(),
        })?;
        Ok(ResolvedModel {
            spec: spec.clone(),
            dir,
            weights_sha256,
        })
    }

    /// The engine this model runs on under `runtime` (see
    /// [`super::network::choose_engine`]), or why it cannot run there.
    pub fn engine(&self, runtime: super::Runtime) -> Result<super::network::EnginePlan, ModelError> {
        let head = match self.spec.task {
            Task::Attribution => super::engine::Head::Token,
            Task::Tone | Task::Stance => super::engine::Head::Sequence,
        };
        let weights = super::weights::weights_file(&self.spec.name, &self.dir)?;
        super::network::choose_engine(
            &self.spec.name,
            &self.dir,
            &weights,
            head,
            runtime.for_model(self.spec.precision),
        )
    }
}

/// Models by task, for manifests and summaries.
pub fn by_task(models: &[ResolvedModel]) -> BTreeMap<Task, &ResolvedModel> {
    models.iter().map(|m| (m.spec.task, m)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_merge_and_choose() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("base.toml");
        std::fs::write(
            &base,
            r#"
            [[models]]
            name = "tone-a"
            task = "tone"
            architecture = "bert"
            default = true
            source = { type = "local", path = "a" }

            [[models]]
            name = "nli-a"
            task = "stance"
            architecture = "xlm-roberta"
            source = { type = "hub", repo = "org/nli" }
            "#,
        )
        .unwrap();
        let mut registry = Registry::load(&base).unwrap();
        let ModelSource::Local { path } = &registry.models[0].source else {
            panic!("local")
        };
        assert!(path.is_absolute() && path.ends_with("a"));
        assert_eq!(
            registry.models[1].source,
            ModelSource::Hub {
                repo: "org/nli".into(),
                revision: "main".into()
            }
        );
        assert_eq!(registry.choose(Task::Tone, None).unwrap().unwrap().name, "tone-a");
        assert!(registry.choose(Task::Stance, None).unwrap().is_none());
        assert!(matches!(
            registry.choose(Task::Stance, Some("tone-a")),
            Err(ModelError::WrongTask { .. })
        ));
        assert!(registry
            .choose(Task::Tone, Some("nope"))
            .unwrap_err()
            .to_string()
            .contains("tone-a"));

        let extra: Registry = toml::from_str(
            "[[models]]\nname = \"tone-b\"\ntask = \"tone\"\narchitecture = \"roberta\"\ndefault = true\nsource = { type = \"local\", path = \"/b\" }\n",
        )
        .unwrap();
        registry.merge(extra);
        assert_eq!(registry.choose(Task::Tone, None).unwrap().unwrap().name, "tone-b");
        assert!(toml::from_str::<Registry>("[[models]]\nname = \"x\"\ntask = \"tone\"\narchitecture = \"gpt2\"\nsource = { type = \"local\", path = \"x\" }\n").is_err());
    }
}
