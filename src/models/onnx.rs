//! The ONNX Runtime engine: a model's `model.onnx` (exported beside its weights by
//! `models/recipes/export_onnx.py`) run by the `libonnxruntime` of the PyPI
//! `onnxruntime` wheel, opened at run time like the libtorch engine.
//!
//! On this project's CPUs ONNX Runtime runs the same fp32 network faster than
//! libtorch (its graph optimiser fuses attention, GELU and layer norms), with outputs
//! within 1e-5 of transformers (the parity tests hold both engines to that). An export
//! is used only while its `onnx_export.json` names the SHA-256 of the weights beside
//! it, so a retrained model never runs through a stale graph.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::TensorRef;
use serde::Deserialize;

use super::engine::{EngineFailure, Head};
use super::network::{softmax_rows, Batch, EngineKind, Network, Precision};

/// File name of an exported graph in a model folder.
pub const ONNX_FILE: &str = "model.onnx";
/// Its int8 twin (feed-forward weights in int8).
pub const ONNX_INT8_FILE: &str = "model.int8.onnx";
/// What the export recipe writes beside it: the hash of the weights it came from.
pub const EXPORT_STAMP: &str = "onnx_export.json";
/// The export format this build reads (`EXPORT_VERSION` of the recipe).
const EXPORT_VERSION: u64 = 2;

/// Where the ONNX Runtime library is looked for: `ORT_DYLIB_PATH` alone where it is
/// set (a file, as the `ort` crate names it); else, in order, the library of the
/// `onnxruntime` wheel in the virtual environment named by `VIRTUAL_ENV` now, in the
/// one this binary was built against (`make setup` installs it into the project's
/// `.venv`), then beside the binary.
pub fn library_candidates() -> Vec<PathBuf> {
    if let Some(path) = std::env::var_os("ORT_DYLIB_PATH") {
        return vec![PathBuf::from(path)];
    }
    let mut candidates: Vec<PathBuf> = super::python_environments()
        .iter()
        .flat_map(|venv| wheel_libraries(venv))
        .collect();
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        candidates.push(dir.join("libonnxruntime.so"));
    }
    candidates
}

/// `lib/python*/site-packages/onnxruntime/capi/libonnxruntime.so*` of a venv.
fn wheel_libraries(venv: &Path) -> Vec<PathBuf> {
    let pattern = venv.join("lib/python*/site-packages/onnxruntime/capi/libonnxruntime.so*");
    let mut found: Vec<PathBuf> = glob::glob(&pattern.to_string_lossy())
        .map(|paths| paths.flatten().collect())
        .unwrap_or_default();
    found.sort();
    found
}

static RUNTIME: OnceLock<Result<PathBuf, String>> = OnceLock::new();

/// Opens ONNX Runtime once per process and says which library it is.
pub fn runtime() -> Result<&'static Path, EngineFailure> {
    RUNTIME
        .get_or_init(open_runtime)
        .as_deref()
        .map_err(|detail| EngineFailure::new(detail.clone()))
}

/// Whether an ONNX Runtime library is there to open (does not open it).
pub fn runtime_available() -> bool {
    RUNTIME.get().map_or_else(
        || library_candidates().iter().any(|p| p.is_file()),
        |opened| opened.is_ok(),
    )
}

fn open_runtime() -> Result<PathBuf, String> {
    let candidates = library_candidates();
    // ONNX Runtime hangs at the first session instead of failing when its library is
    // missing, so only a file that exists is handed over.
    let Some(path) = candidates.iter().find(|p| p.is_file()) else {
        let looked: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
        return Err(format!(
            "ONNX Runtime's library is missing (looked in {}): `make setup` installs the onnxruntime wheel \
             into .venv; elsewhere `pip install onnxruntime` and set ORT_DYLIB_PATH to its \
             onnxruntime/capi/libonnxruntime.so.*, or run with --engine torch",
            looked.join(", ")
        ));
    };
    let builder = ort::init_from(path).map_err(|e| format!("cannot open ONNX Runtime {}: {e}", path.display()))?;
    builder.with_name("stancemap").commit();
    Ok(path.clone())
}

#[derive(Deserialize)]
struct ExportStamp {
    export_version: u64,
    weights: String,
    weights_sha256: String,
    head: String,
}

