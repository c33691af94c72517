//! Run configuration in two phases: [`RunOptions`] as the user gave them (CLI flags),
//! validated and resolved into a [`RunConfig`] with absolute paths, the study read,
//! the device chosen. The `RunConfig` is saved beside the outputs
//! (`run_config.toml`) and reads back equal.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::actors::{Study, StudyError};
use crate::corpus::shard::{Shard, ShardError};
use crate::corpus::{resolve_inputs, CorpusError, InputSpec, ReadLimits};
use crate::extract::{ExtractorChoice, ExtractorConfig, TaggerConfig};
use crate::models::{
    resolve_device, DeviceChoice, EngineChoice, ModelError, PrecisionChoice, Registry, ResolvedDevice, ResolvedModel,
    Runtime, Task,
};
use crate::score::{ScoreSettings, Target};

/// What the user asked for, before validation.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    pub inputs: Vec<String>,
    pub out_dir: PathBuf,
    pub studies: Vec<PathBuf>,
    pub max_article_mb: f64,
    pub device: DeviceChoice,
    pub threads: Option<usize>,
    pub strict: bool,
    pub models: ModelOptions,
    /// None: the hybrid extractor when an attribution model is at hand, else the rules.
    pub extractor: Option<ExtractorChoice>,
    /// Find statements only: no tone or stance scoring (the tagger still runs).
    pub no_scores: bool,
    /// Articles per chunk (each chunk's tables are written before the next starts).
    pub chunk_size: usize,
    /// `INDEX/COUNT`; None: from the scheduler's environment, if any.
    pub shard: Option<String>,
    /// Shards in all, where the environment gives only the index (Kubernetes).
    pub shard_count: Option<u32>,
    /// Tokens neighbouring tagger windows share (None: the tagger's default).
    pub tagger_overlap: Option<usize>,
}

/// Inputs per forward pass on a GPU (statements; tagger windows get half as many),
/// unless `--batch-size` says otherwise.
pub const GPU_BATCH_SIZE: usize = 128;

/// Articles per chunk unless `--chunk-size` says otherwise.
pub const DEFAULT_CHUNK_SIZE: usize = 1000;

/// Which models score, and how.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelOptions {
    /// Registry files added to the defaults (later ones override earlier ones).
    pub registries: Vec<PathBuf>,
    pub tone_model: Option<String>,
    pub stance_model: Option<String>,
    pub attribution_model: Option<String>,
    /// Score nothing, even where a default model exists.
    pub no_models: bool,
    pub batch_size: Option<usize>,
    pub max_tokens: Option<usize>,
    /// The engine models run on.
    pub engine: EngineChoice,
    pub precision: PrecisionChoice,
}

/// The default registry: `$STANCEMAP_MODELS`, else `models/models.toml` of this
/// checkout.
pub fn default_registry() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("STANCEMAP_MODELS") {
        return Some(PathBuf::from(path));
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models").join("models.toml");
    path.exists().then_some(path)
}

impl ModelOptions {
    pub fn settings(&self) -> Result<ScoreSettings, ConfigError> {
        let defaults = ScoreSettings::default();
        let settings = ScoreSettings {
            batch_size: self.batch_size.unwrap_or(defaults.batch_size),
            max_tokens: self.max_tokens.unwrap_or(defaults.max_tokens),
        };
        if settings.batch_size == 0 || settings.max_tokens < 8 {
            return Err(ConfigError::BadScoreSettings);
        }
        Ok(settings)
    }

    /// Where one-model commands (`score`, `eval`) run their model: the device (asking
    /// libtorch only for `auto` on a machine with a GPU), this engine, and `threads`
    /// (default: all cores).
    pub fn runtime(&self, device: DeviceChoice, threads: Option<usize>) -> Result<Runtime, ConfigError> {
        Ok(Runtime {
            device: resolve_device(device, true)?,
            engine: self.engine,
            precision: self.precision,
            declared: None,
            threads: threads.unwrap_or_else(all_cores),
        })
    }

    /// The model for one task alone (`score`, `eval`): the one named for it, else the
    /// registry's default; None when there is neither.
    pub fn resolve_one(&self, task: Task) -> Result<Option<ResolvedModel>, ConfigError> {
        Ok(self.resolve(&[task])?.into_iter().next())
    }

