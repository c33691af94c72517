//! The `stancemap` command: parses arguments, resolves the run configuration, runs,
//! and maps the outcome to an exit code (0 done, 1 error, 2 nothing read or, with
//! --strict, something skipped).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use stancemap::models::DeviceChoice;
use stancemap::{RunConfig, RunHooks, RunOptions, RunSummary};

#[derive(Parser)]
#[command(
    name = "stancemap",
    version,
    about = "Who said what in news: attributed statements as Parquet tables"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read a corpus, find each actor's statements and write Parquet tables.
    Run {
        /// A .jsonl, .csv, .parquet or .txt file, a folder of .txt files, or a glob; repeatable.
        #[arg(long = "input", short = 'i', required = true)]
        inputs: Vec<String>,
        /// Folder for the tables, manifest.json and run_config.toml.
        #[arg(long, short = 'o')]
        out: PathBuf,
        /// Study file (TOML) naming actors, their aliases and stance targets; repeatable.
        #[arg(long)]
        study: Vec<PathBuf>,
        /// No progress bar and no summary.
        #[arg(long, short = 'q')]
        quiet: bool,
        /// Exit with 2 when any record was skipped.
        #[arg(long)]
        strict: bool,
        /// Largest article accepted, in MB; larger ones are skipped and counted.
        #[arg(long, default_value_t = 10.0)]
        max_article_mb: f64,
        /// Where models run: cpu, cuda or auto.
        #[arg(long, default_value = "auto")]
        device: DeviceChoice,
        /// Threads for extraction and models (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run {
            inputs,
            out,
            study,
            quiet,
            strict,
            max_article_mb,
            device,
            threads,
        } => {
            init_logging(quiet);
            let options = RunOptions {
                inputs,
                out_dir: out,
                studies: study,
                max_article_mb,
                device,
                threads,
                strict,
            };
            match run(options, quiet) {
                Ok(code) => code,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

fn run(options: RunOptions, quiet: bool) -> anyhow::Result<ExitCode> {
    let strict = options.strict;
    let config = RunConfig::resolve(options).context("invalid run options")?;
    let summary = stancemap::run(&config, RunHooks { progress: !quiet }).context("run failed")?;
    if !quiet {
        print_summary(&summary);
    }
    if summary.counts.articles == 0 {
        eprintln!(
            "error: no article could be read; see {}",
            summary.out_dir.join("manifest.json").display()
        );
        return Ok(ExitCode::from(2));
    }
    if strict && summary.counts.skipped > 0 {
        eprintln!(
            "error: {} records skipped (--strict)",
            summary.counts.skipped
        );
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

fn init_logging(quiet: bool) {
    let default = if quiet { "error" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("STANCEMAP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

fn print_summary(summary: &RunSummary) {
    let c = &summary.counts;
    println!("stancemap run finished in {:.1} s", summary.seconds);
    println!(
        "  articles    {:>8}   skipped {} ({} files)",
        c.articles, c.skipped, c.skipped_files
    );
    let kinds: Vec<String> = c
        .statements_by_kind
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    println!("  statements  {:>8}   {}", c.statements, kinds.join(", "));
    println!(
        "  actors      {:>8}   {} from the study",
        c.actors, c.actors_in_study
    );
    if !summary.top_speakers.is_empty() {
        println!("  top speakers:");
        for (name, n) in &summary.top_speakers {
            println!("    {n:>6}  {name}");
        }
    }
    println!("  tables in {}", summary.out_dir.display());
}