/// Why a model folder's export cannot be used, or `None` when it can: present, of this
/// format, for this head, and made from the weights now beside it.
pub fn export_problem(dir: &Path, weights: &Path, head: Head, precision: Precision) -> Option<String> {
    let graph = dir.join(graph_file(precision));
    let stamp_path = dir.join(EXPORT_STAMP);
    let remedy = format!(
        "export it with `.venv/bin/python models/recipes/export_onnx.py {}` (`make setup` does for the shipped models)",
        dir.display()
    );
    if !graph.is_file() {
        return Some(format!("{} has no {}: {remedy}", dir.display(), graph_file(precision)));
    }
    let stamp: ExportStamp = match std::fs::read_to_string(&stamp_path)
        .map_err(|e| e.to_string())
        .and_then(|raw| serde_json::from_str(&raw).map_err(|e| e.to_string()))
    {
        Ok(stamp) => stamp,
        Err(detail) => return Some(format!("{}: {detail}: {remedy}", stamp_path.display())),
    };
    if stamp.export_version != EXPORT_VERSION {
        return Some(format!(
            "{} is export format {}, this build reads {EXPORT_VERSION}: {remedy}",
            stamp_path.display(),
            stamp.export_version
        ));
    }
    let want_head = match head {
        Head::Sequence => "sequence",
        Head::Token => "token",
    };
    if stamp.head != want_head {
        return Some(format!(
            "{} is a {} classifier, a {want_head} classifier is needed",
            graph.display(),
            stamp.head
        ));
    }
    let weights_name = weights
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stamp.weights != weights_name {
        return Some(format!(
            "{} was exported from {}, the folder's weights are {weights_name}: {remedy}",
            graph.display(),
            stamp.weights
        ));
    }
    match super::weights::sha256_weights(weights) {
        Ok(hash) if hash == stamp.weights_sha256 => None,
        Ok(_) => Some(format!(
            "{} was exported from other weights than {} (retrained?): {remedy}",
            graph.display(),
            weights.display()
        )),
        Err(e) => Some(format!("{}: {e}", weights.display())),
    }
}

/// The graph file of a precision.
pub fn graph_file(precision: Precision) -> &'static str {
    match precision {
        Precision::Fp32 => ONNX_FILE,
        Precision::Int8 => ONNX_INT8_FILE,
    }
}

/// A model's graph in an ONNX Runtime session. Sessions run one batch at a time
/// here (the lock), as the libtorch networks do.
pub struct OnnxNetwork {
    session: Mutex<Session>,
    head: Head,
    labels: usize,
    takes_types: bool,
    file: PathBuf,
}

impl OnnxNetwork {
    /// Loads the graph of `precision` in `dir` with `threads` intra-op threads. The
    /// caller has checked the export with [`export_problem`].
    pub fn load(
        dir: &Path,
        precision: Precision,
        head: Head,
        labels: usize,
        threads: usize,
    ) -> Result<OnnxNetwork, EngineFailure> {
        runtime()?;
        let file = dir.join(graph_file(precision));
        let failure = |e: ort::Error| EngineFailure {
            path: Some(file.clone()),
            detail: format!("ONNX Runtime cannot load it: {e}"),
        };
        let session = Session::builder()
            .map_err(failure)?
            .with_optimization_level(GraphOptimizationLevel::Level3)
            .map_err(|e| failure(e.into()))?
            .with_intra_threads(threads.max(1))
            .map_err(|e| failure(e.into()))?
            .with_inter_threads(1)
            .map_err(|e| failure(e.into()))?
            .commit_from_file(&file)
            .map_err(failure)?;
        let inputs: Vec<String> = session.inputs().iter().map(|i| i.name().to_string()).collect();
        for needed in ["input_ids", "attention_mask"] {
            if !inputs.iter().any(|i| i == needed) {
                return Err(EngineFailure {
                    path: Some(file.clone()),
                    detail: format!("the graph has no input {needed:?} (it has {inputs:?}): re-export it"),
                });
            }
        }
        let takes_types = inputs.iter().any(|i| i == "token_type_ids");
        Ok(OnnxNetwork {
            session: Mutex::new(session),
            head,
            labels,
            takes_types,
            file,
        })
    }
}

impl Network for OnnxNetwork {
    fn kind(&self) -> EngineKind {
        EngineKind::Onnx
    }

