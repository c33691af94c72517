//! stancemap: who said what in news, and how, as Parquet tables.
//!
//! A run passes each article through these stages, in order:
//!
//! 1. [`corpus`] reads articles from JSONL, CSV, Parquet or `.txt` files, keeping the
//!    text verbatim and reporting bad records (file and line) instead of failing.
//! 2. [`text`] finds sentences and quotations and maps byte to character offsets.
//! 3. [`extract`] finds attributions: speaker mention, cue and content spans, and
//!    whether the content is direct, indirect, mixed or descriptive.
//! 4. [`identity`] reads what each speaker mention denotes from its article: the name
//!    in a mention, the full name a surname stands for, each name's gender, which name a
//!    pronoun denotes (a ranker trained on GAP); then
//!    [`actors`] resolves speaker mentions to actors with it: the study's names and
//!    aliases, pronouns, titles and descriptions, or normalised ids for everyone else;
//!    across the run, name forms of one actor merge and roles bound to one person
//!    (`the Republican nominee`) name the descriptions no article resolved.
//! 5. [`score`] runs transformer models over each statement for tone and for stance
//!    toward the study's targets; [`models`] holds what runs them (registry,
//!    classifiers, tokenizers, label maps, and two engines opened only when a model
//!    runs on them: [`models::onnx`], ONNX Runtime on each model's exported graph,
//!    the default on CPU, and [`models::engine`], the libtorch engine library of the
//!    workspace's `engine/` crate, for CUDA and models without an export) and knows
//!    nothing of statements or tables.
//! 6. [`output`] writes `articles`, `statements` and `actors` as zstd Parquet and a
//!    `manifest.json`, each atomically.
//! 7. [`analyze`] reads those tables (lazily) to compare actors: stance and tone with
//!    intervals, over time, and an HTML report (`stancemap compare`, `report`).
//!
//! Beside the stages, [`evaluate`] measures a scoring model against labelled data
//! (`stancemap eval`) through the same scorers a run uses, and [`labels`] turns a
//! run into a sample a person labels (`stancemap label`) and fine-tunes a model on
//! those labels (`stancemap train`).
//!
//! [`config`] turns what the user asked for into a saved, round-tripping
//! [`config::RunConfig`]; [`pipeline::run`] drives the stages over the corpus in
//! chunks, each chunk's tables written as part files and journaled (so a killed run
//! continues), then finalizes the tables; with `--shard I/N` it does a shard's share,
//! and [`pipeline::merge`] joins the shards.

pub mod actors;
pub mod analyze;
pub mod config;
pub mod corpus;
pub mod evaluate;
pub mod extract;
pub mod identity;
pub mod labels;
pub mod models;
pub mod output;
pub mod pipeline;
pub mod score;
pub mod text;

pub use config::{ModelOptions, RunConfig, RunOptions};
pub use pipeline::{run, RunHooks, RunSummary};
