//! `stancemap run --extractor rules|learned|hybrid` with a real (tiny, random) BERT
//! tagger from the fixture registry: the choice is saved, the tagger pinned in the
//! manifest, and impossible choices fail with a message saying what to do.

use crate::common::*;

fn corpus(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("news.jsonl");
    let long = "Officials said the talks would continue next week in Geneva. ".repeat(60);
    std::fs::write(
        &path,
        format!(
            "{{\"id\": \"a\", \"text\": \"“The war must end,” Zelensky wrote on X. Trump said the talks were useful.\"}}\n\
             {{\"id\": \"b\", \"text\": \"{long}\"}}\n"
        ),
    )
    .unwrap();
    path
}

/// `stancemap run --quiet` on the test corpus, with `extra` options.
fn run_with(dir: &std::path::Path, out: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let input = corpus(dir);
    let mut args = vec![
        "run",
        "--quiet",
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn learned_and_hybrid_runs_save_their_tagger_and_pin_it() {
    let dir = tempfile::tempdir().unwrap();
    for mode in ["learned", "hybrid"] {
        let out = dir.path().join(mode);
        // Tone and stance off, tagger on.
        let output = run_with(
            dir.path(),
            &out,
            &[
                "--no-scores",
                "--models",
                &fixture_registry(),
                "--extractor",
                mode,
                "--attribution-model",
                "bert-tagger",
                "--tagger-overlap",
                "32",
            ],
        );
        assert!(
            output.status.success(),
            "{mode}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let manifest = read_manifest(&out);
        assert_eq!(manifest["runtime"]["extractor"], mode);
        assert_eq!(manifest["counts"]["articles"], 2);
        let pinned: Vec<&str> = manifest["models"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|m| m["name"].as_str())
            .collect();
        assert!(pinned.contains(&"bert-tagger"), "{pinned:?}");
        let config = std::fs::read_to_string(out.join("run_config.toml")).unwrap();
        assert!(config.contains(&format!("type = \"{mode}\"")), "{config}");
        assert!(config.contains("window = 256"), "{config}");
        assert!(config.contains("overlap = 32"), "--tagger-overlap is saved: {config}");
        let statements = read_table(&out, "statements.parquet");
        for extractor in strings(&statements, "extractor") {
            assert_eq!(extractor.as_deref(), Some(mode));
        }
        if mode == "hybrid" {
            // The random tagger finds little; the rules still find Zelensky's quote.
            let contents = strings(&statements, "content");
            assert!(
                contents.iter().flatten().any(|c| c.contains("The war must end")),
                "{contents:?}"
            );
        }
    }
}

#[test]
fn rules_stay_the_extractor_without_models() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = run_with(dir.path(), &out, &["--no-models"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let manifest = read_manifest(&out);
    assert_eq!(manifest["runtime"]["extractor"], "rules");
}

#[test]
fn impossible_extractor_choices_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_with(
        dir.path(),
        &dir.path().join("a"),
        &["--no-models", "--extractor", "learned"],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--extractor learned needs an attribution model"),
        "{stderr}"
    );
    assert!(stderr.contains("--no-models"), "{stderr}");

    // Windows overlapping by half or more would read tokens in no window's middle.
    let output = run_with(
        dir.path(),
        &dir.path().join("c"),
        &[
            "--models",
            &fixture_registry(),
            "--attribution-model",
            "bert-tagger",
            "--tagger-overlap",
            "128",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--tagger-overlap 128 must be below half"), "{stderr}");

    // A tone classifier declared as a tagger: its labels are not attribution tags.
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        format!(
            "[[models]]\nname = \"not-a-tagger\"\ntask = \"attribution\"\narchitecture = \"bert\"\n\
             source = {{ type = \"local\", path = \"{}\" }}\n",
            project_file("tests/fixtures/tiny_models/bert-tone3").display()
        ),
    )
    .unwrap();
    let output = run_with(
        dir.path(),
        &dir.path().join("b"),
        &[
            "--models",
            bad.to_str().unwrap(),
            "--extractor",
            "hybrid",
            "--attribution-model",
            "not-a-tagger",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not an attribution tag"), "{stderr}");
    assert!(stderr.contains("B-/I-"), "{stderr}");
}
