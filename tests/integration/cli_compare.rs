//! `stancemap compare` on a small run written here as Parquet, checked against
//! means, counts and intervals (Wilson, and cluster-robust over articles) computed by
//! hand.

use crate::common::*;
use polars::prelude::*;

fn write(dir: &std::path::Path, name: &str, mut frame: DataFrame) {
    let file = std::fs::File::create(dir.join(format!("{name}.parquet"))).unwrap();
    ParquetWriter::new(file).finish(&mut frame).unwrap();
}

fn days(y: i32, m: u32, d: u32) -> i32 {
    (chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap() - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap())
        .num_days() as i32
}

/// Two actors, three articles (one undated), one unattributed statement.
fn fixture_run(dir: &std::path::Path) {
    write(
        dir,
        "articles",
        df!(
            "article_id" => ["a1", "a2", "a3"],
            "title" => ["One", "Two", "Three"],
            "source" => ["Wire", "Herald", "Wire"],
            "text" => ["Alice said yes. Bob said no.", "Alice said maybe. Someone said so.", "Alice said later."],
        )
        .unwrap()
        .hstack(&[
            Column::new("date".into(), [Some(days(2025, 6, 2)), Some(days(2025, 6, 10)), None])
                .cast(&DataType::Date)
                .unwrap(),
        ])
        .unwrap(),
    );
    write(
        dir,
        "actors",
        df!(
            "actor_id" => ["alice", "bob"],
            "name" => ["Alice A", "Bob B"],
            "affiliation" => ["north", "south"],
        )
        .unwrap(),
    );
    write(
        dir,
        "statements",
        df!(
            "statement_id" => ["s1", "s2", "s3", "s4", "s5"],
            "article_id" => ["a1", "a2", "a3", "a1", "a2"],
            "actor_id" => [Some("alice"), Some("alice"), Some("alice"), Some("bob"), None],
            "speaker_text" => [Some("Alice"), Some("Alice"), Some("Alice"), Some("Bob"), Some("Someone")],
            "cue" => ["said", "said", "said", "said", "said"],
            "kind" => ["indirect", "indirect", "indirect", "indirect", "indirect"],
            "content_start" => [11i64, 11, 11, 25, 29],
            "content_end" => [14i64, 16, 16, 27, 31],
            "sentence_start" => [0i64, 0, 0, 16, 18],
            "sentence_end" => [15i64, 17, 17, 28, 32],
        )
        .unwrap(),
    );
    write(
        dir,
        "tone",
        df!(
            "statement_id" => ["s1", "s2", "s3", "s4", "s5"],
            "label" => ["positive", "neutral", "negative", "negative", "neutral"],
            "tone_score" => [0.5f32, 0.1, -0.3, -0.8, 0.2],
        )
        .unwrap(),
    );
    write(dir, "stance", stance_table());
}

/// Alice's three statements and Bob's one toward the ceasefire, Alice's first toward
/// the sanctions too; without `target_named`, as runs scored before it.
fn stance_table() -> DataFrame {
    df!(
        "statement_id" => ["s1", "s2", "s3", "s4", "s1"],
        "target_id" => ["ceasefire", "ceasefire", "ceasefire", "ceasefire", "sanctions"],
        "label" => ["favor", "against", "favor", "against", "against"],
        "p_favor" => [0.7f32, 0.2, 0.5, 0.1, 0.1],
        "p_against" => [0.1f32, 0.4, 0.2, 0.8, 0.6],
    )
    .unwrap()
}

fn compare(dir: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["compare", "--format", "json", "--run", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let output = run(&args);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// (n, mean, low, high), worked by hand: p = (mean + 1) / 2, z = 1.96,
/// Wilson centre (p + z²/2n) / (1 + z²/n) ± z·√(p(1−p)/n + z²/4n²) / (1 + z²/n), mapped back by 2p − 1.
fn assert_estimate(cell: &serde_json::Value, n: u64, mean: f64, low: f64, high: f64) {
    assert_eq!(cell["n"], n, "{cell}");
    let close = |key: &str, want: f64| {
        let got = cell[key].as_f64().unwrap();
        assert!((got - want).abs() < 5e-4, "{key}: {got} vs {want} in {cell}");
    };
    close("mean", mean);
    close("ci_low", low);
    close("ci_high", high);
}

fn find<'a>(rows: &'a serde_json::Value, pairs: &[(&str, &str)]) -> &'a serde_json::Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| pairs.iter().all(|(k, v)| r[*k].as_str() == Some(*v)))
        .unwrap_or_else(|| panic!("no row {pairs:?} in {rows}"))
}

