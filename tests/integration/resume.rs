//! Corpus-scale runs (issue #14): a run killed with SIGKILL and run again ends with the
//! tables of an uninterrupted run; shards and `merge` equal one run; a finished or
//! different run in OUT is refused with what to do.

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::*;

/// The sample corpus, a file of bad, duplicate and new records, and PolNeAR dev (when
/// ../shared is there): inputs of every kind a skip can come from.
pub fn corpus(dir: &Path) -> Vec<String> {
    let sample = project_file("datasets/sample_corpus.jsonl");
    let first: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&sample).unwrap().lines().next().unwrap()).unwrap();
    let extra = dir.join("extra.jsonl");
    let lines = [
        r#"{"id": "extra-1", "text": "\"We will not give up,\" said Maria Lopez, the mayor. Lopez said the plan was sound."}"#
            .to_string(),
        format!(r#"{{"id": {}, "text": "A duplicate of a sample article."}}"#, first["id"]),
        "this line is not JSON".to_string(),
        r#"{"id": "extra-2", "text": "The minister said the talks had failed."}"#.to_string(),
    ];
    std::fs::write(&extra, lines.join("\n")).unwrap();
    let mut inputs = vec![sample.display().to_string(), extra.display().to_string()];
    match shared_data("polnear/dev/text") {
        Some(dev) => inputs.push(dev.display().to_string()),
        None => eprintln!("note: ../shared/data/polnear/dev is absent; the corpus is the sample alone"),
    }
    inputs
}

