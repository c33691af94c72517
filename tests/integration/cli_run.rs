//! `stancemap run` end to end on small corpora with bad records mixed in.

use std::path::Path;

use crate::common::*;

fn write_corpus(dir: &Path) {
    let mut jsonl = Vec::new();
    jsonl.extend_from_slice(
        "{\"id\": \"a1\", \"date\": \"2025-06-02\", \"source\": \"Wire\", \"text\": \"“We will win,” Mayor Anna Berg said on Monday.\\n\\nShe said the bridge would reopen in May.\"}\n".as_bytes(),
    );
    jsonl.extend_from_slice(b"{\"id\": \"broken\", \"text\": \n");
    jsonl.extend_from_slice(b"{\"id\": \"latin1\", \"text\": \"caf\xe9 society\"}\n");
    jsonl.extend_from_slice(b"{\"id\": \"empty\", \"text\": \"\"}\n");
    let big = "Word ".repeat(300_000); // 1.5 MB, over --max-article-mb 1
    jsonl.extend_from_slice(format!("{{\"id\": \"big\", \"text\": \"{big}\"}}\n").as_bytes());
    jsonl.extend_from_slice(
        "{\"id\": \"a2\", \"date\": \"2025-06-09\", \"text\": \"According to the ministry, 40 people were hurt. Officials said the toll could rise.\"}\n".as_bytes(),
    );
    jsonl.extend_from_slice("{\"id\": \"a1\", \"text\": \"A duplicate id.\"}\n".as_bytes());
    std::fs::write(dir.join("news.jsonl"), jsonl).unwrap();
    std::fs::write(dir.join("wrong.csv"), "id,body\n1,hello\n").unwrap();
    std::fs::create_dir(dir.join("texts")).unwrap();
    std::fs::write(
        dir.join("texts/t1.txt"),
        "date 2025-07-01\n\"It is over,\" the coach said.\n",
    )
    .unwrap();
}

