//! stancemap's model engine: libtorch through tch and rust-bert's model classes
//! (DeBERTa-v2 and MPNet on our own [`deberta_v2`] and [`mpnet`]) behind a small C ABI, built as
//! `libstancemap_engine.so`.
//!
//! It is a crate of its own so that the `stancemap` binary does not link libtorch:
//! libtorch and the CUDA libraries it needs cost about 2 s and 300 MB at start-up, and
//! a run without models needs none of them. The binary opens this library with
//! `dlopen` when the first model loads (`stancemap::models::engine`). Inputs and
//! outputs are plain buffers: token ids, masks and type ids in, softmax probabilities
//! out, into memory the caller owns; tokenising, batching and labels stay in the
//! binary. Every entry point catches panics (tch panics on libtorch errors) and reports
//! failures as a JSON [`Failure`] string the caller frees with
//! [`stancemap_engine_free_string`].

pub mod deberta_v2;
pub mod mpnet;

use std::ffi::{c_char, c_void, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use rust_bert::bert::{BertConfig, BertForSequenceClassification, BertForTokenClassification};
use rust_bert::distilbert::{DistilBertConfig, DistilBertModelClassifier};
use rust_bert::roberta::RobertaForSequenceClassification;
use serde::{Deserialize, Serialize};
use tch::{nn, Device, Kind, Tensor};

use deberta_v2::{DebertaV2Classifier, DebertaV2Config};
use mpnet::{MpnetClassifier, MpnetConfig};

/// Version of the C ABI; `stancemap::models::engine::ENGINE_ABI` must say the same.
pub const ENGINE_ABI: u32 = 2;

/// Which head a network has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Head {
    Sequence,
    Token,
}

/// Model families, named as in `config.json`'s `model_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Architecture {
    #[serde(rename = "bert")]
    Bert,
    #[serde(rename = "distilbert")]
    DistilBert,
    #[serde(rename = "roberta")]
    Roberta,
    #[serde(rename = "xlm-roberta")]
    XlmRoberta,
    #[serde(rename = "deberta-v2")]
    DebertaV2,
    #[serde(rename = "mpnet")]
    Mpnet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SpecDevice {
    Cpu,
    Cuda { index: usize },
}

/// What the binary sends to load a network (its `NetworkSpec`, as JSON).
#[derive(Debug, Clone, Deserialize)]
pub struct NetworkSpec {
    pub head: Head,
    pub architecture: Architecture,
    pub config: serde_json::Value,
    pub config_path: PathBuf,
    /// The files holding the weights: one, or every shard of a sharded model (the
    /// binary reads the shard index and checks they are there).
    pub weight_files: Vec<PathBuf>,
    pub labels: usize,
    pub device: SpecDevice,
}

/// A failure, with the file it concerns when there is one (the binary's
/// `Failure`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    pub path: Option<PathBuf>,
    pub detail: String,
}

// One per loaded network, behind a Box handle: variant sizes do not matter.
#[allow(clippy::large_enum_variant)]
enum Module {
    Bert(BertForSequenceClassification),
    DistilBert(DistilBertModelClassifier),
    Roberta(RobertaForSequenceClassification),
    DebertaV2(DebertaV2Classifier),
    Mpnet(MpnetClassifier),
    BertTagger(BertForTokenClassification),
}

struct Loaded {
    module: Module,
    // Owns the weights the module's tensors point into.
    _weights: nn::VarStore,
    device: Device,
}

fn device(device: SpecDevice) -> Device {
    match device {
        SpecDevice::Cpu => Device::Cpu,
        SpecDevice::Cuda { index } => Device::Cuda(index),
    }
}

fn type_name(architecture: Architecture) -> &'static str {
    match architecture {
        Architecture::Bert => "bert",
        Architecture::DistilBert => "distilbert",
        Architecture::Roberta => "roberta",
        Architecture::XlmRoberta => "xlm-roberta",
        Architecture::DebertaV2 => "deberta-v2",
        Architecture::Mpnet => "mpnet",
    }
}

fn failure_at(path: &Path, detail: impl Into<String>) -> Failure {
    Failure {
        path: Some(path.to_path_buf()),
        detail: detail.into(),
    }
}

