//! Hugging Face Hub models: downloaded on first use into the standard cache
//! (`HF_HOME`, default `~/.cache/huggingface`) from `HF_ENDPOINT` (default the
//! public Hub), then read from the cache. With `HF_HUB_OFFLINE=1` only the cache is
//! used.

use std::path::PathBuf;

use hf_hub::api::sync::ApiBuilder;
use hf_hub::{Cache, Repo, RepoType};

use super::ModelError;

/// Files a model folder needs; the first weights file found is used.
const REQUIRED: &[&str] = &["config.json", "tokenizer.json"];
const WEIGHTS: &[&str] = &["model.safetensors", "rust_model.ot"];

pub fn offline() -> bool {
    std::env::var("HF_HUB_OFFLINE")
        .is_ok_and(|v| matches!(v.trim(), "1" | "true" | "TRUE" | "yes" | "YES" | "ON" | "on"))
}

/// The local folder (a cache snapshot) holding `repo` at `revision`, downloading
/// what is missing unless offline.
pub fn fetch(repo: &str, revision: &str) -> Result<PathBuf, ModelError> {
    let hub_repo = Repo::with_revision(repo.to_string(), RepoType::Model, revision.to_string());
    let error = |detail: String| ModelError::Hub {
        repo: repo.into(),
        revision: revision.into(),
        detail,
    };
    if offline() {
        let cache = Cache::from_env().repo(hub_repo);
        let mut config = None;
        for file in REQUIRED {
            let path = cache.get(file).ok_or_else(|| {
                error(format!("{file} is not in the Hugging Face cache and HF_HUB_OFFLINE is set: run once with network access, or unset HF_HUB_OFFLINE"))
            })?;
            config.get_or_insert(path);
        }
        if !WEIGHTS.iter().any(|w| cache.get(w).is_some()) {
            return Err(error(
                "no model.safetensors or rust_model.ot in the cache and HF_HUB_OFFLINE is set".into(),
            ));
        }
        return folder_of(config, &error);
    }
    let api = ApiBuilder::from_env()
        .with_progress(false)
        .build()
        .map_err(|e| error(e.to_string()))?;
    let api_repo = api.repo(hub_repo);
    let mut config = None;
    for file in REQUIRED {
        let path = api_repo.get(file).map_err(|e| error(format!("{file}: {e}")))?;
        config.get_or_insert(path);
    }
    let mut last_error = None;
    for weights in WEIGHTS {
        match api_repo.get(weights) {
            Ok(_) => return folder_of(config, &error),
            Err(e) => last_error = Some(format!("{weights}: {e}")),
        }
    }
    Err(error(last_error.unwrap_or_else(|| "no weights file".into())))
}

fn folder_of(path: Option<PathBuf>, error: &dyn Fn(String) -> ModelError) -> Result<PathBuf, ModelError> {
    path.and_then(|p| p.parent().map(|d| d.to_path_buf()))
        .ok_or_else(|| error("no files fetched".into()))
}
