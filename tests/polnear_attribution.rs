//! Attribution quality on PolNeAR dev, scored by ../shared/tools/score_attribution.py.
//! The floor is issue #2's bar for the rule-based extractor; a regression below it fails.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn python() -> String {
    match std::env::var("VIRTUAL_ENV") {
        Ok(venv) if Path::new(&venv).join("bin/python").exists() => format!("{venv}/bin/python"),
        _ => "python3".to_string(),
    }
}

#[test]
fn rules_meet_the_polnear_dev_floor() {
    let (Some(dev), Some(_)) = (shared_data("polnear/dev"), shared_data("../tools/score_attribution.py")) else {
        eprintln!("skipped: ../shared/data/polnear/dev or the scorer is absent");
        return;
    };
    let scorer = project_file("../shared/tools/score_attribution.py");
    let out = tempfile::tempdir().unwrap();
    let output = run(&[
        "run",
        "--quiet",
        // Attribution does not depend on scoring.
        "--no-models",
        "--input",
        dev.join("text").to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let scored = Command::new(python())
        .arg(&scorer)
        .args(["--gold", dev.to_str().unwrap(), "--json", "--pred"])
        .arg(out.path().join("statements.parquet"))
        .output()
        .expect("python runs the scorer");
    assert!(scored.status.success(), "{}", String::from_utf8_lossy(&scored.stderr));
    let scores: serde_json::Value = serde_json::from_slice(&scored.stdout).unwrap();
    eprintln!("PolNeAR dev: {scores}");
    let get = |key: &str| {
        scores[key]
            .as_f64()
            .unwrap_or_else(|| panic!("{key} missing in {scores}"))
    };
    assert!(get("f1@0.5") >= 0.40, "content F1@0.5 {} < 0.40", get("f1@0.5"));
    assert!(
        get("direct_recall") >= 0.75,
        "direct recall {} < 0.75",
        get("direct_recall")
    );
    assert!(
        get("speaker_accuracy") >= 0.85,
        "speaker accuracy {} < 0.85",
        get("speaker_accuracy")
    );
}
