//! Puts libtorch's folder on the engine library's rpath.
//!
//! torch-sys links libtorch from the Python wheel in `.venv` but leaves no rpath on
//! the final artifacts, so without this every user would have to export
//! `LD_LIBRARY_PATH`. torch-sys announces the folder through its `links = "tch"`
//! metadata, which Cargo hands to direct dependents as `DEP_TCH_LIBTORCH_LIB`.
fn main() {
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    match std::env::var("DEP_TCH_LIBTORCH_LIB") {
        Ok(dir) if !dir.is_empty() => {
            // rustc-link-arg reaches the cdylib and the unit-test binary alike.
            println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
        }
        _ => println!(
            "cargo:warning=torch-sys did not report libtorch's folder; \
             set LD_LIBRARY_PATH to it before running stancemap"
        ),
    }
}
