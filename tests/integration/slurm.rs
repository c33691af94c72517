//! examples/slurm on a real single-node Slurm cluster started by this test
//! (tools/slurm_local_cluster.sh: munged, slurmctld and slurmd on loopback, state in a
//! temp dir): a 4-task job array over the sample corpus and PolNeAR dev, the merge as a
//! dependent job, equal to a single-process run. Needs root and Debian's Slurm (`make
//! slurm`); skipped with a message elsewhere, unless STANCEMAP_REQUIRE_SLURM=1 (CI, and
//! `make test` where it can run).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::common::*;
use crate::resume::{assert_same_run, corpus, run_args, run_with, succeeded};

/// The cluster's daemons, stopped (by pid) when dropped, whatever the test's outcome.
struct LocalCluster {
    dir: PathBuf,
}

impl LocalCluster {
    fn start(dir: &Path) -> Result<LocalCluster, String> {
        let script = project_file("tools/slurm_local_cluster.sh");
        let cluster = LocalCluster { dir: dir.to_path_buf() };
        let output = Command::new(&script)
            .arg("up")
            .arg(dir)
            .output()
            .map_err(|e| e.to_string())?;
        if output.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&output.stdout).trim());
            Ok(cluster)
        } else {
            Err(format!(
                "{:?}: {}{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ))
        }
    }

    fn conf(&self) -> PathBuf {
        self.dir.join("slurm.conf")
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        let _ = Command::new(project_file("tools/slurm_local_cluster.sh"))
            .arg("down")
            .arg(&self.dir)
            .status();
    }
}

fn slurm_missing() -> Option<String> {
    let missing: Vec<&str> = ["munged", "slurmctld", "slurmd", "sbatch", "sinfo"]
        .into_iter()
        .filter(|tool| {
            !Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .collect();
    if !missing.is_empty() {
        return Some(format!("{} missing (as root: make slurm)", missing.join(", ")));
    }
    // SAFETY: getuid has no preconditions.
    if unsafe { libc::getuid() } != 0 {
        return Some("the local cluster's slurmd must run as root".into());
    }
    None
}

#[test]
fn a_slurm_job_array_and_its_dependent_merge_equal_one_run() {
    if let Some(why) = slurm_missing() {
        assert!(
            std::env::var("STANCEMAP_REQUIRE_SLURM").as_deref() != Ok("1"),
            "STANCEMAP_REQUIRE_SLURM=1 but {why}"
        );
        eprintln!("skipped: {why}");
        return;
    }
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let inputs = corpus(dir.path());
    let whole = dir.path().join("whole");
    succeeded(&run_with(&run_args(&inputs, &whole, &["--chunk-size", "9"]), &[]));

    let cluster = LocalCluster::start(&dir.path().join("slurm")).unwrap_or_else(|e| panic!("slurm: {e}"));
    let out = dir.path().join("sharded");
    // The job script adds `run --quiet --threads N`, submit.sh `--out`.
    let mut shard_args = vec!["--no-models".to_string(), "--chunk-size".into(), "9".into()];
    for input in &inputs {
        shard_args.extend(["--input".to_string(), input.clone()]);
    }
    let mut submit = Command::new(project_file("examples/slurm/submit.sh"));
    submit
        .arg("--wait")
        .arg("4")
        .arg(&out)
        .args(&shard_args)
        .env("SLURM_CONF", cluster.conf())
        .env("STANCEMAP", env!("CARGO_BIN_EXE_stancemap"));
    let output = submit.output().unwrap();
    let logs = || -> String {
        std::fs::read_dir(&out)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.file_name().to_string_lossy().ends_with(".log"))
                    .map(|e| {
                        format!(
                            "{}:\n{}",
                            e.path().display(),
                            std::fs::read_to_string(e.path()).unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
    };
    assert!(
        output.status.success(),
        "{:?}\n{}{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
        logs()
    );
    eprintln!("{}", String::from_utf8_lossy(&output.stdout).trim());
    assert_same_run(&whole, &out);
    let manifest = read_manifest(&out);
    assert_eq!(manifest["chunking"]["shards"], 4);
    drop(cluster);
    eprintln!("the Slurm cycle took {:.1} s", started.elapsed().as_secs_f64());
}
