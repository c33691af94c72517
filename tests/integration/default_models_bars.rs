//! The shipped default models (models/models.toml) held to issue #4's bars through
//! `stancemap eval` on the labelled data in ../shared (skipped when it is absent).
//! The NLI held-out bar needs the recipe's seeded split and is measured by
//! `make eval-defaults` instead.

use crate::common::*;

/// `stancemap eval --json` with the default model of the task; None without ../shared.
fn eval_default(task: &str, format: &str, data: &str, extra: &[&str]) -> Option<serde_json::Value> {
    let Some(path) = shared_data(data) else {
        eprintln!("skipped: ../shared/data/{data} is absent");
        return None;
    };
    let mut args = vec![
        "eval",
        "--json",
        "--quiet",
        // Two tests run at once on CI's two cores.
        "--threads",
        "1",
        "--task",
        task,
        "--format",
        format,
        "--data",
        path.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let output = run(&args);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["skipped"], 0, "{report}");
    Some(report)
}

fn figure(report: &serde_json::Value, pointer: &str) -> f64 {
    report
        .pointer(pointer)
        .and_then(|v| v.as_f64())
        .unwrap_or_else(|| panic!("no {pointer} in {report}"))
}

#[test]
fn stance_model_meets_the_argq_and_semeval_bars() {
    if let Some(argq) = eval_default(
        "stance",
        "argq",
        "stance/ibm_argq/argq30k_train_dev.csv",
        &["--split", "dev"],
    ) {
        assert_eq!(argq["model"], "nli-minilm");
        assert_eq!(argq["items"], 3208);
        let macro_f1 = figure(&argq, "/classification/macro_f1");
        assert!(macro_f1 >= 0.75, "ArgQ dev macro-F1 {macro_f1}");
    }
    if let Some(semeval) = eval_default("stance", "semeval", "stance/semeval2016-task6-trainingdata.txt", &[]) {
        assert_eq!(semeval["items"], 2814);
        let f1_avg = figure(&semeval, "/f1_avg");
        assert!(f1_avg >= 0.45, "SemEval F1avg {f1_avg}");
    }
}

#[test]
fn tone_model_meets_the_sst2_and_newsmtsc_bars() {
    if let Some(sst2) = eval_default("tone", "sst2", "sentiment/sst2/heldout.tsv", &[]) {
        assert_eq!(sst2["model"], "tone-minilm");
        let accuracy = figure(&sst2, "/classification/accuracy");
        assert!(accuracy >= 0.86, "SST-2 heldout accuracy {accuracy}");
    }
    if let Some(news) = eval_default("tone", "newsmtsc", "sentiment/newsmtsc/devtest_mt.jsonl", &[]) {
        let macro_f1 = figure(&news, "/classification/macro_f1");
        assert!(macro_f1 >= 0.60, "NewsMTSC devtest_mt macro-F1 {macro_f1}");
    }
}