pub fn run_args(inputs: &[String], out: &Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "run".to_string(),
        "--no-models".to_string(),
        "--threads".into(),
        "2".into(),
    ];
    for input in inputs {
        args.extend(["--input".to_string(), input.clone()]);
    }
    args.extend(["--out".to_string(), out.display().to_string()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

pub fn run_with(args: &[String], env: &[(&str, &str)]) -> Output {
    let mut command = stancemap();
    command.args(args);
    // A scheduler's variables around the test would shard every run.
    for variable in [
        "SLURM_ARRAY_TASK_ID",
        "JOB_COMPLETION_INDEX",
        "AWS_BATCH_JOB_ARRAY_INDEX",
    ] {
        command.env_remove(variable);
    }
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("the stancemap binary runs")
}

pub fn succeeded(output: &Output) {
    assert!(
        output.status.success(),
        "{:?}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A table's rows as sorted strings: equal tables, whatever the row order.
fn sorted_rows(dir: &Path, name: &str) -> Vec<String> {
    let frame = read_table(dir, name);
    // Values as polars prints them (lists included).
    let columns: Vec<Vec<String>> = frame
        .get_columns()
        .iter()
        .map(|c| {
            (0..c.len())
                .map(|i| c.get(i).map_or("∅".to_string(), |v| v.to_string()))
                .collect()
        })
        .collect();
    let mut rows: Vec<String> = (0..frame.height())
        .map(|i| columns.iter().map(|c| c[i].as_str()).collect::<Vec<_>>().join("\u{1f}"))
        .collect();
    rows.sort();
    rows
}

/// What must be equal between two runs of one corpus: every table's rows and the
/// manifest's counts, per-input tallies and skipped records.
pub fn assert_same_run(expected: &Path, actual: &Path) {
    for table in ["articles.parquet", "statements.parquet", "actors.parquet"] {
        let (a, b) = (sorted_rows(expected, table), sorted_rows(actual, table));
        assert_eq!(a.len(), b.len(), "{table}: row counts differ");
        assert!(a == b, "{table} differs");
    }
    let (a, b) = (read_manifest(expected), read_manifest(actual));
    assert_eq!(a["counts"], b["counts"]);
    let tallies = |m: &serde_json::Value| -> Vec<String> {
        m["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| format!("{} {} {} {}", i["path"], i["articles"], i["skipped"], i["error"]))
            .collect()
    };
    assert_eq!(tallies(&a), tallies(&b));
    let skipped = |m: &serde_json::Value| -> Vec<String> {
        let mut s: Vec<String> = m["skipped"].as_array().unwrap().iter().map(|s| s.to_string()).collect();
        s.sort();
        s
    };
    assert_eq!(skipped(&a), skipped(&b));
    assert_eq!(a["outputs"], b["outputs"]);
}

/// The seeded generator the kill points come from (splitmix64).
struct Seeded(u64);

impl Seeded {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

fn chunk_size_for(inputs: &[String]) -> usize {
    // About a dozen chunks: 28 articles alone, 112 with PolNeAR dev.
    if inputs.len() > 2 {
        9
    } else {
        3
    }
}

#[test]
fn runs_killed_at_seeded_points_continue_to_the_tables_of_an_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = corpus(dir.path());
    let chunk = chunk_size_for(&inputs).to_string();
    let extra = ["--chunk-size", chunk.as_str()];
    let whole = dir.path().join("whole");
    succeeded(&run_with(&run_args(&inputs, &whole, &extra), &[]));
    let chunks = read_manifest(&whole)["chunking"]["chunks"].as_u64().unwrap();
    assert!(chunks >= 8, "{chunks} chunks: too few to kill between");

    for seed in [20261201u64, 7, 1999] {
        let mut random = Seeded(seed);
        // Four chunk points, later each time (each re-run continues past the last),
        // then two while finalizing.
        let mut picks = std::collections::BTreeSet::new();
        while picks.len() < 4 {
            picks.insert(random.below(chunks));
        }
        let mut points: Vec<String> = picks
            .into_iter()
            .map(|chunk| {
                let step = ["articles", "parts", "torn", "journal"][random.below(4) as usize];
                format!("chunk:{chunk}:{step}")
            })
            .collect();
        points.push(["finalize:articles", "finalize:statements"][random.below(2) as usize].to_string());
        points.push("finalize:manifest".to_string());
        eprintln!("seed {seed}: kill points {points:?}");

        let out = dir.path().join(format!("killed-{seed}"));
        let args = run_args(&inputs, &out, &extra);
        for point in &points {
            let output = run_with(&args, &[("STANCEMAP_KILL_AT", point)]);
            assert_eq!(
                output.status.signal(),
                Some(libc::SIGKILL),
                "not killed at {point}: {:?}\n{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let output = run_with(&args, &[]);
        succeeded(&output);
        assert_same_run(&whole, &out);
        assert!(!out.join("parts").exists(), "the work files are removed once finished");
        let leftovers: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

#[test]
fn a_run_killed_at_random_moments_continues_and_says_what_was_done_before() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = corpus(dir.path());
    let extra = ["--chunk-size", "2"];
    let whole = dir.path().join("whole");
    succeeded(&run_with(&run_args(&inputs, &whole, &extra), &[]));

    let out = dir.path().join("killed");
    let args = run_args(&inputs, &out, &extra);
    let mut random = Seeded(42);
    let mut killed = 0;
    for _ in 0..4 {
        let mut child = stancemap().args(&args).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20 + random.below(200)));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.signal() != Some(libc::SIGKILL) {
            break; // finished before the kill
        }
        killed += 1;
    }
    eprintln!("killed {killed} times at random moments");
    if !out.join("manifest.json").exists() || out.join("parts").exists() {
        succeeded(&run_with(&args, &[]));
    }
    assert_same_run(&whole, &out);

    // Named kill point: the summary says how much an earlier attempt had done.
    let again = dir.path().join("again");
    let args = run_args(&inputs, &again, &extra);
    let output = run_with(&args, &[("STANCEMAP_KILL_AT", "chunk:3:journal")]);
    assert_eq!(output.status.signal(), Some(libc::SIGKILL));
    let output = run_with(&args, &[]);
    succeeded(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("continued an interrupted run: 4 chunks (8 articles) were done before"),
        "{stdout}"
    );
}

#[test]
fn finished_runs_and_other_runs_in_out_are_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = corpus(dir.path());
    let out = dir.path().join("out");
    let args = run_args(&inputs, &out, &["--chunk-size", "5"]);
    succeeded(&run_with(&args, &[]));
    let again = run_with(&args, &[]);
    assert_eq!(again.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("holds a finished run") && stderr.contains("--overwrite"),
        "{stderr}"
    );
    let mut overwrite = args.clone();
    overwrite.push("--overwrite".into());
    succeeded(&run_with(&overwrite, &[]));

    // An unfinished run continued with another configuration or a changed input.
    let unfinished = dir.path().join("unfinished");
    let args = run_args(&inputs, &unfinished, &["--chunk-size", "5"]);
    let killed = run_with(&args, &[("STANCEMAP_KILL_AT", "chunk:1:journal")]);
    assert_eq!(killed.status.signal(), Some(libc::SIGKILL));
    let other = run_with(&run_args(&inputs, &unfinished, &["--chunk-size", "6"]), &[]);
    assert_eq!(other.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&other.stderr);
    assert!(
        stderr.contains("configuration had: chunk_size = 5") && stderr.contains("configuration now: chunk_size = 6"),
        "{stderr}"
    );
    std::fs::OpenOptions::new()
        .append(true)
        .open(dir.path().join("extra.jsonl"))
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"\n{\"id\": \"late\", \"text\": \"Added later.\"}"))
        .unwrap();
    let changed = run_with(&args, &[]);
    assert_eq!(changed.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&changed.stderr);
    assert!(stderr.contains("extra.jsonl changed"), "{stderr}");
}

fn merge(out: &Path) -> Output {
    stancemap()
        .args(["merge", "--quiet", out.to_str().unwrap()])
        .output()
        .unwrap()
}

#[test]
fn three_shards_then_merge_equal_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = corpus(dir.path());
    let whole = dir.path().join("whole");
    succeeded(&run_with(&run_args(&inputs, &whole, &["--chunk-size", "7"]), &[]));

    let out = dir.path().join("sharded");
    for index in [2, 0] {
        let shard = format!("{index}/3");
        let output = run_with(&run_args(&inputs, &out, &["--chunk-size", "7", "--shard", &shard]), &[]);
        succeeded(&output);
        assert!(out.join(format!("shard={index}")).join("journal.jsonl").exists());
    }
    let early = merge(&out);
    assert_eq!(early.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&early.stderr);
    assert!(stderr.contains("shards 1 of 3 have not started"), "{stderr}");

    // Shard 1 is killed once, then finishes.
    let args = run_args(&inputs, &out, &["--chunk-size", "7", "--shard", "1/3"]);
    let killed = run_with(&args, &[("STANCEMAP_KILL_AT", "chunk:1:parts")]);
    assert_eq!(killed.status.signal(), Some(libc::SIGKILL));
    let unfinished = merge(&out);
    assert!(
        String::from_utf8_lossy(&unfinished.stderr).contains("shards 1 of 3 have not finished"),
        "{}",
        String::from_utf8_lossy(&unfinished.stderr)
    );
    succeeded(&run_with(&args, &[]));
    let refused = run_with(&args, &[]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("finished run"));

    // The merge killed while writing its tables, then after its manifest: run again,
    // it merges again from the shard folders, which stay until it has finished.
    for point in ["finalize:statements", "finalize:manifest"] {
        let killed = stancemap()
            .args(["merge", "--quiet", out.to_str().unwrap()])
            .env("STANCEMAP_KILL_AT", point)
            .output()
            .unwrap();
        assert_eq!(killed.status.signal(), Some(libc::SIGKILL), "{point}");
        assert!(out.join("shard=0").exists());
    }
    succeeded(&merge(&out));
    assert_same_run(&whole, &out);
    assert_eq!(read_manifest(&out)["chunking"]["shards"], 3);
    assert!(!out.join("shard=0").exists(), "shard folders go once merged");
    let again = merge(&out);
    assert!(String::from_utf8_lossy(&again.stderr).contains("finished run"));
}

/// examples/k8s/indexed-job.yaml's contract: each pod runs the same `stancemap run`
/// with JOB_COMPLETION_INDEX set by Kubernetes and `--shard-count` equal to the Job's
/// completions; the merge Job then joins the shards.
#[test]
fn the_kubernetes_indexed_job_contract_gives_the_single_run() {
    let manifest = std::fs::read_to_string(project_file("examples/k8s/indexed-job.yaml")).unwrap();
    let field = |name: &str| -> String {
        manifest
            .lines()
            .find_map(|l| l.trim().strip_prefix(&format!("{name}:")))
            .unwrap_or_else(|| panic!("{name} missing"))
            .trim()
            .trim_matches('"')
            .to_string()
    };
    assert_eq!(field("completionMode"), "Indexed");
    let completions = field("completions");
    let args_line = manifest
        .lines()
        .find(|l| !l.trim_start().starts_with('#') && l.contains("--shard-count"))
        .expect("the pods pass --shard-count");
    assert!(
        args_line.contains(&completions),
        "--shard-count must equal completions: {args_line}"
    );
    let merge_job = std::fs::read_to_string(project_file("examples/k8s/merge-job.yaml")).unwrap();
    assert!(merge_job.contains(r#"command: ["stancemap", "merge", "/data/out"]"#));
    assert!(manifest.contains(r#""--out", "/data/out""#));

    let dir = tempfile::tempdir().unwrap();
    let inputs = corpus(dir.path());
    let whole = dir.path().join("whole");
    succeeded(&run_with(&run_args(&inputs, &whole, &[]), &[]));
    let out = dir.path().join("k8s");
    let count: u32 = completions.parse().unwrap();
    for index in 0..count {
        let index = index.to_string();
        let output = run_with(
            &run_args(&inputs, &out, &["--shard-count", &completions]),
            &[("JOB_COMPLETION_INDEX", index.as_str())],
        );
        succeeded(&output);
    }
    let shard_folders: Vec<PathBuf> = (0..count).map(|i| out.join(format!("shard={i}"))).collect();
    assert!(shard_folders.iter().all(|f| f.exists()));
    succeeded(&merge(&out));
    assert_same_run(&whole, &out);

    let without_count = run_with(
        &run_args(&inputs, &dir.path().join("x"), &[]),
        &[("JOB_COMPLETION_INDEX", "0")],
    );
    assert_eq!(without_count.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&without_count.stderr).contains("--shard-count"));
}

/// Tone or stance rows by statement (and target): the probabilities.
fn scores(dir: &Path, table: &str) -> std::collections::BTreeMap<String, Vec<f64>> {
    let frame = read_table(dir, table);
    let ids = strings(&frame, "statement_id");
    let targets = frame.column("target_id").ok().map(|_| strings(&frame, "target_id"));
    let probabilities: Vec<Vec<f64>> = frame
        .get_column_names()
        .iter()
        .filter(|c| c.starts_with("p_"))
        .map(|c| floats(&frame, c))
        .collect();
    (0..frame.height())
        .map(|i| {
            let target = targets.as_ref().and_then(|t| t[i].clone()).unwrap_or_default();
            let key = format!("{}/{target}", ids[i].clone().unwrap_or_default());
            (key, probabilities.iter().map(|p| p[i]).collect())
        })
        .collect()
}

/// Scores equal to within `tolerance`: chunks of other sizes batch other statements
/// together, and padding moves the last float bits.
fn assert_same_scores(expected: &Path, actual: &Path, tolerance: f64) {
    for table in ["tone.parquet", "stance.parquet"] {
        let (a, b) = (scores(expected, table), scores(actual, table));
        assert!(!a.is_empty(), "{table} is empty");
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "{table}: other rows"
        );
        for (key, p) in &a {
            for (x, y) in p.iter().zip(&b[key]) {
                assert!((x - y).abs() <= tolerance, "{table} {key}: {p:?} against {:?}", b[key]);
            }
        }
    }
}

#[test]
fn scored_runs_resume_and_merge_to_the_same_tone_and_stance() {
    let dir = tempfile::tempdir().unwrap();
    let sample = project_file("datasets/sample_corpus.jsonl").display().to_string();
    let study = project_file("datasets/ukraine_talks.toml").display().to_string();
    let registry = fixture_registry();
    let scored = |out: &Path, extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = [
            "run",
            "--quiet",
            "--threads",
            "2",
            "--extractor",
            "rules",
            "--device",
            "cpu",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for (flag, value) in [
            ("--input", &sample),
            ("--study", &study),
            ("--models", &registry),
            ("--tone-model", &"deberta-v2-tone3".to_string()),
            ("--stance-model", &"deberta-v3-nli-ent0".to_string()),
            ("--out", &out.display().to_string()),
        ] {
            args.extend([flag.to_string(), value.clone()]);
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let whole = dir.path().join("whole");
    succeeded(&run_with(&scored(&whole, &["--chunk-size", "4"]), &[]));

    let killed = dir.path().join("killed");
    let args = scored(&killed, &["--chunk-size", "4"]);
    for point in ["chunk:1:parts", "chunk:3:articles"] {
        let output = run_with(&args, &[("STANCEMAP_KILL_AT", point)]);
        assert_eq!(output.status.signal(), Some(libc::SIGKILL), "{point}");
    }
    succeeded(&run_with(&args, &[]));
    assert_same_run(&whole, &killed);
    assert_same_scores(&whole, &killed, 0.0);
    let manifest = read_manifest(&killed);
    assert_eq!(manifest["scoring"][0]["status"], "scored");
    assert_eq!(
        manifest["scoring"][0]["stats"]["inputs"],
        read_manifest(&whole)["scoring"][0]["stats"]["inputs"]
    );

    let sharded = dir.path().join("sharded");
    for shard in ["0/2", "1/2"] {
        succeeded(&run_with(
            &scored(&sharded, &["--chunk-size", "4", "--shard", shard]),
            &[],
        ));
    }
    succeeded(&merge(&sharded));
    assert_same_run(&whole, &sharded);
    assert_same_scores(&whole, &sharded, 1e-5);
}