fn build(spec: &NetworkSpec) -> Result<Loaded, Failure> {
    let config_path = spec.config_path.as_path();
    let model_type = type_name(spec.architecture);
    let typed = |e: serde_json::Error| failure_at(config_path, format!("not a {model_type} configuration: {e}"));
    let rust_bert_error = |e: rust_bert::RustBertError| failure_at(config_path, e.to_string());
    let device = device(spec.device);
    let mut weights = nn::VarStore::new(device);
    let root = weights.root();
    let module = match (spec.head, spec.architecture) {
        (Head::Token, Architecture::Bert) => {
            let c: BertConfig = serde_json::from_value(spec.config.clone()).map_err(typed)?;
            Module::BertTagger(BertForTokenClassification::new(&root, &c).map_err(rust_bert_error)?)
        }
        (Head::Token, other) => {
            return Err(failure_at(
                config_path,
                format!("token tagging runs bert models only, not {}", type_name(other)),
            ))
        }
        (Head::Sequence, Architecture::Bert) => {
            let c: BertConfig = serde_json::from_value(spec.config.clone()).map_err(typed)?;
            Module::Bert(BertForSequenceClassification::new(&root, &c).map_err(rust_bert_error)?)
        }
        (Head::Sequence, Architecture::DistilBert) => {
            // Recent transformers leave out fields rust-bert requires; their values
            // there are transformers' own defaults.
            let mut filled = spec.config.clone();
            if let Some(map) = filled.as_object_mut() {
                for (key, value) in [
                    ("tie_weights_", serde_json::json!(true)),
                    ("qa_dropout", serde_json::json!(0.1)),
                    ("seq_classif_dropout", serde_json::json!(0.2)),
                    ("sinusoidal_pos_embds", serde_json::json!(false)),
                ] {
                    map.entry(key).or_insert(value);
                }
            }
            let c: DistilBertConfig = serde_json::from_value(filled).map_err(typed)?;
            Module::DistilBert(DistilBertModelClassifier::new(&root, &c).map_err(rust_bert_error)?)
        }
        (Head::Sequence, Architecture::Roberta | Architecture::XlmRoberta) => {
            let c: BertConfig = serde_json::from_value(spec.config.clone()).map_err(typed)?;
            Module::Roberta(RobertaForSequenceClassification::new(&root, &c).map_err(rust_bert_error)?)
        }
        (Head::Sequence, Architecture::DebertaV2) => {
            let c: DebertaV2Config = serde_json::from_value(spec.config.clone()).map_err(typed)?;
            Module::DebertaV2(
                DebertaV2Classifier::new(&root, &c, spec.labels as i64)
                    .map_err(|e| failure_at(config_path, format!("unsupported DeBERTa-v2 configuration: {e}")))?,
            )
        }
        (Head::Sequence, Architecture::Mpnet) => {
            let c: MpnetConfig = serde_json::from_value(spec.config.clone()).map_err(typed)?;
            Module::Mpnet(
                MpnetClassifier::new(&root, &c, spec.labels as i64)
                    .map_err(|e| failure_at(config_path, format!("unsupported MPNet configuration: {e}")))?,
            )
        }
    };
    load_weights(&mut weights, &spec.weight_files)?;
    // Loading takes the file's dtype: fp16 weights (as the defaults ship) would run in
    // half precision, slowly on CPUs and unlike transformers, which computes in
    // float32 unless told otherwise.
    weights.float();
    weights.freeze();
    Ok(Loaded {
        module,
        _weights: weights,
        device,
    })
}

/// Loads the weights into the var store: one file, or several shards each holding
/// some of the variables; a variable in none of them is an error.
fn load_weights(weights: &mut nn::VarStore, files: &[PathBuf]) -> Result<(), Failure> {
    let [first, rest @ ..] = files else {
        return Err(failure("no weights files in the network spec"));
    };
    if rest.is_empty() {
        return weights.load(first).map_err(|e| failure_at(first, e.to_string()));
    }
    let mut missing_everywhere: Option<std::collections::BTreeSet<String>> = None;
    for shard in files {
        let missing: std::collections::BTreeSet<String> = weights
            .load_partial(shard)
            .map_err(|e| failure_at(shard, e.to_string()))?
            .into_iter()
            .collect();
        missing_everywhere = Some(match missing_everywhere {
            Some(before) => before.intersection(&missing).cloned().collect(),
            None => missing,
        });
    }
    match missing_everywhere {
        Some(missing) if !missing.is_empty() => Err(failure_at(
            first,
            format!(
                "no shard holds {} of the network's variables, {}",
                missing.len(),
                missing.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
            ),
        )),
        _ => Ok(()),
    }
}

impl Loaded {
    fn probabilities(
        &self,
        ids: &[i64],
        mask: &[i64],
        types: Option<&[i64]>,
        shape: [i64; 2],
    ) -> Result<Tensor, String> {
        let to_tensor = |v: &[i64]| Tensor::from_slice(v).view(shape).to_device(self.device);
        let (ids, mask) = (to_tensor(ids), to_tensor(mask));
        let types = types.map(to_tensor);
        let logits = tch::no_grad(|| -> Result<Tensor, String> {
            Ok(match &self.module {
                Module::Bert(m) => {
                    m.forward_t(Some(&ids), Some(&mask), types.as_ref(), None, None, false)
                        .logits
                }
                Module::DistilBert(m) => {
                    m.forward_t(Some(&ids), Some(&mask), None, false)
                        .map_err(|e| e.to_string())?
                        .logits
                }
                Module::Roberta(m) => m.forward_t(Some(&ids), Some(&mask), None, None, None, false).logits,
                Module::DebertaV2(m) => m.forward(&ids, &mask, types.as_ref()),
                Module::Mpnet(m) => m.forward(&ids, &mask),
                Module::BertTagger(m) => {
                    m.forward_t(Some(&ids), Some(&mask), types.as_ref(), None, None, false)
                        .logits
                }
            })
        })?;
        Ok(logits
            .to_kind(Kind::Float)
            .softmax(-1, Kind::Float)
            .to_device(Device::Cpu)
            .contiguous())
    }
}

