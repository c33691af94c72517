//! The engine that runs networks: libtorch (through tch and rust-bert), in a
//! library of its own that is opened only when a model runs.
//!
//! libtorch and the CUDA libraries it links cost about 2 s and 300 MB before a
//! program reads anything, so the `stancemap` binary does not link them: the
//! workspace's `engine/` crate builds `libstancemap_engine.so`, beside the binary,
//! and the first model to load opens it with `dlopen`. A run without models never
//! touches libtorch.
//!
//! Across the boundary go plain buffers: token ids, masks and type ids in, softmax
//! probabilities out, into memory the caller owns. Tokenising, batching and reading
//! labels stay on this side. The network description travels as JSON
//! ([`NetworkSpec`]; the engine has its own copy of these types).

use std::ffi::{c_char, c_void, CStr, CString};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::network::{Batch, EngineKind, Network};
use super::{Architecture, ResolvedDevice};

/// Version of the C ABI between the binary and the engine library (`engine/`'s
/// `ENGINE_ABI` says the same); a mismatch means a stale library beside the binary.
pub const ENGINE_ABI: u32 = 2;

// The platform's shared-library suffix as a literal, for concat! (which cannot take
// std::env::consts::DLL_SUFFIX).
#[cfg(target_os = "macos")]
macro_rules! dylib_suffix {
    () => {
        ".dylib"
    };
}
#[cfg(not(target_os = "macos"))]
macro_rules! dylib_suffix {
    () => {
        ".so"
    };
}

/// File name of the engine library (the `engine/` crate's cdylib):
/// `libstancemap_engine.so` on Linux, `.dylib` on macOS.
pub const ENGINE_LIBRARY: &str = concat!("libstancemap_engine", dylib_suffix!());

/// Which head a network has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Head {
    /// One distribution per input (`…ForSequenceClassification`).
    Sequence,
    /// One distribution per token (`…ForTokenClassification`, bert only).
    Token,
}

/// Everything the engine needs to build and load a network.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NetworkSpec {
    pub head: Head,
    pub architecture: Architecture,
    /// The model's `config.json`.
    pub config: serde_json::Value,
    pub config_path: PathBuf,
    /// The weights as the folder names them (a file, or a shard index): what the
    /// engine choice and the ONNX export stamp go by.
    pub weights: PathBuf,
    /// The files holding them ([`super::weights::weight_files`]): the engine loads
    /// these, so it never reads a shard index itself.
    pub weight_files: Vec<PathBuf>,
    /// Number of labels of the head (`id2label`).
    pub labels: usize,
    pub device: ResolvedDevice,
}

/// A failure on the engine's side, with the file it concerns when there is one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngineFailure {
    pub path: Option<PathBuf>,
    pub detail: String,
}

impl EngineFailure {
    pub(super) fn new(detail: impl Into<String>) -> Self {
        EngineFailure {
            path: None,
            detail: detail.into(),
        }
    }
}

type AbiFn = unsafe extern "C" fn() -> u32;
type CudaDevicesFn = unsafe extern "C" fn() -> i64;
type SetThreadsFn = unsafe extern "C" fn(i32);
type LoadFn = unsafe extern "C" fn(*const c_char, *mut *mut c_void, *mut *mut c_char) -> i32;
type ProbabilitiesFn = unsafe extern "C" fn(
    *mut c_void,
    *const i64,
    *const i64,
    *const i64,
    usize,
    usize,
    *mut f32,
    usize,
    *mut *mut c_char,
) -> i32;
type FreeFn = unsafe extern "C" fn(*mut c_void);
type FreeStringFn = unsafe extern "C" fn(*mut c_char);

/// The opened engine library's entry points. The library stays open for the life of
/// the process (networks point into it).
struct Engine {
    cuda_devices: CudaDevicesFn,
    set_threads: SetThreadsFn,
    load: LoadFn,
    probabilities: ProbabilitiesFn,
    free: FreeFn,
    free_string: FreeStringFn,
}

static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();

/// Where the engine library is looked for, in order: `STANCEMAP_ENGINE` (a file),
/// the binary's folder and its parent (test binaries live in `deps/`), then the
/// folder this crate was built into.
pub fn library_candidates() -> Vec<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(path) = std::env::var_os("STANCEMAP_ENGINE") {
        candidates.push(PathBuf::from(path));
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        candidates.push(dir.join(ENGINE_LIBRARY));
        if let Some(parent) = dir.parent() {
            candidates.push(parent.join(ENGINE_LIBRARY));
        }
    }
    candidates.push(Path::new(env!("STANCEMAP_BUILD_PROFILE_DIR")).join(ENGINE_LIBRARY));
    candidates
}

