//! A model folder's weights: one file (`model.safetensors`, else `rust_model.ot`), or
//! safetensors shards listed by `model.safetensors.index.json`, as transformers saves a
//! model larger than its shard size (and as a model over a git host's 100 MB file
//! limit is kept in a repository).
//!
//! A model's weights are named by one path either way (the file, or the index), which
//! the engine loads and the manifest and ONNX export stamp pin by [`sha256_weights`]:
//! SHA-256 over the bytes of the file, or of the shards one after another in name
//! order (`models/recipes/export_onnx.py` hashes them the same way).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use sha2::{Digest, Sha256};

use super::ModelError;

pub const SAFETENSORS: &str = "model.safetensors";
pub const SHARD_INDEX: &str = "model.safetensors.index.json";
pub const RUST_MODEL: &str = "rust_model.ot";
/// Looked for in this order.
pub const WEIGHTS_FILES: [&str; 3] = [SAFETENSORS, SHARD_INDEX, RUST_MODEL];

/// The folder's weights: `model.safetensors`, else a shard index, else `rust_model.ot`.
pub fn weights_file(name: &str, dir: &Path) -> Result<PathBuf, ModelError> {
    WEIGHTS_FILES
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.exists())
        .ok_or_else(|| ModelError::File {
            model: name.into(),
            path: dir.to_path_buf(),
            detail: "no model.safetensors, model.safetensors.index.json or rust_model.ot in the model folder".into(),
        })
}

/// [`weight_files`] for model `name`, its failure a [`ModelError`] naming the weights.
pub fn weight_files_of(name: &str, weights: &Path) -> Result<Vec<PathBuf>, ModelError> {
    weight_files(weights).map_err(|detail| ModelError::File {
        model: name.into(),
        path: weights.to_path_buf(),
        detail,
    })
}

/// Whether `weights` names a shard index rather than a weights file.
pub fn is_shard_index(weights: &Path) -> bool {
    weights.file_name().is_some_and(|n| n == SHARD_INDEX)
}

/// The files holding the weights `weights` names: itself, or for a shard index the
/// shards its `weight_map` lists, beside it, each once, in name order. Every shard
/// must be there.
pub fn weight_files(weights: &Path) -> Result<Vec<PathBuf>, String> {
    if !is_shard_index(weights) {
        return Ok(vec![weights.to_path_buf()]);
    }
    let dir = weights.parent().unwrap_or(Path::new("."));
    let files: Vec<PathBuf> = shard_names(weights)?.iter().map(|n| dir.join(n)).collect();
    match files.iter().find(|f| !f.is_file()) {
        Some(missing) => Err(format!(
            "{} lists {}, which is not there: copy every shard of the model",
            weights.display(),
            missing.display()
        )),
        None => Ok(files),
    }
}

/// The shard file names a shard index's `weight_map` lists, each once, in name order;
/// names that are not plain file names beside the index are refused.
pub fn shard_names(index_path: &Path) -> Result<Vec<String>, String> {
    let weights = index_path;
    let raw = std::fs::read_to_string(weights).map_err(|e| format!("{}: {e}", weights.display()))?;
    let index: serde_json::Value =
        serde_json::from_str(&raw).map_err(|e| format!("{}: not JSON: {e}", weights.display()))?;
    let map = index
        .get("weight_map")
        .and_then(|m| m.as_object())
        .ok_or_else(|| format!("{}: no weight_map object", weights.display()))?;
    let mut names = BTreeSet::new();
    for (tensor, shard) in map {
        let shard = shard
            .as_str()
            .filter(|s| !s.is_empty() && !s.contains(['/', '\\']) && *s != "..")
            .ok_or_else(|| {
                format!(
                    "{}: tensor {tensor} maps to {shard}, not a file beside the index",
                    weights.display()
                )
            })?;
        names.insert(shard.to_string());
    }
    if names.is_empty() {
        return Err(format!("{}: the weight_map lists no shards", weights.display()));
    }
    Ok(names.into_iter().collect())
}

/// SHA-256 of the weights `weights` names, in lower-case hex (see the module text).
/// Remembered per file, size and modification time for the life of the process: a
/// run hashes each model's weights once, to pin them in the manifest, and checks the
/// model's ONNX export against the same hash.
pub fn sha256_weights(weights: &Path) -> std::io::Result<String> {
    use std::io::Read;
    type Key = Vec<(PathBuf, u64, Option<std::time::SystemTime>)>;
    static KNOWN: OnceLock<Mutex<HashMap<Key, String>>> = OnceLock::new();
    let files = weight_files(weights).map_err(std::io::Error::other)?;
    let key = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| (f.clone(), m.len(), m.modified().ok())))
        .collect::<std::io::Result<Key>>()?;
    let known = KNOWN.get_or_init(Default::default);
    if let Some(hash) = known.lock().ok().and_then(|k| k.get(&key).cloned()) {
        return Ok(hash);
    }
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    for path in &files {
        let mut file = std::fs::File::open(path)?;
        loop {
            let n = file.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
        }
    }
    let hash: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    if let Ok(mut known) = known.lock() {
        known.insert(key, hash.clone());
    }
    Ok(hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha256_hex(bytes: &[u8]) -> String {
        Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn shards_are_listed_once_in_name_order_and_hashed_as_one() {
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path().join(SHARD_INDEX);
        std::fs::write(
            &index,
            r#"{"metadata": {"total_size": 6}, "weight_map": {"b.w": "model-00002-of-00002.safetensors",
                "a.w": "model-00001-of-00002.safetensors", "a.b": "model-00001-of-00002.safetensors"}}"#,
        )
        .unwrap();
        std::fs::write(dir.path().join("model-00001-of-00002.safetensors"), b"abc").unwrap();
        // A shard missing is named.
        let error = weight_files(&index).unwrap_err();
        assert!(error.contains("model-00002-of-00002.safetensors"), "{error}");
        std::fs::write(dir.path().join("model-00002-of-00002.safetensors"), b"def").unwrap();
        let files = weight_files(&index).unwrap();
        let names: Vec<_> = files.iter().map(|f| f.file_name().unwrap().to_owned()).collect();
        assert_eq!(
            names,
            ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
        );
        assert_eq!(sha256_weights(&index).unwrap(), sha256_hex(b"abcdef"));
        // The folder's weights are the index when there is no single file, the single
        // file when there is.
        assert_eq!(weights_file("m", dir.path()).unwrap(), index);
        std::fs::write(dir.path().join(SAFETENSORS), b"xyz").unwrap();
        assert_eq!(weights_file("m", dir.path()).unwrap(), dir.path().join(SAFETENSORS));
        assert_eq!(
            sha256_weights(&dir.path().join(SAFETENSORS)).unwrap(),
            sha256_hex(b"xyz")
        );
    }

    #[test]
    fn an_index_that_points_elsewhere_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path().join(SHARD_INDEX);
        for bad in [
            r#"{"weight_map": {"w": "../other/model.safetensors"}}"#,
            r#"{"weight_map": {}}"#,
            r#"{"metadata": {}}"#,
            "not json",
        ] {
            std::fs::write(&index, bad).unwrap();
            assert!(weight_files(&index).is_err(), "{bad}");
        }
    }
}
