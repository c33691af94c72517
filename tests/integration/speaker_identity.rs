//! Speaker identity on the hand-judged PolNeAR dev set (tests/data/polnear_dev_identity.tsv,
//! how it was made: tests/data/README.md), scored by tools/score_identity.py.
//! Floors sit a little under what the default extractor measures, so that a change
//! which loses identities fails; issue #13's bars (0.85 overall, 0.75 for pronouns
//! and titles) are above them and not reached yet.

use std::collections::BTreeSet;
use std::process::Command;

use crate::common::*;

#[test]
fn speakers_resolve_to_the_entities_a_reader_names() {
    let Some(dev) = shared_data("polnear/dev") else {
        eprintln!("skipped: ../shared/data/polnear/dev is absent");
        return;
    };
    if shared_data("../tools/score_attribution.py").is_none() {
        eprintln!("skipped: ../shared/tools/score_attribution.py is absent");
        return;
    }
    let identity = project_file("tests/data/polnear_dev_identity.tsv");
    let articles: BTreeSet<String> = std::fs::read_to_string(&identity)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|line| line.split('\t').next().map(str::to_string))
        .collect();
    assert!(articles.len() >= 15, "the set covers {} articles", articles.len());
    for article in &articles {
        assert!(
            dev.join("text").join(format!("{article}.txt")).exists(),
            "{article} is not in dev"
        );
    }
    // The whole of dev, as a user's run would be: actors are merged run-wide.
    let work = tempfile::tempdir().unwrap();
    let input = dev.join("text");
    let out = work.path().join("out");
    let output = run(&[
        "run",
        "--quiet",
        "--no-scores",
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let python = std::env::var("VIRTUAL_ENV")
        .map(|venv| format!("{venv}/bin/python"))
        .unwrap_or_else(|_| "python3".to_string());
    let scored = Command::new(python)
        .arg(project_file("tools/score_identity.py"))
        .arg("--identity")
        .arg(&identity)
        .arg("--gold")
        .arg(&dev)
        .arg("--scorer")
        .arg(project_file("../shared/tools/score_attribution.py"))
        .arg("--run")
        .arg(&out)
        .arg("--json")
        .output()
        .expect("python runs the identity scorer");
    assert!(scored.status.success(), "{}", String::from_utf8_lossy(&scored.stderr));
    let figures: serde_json::Value = serde_json::from_slice(&scored.stdout).unwrap();
    eprintln!("speaker identity: {figures}");
    let accuracy = |path: &[&str]| {
        let mut value = &figures;
        for key in path {
            value = &value[*key];
        }
        value["accuracy"]
            .as_f64()
            .unwrap_or_else(|| panic!("{path:?} missing in {figures}"))
    };
    assert!(figures["overall"]["attributions"].as_u64().unwrap() >= 300);
    assert!(accuracy(&["overall"]) >= 0.76, "overall {figures}");
    assert!(accuracy(&["pronoun_or_title"]) >= 0.60, "pronouns and titles {figures}");
    assert!(accuracy(&["forms", "name"]) >= 0.90, "full names {figures}");
    assert!(
        accuracy(&["forms", "surname"]) >= 0.85,
        "surnames to full names {figures}"
    );
    assert!(accuracy(&["forms", "organisation"]) >= 0.85, "organisations {figures}");
    let generic = &figures["generic"];
    assert!(
        generic["given_an_actor"].as_u64().unwrap() * 4 <= generic["matched"].as_u64().unwrap(),
        "sources that denote nobody in particular get no actor id: {generic}"
    );
}
