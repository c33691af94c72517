//! Tells the crate where its build puts the model engine, and which virtual
//! environment it was built against.
//!
//! OUT_DIR is `<target>/<profile>/build/stancemap-<hash>/out`, and the engine library
//! (`libstancemap_engine.so`, the `engine/` crate of this workspace) is written to
//! `<target>/<profile>`: the last place the binary looks for it, so that test
//! binaries and a binary run from the build folder find it without settings.
//!
//! The venv (`LIBTORCH_USE_PYTORCH` names it in the Makefile, else `VIRTUAL_ENV`) is
//! where `make setup` installs the onnxruntime wheel whose library the ONNX engine
//! opens at run time (src/models/onnx.rs).
fn main() {
    if let Some(profile_dir) = std::env::var_os("OUT_DIR")
        .map(std::path::PathBuf::from)
        .and_then(|out| out.ancestors().nth(3).map(std::path::Path::to_path_buf))
    {
        println!("cargo:rustc-env=STANCEMAP_BUILD_PROFILE_DIR={}", profile_dir.display());
    }
    println!("cargo:rerun-if-env-changed=LIBTORCH_USE_PYTORCH");
    println!("cargo:rerun-if-env-changed=VIRTUAL_ENV");
    let venv = ["LIBTORCH_USE_PYTORCH", "VIRTUAL_ENV"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .map(std::path::PathBuf::from)
        .find(|path| path.join("bin").is_dir())
        .map(|path| path.display().to_string())
        .unwrap_or_default();
    println!("cargo:rustc-env=STANCEMAP_BUILD_VENV={venv}");
}
