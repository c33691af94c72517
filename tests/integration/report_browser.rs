//! The HTML report in a real browser: headless Chromium renders it (screenshot),
//! and its search box filters the statements table.
//!
//! Needs Chromium (`make test` installs Debian's `chromium` where it runs as root
//! with apt; `STANCEMAP_CHROMIUM` names another binary). Without it the test is
//! skipped with a message, unless STANCEMAP_REQUIRE_BROWSER=1 (as CI and `make test`
//! with a browser set).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("STANCEMAP_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn browser(chromium: &Path, profile: &Path, args: &[&str]) -> std::process::Output {
    Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium starts")
}

fn rows(dom: &str) -> (usize, Vec<String>) {
    let mut total = 0;
    let mut visible = Vec::new();
    for chunk in dom.split("<tr ").skip(1) {
        let tag = &chunk[..chunk.find('>').unwrap_or(chunk.len())];
        if !tag.contains("data-search=") {
            continue;
        }
        total += 1;
        if !tag.contains("hidden") {
            let start = tag.find("data-search=\"").map(|i| i + 13).unwrap_or(0);
            let end = tag[start..].find('"').map(|i| start + i).unwrap_or(tag.len());
            visible.push(tag[start..end].to_string());
        }
    }
    (total, visible)
}

#[test]
fn report_renders_and_its_search_filters_rows() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var("STANCEMAP_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "chromium is missing: install Debian's chromium (`make browser` as root) \
             or name a binary with STANCEMAP_CHROMIUM"
        );
        eprintln!("skipped: no chromium (install Debian's chromium, or set STANCEMAP_CHROMIUM)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let run_dir = dir.path().join("run");
    let output = run(&[
        "run",
        "--quiet",
        "--input",
        project_file("datasets/sample_corpus.jsonl").to_str().unwrap(),
        "--study",
        project_file("datasets/sample_study.toml").to_str().unwrap(),
        "--models",
        project_file("tests/fixtures/models.toml").to_str().unwrap(),
        "--out",
        run_dir.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report = dir.path().join("report.html");
    let output = run(&[
        "report",
        "--run",
        run_dir.to_str().unwrap(),
        "--out",
        report.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the report fetches nothing"
    );

    let profile = dir.path().join("profile");
    let screenshot = dir.path().join("report.png");
    let url = format!("file://{}", report.display());
    let shot = browser(
        &chromium,
        &profile,
        &[
            "--window-size=1280,2400",
            &format!("--screenshot={}", screenshot.display()),
            &url,
        ],
    );
    let png = std::fs::read(&screenshot)
        .unwrap_or_else(|_| panic!("no screenshot: {}", String::from_utf8_lossy(&shot.stderr)));
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "screenshot of {} bytes",
        png.len()
    );
    if let Some(keep) = std::env::var_os("STANCEMAP_SCREENSHOT") {
        std::fs::copy(&screenshot, keep).unwrap();
    }

    // The rendered page: heatmap cells, timeline lines, the statements table.
    let dom = String::from_utf8(browser(&chromium, &profile, &["--dump-dom", &url]).stdout).unwrap();
    let heatmap = &dom[dom.find("id=\"heatmap\"").expect("heatmap section")..];
    let cells = heatmap.matches("class=\"cell\"").count();
    let groups: std::collections::BTreeSet<&str> = heatmap
        .split("data-group=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap_or(0)])
        .collect();
    let targets: std::collections::BTreeSet<&str> = heatmap
        .split("data-target=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap_or(0)])
        .collect();
    assert!(
        groups.len() >= 4 && targets.len() >= 3,
        "{cells} cells: {groups:?} × {targets:?}"
    );
    let timeline = &dom[dom.find("id=\"timeline\"").expect("timeline section")..];
    assert!(timeline.matches("<polyline").count() >= 4, "timeline lines");
    let weeks = timeline[..timeline.find("</figure>").unwrap()]
        .matches("<circle")
        .count();
    assert!(weeks >= 3, "several weeks of points");
    let (total, visible) = rows(&dom);
    assert!(total >= 50, "{total} statement rows");
    assert_eq!(visible.len(), total, "without a query every row shows");

    // Searching (the query comes in the URL's #q=) hides the rows that do not match.
    let dom = String::from_utf8(
        browser(
            &chromium,
            &profile,
            &["--dump-dom", &format!("{url}#q=ilves%20ceasefire")],
        )
        .stdout,
    )
    .unwrap();
    let (total_after, visible) = rows(&dom);
    assert_eq!(total_after, total);
    assert!(
        !visible.is_empty() && visible.len() < total,
        "{} of {total} rows match",
        visible.len()
    );
    assert!(visible.iter().all(|s| s.contains("ilves") && s.contains("ceasefire")));
    assert!(
        dom.contains(&format!("<span id=\"shown\">{}</span>", visible.len())),
        "the count follows the search"
    );
}
