//! Shards: a run's stable share of the articles, so that a job array can split a
//! corpus over machines and `stancemap merge` can join the parts.
//!
//! An article belongs to shard `hash(id) mod count`, a hash that does not depend on
//! the file order, the machine or the stancemap build. A record without an id (a bad
//! line) belongs to the shard of its `file:line`, so that exactly one shard reports it.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Skipped;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 0-based.
    pub index: u32,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error("--shard {0:?}: write it as INDEX/COUNT with 0 ≤ INDEX < COUNT, e.g. 0/4")]
    Malformed(String),
    #[error("{variable}={value:?} is not a shard index: unset it or pass --shard INDEX/COUNT")]
    BadVariable { variable: &'static str, value: String },
    #[error("{index_variable}={index} but the array has {count} tasks ({count_variable}): stancemap needs array indices 0..COUNT-1 (or MIN..MIN+COUNT-1); pass --shard INDEX/COUNT")]
    OutOfRange {
        index_variable: &'static str,
        count_variable: &'static str,
        index: u32,
        count: u32,
    },
    #[error("JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but not the number of shards: pass --shard-count N (the Job's completions)")]
    NoCount,
}

impl Shard {
    pub fn parse(text: &str) -> Result<Shard, ShardError> {
        let malformed = || ShardError::Malformed(text.to_string());
        let (index, count) = text.split_once('/').ok_or_else(malformed)?;
        let index: u32 = index.trim().parse().map_err(|_| malformed())?;
        let count: u32 = count.trim().parse().map_err(|_| malformed())?;
        if count == 0 || index >= count {
            return Err(malformed());
        }
        Ok(Shard { index, count })
    }

    /// The shard a scheduler's environment names, if any: Slurm job arrays
    /// (`SLURM_ARRAY_TASK_ID`, `_COUNT`, `_MIN`), Kubernetes Indexed Jobs
    /// (`JOB_COMPLETION_INDEX`, with the count from `--shard-count`), AWS Batch array
    /// jobs (`AWS_BATCH_JOB_ARRAY_INDEX`, `_SIZE`).
    pub fn from_environment(
        var: impl Fn(&str) -> Option<String>,
        shard_count: Option<u32>,
    ) -> Result<Option<Shard>, ShardError> {
        let number = |name: &'static str| -> Result<Option<u32>, ShardError> {
            match var(name) {
                None => Ok(None),
                Some(value) => value
                    .trim()
                    .parse()
                    .map(Some)
                    .map_err(|_| ShardError::BadVariable { variable: name, value }),
            }
        };
        let checked = |index_variable, count_variable, index: u32, count: u32| {
            if count == 0 || index >= count {
                Err(ShardError::OutOfRange {
                    index_variable,
                    count_variable,
                    index,
                    count,
                })
            } else {
                Ok(Some(Shard { index, count }))
            }
        };
        if let Some(id) = number("SLURM_ARRAY_TASK_ID")? {
            let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let count = match shard_count {
                Some(n) => n,
                None => number("SLURM_ARRAY_TASK_COUNT")?.unwrap_or(0),
            };
            return checked(
                "SLURM_ARRAY_TASK_ID",
                "SLURM_ARRAY_TASK_COUNT",
                id.saturating_sub(min),
                count,
            );
        }
        if let Some(index) = number("JOB_COMPLETION_INDEX")? {
            let count = shard_count.ok_or(ShardError::NoCount)?;
            return checked("JOB_COMPLETION_INDEX", "--shard-count", index, count);
        }
        if let Some(index) = number("AWS_BATCH_JOB_ARRAY_INDEX")? {
            let count = match shard_count {
                Some(n) => n,
                None => number("AWS_BATCH_JOB_ARRAY_SIZE")?.unwrap_or(0),
            };
            return checked("AWS_BATCH_JOB_ARRAY_INDEX", "AWS_BATCH_JOB_ARRAY_SIZE", index, count);
        }
        Ok(None)
    }

    pub fn owns_key(&self, key_hash: u64) -> bool {
        key_hash % u64::from(self.count) == u64::from(self.index)
    }

    /// Whether a skipped record is this shard's to report.
    pub fn owns_skip(&self, skip: &Skipped) -> bool {
        self.owns_key(stable_hash(&skip_key(skip)))
    }

    /// The shard's folder inside the run's output folder (hive style).
    pub fn folder_name(&self) -> String {
        format!("shard={}", self.index)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// A hash that is the same on every machine and in every build (unlike std's).
pub fn stable_hash(text: &str) -> u64 {
    let digest = Sha256::digest(text.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first)
}

fn skip_key(skip: &Skipped) -> String {
    match (&skip.article_id, skip.line) {
        (Some(id), _) => id.clone(),
        (None, Some(line)) => format!("{}:{line}", skip.file),
        (None, None) => skip.file.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn parses_index_over_count_and_refuses_the_rest() {
        assert_eq!(Shard::parse("2/3").unwrap(), Shard { index: 2, count: 3 });
        for bad in ["3/3", "1", "a/2", "0/0", "-1/2"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn schedulers_name_the_shard_through_their_environment() {
        let slurm = env(&[("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_COUNT", "4")]);
        assert_eq!(
            Shard::from_environment(slurm, None).unwrap(),
            Some(Shard { index: 3, count: 4 })
        );
        let from_one = env(&[
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(
            Shard::from_environment(from_one, None).unwrap(),
            Some(Shard { index: 3, count: 4 })
        );
        let k8s = env(&[("JOB_COMPLETION_INDEX", "1")]);
        assert_eq!(
            Shard::from_environment(&k8s, Some(5)).unwrap(),
            Some(Shard { index: 1, count: 5 })
        );
        assert_eq!(Shard::from_environment(&k8s, None), Err(ShardError::NoCount));
        let aws = env(&[("AWS_BATCH_JOB_ARRAY_INDEX", "0"), ("AWS_BATCH_JOB_ARRAY_SIZE", "2")]);
        assert_eq!(
            Shard::from_environment(aws, None).unwrap(),
            Some(Shard { index: 0, count: 2 })
        );
        assert_eq!(Shard::from_environment(env(&[]), Some(3)).unwrap(), None);
        let stepped = env(&[("SLURM_ARRAY_TASK_ID", "6"), ("SLURM_ARRAY_TASK_COUNT", "4")]);
        let err = Shard::from_environment(stepped, None).unwrap_err().to_string();
        assert!(err.contains("--shard INDEX/COUNT"), "{err}");
        let garbage = env(&[("JOB_COMPLETION_INDEX", "x")]);
        assert!(matches!(
            Shard::from_environment(garbage, Some(2)),
            Err(ShardError::BadVariable { .. })
        ));
    }

    #[test]
    fn shards_split_ids_evenly_and_stably() {
        assert_eq!(stable_hash("article-1"), stable_hash("article-1"));
        let shards: Vec<Shard> = (0..3).map(|index| Shard { index, count: 3 }).collect();
        let mut sizes = [0usize; 3];
        for n in 0..3000 {
            let hash = stable_hash(&format!("id-{n}"));
            let owners: Vec<usize> = (0..3).filter(|&i| shards[i].owns_key(hash)).collect();
            assert_eq!(owners.len(), 1);
            sizes[owners[0]] += 1;
        }
        assert!(sizes.iter().all(|&s| (900..1100).contains(&s)), "{sizes:?}");
    }
}
