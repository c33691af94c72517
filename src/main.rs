//! The `stancemap` command: parses arguments, resolves the run configuration, runs,
//! and maps the outcome to an exit code (0 done, 1 error, 2 nothing read or, with
//! --strict, something skipped).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use stancemap::analyze::report::ReportOptions;
use stancemap::analyze::stats::IntervalMethod;
use stancemap::analyze::{compare, write_report, CompareOptions, GroupBy, Period};
use stancemap::evaluate::{evaluate, EvalJob, EvalTask, GoldFormat, Split};
use stancemap::extract::ExtractorChoice;
use stancemap::labels::{sample, train, LabelTask, SampleOptions, TrainJob, TrainSummary};
use stancemap::models::{DeviceChoice, EngineChoice, PrecisionChoice, Task};
use stancemap::pipeline::{score_file, ScoreJob};
use stancemap::{ModelOptions, RunConfig, RunHooks, RunOptions, RunSummary};

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
        #[command(flatten)]
        models: ModelArgs,
        /// Tone model (a registry name; default: the registry's tone default).
        #[arg(long)]
        tone_model: Option<String>,
        /// Stance model (a 3-way NLI model in the registry; default: its stance default).
        #[arg(long)]
        stance_model: Option<String>,
        /// How statements are found: rules, learned (the attribution tagger) or hybrid
        /// (both; the default when the registry has an attribution model).
        #[arg(long)]
        extractor: Option<ExtractorArg>,
        /// Attribution tagger (a registry name; default: its attribution default).
        #[arg(long)]
        attribution_model: Option<String>,
        /// Find statements only: no tone or stance scoring (unlike --no-models, the
        /// attribution tagger still runs).
        #[arg(long)]
        no_scores: bool,
        /// Articles per chunk: each chunk's tables are written (and journaled) before the
        /// next starts, so memory stays flat and a re-run after a crash continues.
        #[arg(long, default_value_t = stancemap::config::DEFAULT_CHUNK_SIZE)]
        chunk_size: usize,
        /// Process shard INDEX of COUNT (0-based) into OUT/shard=INDEX; `stancemap merge
        /// OUT` joins the shards. Default: from SLURM_ARRAY_TASK_ID/_COUNT,
        /// JOB_COMPLETION_INDEX (with --shard-count) or AWS_BATCH_JOB_ARRAY_INDEX/_SIZE.
        #[arg(long, value_name = "INDEX/COUNT")]
        shard: Option<String>,
        /// Shards in all, where the scheduler gives only the index (a Kubernetes Indexed
        /// Job's completions).
        #[arg(long)]
        shard_count: Option<u32>,
        /// Tokens that neighbouring windows of the attribution tagger share (default
        /// 64, as it was trained; each token is read in the window where it has most
        /// context). Less overlap is less work: 32 is 8% faster but loses 0.009 of
        /// PolNeAR dev content F1@0.5.
        #[arg(long)]
        tagger_overlap: Option<usize>,
        /// Replace a finished run (or this shard's finished part) in OUT.
        #[arg(long)]
        overwrite: bool,
    },
    /// Join the shards of a sharded run (OUT/shard=0 … shard=N-1, all finished) into the
    /// tables one run would have written.
    Merge {
        /// The output folder the shards wrote into.
        out: PathBuf,
        #[arg(long, short = 'q')]
        quiet: bool,
    },
    /// Score texts you already have: `{id, text}` rows for tone, `{id, text, target}` for stance.
    Score {
        /// tone or stance.
        #[arg(long)]
        task: TaskArg,
        /// A JSONL file of rows to score.
        #[arg(long, short = 'i')]
        input: PathBuf,
        /// The Parquet file to write.
        #[arg(long, short = 'o')]
        out: PathBuf,
        /// Model name from the registry (default: the task's default).
        #[arg(long)]
        model: Option<String>,
        #[command(flatten)]
        models: ModelArgs,
        #[arg(long, default_value = "auto")]
        device: DeviceChoice,
        #[arg(long)]
        threads: Option<usize>,
        #[arg(long, short = 'q')]
        quiet: bool,
    },
    /// Compare actors in a finished run: stance per target and tone, with 95% intervals,
    /// overall and over time; writes <run>/compare/*.parquet.
    Compare {
        #[command(flatten)]
        args: CompareArgs,
        /// How to print the tables.
        #[arg(long, default_value = "table")]
        format: OutputFormat,
        /// Folder for the Parquet tables (default: <run>/compare).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write one self-contained HTML report of a finished run (heatmap, tone, timelines,
    /// searchable statements).
    Report {
        #[command(flatten)]
        args: CompareArgs,
        /// The HTML file to write.
        #[arg(long, short = 'o')]
        out: PathBuf,
        /// Statements listed at most (newest first).
        #[arg(long, default_value_t = 5000)]
        max_statements: usize,
    },
    /// Draw a sample of a finished run's scored statements, stratified by actor (and
    /// target, for stance), into a file to label by hand (JSONL, or CSV by extension):
    /// fill in each row's `label`, then `stancemap train`.
    Label {
        /// The run's output folder.
        #[arg(long)]
        run: PathBuf,
        /// tone or stance.
        #[arg(long)]
        task: TaskArg,
        /// Rows per actor (× target) at most.
        #[arg(long, default_value_t = 10)]
        per_cell: usize,
        /// Seed of the sample's order.
        #[arg(long, default_value_t = 13)]
        seed: u64,
        /// The file to write (.jsonl or .csv).
        #[arg(long, short = 'o')]
        out: PathBuf,
    },
    /// Fine-tune the task's model on a filled-in label file; writes the model and a
    /// registry declaring it to OUT, and reports held-out figures of the base model
    /// and the tuned one.
    Train {
        /// tone or stance.
        #[arg(long)]
        task: TaskArg,
        /// The label file (`stancemap label`'s, with `label` filled in).
        #[arg(long)]
        labels: PathBuf,
        /// Folder for the model, its registry (models.toml) and the report.
        #[arg(long, short = 'o')]
        out: PathBuf,
        /// Registry name of the tuned model (default: <task>-<name of OUT>).
        #[arg(long)]
        name: Option<String>,
        /// Model to start from (a registry name; default: the task's default).
        #[arg(long)]
        base: Option<String>,
        #[arg(long, default_value_t = 3)]
        epochs: usize,
        #[arg(long, default_value_t = 3e-5)]
        learning_rate: f64,
        /// Share of the labelled articles held out to evaluate on.
        #[arg(long, default_value_t = 0.2)]
        holdout: f64,
        #[arg(long, default_value_t = 13)]
        seed: u64,
        #[command(flatten)]
        models: ModelArgs,
        #[arg(long, default_value = "auto")]
        device: DeviceChoice,
        #[arg(long)]
        threads: Option<usize>,
        #[arg(long, short = 'q')]
        quiet: bool,
    },
    /// Measure a scoring model on labelled data: accuracy, macro-F1, confusion matrix,
    /// Pearson r for graded gold, F1avg for SemEval stance.
    Eval {
        /// tone, stance (favour/against/none toward each item's target) or nli.
        #[arg(long)]
        task: EvalTaskArg,
        /// The labelled file.
        #[arg(long)]
        data: PathBuf,
        /// How the file is laid out.
        #[arg(long)]
        format: FormatArg,
        /// ArgQ rows to read by their `set` column.
        #[arg(long, default_value = "dev")]
        split: SplitArg,
        /// Model name from the registry (default: the task's default).
        #[arg(long)]
        model: Option<String>,
        /// Print the report as JSON on stdout.
        #[arg(long)]
        json: bool,
        /// Evaluate only the first N usable items.
        #[arg(long)]
        limit: Option<usize>,
        #[command(flatten)]
        models: ModelArgs,
        #[arg(long, default_value = "auto")]
        device: DeviceChoice,
        #[arg(long)]
        threads: Option<usize>,
        #[arg(long, short = 'q')]
        quiet: bool,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ByArg {
    Actor,
    Affiliation,
    Source,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum EveryArg {
    Week,
    Month,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum OutputFormat {
    Table,
    Csv,
    Json,
}

#[derive(clap::Args)]
struct CompareArgs {
    /// The --out folder of `stancemap run`.
    #[arg(long)]
    run: PathBuf,
    /// Group statements by speaker (actor), their affiliation, or the outlet (source).
    #[arg(long, default_value = "actor")]
    by: ByArg,
    /// Only this stance target (its id in the study file).
    #[arg(long)]
    target: Option<String>,
    /// Only articles dated on or after this day (YYYY-MM-DD).
    #[arg(long)]
    since: Option<chrono::NaiveDate>,
    /// Only articles dated on or before this day (YYYY-MM-DD).
    #[arg(long)]
    until: Option<chrono::NaiveDate>,
    /// Timeline granularity.
    #[arg(long, default_value = "week")]
    every: EveryArg,
    /// Cells with fewer statements are marked as too few.
    #[arg(long, default_value_t = 5)]
    min_n: u64,
    /// 95% intervals: clustered (articles as clusters: statements of one article are not
    /// independent) or wilson (every statement independent).
    #[arg(long, default_value = "clustered")]
    interval: IntervalArg,
    /// Also the difference between two groups (ids as in the `group` column): B's mean
    /// less A's, per target and for tone, with its interval.
    #[arg(long, num_args = 2, value_names = ["A", "B"])]
    diff: Option<Vec<String>>,
    /// Stance only from statements whose words name the target (its description or a
    /// study alias); tone is unchanged. The models read little where a statement only
    /// implies its side (README, "Named or implied").
    #[arg(long)]
    named_only: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum IntervalArg {
    Clustered,
    Wilson,
}

impl CompareArgs {
    fn options(&self) -> CompareOptions {
        CompareOptions {
            by: match self.by {
                ByArg::Actor => GroupBy::Actor,
                ByArg::Affiliation => GroupBy::Affiliation,
                ByArg::Source => GroupBy::Source,
            },
            target: self.target.clone(),
            since: self.since,
            until: self.until,
            every: match self.every {
                EveryArg::Week => Period::Week,
                EveryArg::Month => Period::Month,
            },
            min_n: self.min_n,
            interval: match self.interval {
                IntervalArg::Clustered => IntervalMethod::Clustered,
                IntervalArg::Wilson => IntervalMethod::Wilson,
            },
            diff: self.diff.as_ref().and_then(|pair| match pair.as_slice() {
                [a, b] => Some((a.clone(), b.clone())),
                _ => None,
            }),
            named_only: self.named_only,
        }
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum EvalTaskArg {
    Tone,
    Stance,
    Nli,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Sst2,
    Vader,
    Newsmtsc,
    Emobank,
    Semeval,
    Argq,
    Vast,
    NliJsonl,
    /// A label file of `stancemap label`, filled in.
    Labels,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SplitArg {
    Train,
    Dev,
    All,
}

#[derive(clap::Args)]
struct ModelArgs {
    /// Model registry file (TOML) adding to or overriding models/models.toml; repeatable.
    #[arg(long = "models")]
    registries: Vec<PathBuf>,
    /// Score nothing, even where default models exist.
    #[arg(long)]
    no_models: bool,
    /// Inputs per forward pass (default 32).
    #[arg(long)]
    batch_size: Option<usize>,
    /// Longest model input in tokens; longer statements are truncated and counted (default 256).
    #[arg(long)]
    max_tokens: Option<usize>,
    /// Engine models run on: auto (ONNX Runtime on CPU where a model has a current
    /// model.onnx, libtorch otherwise and on CUDA), onnx or torch.
    #[arg(long, default_value = "auto")]
    engine: EngineChoice,
    /// Numeric precision on ONNX Runtime: auto (what each model's registry entry
    /// declares; every shipped model declares fp32), fp32 or int8 (int8 feed-forward
    /// layers; how far it strays depends on the processor, see README).
    #[arg(long, default_value = "auto")]
    precision: PrecisionChoice,
}

impl ModelArgs {
    fn into_options(self, tone_model: Option<String>, stance_model: Option<String>) -> ModelOptions {
        ModelOptions {
            registries: self.registries,
            tone_model,
            stance_model,
            attribution_model: None,
            no_models: self.no_models,
            batch_size: self.batch_size,
            max_tokens: self.max_tokens,
            engine: self.engine,
            precision: self.precision,
        }
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExtractorArg {
    Rules,
    Learned,
    Hybrid,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum TaskArg {
    Tone,
    Stance,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Compare { args, format, out } => {
            init_logging(false);
            let outcome = (|| -> anyhow::Result<()> {
                let comparison = compare(&args.run, &args.options()).context("compare failed")?;
                let dir = out.unwrap_or_else(|| args.run.join("compare"));
                comparison.write(&dir).context("cannot write the comparison tables")?;
                match format {
                    OutputFormat::Table => {
                        print!("{}", comparison.to_table());
                        println!("tables in {}", dir.display());
                    }
                    OutputFormat::Csv => print!("{}", comparison.to_csv()),
                    OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&comparison)?),
                }
                Ok(())
            })();
            exit_code(outcome)
        }
        Command::Report {
            args,
            out,
            max_statements,
        } => {
            init_logging(false);
            let outcome = (|| -> anyhow::Result<()> {
                let comparison = compare(&args.run, &args.options()).context("report failed")?;
                let options = ReportOptions {
                    max_statements,
                    ..ReportOptions::default()
                };
                write_report(&args.run, &comparison, &out, &options).context("report failed")?;
                println!("report written to {}", out.display());
                Ok(())
            })();
            exit_code(outcome)
        }
        Command::Eval {
            task,
            data,
            format,
            split,
            model,
            json,
            limit,
            models,
            device,
            threads,
            quiet,
        } => {
            init_logging(quiet);
            let task = match task {
                EvalTaskArg::Tone => EvalTask::Tone,
                EvalTaskArg::Stance => EvalTask::Stance,
                EvalTaskArg::Nli => EvalTask::Nli,
            };
            let models = match task {
                EvalTask::Tone => models.into_options(model, None),
                EvalTask::Stance | EvalTask::Nli => models.into_options(None, model),
            };
            let job = EvalJob {
                task,
                data,
                format: match format {
                    FormatArg::Sst2 => GoldFormat::Sst2,
                    FormatArg::Vader => GoldFormat::Vader,
                    FormatArg::Newsmtsc => GoldFormat::Newsmtsc,
                    FormatArg::Emobank => GoldFormat::Emobank,
                    FormatArg::Semeval => GoldFormat::Semeval,
                    FormatArg::Argq => GoldFormat::Argq,
                    FormatArg::Vast => GoldFormat::Vast,
                    FormatArg::NliJsonl => GoldFormat::NliJsonl,
                    FormatArg::Labels => GoldFormat::Labels,
                },
                split: match split {
                    SplitArg::Train => Split::Train,
                    SplitArg::Dev => Split::Dev,
                    SplitArg::All => Split::All,
                },
                models,
                device,
                threads,
                limit,
                progress: !quiet && !json,
            };
            eval(&job, json).unwrap_or_else(|e| {
                eprintln!("error: {e:#}");
                ExitCode::from(1)
            })
        }
        Command::Score {
            task,
            input,
            out,
            model,
            models,
            device,
            threads,
            quiet,
        } => {
            init_logging(quiet);
            let task = match task {
                TaskArg::Tone => Task::Tone,
                TaskArg::Stance => Task::Stance,
            };
            let models = match task {
                Task::Tone => models.into_options(model, None),
                Task::Stance | Task::Attribution => models.into_options(None, model),
            };
            let job = ScoreJob {
                task,
                input,
                out,
                models,
                device,
                threads,
                quiet,
            };
            score(job).unwrap_or_else(|e| {
                eprintln!("error: {e:#}");
                ExitCode::from(1)
            })
        }
        Command::Label {
            run,
            task,
            per_cell,
            seed,
            out,
        } => {
            init_logging(false);
            let options = SampleOptions {
                run,
                task: label_task(task),
                per_cell,
                seed,
                out,
            };
            exit_code((|| {
                let summary = sample(&options).context("label failed")?;
                println!(
                    "wrote {} rows to label ({} cells, {} with fewer than {per_cell}) to {}: fill in each \
                     row's `label` ({}), then: stancemap train --task {} --labels {} --out DIR",
                    summary.rows,
                    summary.cells,
                    summary.short_cells,
                    options.out.display(),
                    options.task.labels().join(", "),
                    options.task.as_str(),
                    options.out.display()
                );
                Ok(())
            })())
        }
        Command::Train {
            task,
            labels,
            out,
            name,
            base,
            epochs,
            learning_rate,
            holdout,
            seed,
            models,
            device,
            threads,
            quiet,
        } => {
            init_logging(quiet);
            let task = label_task(task);
            let models = match task {
                LabelTask::Tone => models.into_options(base, None),
                LabelTask::Stance => models.into_options(None, base),
            };
            let job = TrainJob {
                task,
                labels,
                out,
                name,
                models,
                epochs,
                learning_rate,
                holdout,
                seed,
                threads,
                device,
                quiet,
            };
            exit_code((|| {
                let summary = train(&job).context("training failed")?;
                print_train_summary(&summary);
                Ok(())
            })())
        }
        Command::Merge { out, quiet } => {
            init_logging(quiet);
            let outcome = stancemap::pipeline::merge::merge(&out).context("merge failed");
            match outcome {
                Ok(summary) => finish(summary, quiet, false),
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Run {
            inputs,
            out,
            study,
            quiet,
            strict,
            max_article_mb,
            device,
            threads,
            models,
            tone_model,
            stance_model,
            extractor,
            attribution_model,
            no_scores,
            chunk_size,
            shard,
            shard_count,
            tagger_overlap,
            overwrite,
        } => {
            init_logging(quiet);
            let mut models = models.into_options(tone_model, stance_model);
            models.attribution_model = attribution_model;
            let options = RunOptions {
                inputs,
                out_dir: out,
                studies: study,
                max_article_mb,
                device,
                threads,
                strict,
                models,
                extractor: extractor.map(|e| match e {
                    ExtractorArg::Rules => ExtractorChoice::Rules,
                    ExtractorArg::Learned => ExtractorChoice::Learned,
                    ExtractorArg::Hybrid => ExtractorChoice::Hybrid,
                }),
                no_scores,
                chunk_size,
                shard,
                shard_count,
                tagger_overlap,
            };
            match run(options, quiet, overwrite) {
                Ok(code) => code,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

fn score(job: ScoreJob) -> anyhow::Result<ExitCode> {
    let summary = score_file(&job).context("scoring failed")?;
    if !job.quiet {
        let s = &summary.stats;
        println!(
            "scored {} rows with {} ({} unique inputs, {} deduplicated, {} truncated) in {:.3} s -> {}",
            summary.rows,
            s.model,
            s.unique_inputs,
            s.deduplicated,
            s.truncated,
            s.seconds,
            job.out.display()
        );
        if !summary.skipped.is_empty() {
            println!("skipped {} rows (see the warnings above)", summary.skipped.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn exit_code(outcome: anyhow::Result<()>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn eval(job: &EvalJob, json: bool) -> anyhow::Result<ExitCode> {
    let report = evaluate(job).context("evaluation failed")?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.to_table());
    }
    Ok(ExitCode::SUCCESS)
}

fn run(options: RunOptions, quiet: bool, overwrite: bool) -> anyhow::Result<ExitCode> {
    let strict = options.strict;
    let config = RunConfig::resolve(options).context("invalid run options")?;
    let hooks = RunHooks {
        progress: !quiet,
        overwrite,
    };
    let summary = stancemap::run(&config, hooks).context("run failed")?;
    Ok(finish(summary, quiet, strict))
}

/// Prints the summary and picks the exit code of a run or merge.
fn finish(summary: RunSummary, quiet: bool, strict: bool) -> ExitCode {
    if !quiet {
        print_summary(&summary);
    }
    for failure in &summary.failures {
        eprintln!("error: {failure}");
    }
    if !summary.failures.is_empty() {
        return ExitCode::from(1);
    }
    if summary.counts.articles == 0 {
        eprintln!(
            "error: no article could be read; see {}",
            summary.out_dir.join("manifest.json").display()
        );
        return ExitCode::from(2);
    }
    if strict && summary.counts.skipped > 0 {
        eprintln!("error: {} records skipped (--strict)", summary.counts.skipped);
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

fn label_task(task: TaskArg) -> LabelTask {
    match task {
        TaskArg::Tone => LabelTask::Tone,
        TaskArg::Stance => LabelTask::Stance,
    }
}

fn print_train_summary(summary: &TrainSummary) {
    println!(
        "trained {} from {} on {} rows ({} held out, {} unlabelled, {} skipped) in {:.0} s",
        summary.name,
        summary.base_model,
        summary.train_rows,
        summary.heldout_rows,
        summary.unlabelled,
        summary.skipped.len(),
        summary.train_seconds
    );
    if let (Some(base), Some(tuned)) = (&summary.heldout_base, &summary.heldout_tuned) {
        println!(
            "held out ({} rows): macro-F1 {:.3} → {:.3}, accuracy {:.3} → {:.3} ({})",
            tuned.items,
            base.classification.macro_f1,
            tuned.classification.macro_f1,
            base.classification.accuracy,
            tuned.classification.accuracy,
            if summary.helped() == Some(true) {
                "it helped"
            } else {
                "it did not help: label more, or keep the base model"
            }
        );
    }
    println!(
        "registered in {}: use it with --models {}",
        summary.registry.display(),
        summary.registry.display()
    );
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
    match summary.shard {
        Some(shard) => println!("stancemap shard {shard} finished in {:.1} s", summary.seconds),
        None => println!("stancemap run finished in {:.1} s", summary.seconds),
    }
    if summary.resumed_chunks > 0 {
        println!(
            "  continued an interrupted run: {} chunks ({} articles) were done before, {} articles now",
            summary.resumed_chunks,
            summary.resumed_articles,
            c.articles.saturating_sub(summary.resumed_articles)
        );
    }
    println!(
        "  articles    {:>8}   skipped {} ({} files)",
        c.articles, c.skipped, c.skipped_files
    );
    let kinds: Vec<String> = c.statements_by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!("  statements  {:>8}   {}", c.statements, kinds.join(", "));
    println!("  actors      {:>8}   {} from the study", c.actors, c.actors_in_study);
    if !summary.top_speakers.is_empty() {
        println!("  top speakers:");
        for (name, n) in &summary.top_speakers {
            println!("    {n:>6}  {name}");
        }
    }
    for report in &summary.scoring {
        match &report.stats {
            Some(s) => println!(
                "  {:<6} scored with {}: {} inputs, {} unique, {} truncated, {:.1} s",
                report.task, s.model, s.inputs, s.unique_inputs, s.truncated, s.seconds
            ),
            None => println!("  {:<6} not scored: {}", report.task, report.status),
        }
    }
    match summary.shard {
        Some(shard) => println!(
            "  parts in {}; when all {} shards are done: stancemap merge {}",
            summary.outputs.join(", "),
            shard.count,
            summary.out_dir.display()
        ),
        None => println!("  tables in {}", summary.out_dir.display()),
    }
}