/// Runs an entry point's work with panics caught (tch panics on libtorch errors);
/// a failure or panic is handed to the caller through `error` as a JSON [`Failure`]
/// string it frees with [`stancemap_engine_free_string`], and comes back as `None`.
fn settle<T>(work: impl FnOnce() -> Result<T, Failure>, error: *mut *mut c_char) -> Option<T> {
    let failure = match catch_unwind(AssertUnwindSafe(work)) {
        Ok(Ok(value)) => return Some(value),
        Ok(Err(failure)) => failure,
        Err(panic) => failure(
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "libtorch failed".into()),
        ),
    };
    let json = serde_json::to_string(&failure).unwrap_or(failure.detail);
    let text = CString::new(json.replace('\0', " ")).unwrap_or_default();
    if !error.is_null() {
        // SAFETY: the caller passes a valid out-pointer (or null, checked above).
        unsafe { *error = text.into_raw() };
    }
    None
}

/// The detail of a failure that concerns no file.
fn failure(detail: impl Into<String>) -> Failure {
    Failure {
        path: None,
        detail: detail.into(),
    }
}

#[no_mangle]
pub extern "C" fn stancemap_engine_abi() -> u32 {
    ENGINE_ABI
}

#[no_mangle]
pub extern "C" fn stancemap_engine_cuda_devices() -> i64 {
    catch_unwind(tch::Cuda::device_count).unwrap_or(0)
}

#[no_mangle]
pub extern "C" fn stancemap_engine_set_threads(threads: i32) {
    let _ = catch_unwind(|| tch::set_num_threads(threads.max(1)));
}

/// Builds the network a JSON [`NetworkSpec`] describes and loads its weights.
///
/// # Safety
/// `spec` is a NUL-terminated string; `handle` and `error` are valid out-pointers.
#[no_mangle]
pub unsafe extern "C" fn stancemap_engine_load(
    spec: *const c_char,
    handle: *mut *mut c_void,
    error: *mut *mut c_char,
) -> i32 {
    let work = || -> Result<Loaded, Failure> {
        // SAFETY: the caller passes a NUL-terminated string.
        let text = unsafe { CStr::from_ptr(spec) }.to_string_lossy();
        let spec: NetworkSpec = serde_json::from_str(&text).map_err(|e| failure(format!("bad network spec: {e}")))?;
        build(&spec)
    };
    match settle(work, error) {
        Some(loaded) => {
            // SAFETY: valid out-pointer; freed by stancemap_engine_free.
            unsafe { *handle = Box::into_raw(Box::new(loaded)).cast() };
            0
        }
        None => 1,
    }
}

/// Softmax probabilities of a `[rows, width]` batch into `out`, which must hold
/// exactly as many values as the network gives.
///
/// # Safety
/// `handle` comes from [`stancemap_engine_load`]; `ids` and `mask` (and `types` unless
/// null) hold `rows × width` values; `out` holds `out_len`; `error` is an out-pointer.
#[no_mangle]
pub unsafe extern "C" fn stancemap_engine_probabilities(
    handle: *mut c_void,
    ids: *const i64,
    mask: *const i64,
    types: *const i64,
    rows: usize,
    width: usize,
    out: *mut f32,
    out_len: usize,
    error: *mut *mut c_char,
) -> i32 {
    let work = || -> Result<(), Failure> {
        let cells = rows * width;
        // SAFETY: the caller guarantees these lengths and a live handle.
        let (loaded, ids, mask, types, out) = unsafe {
            (
                &*(handle as *const Loaded),
                std::slice::from_raw_parts(ids, cells),
                std::slice::from_raw_parts(mask, cells),
                (!types.is_null()).then(|| std::slice::from_raw_parts(types, cells)),
                std::slice::from_raw_parts_mut(out, out_len),
            )
        };
        let probabilities = loaded
            .probabilities(ids, mask, types, [rows as i64, width as i64])
            .map_err(failure)?;
        if probabilities.numel() != out_len {
            return Err(failure(format!(
                "the network gave {} values ({:?}), the caller expected {out_len}",
                probabilities.numel(),
                probabilities.size()
            )));
        }
        probabilities
            .f_copy_data(out, out_len)
            .map_err(|e| failure(e.to_string()))
    };
    match settle(work, error) {
        Some(()) => 0,
        None => 1,
    }
}