fn engine() -> Result<&'static Engine, EngineFailure> {
    ENGINE
        .get_or_init(open_engine)
        .as_ref()
        .map_err(|detail| EngineFailure::new(detail.clone()))
}

fn open_engine() -> Result<Engine, String> {
    let candidates = library_candidates();
    let Some(path) = candidates.iter().find(|p| p.is_file()) else {
        let looked: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
        return Err(format!(
            "the model engine {ENGINE_LIBRARY} is missing (looked in {}): it is built beside the binary by \
             `make build` (cargo build builds the engine/ crate too); copy it next to the stancemap binary or \
             name it with STANCEMAP_ENGINE",
            looked.join(", ")
        ));
    };
    let c_path = CString::new(path.as_os_str().as_encoded_bytes()).map_err(|e| e.to_string())?;
    // SAFETY: dlopen with a valid C string; the handle is never closed, so the symbols
    // taken from it stay valid for the process.
    let handle = unsafe { libc::dlopen(c_path.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
    if handle.is_null() {
        return Err(format!(
            "cannot open the model engine {}: {}",
            path.display(),
            dl_error()
        ));
    }
    let symbol = |name: &str| -> Result<*mut c_void, String> {
        let c_name = CString::new(name).map_err(|e| e.to_string())?;
        // SAFETY: handle is a live library handle, c_name a valid C string.
        let address = unsafe { libc::dlsym(handle, c_name.as_ptr()) };
        if address.is_null() {
            Err(format!(
                "the model engine {} has no {name}: it is not this build's library; rebuild with `make build`",
                path.display()
            ))
        } else {
            Ok(address)
        }
    };
    // SAFETY (every transmute below): each symbol is an `extern "C"` function of the
    // engine crate with exactly the signature of its alias; the ABI version is checked
    // first.
    unsafe {
        let abi: AbiFn = std::mem::transmute::<*mut c_void, AbiFn>(symbol("stancemap_engine_abi")?);
        let version = abi();
        if version != ENGINE_ABI {
            return Err(format!(
                "the model engine {} speaks ABI {version}, this binary {ENGINE_ABI}: it is a stale build; \
                 rebuild with `make build`",
                path.display()
            ));
        }
        Ok(Engine {
            cuda_devices: std::mem::transmute::<*mut c_void, CudaDevicesFn>(symbol("stancemap_engine_cuda_devices")?),
            set_threads: std::mem::transmute::<*mut c_void, SetThreadsFn>(symbol("stancemap_engine_set_threads")?),
            load: std::mem::transmute::<*mut c_void, LoadFn>(symbol("stancemap_engine_load")?),
            probabilities: std::mem::transmute::<*mut c_void, ProbabilitiesFn>(symbol(
                "stancemap_engine_probabilities",
            )?),
            free: std::mem::transmute::<*mut c_void, FreeFn>(symbol("stancemap_engine_free")?),
            free_string: std::mem::transmute::<*mut c_void, FreeStringFn>(symbol("stancemap_engine_free_string")?),
        })
    }
}

fn dl_error() -> String {
    // SAFETY: dlerror returns null or a C string valid until the next dl* call.
    let message = unsafe { libc::dlerror() };
    if message.is_null() {
        "unknown error".into()
    } else {
        unsafe { CStr::from_ptr(message) }.to_string_lossy().into_owned()
    }
}

/// Reads and frees an error string the engine wrote (a JSON [`EngineFailure`]).
fn take_failure(engine: &Engine, message: *mut c_char) -> EngineFailure {
    if message.is_null() {
        return EngineFailure::new("the model engine failed without saying why");
    }
    // SAFETY: the engine wrote a NUL-terminated string it allocated; it is freed by the
    // engine's own function after it is copied.
    let text = unsafe { CStr::from_ptr(message) }.to_string_lossy().into_owned();
    unsafe { (engine.free_string)(message) };
    serde_json::from_str(&text).unwrap_or_else(|_| EngineFailure::new(text))
}

/// Number of CUDA devices libtorch can use (opens the engine).
pub fn cuda_devices() -> Result<i64, EngineFailure> {
    let engine = engine()?;
    // SAFETY: a plain call into the engine's ABI.
    Ok(unsafe { (engine.cuda_devices)() })
}

/// Sets libtorch's intra-op thread count (opens the engine).
pub fn set_threads(threads: usize) -> Result<(), EngineFailure> {
    let engine = engine()?;
    // SAFETY: a plain call into the engine's ABI.
    unsafe { (engine.set_threads)(threads.min(i32::MAX as usize) as i32) };
    Ok(())
}

/// A network loaded in the engine. Like the libtorch modules behind it, it may move
/// between threads but not be shared by them.
pub struct TorchNetwork {
    engine: &'static Engine,
    handle: *mut c_void,
    head: Head,
    labels: usize,
}

// SAFETY: the handle owns a libtorch module and its weights; tch's tensors are Send,
// and nothing else refers to them. Not Sync, as libtorch modules are not: users that
// share a network across threads put it behind a lock.
unsafe impl Send for TorchNetwork {}

impl TorchNetwork {
    pub fn load(spec: &NetworkSpec) -> Result<TorchNetwork, EngineFailure> {
        let engine = engine()?;
        let json = serde_json::to_string(spec).map_err(|e| EngineFailure::new(e.to_string()))?;
        let json = CString::new(json).map_err(|e| EngineFailure::new(e.to_string()))?;
        let mut handle = std::ptr::null_mut();
        let mut message = std::ptr::null_mut();
        // SAFETY: valid C string in, two out-pointers the engine writes.
        let status = unsafe { (engine.load)(json.as_ptr(), &mut handle, &mut message) };
        if status != 0 || handle.is_null() {
            return Err(take_failure(engine, message));
        }
        Ok(TorchNetwork {
            engine,
            handle,
            head: spec.head,
            labels: spec.labels,
        })
    }
}

impl Network for TorchNetwork {
    fn kind(&self) -> EngineKind {
        EngineKind::Torch
    }

    fn probabilities(&self, batch: &Batch) -> Result<Vec<f32>, EngineFailure> {
        batch.check()?;
        let cells = batch.rows * batch.width;
        let len = match self.head {
            Head::Sequence => batch.rows * self.labels,
            Head::Token => cells * self.labels,
        };
        let mut out = vec![0f32; len];
        let mut message = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the lengths given; the engine checks that
        // its output has exactly `len` values before writing.
        let status = unsafe {
            (self.engine.probabilities)(
                self.handle,
                batch.ids.as_ptr(),
                batch.mask.as_ptr(),
                batch.types.map_or(std::ptr::null(), |t| t.as_ptr()),
                batch.rows,
                batch.width,
                out.as_mut_ptr(),
                out.len(),
                &mut message,
            )
        };
        if status != 0 {
            return Err(take_failure(self.engine, message));
        }
        Ok(out)
    }
}

impl Drop for TorchNetwork {
    fn drop(&mut self) {
        // SAFETY: the handle came from this engine's load and is freed once.
        unsafe { (self.engine.free)(self.handle) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_start_with_the_override_and_end_with_the_build_folder() {
        let candidates = library_candidates();
        assert!(candidates.last().unwrap().ends_with(ENGINE_LIBRARY));
        assert!(candidates
            .iter()
            .all(|p| p.file_name().unwrap() == ENGINE_LIBRARY || std::env::var_os("STANCEMAP_ENGINE").is_some()));
    }

    #[test]
    fn the_engine_opens_and_reports_devices() {
        // The lib's own test binary sits in deps/, beside the freshly built library.
        let devices = cuda_devices().expect("the engine library opens");
        assert!(devices >= 0);
        set_threads(1).unwrap();
    }

    #[test]
    fn a_missing_weights_file_names_it() {
        let spec = NetworkSpec {
            head: Head::Sequence,
            architecture: Architecture::Bert,
            config: serde_json::json!({
                "model_type": "bert", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1,
                "num_attention_heads": 2, "intermediate_size": 16, "max_position_embeddings": 16,
                "type_vocab_size": 2, "hidden_act": "gelu", "hidden_dropout_prob": 0.0,
                "attention_probs_dropout_prob": 0.0, "initializer_range": 0.02,
                "id2label": {"0": "a", "1": "b"}
            }),
            config_path: PathBuf::from("/nowhere/config.json"),
            weights: PathBuf::from("/nowhere/model.safetensors"),
            weight_files: vec![PathBuf::from("/nowhere/model.safetensors")],
            labels: 2,
            device: ResolvedDevice::Cpu,
        };
        let failure = TorchNetwork::load(&spec).err().expect("no weights, no network");
        assert_eq!(failure.path.as_deref(), Some(Path::new("/nowhere/model.safetensors")));
    }
}