    fn probabilities(&self, batch: &Batch) -> Result<Vec<f32>, EngineFailure> {
        batch.check()?;
        let shape = [batch.rows as i64, batch.width as i64];
        let failure = |e: ort::Error| EngineFailure {
            path: Some(self.file.clone()),
            detail: format!("ONNX Runtime failed: {e}"),
        };
        let zeros;
        let types = match batch.types {
            Some(types) => types,
            None => {
                zeros = vec![0i64; batch.ids.len()];
                &zeros
            }
        };
        let ids = TensorRef::from_array_view((shape, batch.ids)).map_err(failure)?;
        let mask = TensorRef::from_array_view((shape, batch.mask)).map_err(failure)?;
        let types = TensorRef::from_array_view((shape, types)).map_err(failure)?;
        let mut session = self
            .session
            .lock()
            .map_err(|_| EngineFailure::new("an earlier batch panicked inside ONNX Runtime"))?;
        let outputs = if self.takes_types {
            session.run(ort::inputs! {"input_ids" => ids, "attention_mask" => mask, "token_type_ids" => types})
        } else {
            session.run(ort::inputs! {"input_ids" => ids, "attention_mask" => mask})
        }
        .map_err(failure)?;
        let (out_shape, logits) = outputs[0].try_extract_tensor::<f32>().map_err(failure)?;
        let want = match self.head {
            Head::Sequence => batch.rows * self.labels,
            Head::Token => batch.rows * batch.width * self.labels,
        };
        if logits.len() != want {
            return Err(EngineFailure {
                path: Some(self.file.clone()),
                detail: format!(
                    "the graph gave logits of shape {out_shape:?}, expected {want} values ({} labels)",
                    self.labels
                ),
            });
        }
        Ok(softmax_rows(logits, self.labels))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_without_an_export_says_how_to_make_one() {
        let dir = tempfile::tempdir().unwrap();
        let weights = dir.path().join("model.safetensors");
        std::fs::write(&weights, b"weights").unwrap();
        let problem = export_problem(dir.path(), &weights, Head::Sequence, Precision::Fp32).unwrap();
        assert!(problem.contains("export_onnx.py"), "{problem}");
    }

    #[test]
    fn an_export_of_other_weights_is_stale() {
        let dir = tempfile::tempdir().unwrap();
        let weights = dir.path().join("model.safetensors");
        std::fs::write(&weights, b"weights").unwrap();
        std::fs::write(dir.path().join(ONNX_FILE), b"graph").unwrap();
        let stamp = |hash: &str, head: &str| {
            serde_json::json!({"export_version": 2, "weights": "model.safetensors", "weights_sha256": hash, "head": head})
                .to_string()
        };
        let hash = super::super::weights::sha256_weights(&weights).unwrap();
        std::fs::write(dir.path().join(EXPORT_STAMP), stamp(&hash, "sequence")).unwrap();
        assert_eq!(
            export_problem(dir.path(), &weights, Head::Sequence, Precision::Fp32),
            None
        );
        let int8 = export_problem(dir.path(), &weights, Head::Sequence, Precision::Int8).unwrap();
        assert!(int8.contains("has no model.int8.onnx"), "{int8}");
        assert!(export_problem(dir.path(), &weights, Head::Token, Precision::Fp32)
            .unwrap()
            .contains("token classifier is needed"));
        std::fs::write(&weights, b"retrained").unwrap();
        assert!(export_problem(dir.path(), &weights, Head::Sequence, Precision::Fp32)
            .unwrap()
            .contains("retrained"));
        std::fs::write(dir.path().join(EXPORT_STAMP), stamp(&"0".repeat(64), "sequence")).unwrap();
        assert!(export_problem(dir.path(), &weights, Head::Sequence, Precision::Fp32).is_some());
    }

    #[test]
    fn the_library_is_looked_for_in_the_built_venv() {
        let candidates = library_candidates();
        if !env!("STANCEMAP_BUILD_VENV").is_empty() && std::env::var_os("ORT_DYLIB_PATH").is_none() {
            assert!(
                candidates
                    .iter()
                    .any(|p| p.to_string_lossy().contains("onnxruntime/capi")),
                "{candidates:?}: is onnxruntime installed in the venv (make setup)?"
            );
        }
        if std::env::var_os("ORT_DYLIB_PATH").is_none() {
            assert!(candidates.last().unwrap().ends_with("libonnxruntime.so"));
        }
    }
}