/// Frees a network.
///
/// # Safety
/// `handle` comes from [`stancemap_engine_load`] and is freed once.
#[no_mangle]
pub unsafe extern "C" fn stancemap_engine_free(handle: *mut c_void) {
    if !handle.is_null() {
        // SAFETY: see above.
        drop(unsafe { Box::from_raw(handle as *mut Loaded) });
    }
}

/// Frees an error string the engine handed out.
///
/// # Safety
/// `text` comes from this engine and is freed once.
#[no_mangle]
pub unsafe extern "C" fn stancemap_engine_free_string(text: *mut c_char) {
    if !text.is_null() {
        // SAFETY: see above.
        drop(unsafe { CString::from_raw(text) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON failure an engine call reported through `error`, which it frees.
    fn failure(error: *mut c_char) -> serde_json::Value {
        let text = unsafe { CStr::from_ptr(error) }.to_string_lossy().into_owned();
        unsafe { stancemap_engine_free_string(error) };
        serde_json::from_str(&text).unwrap()
    }

    fn load(spec: &str) -> Result<*mut c_void, serde_json::Value> {
        let spec = CString::new(spec).unwrap();
        let mut handle = std::ptr::null_mut();
        let mut error = std::ptr::null_mut();
        let status = unsafe { stancemap_engine_load(spec.as_ptr(), &mut handle, &mut error) };
        if status == 0 {
            return Ok(handle);
        }
        Err(failure(error))
    }

    #[test]
    fn a_bad_spec_is_reported_not_a_crash() {
        let failure = load("{not json").unwrap_err();
        assert!(
            failure["detail"].as_str().unwrap().starts_with("bad network spec"),
            "{failure}"
        );
        assert!(failure["path"].is_null());
    }

    #[test]
    fn a_tagger_head_on_roberta_is_refused_with_the_config_named() {
        let spec = serde_json::json!({
            "head": "token", "architecture": "roberta", "config": {}, "config_path": "/m/config.json",
            "weight_files": ["/m/model.safetensors"], "labels": 3, "device": {"type": "cpu"}
        });
        let failure = load(&spec.to_string()).unwrap_err();
        assert_eq!(failure["path"], "/m/config.json");
        assert!(
            failure["detail"].as_str().unwrap().contains("bert models only"),
            "{failure}"
        );
    }

    fn tiny_bert_tone() -> *mut c_void {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/tiny_models/bert-tone3");
        let config: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("config.json")).unwrap()).unwrap();
        let spec = serde_json::json!({
            "head": "sequence", "architecture": "bert", "config": config,
            "config_path": dir.join("config.json"), "weight_files": [dir.join("model.safetensors")],
            "labels": 3, "device": {"type": "cpu"}
        });
        load(&spec.to_string()).unwrap()
    }

    fn probabilities(handle: *mut c_void, ids: &[i64], out_len: usize) -> Result<Vec<f32>, serde_json::Value> {
        let mask = vec![1i64; ids.len()];
        let mut out = vec![0f32; out_len];
        let mut error = std::ptr::null_mut();
        let status = unsafe {
            stancemap_engine_probabilities(
                handle,
                ids.as_ptr(),
                mask.as_ptr(),
                std::ptr::null(),
                1,
                ids.len(),
                out.as_mut_ptr(),
                out.len(),
                &mut error,
            )
        };
        if status == 0 {
            return Ok(out);
        }
        Err(failure(error))
    }

    #[test]
    fn a_loaded_network_gives_distributions_and_reports_libtorch_errors() {
        let handle = tiny_bert_tone();
        let row = probabilities(handle, &[2, 40, 41, 3], 3).unwrap();
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5, "{row:?}");
        // A token id past the vocabulary makes libtorch throw (a tch panic): it comes
        // back as a failure, and the network stays usable.
        let failure = probabilities(handle, &[2, 70_000, 3], 3).unwrap_err();
        assert!(!failure["detail"].as_str().unwrap().is_empty(), "{failure}");
        let wrong_size = probabilities(handle, &[2, 40, 3], 4).unwrap_err();
        assert!(
            wrong_size["detail"].as_str().unwrap().contains("expected 4"),
            "{wrong_size}"
        );
        assert_eq!(probabilities(handle, &[2, 40, 41, 3], 3).unwrap(), row);
        unsafe { stancemap_engine_free(handle) };
    }

    #[test]
    fn abi_and_devices_answer() {
        assert_eq!(stancemap_engine_abi(), ENGINE_ABI);
        assert!(stancemap_engine_cuda_devices() >= 0);
    }
}
