//! What a run loads before it reads anything: a run without models never loads
//! libtorch or ONNX Runtime (each engine is opened only when a model runs on it); a
//! model on the CPU runs on ONNX Runtime by default, without libtorch; `--engine
//! torch` loads the engine library and libtorch through it. The dynamic loader's own
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

/// `stancemap run` of one article with the tiny tone model on `engine`, on the CPU.
fn model_run_args<'a>(out: &'a Path, input: &'a str, engine: &'a str, registry: &'a str) -> Vec<&'a str> {
    vec![
        "run",
        "--quiet",
        "--extractor",
        "rules",
        "--device",
        "cpu",
        "--engine",
        engine,
        "--models",
        registry,
        "--tone-model",
        "bert-tone3",
        "--input",
        input,
        "--out",
        out.to_str().unwrap(),
    ]
}

fn model_run(out: &Path, input: &str, engine: &str) -> Vec<String> {
    let registry = fixture_registry();
    initialised_libraries(&model_run_args(out, input, engine, &registry))
}

fn loaded(libraries: &[String], name: &str) -> bool {
    libraries.iter().any(|l| l.contains(name))
}

#[test]
fn a_model_run_on_torch_loads_libtorch_through_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    let input = one_article(dir.path());
    let out = dir.path().join("out");
    let libraries = model_run(&out, &input, "torch");
    for wanted in ["libstancemap_engine.so", "libtorch_cpu.so"] {
        assert!(loaded(&libraries, wanted), "{wanted} was not loaded: {libraries:?}");
    }
    assert!(!loaded(&libraries, "libonnxruntime"), "{libraries:?}");
    assert_eq!(
        read_table(&out, "tone.parquet").height(),
        read_table(&out, "statements.parquet").height()
    );
    assert_eq!(read_manifest(&out)["models"][0]["engine"], "torch");
    // Asked only of a run on CUDA: asking loads libtorch.
    assert_eq!(manifest_cuda_devices(&out), serde_json::Value::Null);
}

#[test]
fn a_model_run_on_the_cpu_runs_on_onnx_runtime_without_libtorch() {
    let dir = tempfile::tempdir().unwrap();
    let input = one_article(dir.path());
    let out = dir.path().join("out");
    let libraries = model_run(&out, &input, "auto");
    assert!(
        loaded(&libraries, "libonnxruntime"),
        "ONNX Runtime was not loaded: {libraries:?}"
    );
    let torch: Vec<&String> = libraries
        .iter()
        .filter(|l| l.contains("libtorch") || l.contains("libc10") || l.contains("libstancemap_engine"))
        .collect();
    assert!(torch.is_empty(), "a model run on ONNX Runtime loaded {torch:?}");
    assert_eq!(read_manifest(&out)["models"][0]["engine"], "onnx");
    let tone = read_table(&out, "tone.parquet");
    assert_eq!(tone.height(), read_table(&out, "statements.parquet").height());
    // The same probabilities as on libtorch (fp32 both).
    let torch_out = dir.path().join("torch");
    model_run(&torch_out, &input, "torch");
    let on_torch = read_table(&torch_out, "tone.parquet");
    for column in ["p_negative", "p_neutral", "p_positive"] {
        let a = tone.column(column).unwrap().f32().unwrap().clone();
        let b = on_torch.column(column).unwrap().f32().unwrap().clone();
        for (x, y) in a.into_iter().zip(b.into_iter()) {
            let (x, y) = (x.unwrap(), y.unwrap());
            assert!((x - y).abs() < 1e-5, "{column}: onnx {x}, torch {y}");
        }
    }
}

#[test]
fn without_onnx_runtime_auto_runs_on_libtorch_and_onnx_says_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let input = one_article(dir.path());
    let registry = fixture_registry();
    let missing = dir.path().join("libonnxruntime.so.404");
    let run_on = |engine: &str, out: &Path| {
        stancemap()
            .args(model_run_args(out, &input, engine, &registry))
            .env("ORT_DYLIB_PATH", &missing)
            .output()
            .expect("stancemap runs")
    };
    let out = dir.path().join("auto");
    let output = run_on("auto", &out);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(read_manifest(&out)["models"][0]["engine"], "torch");
    assert!(read_table(&out, "tone.parquet").height() >= 1);

    // Asked for by name, the engine's absence costs the model's table, with the
    // library looked for and what to do.
    let out = dir.path().join("onnx");
    let output = run_on("onnx", &out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("ONNX Runtime's library is missing"), "{stderr}");
    assert!(stderr.contains("libonnxruntime.so.404"), "{stderr}");
    assert!(!out.join("tone.parquet").exists() || read_table(&out, "tone.parquet").height() == 0);
}
