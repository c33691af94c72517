//! Hub models: downloaded from `HF_ENDPOINT` into `HF_HOME` on first use, then read
//! from the cache, also with `HF_HUB_OFFLINE=1`. The "Hub" is a small HTTP server on
//! loopback serving a fixture model the way the Hub's resolve endpoint does (ranged
//! GETs with etag, x-repo-commit and content-range headers); no test needs the
//! internet.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::common::*;

const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

/// Serves `/{repo}/resolve/{revision}/{file}` from `folder`; counts requests.
fn serve(folder: PathBuf, repo: &'static str) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(200) {
            let Ok(mut stream) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let mut range = None;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = line.to_lowercase().strip_prefix("range: bytes=") {
                    let (start, end) = value.trim().split_once('-').unwrap();
                    range = Some((start.parse::<usize>().unwrap(), end.parse::<usize>().ok()));
                }
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
            let prefix = format!("/{repo}/resolve/main/");
            let body = path
                .strip_prefix(&prefix)
                .and_then(|file| std::fs::read(folder.join(file)).ok());
            let Some(body) = body else {
                let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                continue;
            };
            let (start, end) = match range {
                Some((start, end)) => (start, end.unwrap_or(body.len() - 1).min(body.len() - 1)),
                None => (0, body.len() - 1),
            };
            let etag = format!(
                "{:x}",
                body.len() * 7919 + body.iter().map(|&b| b as usize).sum::<usize>()
            );
            let header = format!(
                "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\nContent-Range: bytes {start}-{end}/{}\r\nETag: \"{etag}\"\r\nX-Repo-Commit: {COMMIT}\r\nConnection: close\r\n\r\n",
                end + 1 - start,
                body.len()
            );
            let _ = stream.write_all(header.as_bytes());
            let _ = stream.write_all(&body[start..=end]);
        }
    });
    (address, requests)
}

/// The Hub model a test scores with: `hub-{task}`, from the repo `stancemap/tiny-{task}`.
#[derive(Clone, Copy)]
struct HubModel {
    task: &'static str,
    architecture: &'static str,
}

const TONE: HubModel = HubModel {
    task: "tone",
    architecture: "bert",
};

fn hub_registry(dir: &std::path::Path, model: HubModel) -> PathBuf {
    let path = dir.join("hub.toml");
    let HubModel { task, architecture } = model;
    std::fs::write(
        &path,
        format!("[[models]]\nname = \"hub-{task}\"\ntask = \"{task}\"\narchitecture = \"{architecture}\"\nsource = {{ type = \"hub\", repo = \"stancemap/tiny-{task}\", revision = \"main\" }}\n"),
    )
    .unwrap();
    path
}

fn score(dir: &std::path::Path, hf_home: &std::path::Path, envs: &[(&str, &str)]) -> std::process::Output {
    score_with(TONE, dir, hf_home, envs)
}

fn score_with(
    model: HubModel,
    dir: &std::path::Path,
    hf_home: &std::path::Path,
    envs: &[(&str, &str)],
) -> std::process::Output {
    let rows = dir.join("rows.jsonl");
    std::fs::write(
        &rows,
        "{\"id\": \"1\", \"text\": \"The war must end.\", \"target\": \"ending the war\"}\n",
    )
    .unwrap();
    let mut command = stancemap();
    command
        .args([
            "score",
            "--quiet",
            "--task",
            model.task,
            "--model",
            &format!("hub-{}", model.task),
            "--input",
        ])
        .arg(&rows)
        .arg("--out")
        .arg(dir.join(format!("{}.parquet", model.task)))
        .arg("--models")
        .arg(hub_registry(dir, model))
        .env("HF_HOME", hf_home)
        .env_remove("HF_HUB_OFFLINE")
        .env_remove("HF_ENDPOINT");
    for (key, value) in envs {
        command.env(key, value);
    }
    command.output().unwrap()
}