#[test]
fn means_counts_and_intervals_match_the_hand_computation() {
    let dir = tempfile::tempdir().unwrap();
    fixture_run(dir.path());
    let c = compare(dir.path(), &["--min-n", "3", "--interval", "wilson"]);
    assert!(c["interval"].as_str().unwrap().contains("Wilson"));

    // Tone: Alice 0.5, 0.1, −0.3; Bob −0.8.
    let alice = find(&c["tone"], &[("group", "alice")]);
    assert_estimate(alice, 3, 0.1, -0.7038, 0.7915);
    assert_eq!(
        (
            alice["positive"].as_u64(),
            alice["neutral"].as_u64(),
            alice["negative"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(alice["sparse"], false);
    let bob = find(&c["tone"], &[("group", "bob")]);
    assert_estimate(bob, 1, -0.8, -0.9950, 0.6646);
    assert_eq!(bob["sparse"], true);
    assert_eq!(bob["group_name"], "Bob B");

    // Stance toward the ceasefire: Alice 0.6, −0.2, 0.3; sanctions only s1.
    let cell = find(&c["stance"], &[("group", "alice"), ("target_id", "ceasefire")]);
    assert_estimate(cell, 3, 0.2333, -0.6380, 0.8426);
    assert_eq!((cell["favor"].as_u64(), cell["against"].as_u64()), (Some(2), Some(1)));
    assert_estimate(
        find(&c["stance"], &[("group", "alice"), ("target_id", "sanctions")]),
        1,
        -0.5,
        -0.9707,
        0.7642,
    );

    // s5 has no actor; s3's article has no date.
    assert_eq!(c["without_group"], 1);
    assert_eq!(c["without_date"], 1);

    // Weeks start on Monday: 2 June and 9 June 2025.
    let week = find(
        &c["timeline"],
        &[("group", "alice"), ("measure", "tone"), ("period_start", "2025-06-09")],
    );
    assert_estimate(week, 1, 0.1, -0.8692, 0.9105);
    let tables = dir.path().join("compare");
    for name in ["stance_matrix", "tone", "timeline"] {
        assert!(tables.join(format!("{name}.parquet")).is_file(), "{name}");
    }
    let written = read_table(&tables, "tone.parquet");
    assert_eq!(written.height(), 2);
}

/// The default interval, by hand: CR1 over articles, `mean ± t(G−1) · √(G/(G−1) ·
/// Σ_g u_g²)` with `u_g` the article's summed `(y − mean) / n`, clipped to [−1, 1].
#[test]
fn clustered_intervals_and_differences_match_the_hand_computation() {
    let dir = tempfile::tempdir().unwrap();
    fixture_run(dir.path());
    let c = compare(dir.path(), &["--diff", "alice", "bob"]);
    assert!(c["interval"].as_str().unwrap().contains("cluster-robust"));

    // Alice's tone 0.5 (a1), 0.1 (a2), −0.3 (a3): u = 0.1333, 0, −0.1333;
    // V = 3/2 · 0.035556 = 0.053333; t(2) = 4.303; half 0.99373.
    let alice = find(&c["tone"], &[("group", "alice")]);
    assert_estimate(alice, 3, 0.1, -0.8937, 1.0);
    assert_eq!(alice["articles"], 3);
    // Bob: one article, so the whole scale.
    assert_estimate(find(&c["tone"], &[("group", "bob")]), 1, -0.8, -1.0, 1.0);
    // Alice toward the ceasefire 0.6, −0.2, 0.3 in three articles: half 1.00403.
    assert_estimate(
        find(&c["stance"], &[("group", "alice"), ("target_id", "ceasefire")]),
        3,
        0.2333,
        -0.7707,
        1.0,
    );

    // Bob less Alice in tone: −0.8 − 0.1 = −0.9; Bob's statement shares article a1
    // with Alice's and adds nothing to its article's sum (its own mean): u = −0.1333,
    // 0, 0.1333 as above, so the half-width is again 0.99373.
    let tone = find(&c["differences"], &[("measure", "tone")]);
    assert_eq!(
        (tone["group_a"].as_str(), tone["group_b"].as_str()),
        (Some("alice"), Some("bob"))
    );
    assert_eq!((tone["n_a"].as_u64(), tone["n_b"].as_u64()), (Some(3), Some(1)));
    let close = |key: &str, want: f64| {
        let got = tone[key].as_f64().unwrap();
        assert!((got - want).abs() < 5e-4, "{key}: {got} vs {want}");
    };
    close("difference", -0.9);
    close("ci_low", -1.8937);
    close("ci_high", 0.0937);
    assert!(dir.path().join("compare/differences.parquet").is_file());

    let table = run(&[
        "compare",
        "--run",
        dir.path().to_str().unwrap(),
        "--diff",
        "alice",
        "bob",
    ]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("Differences: second less first") && text.contains("bob − alice"),
        "{text}"
    );
    let unknown = run(&[
        "compare",
        "--run",
        dir.path().to_str().unwrap(),
        "--diff",
        "alice",
        "carol",
    ]);
    assert_eq!(unknown.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.contains("\"carol\"") && stderr.contains("alice, bob"),
        "{stderr}"
    );
}

#[test]
fn filters_periods_and_groupings() {
    let dir = tempfile::tempdir().unwrap();
    fixture_run(dir.path());
    // One month: Alice's June tone 0.5 and 0.1.
    let c = compare(
        dir.path(),
        &["--every", "month", "--target", "ceasefire", "--interval", "wilson"],
    );
    let june = find(
        &c["timeline"],
        &[("group", "alice"), ("measure", "tone"), ("period_start", "2025-06-01")],
    );
    assert_estimate(june, 2, 0.3, -0.6956, 0.9011);
    assert_eq!(c["targets"], serde_json::json!(["ceasefire"]));
    assert!(c["stance"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["target_id"] == "ceasefire"));

    // From 5 June: only the second article (undated articles fall outside a range).
    let c = compare(dir.path(), &["--since", "2025-06-05", "--interval", "wilson"]);
    let tone = c["tone"].as_array().unwrap();
    assert_eq!(tone.len(), 1);
    assert_estimate(&tone[0], 1, 0.1, -0.8692, 0.9105);

    // By outlet the unattributed statement counts: Herald 0.1 and 0.2.
    let c = compare(dir.path(), &["--by", "source", "--interval", "wilson"]);
    assert_estimate(find(&c["tone"], &[("group", "Herald")]), 2, 0.15, -0.7565, 0.8592);
    assert_eq!(c["without_group"], 0);

    let output = run(&["compare", "--run", dir.path().to_str().unwrap(), "--target", "peace"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("\"peace\"") && stderr.contains("ceasefire, sanctions"),
        "{stderr}"
    );

    let output = run(&["compare", "--run", "/nonexistent/run"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a stancemap run folder"));
}

/// A compared target whose description names a change ("lifting the sanctions") is
/// flagged, from the run's saved configuration: in the JSON and under the text table.
/// A target that is the thing itself is not, nor one left out by `--target`.
#[test]
fn targets_that_name_a_change_are_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let run_dir = dir.path().join("run");
    std::fs::create_dir(&run_dir).unwrap();
    fixture_run(&run_dir);
    // The fixture's tables, with the configuration a real run of this study saves.
    let study = dir.path().join("study.toml");
    std::fs::write(
        &study,
        "name = \"s\"\n[[targets]]\nid = \"ceasefire\"\ndescription = \"a ceasefire\"\n\
         [[targets]]\nid = \"sanctions\"\ndescription = \"lifting the sanctions\"\n",
    )
    .unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, "{\"id\": \"x\", \"text\": \"Alice said yes.\"}\n").unwrap();
    let saved = dir.path().join("saved");
    let output = run(&[
        "run",
        "--quiet",
        "--no-models",
        "--input",
        input.to_str().unwrap(),
        "--study",
        study.to_str().unwrap(),
        "--out",
        saved.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    std::fs::copy(saved.join("run_config.toml"), run_dir.join("run_config.toml")).unwrap();

    assert_eq!(
        compare(&run_dir, &[])["targets_naming_a_change"],
        serde_json::json!(["sanctions"])
    );
    let only_ceasefire = compare(&run_dir, &["--target", "ceasefire"]);
    assert!(
        only_ceasefire.get("targets_naming_a_change").is_none(),
        "{only_ceasefire}"
    );
    let text = run(&["compare", "--run", run_dir.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Targets that name a change, read with care"), "{text}");
    assert!(text.contains("): sanctions."), "{text}");
    let html = dir.path().join("report.html");
    let output = run(&[
        "report",
        "--run",
        run_dir.to_str().unwrap(),
        "--out",
        html.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let html = std::fs::read_to_string(html).unwrap();
    assert!(
        html.contains("Targets that name a change, read with care"),
        "the report says so too"
    );
}

#[test]
fn statements_naming_the_target_are_counted_per_cell() {
    let dir = tempfile::tempdir().unwrap();
    fixture_run(dir.path());
    // Written before stance.parquet had `target_named`: the count is unknown, not zero.
    let old = compare(dir.path(), &[]);
    let cell = find(&old["stance"], &[("group", "alice"), ("target_id", "ceasefire")]);
    assert!(cell["named"].is_null(), "{cell}");
    let table = run(&["compare", "--run", dir.path().to_str().unwrap()]);
    let text = String::from_utf8_lossy(&table.stdout);
    let alice = text
        .lines()
        .find(|l| l.contains("Alice A") && l.contains("ceasefire"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(alice.split_whitespace().any(|w| w == "-"), "{alice}");
    // Nothing to choose by: an error that says why and what to do, not an empty table.
    let refused = run(&["compare", "--named-only", "--run", dir.path().to_str().unwrap()]);
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("stance.parquet") && message.contains("score the run again"),
        "{message}"
    );

    let mut named = stance_table();
    named
        .with_column(Column::new("target_named".into(), [true, false, true, true, false]))
        .unwrap();
    write(dir.path(), "stance", named);
    let c = compare(dir.path(), &[]);
    let named =
        |group: &str, target: &str| find(&c["stance"], &[("group", group), ("target_id", target)])["named"].as_u64();
    assert_eq!(named("alice", "ceasefire"), Some(2));
    assert_eq!(named("alice", "sanctions"), Some(0));
    assert_eq!(named("bob", "ceasefire"), Some(1));
    let matrix = read_table(&dir.path().join("compare"), "stance_matrix.parquet");
    let column = matrix.column("named").unwrap().cast(&DataType::UInt64).unwrap();
    let total: u64 = column.u64().unwrap().into_iter().flatten().sum();
    assert_eq!(total, 3);
    let table = run(&["compare", "--run", dir.path().to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("named = statements whose words name the target"));

    // --named-only: Alice's ceasefire mean over s1 (0.6) and s3 (0.3); her sanctions
    // statement names nothing, so that cell goes; tone keeps every statement.
    let only = compare(dir.path(), &["--named-only"]);
    let cell = find(&only["stance"], &[("group", "alice"), ("target_id", "ceasefire")]);
    assert_eq!((cell["n"].as_u64(), cell["named"].as_u64()), (Some(2), Some(2)));
    assert!((cell["mean"].as_f64().unwrap() - 0.45).abs() < 1e-6, "{cell}");
    assert!(only["stance"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["target_id"] != "sanctions"));
    assert_eq!(find(&only["tone"], &[("group", "alice")])["n"], 3);
    let table = run(&["compare", "--named-only", "--run", dir.path().to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("statements that name it only"));
}
