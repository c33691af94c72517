//! What a run loads before it reads anything: a run without models never loads
//! libtorch (the model engine is opened only when a model runs), and a run with a
//! model loads the engine library and libtorch through it. The dynamic loader's own
//! account (`LD_DEBUG=libs`) says which libraries a process initialised.

use std::path::Path;

use crate::common::*;

/// The libraries the dynamic loader initialised while running `stancemap args…`.
fn initialised_libraries(args: &[&str]) -> Vec<String> {
    let output = stancemap()
        .args(args)
        .env("LD_DEBUG", "libs")
        .output()
        .expect("stancemap runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    stderr
        .lines()
        .filter_map(|line| line.split("calling init: ").nth(1))
        .map(str::to_string)
        .collect()
}

fn one_article(dir: &Path) -> String {
    let path = dir.join("one.jsonl");
    std::fs::write(
        &path,
        "{\"id\": \"a1\", \"text\": \"“We will rebuild the bridge,” Mayor Anna Berg said on Monday.\"}\n",
    )
    .unwrap();
    path.display().to_string()
}

fn manifest_cuda_devices(out: &Path) -> serde_json::Value {
    read_manifest(out)["runtime"]["cuda_devices"].clone()
}

#[test]
fn a_run_without_models_never_loads_libtorch() {
    let dir = tempfile::tempdir().unwrap();
    let input = one_article(dir.path());
    let out = dir.path().join("out");
    let libraries = initialised_libraries(&[
        "run",
        "--quiet",
        "--no-models",
        "--input",
        &input,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!libraries.is_empty(), "LD_DEBUG=libs reported no libraries");
    let torch: Vec<&String> = libraries
        .iter()
        .filter(|l| l.contains("libtorch") || l.contains("libc10") || l.contains("libstancemap_engine"))
        .collect();
    assert!(torch.is_empty(), "a run without models loaded {torch:?}");
    assert!(read_table(&out, "statements.parquet").height() >= 1);
    assert_eq!(manifest_cuda_devices(&out), serde_json::Value::Null);
}

#[test]
fn a_model_run_loads_libtorch_through_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    let input = one_article(dir.path());
    let out = dir.path().join("out");
    let registry = fixture_registry();
    let libraries = initialised_libraries(&[
        "run",
        "--quiet",
        "--extractor",
        "rules",
        "--device",
        "cpu",
        "--models",
        &registry,
        "--tone-model",
        "bert-tone3",
        "--input",
        &input,
        "--out",
        out.to_str().unwrap(),
    ]);
    for wanted in ["libstancemap_engine.so", "libtorch_cpu.so"] {
        assert!(
            libraries.iter().any(|l| l.ends_with(wanted)),
            "{wanted} was not loaded: {libraries:?}"
        );
    }
    assert_eq!(
        read_table(&out, "tone.parquet").height(),
        read_table(&out, "statements.parquet").height()
    );
    assert!(manifest_cuda_devices(&out).is_i64());
}