    /// Reads the registries and resolves the chosen model of each task in `tasks`
    /// (downloading Hub models that are not cached yet).
    pub fn resolve(&self, tasks: &[Task]) -> Result<Vec<ResolvedModel>, ConfigError> {
        if self.no_models {
            return Ok(Vec::new());
        }
        let mut registry = Registry::default();
        for path in default_registry().iter().chain(self.registries.iter()) {
            registry.merge(Registry::load(path)?);
        }
        let mut models = Vec::new();
        for &task in tasks {
            let name = match task {
                Task::Tone => self.tone_model.as_deref(),
                Task::Stance => self.stance_model.as_deref(),
                Task::Attribution => self.attribution_model.as_deref(),
            };
            if let Some(spec) = registry.choose(task, name)? {
                models.push(ResolvedModel::resolve(spec)?);
            }
        }
        Ok(models)
    }
}

fn all_cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// Everything a run needs, resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunConfig {
    pub inputs: Vec<InputSpec>,
    pub out_dir: PathBuf,
    pub study_files: Vec<PathBuf>,
    pub study: Study,
    pub extractor: ExtractorConfig,
    pub limits: ReadLimits,
    pub device: ResolvedDevice,
    /// The engine asked for (each model's manifest entry says which one it ran on).
    #[serde(default)]
    pub engine: EngineChoice,
    #[serde(default)]
    pub precision: PrecisionChoice,
    pub threads: usize,
    pub strict: bool,
    /// The models that score, one per task at most.
    pub models: Vec<ResolvedModel>,
    pub score: ScoreSettings,
    pub chunk_size: usize,
    /// This run's share of a sharded run; None for a whole run.
    pub shard: Option<Shard>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("--tagger-overlap {overlap} must be below half the tagger's window of {window} tokens")]
    TaggerOverlap { overlap: usize, window: usize },
    #[error("no --input given: name at least one file, folder or glob")]
    NoInputs,
    #[error(transparent)]
    Inputs(#[from] CorpusError),
    #[error(transparent)]
    Study(#[from] StudyError),

    #[error("--max-article-mb must be a positive number, not {0}")]
    BadLimit(f64),
    #[error("--threads must be at least 1")]
    BadThreads,
    #[error("--batch-size must be at least 1 and --max-tokens at least 8")]
    BadScoreSettings,
    #[error(transparent)]
    Models(ModelError),
    #[error("--extractor {0} needs an attribution model, but {1}")]
    NoTagger(&'static str, &'static str),
    #[error("output folder {path}: {source}")]
    OutDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("--chunk-size must be at least 1")]
    BadChunkSize,
    #[error(transparent)]
    Shard(#[from] ShardError),
    #[error("{path}: {detail}")]
    Saved { path: PathBuf, detail: String },
}

impl From<ModelError> for ConfigError {
    fn from(e: ModelError) -> Self {
        ConfigError::Models(e)
    }
}

pub const RUN_CONFIG_FILE: &str = "run_config.toml";

/// The extractor asked for, with its tagger resolved; by default the hybrid where a
/// tagger is at hand (it measures best on PolNeAR dev), else the rules.
fn resolve_extractor(
    choice: Option<ExtractorChoice>,
    models: &ModelOptions,
    tagger_overlap: Option<usize>,
) -> Result<ExtractorConfig, ConfigError> {
    if choice == Some(ExtractorChoice::Rules) {
        return Ok(ExtractorConfig::Rules);
    }
    if models.no_models {
        return match choice {
            Some(c) => Err(ConfigError::NoTagger(c.as_str(), "--no-models turns models off")),
            None => Ok(ExtractorConfig::Rules),
        };
    }
    let Some(model) = models.resolve_one(Task::Attribution)? else {
        return match choice {
            Some(c) => Err(ConfigError::NoTagger(
                c.as_str(),
                "no registry declares one (task = \"attribution\"): add it with --models FILE or use --extractor rules",
            )),
            None => {
                tracing::info!("no attribution model in the registry: extracting with the rules");
                Ok(ExtractorConfig::Rules)
            }
        };
    };
    let mut tagger = TaggerConfig::new(model);
    if let Some(overlap) = tagger_overlap {
        if overlap >= tagger.window / 2 {
            return Err(ConfigError::TaggerOverlap {
                overlap,
                window: tagger.window,
            });
        }
        tagger.overlap = overlap;
    }
    Ok(if choice == Some(ExtractorChoice::Learned) {
        ExtractorConfig::Learned { tagger }
    } else {
        ExtractorConfig::Hybrid { tagger }
    })
}

/// Whether a run with these scorers and this extractor runs any model.
fn models_run(models: &[ResolvedModel], extractor: &ExtractorConfig) -> bool {
    !models.is_empty() || extractor.tagger().is_some()
}

impl RunConfig {
    pub fn resolve(options: RunOptions) -> Result<RunConfig, ConfigError> {
        if options.inputs.is_empty() {
            return Err(ConfigError::NoInputs);
        }
        if !(options.max_article_mb.is_finite() && options.max_article_mb > 0.0) {
            return Err(ConfigError::BadLimit(options.max_article_mb));
        }
        if options.threads == Some(0) {
            return Err(ConfigError::BadThreads);
        }
        if options.chunk_size == 0 {
            return Err(ConfigError::BadChunkSize);
        }
        let shard = match &options.shard {
            Some(text) => Some(Shard::parse(text)?),
            None => Shard::from_environment(|name| std::env::var(name).ok(), options.shard_count)?,
        }
        // One shard of one is the whole run.
        .filter(|s| s.count > 1);
        let mut inputs = resolve_inputs(&options.inputs)?;
        for input in &mut inputs {
            input.path = absolute(&input.path);
        }
        let study_files: Vec<PathBuf> = options.studies.iter().map(|p| absolute(p)).collect();
        let study = Study::load_all(&study_files)?;
        let threads = options.threads.unwrap_or_else(all_cores);
        let mut score = options.models.settings()?;
        let models = if options.no_scores {
            Vec::new()
        } else {
            options.models.resolve(&[Task::Tone, Task::Stance])?
        };
        let mut extractor = resolve_extractor(options.extractor, &options.models, options.tagger_overlap)?;
        let device = resolve_device(options.device, models_run(&models, &extractor))?;
        if device != ResolvedDevice::Cpu {
            // A GPU is idle between small batches: more inputs per pass where the user
            // did not choose.
            if options.models.batch_size.is_none() {
                score.batch_size = GPU_BATCH_SIZE;
            }
            if let ExtractorConfig::Learned { tagger } | ExtractorConfig::Hybrid { tagger } = &mut extractor {
                tagger.batch_size = tagger.batch_size.max(GPU_BATCH_SIZE / 2);
            }
        }
        std::fs::create_dir_all(&options.out_dir).map_err(|source| ConfigError::OutDir {
            path: options.out_dir.clone(),
            source,
        })?;
        Ok(RunConfig {
            inputs,
            out_dir: absolute(&options.out_dir),
            study_files,
            study,
            extractor,
            limits: ReadLimits {
                max_article_bytes: (options.max_article_mb * 1e6) as u64,
            },
            device,
            engine: options.models.engine,
            precision: options.models.precision,
            threads,
            strict: options.strict,
            models,
            score,
            chunk_size: options.chunk_size,
            shard,
        })
    }

    /// Where this run's models run.
    pub fn runtime(&self) -> Runtime {
        Runtime {
            device: self.device,
            engine: self.engine,
            precision: self.precision,
            declared: None,
            threads: self.threads,
        }
    }

    /// Whether any model runs (a tagger or a scorer), and so an engine loads.
    pub fn runs_models(&self) -> bool {
        models_run(&self.models, &self.extractor)
    }

    /// The study's targets with their hypothesis templates.
    pub fn targets(&self) -> Vec<Target> {
        self.study
            .targets
            .iter()
            .map(|t| {
                let mut target = Target::new(&t.id, &t.description);
                if let Some(favor) = &t.favor_template {
                    target.favor_template = favor.clone();
                }
                if let Some(against) = &t.against_template {
                    target.against_template = against.clone();
                }
                target.aliases = t.aliases.clone();
                target
            })
            .collect()
    }

    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        toml::to_string_pretty(self)
    }

    pub fn load(path: &Path) -> Result<RunConfig, ConfigError> {
        let saved = |detail: String| ConfigError::Saved {
            path: path.to_path_buf(),
            detail,
        };
        let raw = std::fs::read_to_string(path).map_err(|e| saved(e.to_string()))?;
        toml::from_str(&raw).map_err(|e| saved(e.to_string()))
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(dir: &Path) -> RunOptions {
        RunOptions {
            inputs: vec![dir.join("*.jsonl").display().to_string()],
            out_dir: dir.join("out"),
            studies: Vec::new(),
            max_article_mb: 10.0,
            device: DeviceChoice::Cpu,
            threads: Some(2),
            strict: false,
            models: ModelOptions {
                no_models: true,
                ..Default::default()
            },
            extractor: None,
            no_scores: false,
            chunk_size: DEFAULT_CHUNK_SIZE,
            shard: None,
            shard_count: None,
            tagger_overlap: None,
        }
    }

    #[test]
    fn resolved_config_round_trips_through_toml() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.jsonl"), "").unwrap();
        std::fs::write(dir.path().join("a.jsonl"), "").unwrap();
        std::fs::write(
            dir.path().join("study.toml"),
            "[[actors]]\nid = \"x\"\nname = \"X\"\n[[targets]]\nid = \"t\"\ndescription = \"a ceasefire\"\n",
        )
        .unwrap();
        let mut opts = options(dir.path());
        opts.studies = vec![dir.path().join("study.toml")];
        let config = RunConfig::resolve(opts).unwrap();
        assert_eq!(config.inputs.len(), 2);
        assert!(config.inputs[0].path.ends_with("a.jsonl"));
        assert_eq!(config.study.targets[0].id, "t");
        let path = dir.path().join(RUN_CONFIG_FILE);
        std::fs::write(&path, config.to_toml().unwrap()).unwrap();
        assert_eq!(RunConfig::load(&path).unwrap(), config);
    }

    #[test]
    fn study_targets_take_templates_by_their_shape_unless_the_study_sets_them() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.jsonl"), "").unwrap();
        std::fs::write(
            dir.path().join("study.toml"),
            "[[actors]]\nid = \"x\"\nname = \"X\"\n\
             [[targets]]\nid = \"truce\"\ndescription = \"a ceasefire\"\n\
             [[targets]]\nid = \"withdrawal\"\ndescription = \"Russia should withdraw\"\n\
             [[targets]]\nid = \"own\"\ndescription = \"Russia should withdraw\"\n\
             favor_template = \"The speaker wants that {}.\"\n",
        )
        .unwrap();
        let mut opts = options(dir.path());
        opts.studies = vec![dir.path().join("study.toml")];
        let targets = RunConfig::resolve(opts).unwrap().targets();
        assert_eq!(targets[0].favor_hypothesis(), "The speaker supports a ceasefire.");
        assert_eq!(
            targets[1].favor_hypothesis(),
            "The speaker agrees that Russia should withdraw."
        );
        assert_eq!(
            targets[1].against_hypothesis(),
            "The speaker disagrees that Russia should withdraw."
        );
        assert_eq!(
            targets[2].favor_hypothesis(),
            "The speaker wants that Russia should withdraw."
        );
        assert_eq!(
            targets[2].against_hypothesis(),
            "The speaker disagrees that Russia should withdraw."
        );
    }

    #[test]
    fn bad_options_are_refused_with_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let mut opts = options(dir.path());
        let err = RunConfig::resolve(opts.clone()).unwrap_err().to_string();
        assert!(err.contains("matches no file"), "{err}");
        std::fs::write(dir.path().join("a.jsonl"), "").unwrap();
        opts.max_article_mb = 0.0;
        assert!(matches!(
            RunConfig::resolve(opts.clone()),
            Err(ConfigError::BadLimit(_))
        ));
        opts.max_article_mb = 1.0;
        opts.studies = vec![dir.path().join("missing.toml")];
        let err = RunConfig::resolve(opts).unwrap_err().to_string();
        assert!(err.contains("missing.toml"), "{err}");
    }
}
