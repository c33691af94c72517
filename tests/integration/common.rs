//! Helpers for the integration tests: run the real binary, read its tables back.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use polars::prelude::*;

pub fn stancemap() -> Command {
    Command::new(env!("CARGO_BIN_EXE_stancemap"))
}

pub fn run(args: &[&str]) -> Output {
    let output = stancemap().args(args).output().expect("the stancemap binary runs");
    output
}

pub fn read_table(dir: &Path, name: &str) -> DataFrame {
    let file = std::fs::File::open(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    ParquetReader::new(file).finish().unwrap()
}

/// `stancemap score -q --task stance` on JSONL `rows` written to `dir`, with `flags`
/// (model, engine, threads) after them; the scores table it wrote.
pub fn score_stance(dir: &Path, rows: &str, flags: &[&str]) -> DataFrame {
    let input = dir.join("pairs.jsonl");
    std::fs::write(&input, rows).unwrap();
    let scores = dir.join("scores.parquet");
    let mut args = vec![
        "score",
        "-q",
        "--task",
        "stance",
        "-i",
        input.to_str().unwrap(),
        "-o",
        scores.to_str().unwrap(),
    ];
    args.extend_from_slice(flags);
    let scored = run(&args);
    assert!(
        scored.status.success(),
        "{flags:?}: {}",
        String::from_utf8_lossy(&scored.stderr)
    );
    read_table(dir, "scores.parquet")
}

/// A run's `manifest.json`.
pub fn read_manifest(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("manifest.json")).unwrap_or_else(|e| panic!("manifest.json: {e}"));
    serde_json::from_str(&text).unwrap()
}

pub fn strings(frame: &DataFrame, column: &str) -> Vec<Option<String>> {
    frame
        .column(column)
        .unwrap()
        .str()
        .unwrap()
        .into_iter()
        .map(|s| s.map(str::to_string))
        .collect()
}

pub fn floats(frame: &DataFrame, column: &str) -> Vec<f64> {
    frame
        .column(column)
        .unwrap()
        .cast(&DataType::Float64)
        .unwrap()
        .f64()
        .unwrap()
        .into_iter()
        .map(|v| v.unwrap_or(f64::NAN))
        .collect()
}

/// Runs `stancemap run` on the seed article with the Ukraine study into `out`;
/// None (with a message) when ../shared is absent.
pub fn run_seed(out: &Path) -> Option<()> {
    let Some(seed) = shared_data("seed") else {
        eprintln!("skipped: ../shared/data/seed is absent");
        return None;
    };
    let study = project_file("datasets/ukraine_talks.toml");
    let output = run(&[
        "run",
        "--quiet",
        "--input",
        seed.to_str().unwrap(),
        "--study",
        study.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    Some(())
}

pub fn ints(frame: &DataFrame, column: &str) -> Vec<Option<i64>> {
    frame.column(column).unwrap().i64().unwrap().into_iter().collect()
}

/// `../shared/data/...` beside the project, when present.
pub fn shared_data(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(relative);
    path.exists().then_some(path)
}

pub fn project_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Each line of a JSONL file, parsed.
pub fn jsonl_rows(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// The registry of tiny random test models (tests/fixtures/make_tiny_models.py).
pub fn fixture_registry() -> String {
    project_file("tests/fixtures/models.toml").display().to_string()
}

/// One statement row as plain values.
#[derive(Debug, Clone)]
pub struct Row {
    pub article_id: String,
    pub actor_id: Option<String>,
    pub speaker_text: Option<String>,
    pub cue: Option<String>,
    pub content: String,
    pub kind: String,
    pub content_start: i64,
    pub content_end: i64,
}

pub fn statement_rows(dir: &Path) -> Vec<Row> {
    let frame = read_table(dir, "statements.parquet");
    let article = strings(&frame, "article_id");
    let actor = strings(&frame, "actor_id");
    let speaker = strings(&frame, "speaker_text");
    let cue = strings(&frame, "cue");
    let content = strings(&frame, "content");
    let kind = strings(&frame, "kind");
    let start = ints(&frame, "content_start");
    let end = ints(&frame, "content_end");
    (0..frame.height())
        .map(|i| Row {
            article_id: article[i].clone().unwrap_or_default(),
            actor_id: actor[i].clone(),
            speaker_text: speaker[i].clone(),
            cue: cue[i].clone(),
            content: content[i].clone().unwrap_or_default(),
            kind: kind[i].clone().unwrap_or_default(),
            content_start: start[i].unwrap_or_default(),
            content_end: end[i].unwrap_or_default(),
        })
        .collect()
}
