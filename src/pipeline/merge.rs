//! `stancemap merge OUT`: joins the shards of a run (`OUT/shard=0` … `shard=N-1`, each
//! finished) into the tables a single run would have written. Actor merges are decided
//! here, over all shards at once, never per shard.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::config::RunConfig;
use crate::corpus::shard::Shard;

use super::finalize::{finalize, FinishedWork};
use super::journal::{Journal, JOURNAL_FILE};
use super::{remove_temp_files, remove_work_folder, RunError, RunSummary};

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{0} has no shard folders (shard=0, shard=1, …): run `stancemap run --shard I/N --out` it first")]
    NoShards(PathBuf),
    #[error("{folder}: the saved configuration does not read back ({detail}); re-run this shard with --overwrite")]
    BadConfig { folder: PathBuf, detail: String },
    #[error("{folder} is not a shard of the same run as {first}: they differ in configuration or inputs; run every shard with the same command")]
    Different { folder: PathBuf, first: PathBuf },
    #[error(
        "{out}: shards {missing} of {count} have not started; run them (same command, --shard I/{count}), then merge"
    )]
    Missing { out: PathBuf, missing: String, count: u32 },
    #[error("{out}: shards {unfinished} of {count} have not finished; re-run them with the same command (they continue where they stopped), then merge")]
    Unfinished {
        out: PathBuf,
        unfinished: String,
        count: u32,
    },
}

/// Tables already in OUT are replaced: while shard folders remain, the merge (or one
/// killed before it removed them) is not finished.
pub fn merge(out: &Path) -> Result<RunSummary, RunError> {
    let started = Instant::now();
    let mut shards: Vec<(u32, PathBuf)> = std::fs::read_dir(out)
        .map_err(|source| crate::output::OutputError::Io {
            path: out.to_path_buf(),
            source,
        })?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let index = name.strip_prefix("shard=")?.parse().ok()?;
            Some((index, e.path()))
        })
        .collect();
    shards.sort();
    let Some((_, first_folder)) = shards.first().cloned() else {
        // The shard folders go once the merged manifest is written.
        if out.join("manifest.json").exists() {
            return Err(RunError::Finished(out.to_path_buf()));
        }
        return Err(MergeError::NoShards(out.to_path_buf()).into());
    };

    let mut works: Vec<FinishedWork> = Vec::new();
    let mut indices: Vec<u32> = Vec::new();
    let mut first: Option<RunConfig> = None;
    for (folder_index, folder) in &shards {
        let journal = Journal::read(&folder.join(JOURNAL_FILE))?;
        let config: RunConfig = toml::from_str(&journal.header.config_toml).map_err(|e| MergeError::BadConfig {
            folder: folder.clone(),
            detail: e.to_string(),
        })?;
        let different = || MergeError::Different {
            folder: folder.clone(),
            first: first_folder.clone(),
        };
        let Some(shard) = config.shard.filter(|s| s.index == *folder_index) else {
            return Err(different().into());
        };
        if let Some(first) = &first {
            // Shards may differ in their index, their threads and where their node
            // mounts the output folder, nothing else.
            let mut expected = first.clone();
            expected.shard = Some(Shard {
                index: shard.index,
                count: first.shard.map_or(0, |s| s.count),
            });
            expected.threads = config.threads;
            expected.out_dir = config.out_dir.clone();
            if expected != config || works[0].journal.header.inputs != journal.header.inputs {
                return Err(different().into());
            }
        } else {
            first = Some(config);
        }
        indices.push(shard.index);
        works.push(FinishedWork {
            folder: folder.clone(),
            journal,
        });
    }
    let Some(mut config) = first else {
        return Err(MergeError::NoShards(out.to_path_buf()).into());
    };
    let count = config.shard.map_or(1, |s| s.count);
    let listed = |indices: Vec<u32>| indices.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
    let missing: Vec<u32> = (0..count).filter(|i| !indices.contains(i)).collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing {
            out: out.to_path_buf(),
            missing: listed(missing),
            count,
        }
        .into());
    }
    let unfinished: Vec<u32> = works
        .iter()
        .zip(&indices)
        .filter(|(w, _)| !w.journal.finished())
        .map(|(_, &i)| i)
        .collect();
    if !unfinished.is_empty() {
        return Err(MergeError::Unfinished {
            out: out.to_path_buf(),
            unfinished: listed(unfinished),
            count,
        }
        .into());
    }
    config.shard = None;
    config.out_dir = out.to_path_buf();
    // Not `prepare`: a manifest here is from this merge, killed before its clean-up.
    remove_temp_files(out)?;
    let done = finalize(&config, &works)?;
    for work in &works {
        remove_work_folder(&work.folder)?;
    }
    Ok(RunSummary {
        out_dir: out.to_path_buf(),
        counts: done.counts,
        top_speakers: done.top_speakers,
        seconds: started.elapsed().as_secs_f64(),
        outputs: done.outputs,
        scoring: done.scoring,
        failures: done.failures,
        shard: None,
        resumed_chunks: 0,
        resumed_articles: 0,
    })
}
