//! `stancemap run` and `stancemap score` with real (tiny) models from the fixture
//! registry.

use crate::common::*;

fn corpus(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("news.jsonl");
    std::fs::write(
        &path,
        "{\"id\": \"a\", \"text\": \"“The war must end,” Zelensky wrote on X. Trump said the talks were useful.\"}\n\
         {\"id\": \"b\", \"text\": \"“The war must end,” Zelensky wrote on X.\"}\n",
    )
    .unwrap();
    path
}

#[test]
fn run_scores_tone_and_stance_and_pins_the_models() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let study = project_file("datasets/ukraine_talks.toml");
    let output = run(&[
        "run",
        "--quiet",
        "--input",
        corpus(dir.path()).to_str().unwrap(),
        "--study",
        study.to_str().unwrap(),
        "--models",
        &fixture_registry(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let statements = read_table(&out, "statements.parquet");
    let tone = read_table(&out, "tone.parquet");
    assert_eq!(tone.height(), statements.height());
    let columns: Vec<String> = tone.get_column_names().iter().map(|c| c.to_string()).collect();
    assert_eq!(
        columns,
        [
            "statement_id",
            "model",
            "label",
            "p_negative",
            "p_neutral",
            "p_positive",
            "tone_score"
        ]
    );
    let stance = read_table(&out, "stance.parquet");
    assert_eq!(
        stance.height(),
        statements.height() * 3,
        "every statement against each of the study's 3 targets"
    );
    assert_eq!(strings(&stance, "model")[0].as_deref(), Some("bert-nli-ent0"));

    let manifest = read_manifest(&out);
    let models = manifest["models"].as_array().unwrap();
    // Tone, stance, and the default attribution tagger that found the statements.
    let names: Vec<&str> = models.iter().filter_map(|m| m["name"].as_str()).collect();
    assert_eq!(names, ["bert-tone3", "bert-nli-ent0", "attribution-tagger"]);
    for model in models {
        assert_eq!(model["weights_sha256"].as_str().unwrap().len(), 64);
    }
    let tone_report = &manifest["scoring"][0];
    assert_eq!(tone_report["status"], "scored");
    // The same quote in two articles is one model input.
    assert_eq!(tone_report["stats"]["deduplicated"], 1);
}

#[test]
fn deberta_models_score_a_run_like_any_other() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = run(&[
        "run",
        "--quiet",
        "--extractor",
        "rules",
        "--input",
        corpus(dir.path()).to_str().unwrap(),
        "--models",
        &fixture_registry(),
        "--study",
        project_file("datasets/ukraine_talks.toml").to_str().unwrap(),
        "--tone-model",
        "deberta-v2-tone3",
        "--stance-model",
        "deberta-v3-nli-ent0",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let statements = read_table(&out, "statements.parquet");
    let tone = read_table(&out, "tone.parquet");
    assert_eq!(tone.height(), statements.height());
    assert_eq!(strings(&tone, "model")[0].as_deref(), Some("deberta-v2-tone3"));
    let stance = read_table(&out, "stance.parquet");
    assert_eq!(strings(&stance, "model")[0].as_deref(), Some("deberta-v3-nli-ent0"));
    // Each row is a distribution.
    let (favor, against, none) = (
        floats(&stance, "p_favor"),
        floats(&stance, "p_against"),
        floats(&stance, "p_none"),
    );
    assert!(!favor.is_empty());
    for row in 0..favor.len() {
        let total = favor[row] + against[row] + none[row];
        assert!((total - 1.0).abs() < 1e-4, "row {row} sums to {total}");
    }
    let config = std::fs::read_to_string(out.join("run_config.toml")).unwrap();
    assert!(config.contains("deberta-v2"), "{config}");
}

#[test]
fn without_models_the_tables_still_come_and_the_manifest_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = run(&[
        "run",
        "--quiet",
        "--no-models",
        "--input",
        corpus(dir.path()).to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(out.join("statements.parquet").exists() && !out.join("tone.parquet").exists());
    let manifest = read_manifest(&out);
    assert_eq!(manifest["scoring"][0]["status"], "no model configured");
}

#[test]
fn a_model_that_cannot_be_used_fails_the_run_but_keeps_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = run(&[
        "run",
        "--quiet",
        "--input",
        corpus(dir.path()).to_str().unwrap(),
        "--models",
        &fixture_registry(),
        "--tone-model",
        "bert-unmappable",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot be mapped"));
    assert!(out.join("statements.parquet").exists());
    let manifest = read_manifest(&out);
    assert!(manifest["scoring"][0]["status"].as_str().unwrap().starts_with("failed"));
}

#[test]
fn score_command_reads_rows_and_writes_probabilities() {
    let dir = tempfile::tempdir().unwrap();
    let rows = dir.path().join("rows.jsonl");
    std::fs::write(
        &rows,
        "{\"id\": 1, \"text\": \"The war must end.\", \"target\": \"ending the war\"}\nnot json\n{\"id\": 2, \"text\": \"Sanctions work.\", \"target\": \"sanctions\"}\n",
    )
    .unwrap();
    let tone_out = dir.path().join("tone.parquet");
    let output = run(&[
        "score",
        "--task",
        "tone",
        "--input",
        rows.to_str().unwrap(),
        "--out",
        tone_out.to_str().unwrap(),
        "--models",
        &fixture_registry(),
        "--model",
        "xlm-roberta-tone3",
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stderr).contains("rows.jsonl:2"));
    let tone = read_table(dir.path(), "tone.parquet");
    assert_eq!(strings(&tone, "id"), vec![Some("1".into()), Some("2".into())]);
    assert_eq!(strings(&tone, "model")[0].as_deref(), Some("xlm-roberta-tone3"));

    let stance_out = dir.path().join("stance.parquet");
    let output = run(&[
        "score",
        "--quiet",
        "--task",
        "stance",
        "--input",
        rows.to_str().unwrap(),
        "--out",
        stance_out.to_str().unwrap(),
        "--models",
        &fixture_registry(),
        "--model",
        "roberta-nli-ent2",
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stance = read_table(dir.path(), "stance.parquet");
    assert_eq!(
        strings(&stance, "target_id"),
        vec![Some("ending the war".into()), Some("sanctions".into())]
    );

    // A tone model asked to do stance is refused with the reason.
    let output = run(&[
        "score",
        "--quiet",
        "--task",
        "stance",
        "--input",
        rows.to_str().unwrap(),
        "--out",
        stance_out.to_str().unwrap(),
        "--models",
        &fixture_registry(),
        "--model",
        "bert-tone3",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a stance model"));
}

/// A target that names a change ("ending the war") is read poorly by NLI models
/// (README, "Targets that name a change read poorly"): the run says so once per such
/// target, names it, and keeps quiet about targets that are the thing itself.
#[test]
fn a_run_warns_of_targets_that_name_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("study.toml");
    std::fs::write(
        &study,
        "name = \"change targets\"\n\
         [[targets]]\nid = \"end_war\"\ndescription = \"ending the war\"\n\
         [[targets]]\nid = \"truce\"\ndescription = \"a ceasefire\"\n\
         [[targets]]\nid = \"whaling_ban\"\ndescription = \"Banning whaling\"\n",
    )
    .unwrap();
    let (corpus, registry) = (corpus(dir.path()), fixture_registry());
    let run_with = |extra: &[&str]| {
        let out = dir.path().join(format!("out{}", extra.len()));
        let mut args = vec![
            "run",
            "--threads",
            "1",
            "--input",
            corpus.to_str().unwrap(),
            "--study",
            study.to_str().unwrap(),
            "--models",
            &registry,
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let output = run(&args);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let stderr = run_with(&[]);
    let warned: Vec<&str> = stderr.lines().filter(|l| l.contains("names a change")).collect();
    assert_eq!(warned.len(), 2, "{stderr}");
    assert!(
        warned[0].contains("\"end_war\"") && warned[0].contains("(ending …)"),
        "{stderr}"
    );
    assert!(
        warned[1].contains("\"whaling_ban\"") && warned[1].contains("(banning …)"),
        "{stderr}"
    );
    assert!(!stderr.contains("\"truce\""), "{stderr}");
    let quiet = run_with(&["--quiet"]);
    assert!(!quiet.contains("names a change"), "--quiet keeps warnings out: {quiet}");
}