#[test]
fn hub_models_download_once_then_work_offline() {
    let dir = tempfile::tempdir().unwrap();
    let hf_home = dir.path().join("hf");
    let (endpoint, requests) = serve(
        project_file("tests/fixtures/tiny_models/bert-tone3"),
        "stancemap/tiny-tone",
    );

    let first = score(dir.path(), &hf_home, &[("HF_ENDPOINT", &endpoint)]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let snapshot = hf_home.join("hub/models--stancemap--tiny-tone/snapshots").join(COMMIT);
    for file in ["config.json", "tokenizer.json", "model.safetensors"] {
        assert!(
            snapshot.join(file).exists(),
            "{file} not cached in {}",
            snapshot.display()
        );
    }
    let tone = read_table(dir.path(), "tone.parquet");
    assert_eq!(strings(&tone, "model")[0].as_deref(), Some("hub-tone"));
    let served = requests.load(Ordering::SeqCst);
    assert!(
        served >= 6,
        "metadata and download requests for three files, got {served}"
    );

    // A second run is served from the cache.
    let second = score(dir.path(), &hf_home, &[("HF_ENDPOINT", &endpoint)]);
    assert!(second.status.success());
    assert_eq!(requests.load(Ordering::SeqCst), served);

    // Offline, with nothing listening: the cache is enough.
    let offline = score(
        dir.path(),
        &hf_home,
        &[("HF_HUB_OFFLINE", "1"), ("HF_ENDPOINT", "http://127.0.0.1:9")],
    );
    assert!(offline.status.success(), "{}", String::from_utf8_lossy(&offline.stderr));

    // Offline with an empty cache: a clear refusal.
    let empty = score(dir.path(), &dir.path().join("empty-hf"), &[("HF_HUB_OFFLINE", "1")]);
    assert_eq!(empty.status.code(), Some(1));
    let message = String::from_utf8_lossy(&empty.stderr);
    assert!(
        message.contains("HF_HUB_OFFLINE") && message.contains("stancemap/tiny-tone"),
        "{message}"
    );
}

#[test]
fn a_hub_model_without_tokenizer_json_brings_its_vocabulary_files() {
    let dir = tempfile::tempdir().unwrap();
    let hf_home = dir.path().join("hf");
    let (endpoint, _) = serve(
        project_file("tests/fixtures/tiny_models/bert-tone3-vocab"),
        "stancemap/tiny-tone",
    );
    let first = score(dir.path(), &hf_home, &[("HF_ENDPOINT", &endpoint)]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let snapshot = hf_home.join("hub/models--stancemap--tiny-tone/snapshots").join(COMMIT);
    for file in ["config.json", "vocab.txt", "tokenizer_config.json", "model.safetensors"] {
        assert!(snapshot.join(file).exists(), "{file} not cached");
    }
    assert!(!snapshot.join("tokenizer.json").exists());
    let offline = score(
        dir.path(),
        &hf_home,
        &[("HF_HUB_OFFLINE", "1"), ("HF_ENDPOINT", "http://127.0.0.1:9")],
    );
    assert!(offline.status.success(), "{}", String::from_utf8_lossy(&offline.stderr));
    assert_eq!(read_table(dir.path(), "tone.parquet").height(), 1);
}

#[test]
fn a_sharded_hub_model_brings_every_shard() {
    let dir = tempfile::tempdir().unwrap();
    let hf_home = dir.path().join("hf");
    let fixture = project_file("tests/fixtures/tiny_models/mpnet-nli-ent0-shards");
    let (endpoint, _) = serve(fixture.clone(), "stancemap/tiny-stance");
    let model = HubModel {
        task: "stance",
        architecture: "mpnet",
    };
    let first = score_with(model, dir.path(), &hf_home, &[("HF_ENDPOINT", &endpoint)]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let snapshot = hf_home
        .join("hub/models--stancemap--tiny-stance/snapshots")
        .join(COMMIT);
    let shards: Vec<_> = std::fs::read_dir(&fixture)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("model-") && name.ends_with(".safetensors"))
        .collect();
    assert!(shards.len() >= 2, "{shards:?}");
    for file in shards
        .iter()
        .map(String::as_str)
        .chain(["model.safetensors.index.json"])
    {
        assert!(snapshot.join(file).exists(), "{file} not cached");
    }
    let offline = score_with(
        model,
        dir.path(),
        &hf_home,
        &[("HF_HUB_OFFLINE", "1"), ("HF_ENDPOINT", "http://127.0.0.1:9")],
    );
    assert!(offline.status.success(), "{}", String::from_utf8_lossy(&offline.stderr));
    assert_eq!(read_table(dir.path(), "stance.parquet").height(), 1);
    // A shard missing from the cache: offline, the model is refused, not half loaded.
    let first_shard = snapshot.join(&shards[0]);
    std::fs::remove_file(&first_shard).unwrap();
    let broken = score_with(
        model,
        dir.path(),
        &hf_home,
        &[("HF_HUB_OFFLINE", "1"), ("HF_ENDPOINT", "http://127.0.0.1:9")],
    );
    assert_eq!(broken.status.code(), Some(1));
    let message = String::from_utf8_lossy(&broken.stderr);
    assert!(
        message.contains("shards") && message.contains("HF_HUB_OFFLINE"),
        "{message}"
    );
}
