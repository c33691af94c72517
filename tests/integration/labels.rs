//! The user's own labels, round trip: `stancemap label` samples a real run's scored
//! statements by actor and target, a person's labels are filled in, `stancemap train`
//! fine-tunes the shipped NLI model on them (the real recipe, in the venv) and
//! registers it, and `stancemap eval --format labels` scores the held-out rows.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::*;

fn ok(output: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn label_train_eval_round_trip_on_the_sample_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let run_dir = dir.path().join("run");
    let corpus = project_file("datasets/sample_corpus.jsonl");
    let study = project_file("datasets/sample_study.toml");
    ok(&run(&[
        "run",
        "--quiet",
        "--threads",
        "2",
        "--input",
        corpus.to_str().unwrap(),
        "--study",
        study.to_str().unwrap(),
        "--out",
        run_dir.to_str().unwrap(),
    ]));

    // The sample: at most 2 rows per actor × target cell, every cell of the run there.
    let label_into = |out: &Path| {
        ok(&run(&[
            "label",
            "--run",
            run_dir.to_str().unwrap(),
            "--task",
            "stance",
            "--per-cell",
            "2",
            "--out",
            out.to_str().unwrap(),
        ]))
    };
    let labels = dir.path().join("stance.jsonl");
    let said = label_into(&labels);
    assert!(said.contains("fill in each row's `label`"), "{said}");
    let sample = jsonl_rows(&labels);
    let cell = |actor: Option<&str>, target: &str| (actor.unwrap_or("(unresolved)").to_string(), target.to_string());
    let mut per_cell: BTreeMap<(String, String), usize> = BTreeMap::new();
    for row in &sample {
        assert!(row["label"].is_null());
        // The hypothesis the model was asked: the target as the study describes it, or
        // as the statement names it by one of the target's aliases; where the statement
        // names it only as what it would undo, against the undoing ("The speaker
        // opposes lifting the sanctions.").
        let favor = row["favor_hypothesis"].as_str().unwrap();
        let named = favor
            .strip_suffix('.')
            .and_then(|h| {
                h.strip_prefix("The speaker supports ").or_else(|| {
                    h.strip_prefix("The speaker opposes ")
                        .and_then(|undone| undone.split_once(' ').map(|(_, name)| name))
                })
            })
            .unwrap_or_else(|| panic!("{favor}"));
        assert!(
            named == row["target"].as_str().unwrap()
                || row["text"]
                    .as_str()
                    .unwrap()
                    .to_lowercase()
                    .contains(&named.trim_start_matches("the ").to_lowercase()),
            "{row}"
        );
        *per_cell
            .entry(cell(row["actor_id"].as_str(), row["target_id"].as_str().unwrap()))
            .or_default() += 1;
    }
    assert!(per_cell.values().all(|&n| n <= 2), "{per_cell:?}");
    let statements = read_table(&run_dir, "statements.parquet");
    let actor_of: BTreeMap<String, Option<String>> = strings(&statements, "statement_id")
        .into_iter()
        .flatten()
        .zip(strings(&statements, "actor_id"))
        .collect();
    let stance = read_table(&run_dir, "stance.parquet");
    let run_cells: BTreeSet<(String, String)> = strings(&stance, "statement_id")
        .into_iter()
        .zip(strings(&stance, "target_id"))
        .map(|(s, t)| cell(actor_of[&s.unwrap()].as_deref(), &t.unwrap()))
        .collect();
    assert_eq!(per_cell.keys().cloned().collect::<BTreeSet<_>>(), run_cells);
    // The same seed draws the same sample.
    let again = dir.path().join("again.jsonl");
    label_into(&again);
    assert_eq!(std::fs::read(&labels).unwrap(), std::fs::read(&again).unwrap());

    // A labeller says every statement of the first 36 favours its target (something
    // the zero-shot model does not read), writes one label that is not a stance, and
    // leaves the rest.
    let mut filled = String::new();
    for (i, mut row) in sample.into_iter().enumerate() {
        if i < 36 {
            row["label"] = "Favor".into();
        } else if i == 36 {
            row["label"] = "maybe".into();
        }
        filled.push_str(&format!("{row}\n"));
    }
    std::fs::write(&labels, filled).unwrap();

    let out = dir.path().join("tuned");
    let said = ok(&run(&[
        "train",
        "--task",
        "stance",
        "--labels",
        labels.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--epochs",
        "2",
        "--holdout",
        "0.25",
        "--threads",
        "2",
        "--quiet",
    ]));
    assert!(said.contains("held out"), "{said}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("train_report.json")).unwrap()).unwrap();
    assert_eq!(report["base_model"], "nli-minilm");
    assert_eq!(report["skipped"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(report["skipped"][0]["line"], 37);
    assert!(report["unlabelled"].as_u64().unwrap() > 0);
    let (train_rows, held) = (
        report["train_rows"].as_u64().unwrap(),
        report["heldout_rows"].as_u64().unwrap(),
    );
    assert_eq!(train_rows + held, 36);
    assert!(held > 0, "{report}");
    // Held-out articles never trained on.
    let trained: BTreeSet<String> = jsonl_rows(&out.join("train.jsonl"))
        .iter()
        .map(|r| r["article_id"].as_str().unwrap().to_string())
        .collect();
    assert!(jsonl_rows(&out.join("heldout.jsonl"))
        .iter()
        .all(|r| !trained.contains(r["article_id"].as_str().unwrap())));
    let accuracy = |which: &str| report[which]["classification"]["accuracy"].as_f64().unwrap();
    assert!(
        accuracy("heldout_tuned") > accuracy("heldout_base"),
        "training on the labels did not move the held-out accuracy: {report}"
    );
    assert!(out.join("model/model.onnx").is_file() && out.join("model/onnx_export.json").is_file());

    // The registered model, evaluated again by hand, on ONNX Runtime.
    let registry = out.join("models.toml");
    let eval = ok(&run(&[
        "eval",
        "--task",
        "stance",
        "--format",
        "labels",
        "--data",
        out.join("heldout.jsonl").to_str().unwrap(),
        "--models",
        registry.to_str().unwrap(),
        "--json",
        "--quiet",
        "--threads",
        "2",
    ]));
    let eval: serde_json::Value = serde_json::from_str(&eval).unwrap();
    assert_eq!(eval["model"], "stance-tuned");
    assert_eq!(eval["engine"], "onnx");
    assert_eq!(eval["items"].as_u64(), Some(held));
    assert!((eval["classification"]["accuracy"].as_f64().unwrap() - accuracy("heldout_tuned")).abs() < 1e-9);

    // A stance label file is not tone gold.
    let output = run(&[
        "eval",
        "--task",
        "tone",
        "--format",
        "labels",
        "--data",
        out.join("heldout.jsonl").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("holds stance data, not tone"), "{stderr}");
}

#[test]
fn train_refuses_a_file_with_too_few_labels_and_says_how_many_it_has() {
    let dir = tempfile::tempdir().unwrap();
    let labels = dir.path().join("tone.csv");
    std::fs::write(
        &labels,
        "statement_id,article_id,actor_id,speaker,target_id,target,favor_hypothesis,against_hypothesis,text,model_label,model_probability,label\n\
         s1,a1,,,,,,,We are pleased.,positive,0.9,positive\n\
         s2,a1,,,,,,,This is a disgrace.,negative,0.8,\n",
    )
    .unwrap();
    let output = run(&[
        "train",
        "--task",
        "tone",
        "--labels",
        labels.to_str().unwrap(),
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("1 labelled tone rows (1 still unlabelled, 0 skipped)"),
        "{stderr}"
    );
}
