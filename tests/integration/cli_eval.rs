//! `stancemap eval` with real (tiny) models: its figures must agree with what
//! `stancemap score` writes for the same texts, counted here independently.

use crate::common::*;
use polars::prelude::*;

fn eval_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["eval", "--json", "--models"];
    let registry = fixture_registry();
    all.push(&registry);
    all.extend_from_slice(args);
    let output = run(&all);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn score_table(dir: &std::path::Path, task: &str, model: &str, rows: &[serde_json::Value]) -> DataFrame {
    let input = dir.join(format!("{task}.jsonl"));
    let lines: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
    std::fs::write(&input, lines.join("\n")).unwrap();
    let out = dir.join(format!("{task}.parquet"));
    let output = run(&[
        "score",
        "--quiet",
        "--task",
        task,
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--models",
        &fixture_registry(),
        "--model",
        model,
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    ParquetReader::new(std::fs::File::open(out).unwrap()).finish().unwrap()
}

const SENTENCES: [(&str, u8); 6] = [
    ("The war must end.", 1),
    ("Great progress was made!", 1),
    ("useful and constructive", 1),
    ("Civilian casualties have tested his patience.", 0),
    ("The talks collapsed in anger.", 0),
    ("Everyone agrees this war must come to a close.", 0),
];

#[test]
fn tone_eval_agrees_with_score_and_reports_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("sst2.tsv");
    let mut text = String::from("sentence\tlabel\n");
    for (s, l) in SENTENCES {
        text.push_str(&format!("{s}\t{l}\n"));
    }
    text.push_str("no label here\n");
    std::fs::write(&data, text).unwrap();

    let report = eval_json(&[
        "--task",
        "tone",
        "--format",
        "sst2",
        "--data",
        data.to_str().unwrap(),
        "--model",
        "bert-tone3",
    ]);
    assert_eq!(report["items"], 6);
    assert_eq!(report["skipped"], 1);
    assert_eq!(report["skipped_lines"][0]["line"], 8);

    let rows: Vec<serde_json::Value> = SENTENCES
        .iter()
        .enumerate()
        .map(|(i, (s, _))| serde_json::json!({"id": i.to_string(), "text": s}))
        .collect();
    let scored = score_table(dir.path(), "tone", "bert-tone3", &rows);
    let (pos, neg) = (floats(&scored, "p_positive"), floats(&scored, "p_negative"));
    let mut confusion = [[0u64; 2]; 2];
    for (i, (_, gold)) in SENTENCES.iter().enumerate() {
        let predicted = usize::from(pos[i] >= neg[i]);
        confusion[*gold as usize][predicted] += 1;
    }
    let expected: Vec<Vec<u64>> = confusion.iter().map(|r| r.to_vec()).collect();
    let reported: Vec<Vec<u64>> = serde_json::from_value(report["classification"]["confusion"].clone()).unwrap();
    assert_eq!(reported, expected);
    let accuracy = (confusion[0][0] + confusion[1][1]) as f64 / 6.0;
    assert!((report["classification"]["accuracy"].as_f64().unwrap() - accuracy).abs() < 1e-12);
}

#[test]
fn semeval_stance_eval_agrees_with_score_and_reports_f1avg() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("semeval.txt");
    let tweets = [
        ("Atheism", "God\u{2019}s love is all we need", "AGAINST"),
        ("Atheism", "Religion is a private matter", "FAVOR"),
        ("Hillary Clinton", "She will win the election", "FAVOR"),
        ("Hillary Clinton", "Weather is nice today", "NONE"),
        ("Legalization of Abortion", "Every life is precious", "AGAINST"),
    ];
    // The official file is Windows-1252 with CRLF line ends.
    let mut bytes = b"ID\tTarget\tTweet\tStance\r\n".to_vec();
    for (i, (target, tweet, stance)) in tweets.iter().enumerate() {
        let tweet = tweet.replace('\u{2019}', "\u{92}");
        bytes.extend(format!("{}\t{target}\t", i + 1).bytes());
        bytes.extend(tweet.chars().map(|c| c as u32 as u8));
        bytes.extend(format!("\t{stance}\r\n").bytes());
    }
    std::fs::write(&data, bytes).unwrap();

    let report = eval_json(&[
        "--task",
        "stance",
        "--format",
        "semeval",
        "--data",
        data.to_str().unwrap(),
        "--model",
        "bert-nli-ent0",
    ]);
    assert_eq!(report["items"], 5);

    let rows: Vec<serde_json::Value> = tweets
        .iter()
        .enumerate()
        .map(|(i, (target, tweet, _))| serde_json::json!({"id": i.to_string(), "text": tweet, "target": target}))
        .collect();
    let scored = score_table(dir.path(), "stance", "bert-nli-ent0", &rows);
    let labels = strings(&scored, "label");
    let names = ["favor", "against", "none"];
    let mut confusion = [[0u64; 3]; 3];
    for (i, (_, _, stance)) in tweets.iter().enumerate() {
        let gold = names.iter().position(|n| n.eq_ignore_ascii_case(stance)).unwrap();
        let predicted = names.iter().position(|n| Some(n.to_string()) == labels[i]).unwrap();
        confusion[gold][predicted] += 1;
    }
    let reported: Vec<Vec<u64>> = serde_json::from_value(report["classification"]["confusion"].clone()).unwrap();
    assert_eq!(reported, confusion.iter().map(|r| r.to_vec()).collect::<Vec<_>>());
    let f1 = |c: usize| {
        let tp = confusion[c][c] as f64;
        let predicted: u64 = (0..3).map(|g| confusion[g][c]).sum();
        let gold: u64 = confusion[c].iter().sum();
        if tp == 0.0 {
            0.0
        } else {
            2.0 * tp / (predicted + gold) as f64
        }
    };
    let f1_avg = (f1(0) + f1(1)) / 2.0;
    assert!((report["f1_avg"].as_f64().unwrap() - f1_avg).abs() < 1e-12);

    // The signed score compare averages, against the gold side, from the scored table.
    let (favor, against) = (floats(&scored, "p_favor"), floats(&scored, "p_against"));
    let signed: Vec<f64> = favor.iter().zip(&against).map(|(f, a)| f - a).collect();
    let sides: Vec<f64> = tweets
        .iter()
        .map(|(_, _, stance)| match *stance {
            "FAVOR" => 1.0,
            "AGAINST" => -1.0,
            _ => 0.0,
        })
        .collect();
    let n = signed.len() as f64;
    let (ms, mg) = (signed.iter().sum::<f64>() / n, sides.iter().sum::<f64>() / n);
    let cov: f64 = signed.iter().zip(&sides).map(|(s, g)| (s - ms) * (g - mg)).sum();
    let var = |xs: &[f64], m: f64| xs.iter().map(|x| (x - m).powi(2)).sum::<f64>();
    let r = cov / (var(&signed, ms) * var(&sides, mg)).sqrt();
    let fit = &report["signed_score"];
    assert!(
        (fit["pearson_r"].as_f64().unwrap() - r).abs() < 1e-6,
        "{fit} against r {r}"
    );
    for side in fit["by_gold"].as_array().unwrap() {
        let label = side["label"].as_str().unwrap();
        let of_side: Vec<f64> = tweets
            .iter()
            .zip(&signed)
            .filter(|((_, _, stance), _)| stance.eq_ignore_ascii_case(label))
            .map(|(_, s)| *s)
            .collect();
        assert_eq!(side["n"].as_u64().unwrap(), of_side.len() as u64, "{label}");
        let mean = of_side.iter().sum::<f64>() / of_side.len() as f64;
        assert!(
            (side["mean"].as_f64().unwrap() - mean).abs() < 1e-6,
            "{label}: {side} against {mean}"
        );
    }
}

#[test]
fn a_format_of_another_task_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("sst2.tsv");
    std::fs::write(&data, "sentence\tlabel\nfine\t1\n").unwrap();
    let output = run(&[
        "eval",
        "--task",
        "stance",
        "--format",
        "sst2",
        "--data",
        data.to_str().unwrap(),
        "--models",
        &fixture_registry(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("holds tone data") && stderr.contains("semeval"),
        "{stderr}"
    );
}