#[test]
fn bad_records_are_skipped_counted_and_the_rest_is_written() {
    let dir = tempfile::tempdir().unwrap();
    write_corpus(dir.path());
    let out = dir.path().join("out");
    let output = run(&[
        "run",
        // The rules, whose statements on these sentences are known exactly.
        "--extractor",
        "rules",
        "--input",
        dir.path().join("news.jsonl").to_str().unwrap(),
        "--input",
        dir.path().join("*.csv").to_str().unwrap(),
        "--input",
        dir.path().join("texts").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--max-article-mb",
        "1",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    // Each problem is reported once, with file and line.
    for needle in [
        "news.jsonl:2",
        "news.jsonl:3",
        "news.jsonl:4",
        "news.jsonl:5",
        "news.jsonl:7",
        "wrong.csv",
    ] {
        assert_eq!(stderr.matches(needle).count(), 1, "{needle} in:\n{stderr}");
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("articles") && stdout.contains("top speakers"),
        "{stdout}"
    );

    let manifest = read_manifest(&out);
    assert_eq!(manifest["counts"]["articles"], 3);
    assert_eq!(manifest["counts"]["skipped"], 6);
    assert_eq!(manifest["counts"]["skipped_files"], 1);
    let reasons: Vec<String> = manifest["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap().to_string())
        .collect();
    for needle in [
        "malformed JSON",
        "invalid UTF-8",
        "empty text",
        "over the limit",
        "duplicate article id",
        "no column named 'text'",
    ] {
        assert!(
            reasons.iter().any(|r| r.contains(needle)),
            "{needle} not in {reasons:?}"
        );
    }
    assert_eq!(manifest["inputs"][0]["articles"], 2);
    assert_eq!(manifest["inputs"][0]["skipped"], 5);

    let articles = read_table(&out, "articles.parquet");
    assert_eq!(
        strings(&articles, "article_id"),
        vec![Some("a1".into()), Some("a2".into()), Some("t1".into())]
    );
    let dates = articles
        .column("date")
        .unwrap()
        .cast(&polars::prelude::DataType::String)
        .unwrap();
    assert_eq!(dates.str().unwrap().get(2), Some("2025-07-01"));
    assert_eq!(ints(&articles, "text_offset")[2], Some(16));

    let rows = statement_rows(&out);
    let by = |article: &str, needle: &str| {
        rows.iter()
            .find(|r| r.article_id == article && r.content.contains(needle))
            .cloned()
    };
    let win = by("a1", "We will win").expect("the direct quote");
    assert_eq!(
        (win.actor_id.as_deref(), win.kind.as_str()),
        (Some("anna_berg"), "direct")
    );
    let bridge = by("a1", "bridge").expect("the reported statement");
    assert_eq!(
        (bridge.actor_id.as_deref(), bridge.speaker_text.as_deref()),
        (Some("anna_berg"), Some("She"))
    );
    let ministry = by("a2", "40 people").expect("according to");
    assert_eq!(
        ministry.cue.as_deref().map(str::to_lowercase).as_deref(),
        Some("according to")
    );
    assert!(by("t1", "It is over").is_some());

    let actors = read_table(&out, "actors.parquet");
    let ids = strings(&actors, "actor_id");
    assert!(ids.contains(&Some("anna_berg".into())), "{ids:?}");
    // `the ministry` of an article that names no ministry, and `Officials`, denote no
    // entity: their statements have no actor.
    assert_eq!(ministry.actor_id, None);
    assert!(
        !ids.iter()
            .flatten()
            .any(|id| id.contains("ministry") || id == "officials"),
        "{ids:?}"
    );
    // Each actor lists the speaker texts that named it, for auditing.
    let berg = ids.iter().position(|id| id.as_deref() == Some("anna_berg")).unwrap();
    let forms = actors
        .column("mention_forms")
        .unwrap()
        .list()
        .unwrap()
        .get_as_series(berg)
        .unwrap();
    let forms: Vec<&str> = forms.str().unwrap().into_iter().flatten().collect();
    assert!(forms.contains(&"She") && forms.len() >= 2, "{forms:?}");

    let config = stancemap::RunConfig::load(&out.join("run_config.toml")).unwrap();
    assert_eq!(config.inputs.len(), 3);
    assert_eq!(config.limits.max_article_bytes, 1_000_000);
    assert_eq!(serde_json::to_value(&config).unwrap(), manifest["config"]);
    // No temporary files are left behind.
    let leftovers: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn strict_turns_skips_into_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    write_corpus(dir.path());
    let out = dir.path().join("out");
    let output = run(&[
        "run",
        "--quiet",
        "--strict",
        "--input",
        dir.path().join("news.jsonl").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--max-article-mb",
        "1",
    ]);
    assert_eq!(output.status.code(), Some(2));
    // The good rows are still written.
    assert_eq!(read_table(&out, "articles.parquet").height(), 2);
}

#[test]
fn nothing_readable_exits_2_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.jsonl"), "not json\n{\"id\": \"x\"}\n").unwrap();
    let out = dir.path().join("out");
    let output = run(&[
        "run",
        "--quiet",
        "--input",
        dir.path().join("bad.jsonl").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no article could be read"));
    let manifest = read_manifest(&out);
    assert_eq!(manifest["counts"]["skipped"], 2);
}

#[test]
fn bad_options_exit_1_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(&[
        "run",
        "--input",
        dir.path().join("nope/*.jsonl").to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("matches no file"));
    let study = dir.path().join("study.toml");
    std::fs::write(&study, "[[actors]]\nid = \"Bad Id\"\nname = \"x\"\n").unwrap();
    std::fs::write(dir.path().join("a.jsonl"), "{\"id\": \"a\", \"text\": \"x\"}\n").unwrap();
    let output = run(&[
        "run",
        "--input",
        dir.path().join("a.jsonl").to_str().unwrap(),
        "--study",
        study.to_str().unwrap(),
        "--out",
        dir.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("study.toml"));
}

#[test]
fn parquet_and_csv_corpora_read_like_jsonl() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let mut frame = df!(
        "id" => ["p1"],
        "text" => ["The senator said the vote was close."],
    )
    .unwrap();
    ParquetWriter::new(std::fs::File::create(dir.path().join("c.parquet")).unwrap())
        .finish(&mut frame)
        .unwrap();
    std::fs::write(
        dir.path().join("w.csv"),
        "url,date,title,text\nhttps://w/1,2019-01-02,T,\"Officials said the plan failed.\"\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = run(&[
        "run",
        "--quiet",
        "--extractor",
        "rules",
        "--input",
        dir.path().join("c.parquet").to_str().unwrap(),
        "--input",
        dir.path().join("w.csv").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let rows = statement_rows(&out);
    assert!(rows
        .iter()
        .any(|r| r.article_id == "p1" && r.content == "the vote was close"));
    assert!(rows
        .iter()
        .any(|r| r.article_id.starts_with("w-") && r.content == "the plan failed"));
}

/// Every table of a run without the input file paths, for comparing runs over other files.
fn tables_without_origins(out: &Path) -> Vec<polars::prelude::DataFrame> {
    ["articles.parquet", "statements.parquet", "actors.parquet"]
        .iter()
        .map(|name| {
            let frame = read_table(out, name);
            let keep: Vec<String> = frame
                .get_column_names()
                .into_iter()
                .filter(|c| c.as_str() != "input_file")
                .map(|c| c.to_string())
                .collect();
            frame.select(keep).unwrap()
        })
        .collect()
}

#[test]
fn gzip_and_zstd_inputs_give_the_same_tables_as_their_plain_files() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let plain_jsonl = std::fs::read(project_file("datasets/sample_corpus.jsonl")).unwrap();
    let plain_csv = b"url,date,title,text\nhttps://w/1,2019-01-02,T,\"Officials said the plan failed.\"\n".to_vec();
    let gzip = |bytes: &[u8]| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    };
    let forms: [(&str, Vec<u8>, &str, Vec<u8>); 3] = [
        ("plain", plain_jsonl.clone(), "w.csv", plain_csv.clone()),
        ("gz", gzip(&plain_jsonl), "w.csv.gz", gzip(&plain_csv)),
        (
            "zst",
            zstd::encode_all(&plain_jsonl[..], 3).unwrap(),
            "w.csv.zst",
            zstd::encode_all(&plain_csv[..], 3).unwrap(),
        ),
    ];
    let mut runs = Vec::new();
    for (form, jsonl, csv_name, csv) in forms {
        let folder = dir.path().join(form);
        std::fs::create_dir(&folder).unwrap();
        let jsonl_name = if form == "plain" {
            "news.jsonl".to_string()
        } else {
            format!("news.jsonl.{form}")
        };
        std::fs::write(folder.join(&jsonl_name), jsonl).unwrap();
        std::fs::write(folder.join(csv_name), csv).unwrap();
        let out = folder.join("out");
        let output = run(&[
            "run",
            "--quiet",
            "--no-models",
            "--input",
            folder.join(&jsonl_name).to_str().unwrap(),
            "--input",
            folder.join(csv_name).to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(
            output.status.success(),
            "{form}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let manifest = read_manifest(&out);
        assert_eq!(manifest["counts"]["skipped"], 0, "{form}");
        runs.push((form, tables_without_origins(&out)));
    }
    let (_, plain) = &runs[0];
    assert!(plain[1].height() > 100, "the sample corpus has statements");
    for (form, tables) in &runs[1..] {
        for (a, b) in plain.iter().zip(tables) {
            assert!(
                a.equals_missing(b),
                "{form} differs from the plain files:\n{a:?}\n{b:?}"
            );
        }
    }
}

#[test]
fn a_corrupt_compressed_file_is_skipped_with_its_line_and_the_run_goes_on() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let lines: String = (0..2000)
        .map(|i| format!("{{\"id\": \"g{i}\", \"text\": \"Officials said plan {i} failed.\"}}\n"))
        .collect();
    encoder.write_all(lines.as_bytes()).unwrap();
    let mut gz = encoder.finish().unwrap();
    let cut = gz.len() / 2;
    gz.truncate(cut);
    std::fs::write(dir.path().join("cut.jsonl.gz"), gz).unwrap();
    std::fs::write(
        dir.path().join("ok.jsonl"),
        "{\"id\": \"k1\", \"text\": \"The mayor said the bridge would reopen.\"}\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = run(&[
        "run",
        "--quiet",
        "--no-models",
        "--input",
        dir.path().join("cut.jsonl.gz").to_str().unwrap(),
        "--input",
        dir.path().join("ok.jsonl").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let manifest = read_manifest(&out);
    let skipped = &manifest["skipped"][0];
    assert!(skipped["file"].as_str().unwrap().ends_with("cut.jsonl.gz"), "{skipped}");
    assert!(skipped["line"].as_u64().unwrap() > 1, "{skipped}");
    assert!(skipped["reason"].as_str().unwrap().contains("read error"), "{skipped}");
    let articles = strings(&read_table(&out, "articles.parquet"), "article_id");
    assert!(
        articles.contains(&Some("k1".to_string())),
        "the plain file after it was read"
    );
    // What came before the damage is kept.
    assert!(
        articles.contains(&Some("g0".to_string())),
        "the readable part of the damaged file"
    );
    assert_eq!(manifest["counts"]["skipped"], 1);
}
