//! Tells the crate where its build puts the model engine.
//!
//! OUT_DIR is `<target>/<profile>/build/stancemap-<hash>/out`, and the engine library
//! (`libstancemap_engine.so`, the `engine/` crate of this workspace) is written to
//! `<target>/<profile>`: the last place the binary looks for it, so that test
//! binaries and a binary run from the build folder find it without settings.
fn main() {
    if let Some(profile_dir) = std::env::var_os("OUT_DIR")
        .map(std::path::PathBuf::from)
        .and_then(|out| out.ancestors().nth(3).map(std::path::Path::to_path_buf))
    {
        println!("cargo:rustc-env=STANCEMAP_BUILD_PROFILE_DIR={}", profile_dir.display());
    }
}
