//! `manifest.json`: what a run read, skipped, found and wrote, and how long it took.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::RunConfig;
use crate::corpus::{InputSpec, Skipped};

/// The manifest lists at most this many skipped records (all are counted).
pub const MAX_SKIPPED_LISTED: usize = 1000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub stancemap_version: String,
    pub started_at: String,
    pub finished_at: String,
    pub config: RunConfig,
    pub inputs: Vec<InputReport>,
    pub counts: Counts,
    /// The first [`MAX_SKIPPED_LISTED`] skipped records with file, line and reason.
    pub skipped: Vec<Skipped>,
    pub timings: Timings,
    pub runtime: Runtime,
    /// How the run was cut into chunks and shards.
    #[serde(default)]
    pub chunking: ChunkingReport,
    /// Files written, relative to the output folder.
    pub outputs: Vec<String>,
    /// Models that scored, pinned by the hash of their weights.
    pub models: Vec<ModelReport>,
    /// Per task: what was scored, deduplicated and truncated, or why nothing was.
    pub scoring: Vec<ScoringReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelReport {
    pub name: String,
    pub task: String,
    pub architecture: String,
    pub source: crate::models::ModelSource,
    pub folder: String,
    pub weights_sha256: String,
    /// The engine it ran on: `onnx` or `torch` (see `--engine`).
    #[serde(default)]
    pub engine: String,
    /// `fp32` or `int8` (see `--precision`).
    #[serde(default)]
    pub precision: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoringReport {
    pub task: String,
    /// `scored`, or why not: `no model configured`, `no targets in the study`.
    pub status: String,
    pub stats: Option<crate::score::ScoreStats>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputReport {
    #[serde(flatten)]
    pub input: InputSpec,
    pub bytes: u64,
    pub articles: u64,
    pub skipped: u64,
    /// Set when the input could not be opened at all.
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Counts {
    pub articles: u64,
    pub skipped: u64,
    pub skipped_files: u64,
    pub statements: u64,
    pub statements_by_kind: BTreeMap<String, u64>,
    pub statements_without_speaker: u64,
    pub statements_without_actor: u64,
    pub actors: u64,
    pub actors_in_study: u64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Timings {
    pub read_extract_seconds: f64,
    pub write_seconds: f64,
    pub total_seconds: f64,
    pub articles_per_second: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Runtime {
    pub threads: usize,
    pub device: String,
    /// CUDA devices libtorch saw; null where no model ran (libtorch was not loaded).
    pub cuda_devices: Option<i64>,
    pub extractor: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChunkingReport {
    /// Articles a chunk holds (the last one fewer).
    pub chunk_size: u64,
    pub chunks: u64,
    /// Work folders merged: 1 for a single run, N for `merge` of N shards.
    pub shards: u64,
}
