//! Hugging Face Hub models: downloaded on first use into the standard cache
//! (`HF_HOME`, default `~/.cache/huggingface`) from `HF_ENDPOINT` (default the
//! public Hub), then read from the cache. With `HF_HUB_OFFLINE=1` only the cache is
//! used.

use std::path::PathBuf;

use hf_hub::api::sync::ApiBuilder;
use hf_hub::{Cache, Repo, RepoType};

use super::text_tokenizer::FAST_TOKENIZER_FILE;
use super::weights::{is_shard_index, shard_names, WEIGHTS_FILES};
use super::ModelError;

pub fn offline() -> bool {
    std::env::var("HF_HUB_OFFLINE")
        .is_ok_and(|v| matches!(v.trim(), "1" | "true" | "TRUE" | "yes" | "YES" | "ON" | "on"))
}

/// The local folder (a cache snapshot) holding `repo` at `revision`, downloading
/// what is missing unless offline: `config.json`, the first weights file the repo
/// has (with every shard, for a shard index), and `tokenizer.json`, or where the repo has none, `vocab_files` (the
/// architecture's slow-tokenizer files) with `tokenizer_config.json` if present.
pub fn fetch(repo: &str, revision: &str, vocab_files: &[&str]) -> Result<PathBuf, ModelError> {
    let hub_repo = Repo::with_revision(repo.to_string(), RepoType::Model, revision.to_string());
    let error = |detail: String| ModelError::Hub {
        repo: repo.into(),
        revision: revision.into(),
        detail,
    };
    if offline() {
        let cache = Cache::from_env().repo(hub_repo);
        let config = cache.get("config.json").ok_or_else(|| {
            error("config.json is not in the Hugging Face cache and HF_HUB_OFFLINE is set: run once with network access, or unset HF_HUB_OFFLINE".into())
        })?;
        if cache.get(FAST_TOKENIZER_FILE).is_none() {
            if let Some(missing) = vocab_files.iter().find(|f| cache.get(f).is_none()) {
                return Err(error(format!(
                    "neither tokenizer.json nor {missing} is in the Hugging Face cache and HF_HUB_OFFLINE is set"
                )));
            }
        }
        let cached = |weights: &str| match cache.get(weights) {
            Some(index) if is_shard_index(&index) => {
                shard_names(&index).is_ok_and(|shards| shards.iter().all(|s| cache.get(s).is_some()))
            }
            found => found.is_some(),
        };
        if !WEIGHTS_FILES.iter().any(|w| cached(w)) {
            return Err(error(
                "no model.safetensors (or all its shards) or rust_model.ot in the cache and HF_HUB_OFFLINE is set"
                    .into(),
            ));
        }
        return folder_of(config, &error);
    }
    let api = ApiBuilder::from_env()
        .with_progress(false)
        .build()
        .map_err(|e| error(e.to_string()))?;
    let api_repo = api.repo(hub_repo);
    let config = api_repo
        .get("config.json")
        .map_err(|e| error(format!("config.json: {e}")))?;
    if let Err(fast_error) = api_repo.get(FAST_TOKENIZER_FILE) {
        for file in vocab_files {
            api_repo
                .get(file)
                .map_err(|e| error(format!("no tokenizer: tokenizer.json: {fast_error}; {file}: {e}")))?;
        }
        // Casing and prefix-space settings; a repo may well not have it.
        let _ = api_repo.get("tokenizer_config.json");
    }
    let mut last_error = None;
    for weights in WEIGHTS_FILES {
        match api_repo.get(weights) {
            Ok(index) if is_shard_index(&index) => {
                for shard in shard_names(&index).map_err(&error)? {
                    api_repo.get(&shard).map_err(|e| error(format!("{shard}: {e}")))?;
                }
                return folder_of(config, &error);
            }
            Ok(_) => return folder_of(config, &error),
            Err(e) => last_error = Some(format!("{weights}: {e}")),
        }
    }
    Err(error(last_error.unwrap_or_else(|| "no weights file".into())))
}

/// The snapshot folder holding a fetched file.
fn folder_of(file: PathBuf, error: &dyn Fn(String) -> ModelError) -> Result<PathBuf, ModelError> {
    file.parent()
        .map(|d| d.to_path_buf())
        .ok_or_else(|| error(format!("{} has no parent folder", file.display())))
}
