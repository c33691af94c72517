//! Integration tests: the real `stancemap` binary (and the library's model parity)
//! against temp dirs, fixtures and `../shared`.
//!
//! One test crate with a module per area, not one crate per file: every test crate
//! links libtorch, polars and rust-bert again, so separate crates only repeat the
//! slowest link step of the build.

// Each area uses its own subset of the shared helpers.
#[allow(dead_code)]
mod common;

mod cli_compare;
mod cli_eval;
mod cli_extractors;
mod cli_models;
mod cli_run;
mod default_models_bars;
mod hub_download;
mod interviews;
mod labels;
mod model_parity;
mod mpnet_stance;
mod polnear_attribution;
mod report_browser;
mod resume;
mod sample_truth;
mod seed_article;
mod seed_scores;
mod slurm;
mod speaker_identity;
mod startup;
mod token_tagger_parity;
