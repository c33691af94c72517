//! `stancemap compare` on a small run written here as Parquet, checked against
//! means, counts and Wilson intervals computed by hand.

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
    write(
        dir,
        "stance",
        df!(
            "statement_id" => ["s1", "s2", "s3", "s4", "s1"],
            "target_id" => ["ceasefire", "ceasefire", "ceasefire", "ceasefire", "sanctions"],
            "label" => ["favor", "against", "favor", "against", "against"],
            "p_favor" => [0.7f32, 0.2, 0.5, 0.1, 0.1],
            "p_against" => [0.1f32, 0.4, 0.2, 0.8, 0.6],
        )
        .unwrap(),
    );
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
    let c = compare(dir.path(), &["--min-n", "3"]);

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

#[test]
fn filters_periods_and_groupings() {
    let dir = tempfile::tempdir().unwrap();
    fixture_run(dir.path());
    // One month: Alice's June tone 0.5 and 0.1.
    let c = compare(dir.path(), &["--every", "month", "--target", "ceasefire"]);
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
    let c = compare(dir.path(), &["--since", "2025-06-05"]);
    let tone = c["tone"].as_array().unwrap();
    assert_eq!(tone.len(), 1);
    assert_estimate(&tone[0], 1, 0.1, -0.8692, 0.9105);

    // By outlet the unattributed statement counts: Herald 0.1 and 0.2.
    let c = compare(dir.path(), &["--by", "source"]);
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
