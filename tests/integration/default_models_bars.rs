//! The shipped default models (models/models.toml) held to issue #4's bars through
//! `stancemap eval` on the labelled data in ../shared (skipped when it is absent).
//! The NLI held-out bar needs the recipe's seeded split and is measured by
//! `make eval-defaults` instead.

use crate::common::*;

/// `stancemap eval --json` with the default model of the task; None without ../shared.
fn eval_default(task: &str, format: &str, data: &str, extra: &[&str]) -> Option<serde_json::Value> {
    let Some(path) = shared_data(data) else {
        eprintln!("skipped: ../shared/data/{data} is absent");
        return None;
    };
    Some(eval_default_on(task, format, &path, extra))
}

/// `stancemap eval --json` with the default model of the task on the file at `path`.
fn eval_default_on(task: &str, format: &str, path: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "eval",
        "--json",
        "--quiet",
        // Two tests run at once on CI's two cores.
        "--threads",
        "1",
        "--task",
        task,
        "--format",
        format,
        "--data",
        path.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let output = run(&args);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["skipped"], 0, "{report}");
    report
}

fn figure(report: &serde_json::Value, pointer: &str) -> f64 {
    report
        .pointer(pointer)
        .and_then(|v| v.as_f64())
        .unwrap_or_else(|| panic!("no {pointer} in {report}"))
}

/// One class's figure (`/recall`, `/f1`, …) of an eval report's classification.
fn class_figure(report: &serde_json::Value, label: &str, pointer: &str) -> f64 {
    let class = report
        .pointer("/classification/classes")
        .and_then(|c| c.as_array())
        .and_then(|classes| classes.iter().find(|c| c["label"] == label))
        .unwrap_or_else(|| panic!("no class {label} in {report}"));
    figure(class, pointer)
}

#[test]
fn stance_model_meets_the_argq_and_semeval_bars() {
    if let Some(argq) = eval_default(
        "stance",
        "argq",
        "stance/ibm_argq/argq30k_train_dev.csv",
        &["--split", "dev"],
    ) {
        assert_eq!(argq["model"], "nli-minilm");
        assert_eq!(argq["items"], 3208);
        let macro_f1 = figure(&argq, "/classification/macro_f1");
        assert!(macro_f1 >= 0.75, "ArgQ dev macro-F1 {macro_f1}");
    }
    if let Some(semeval) = eval_default("stance", "semeval", "stance/semeval2016-task6-trainingdata.txt", &[]) {
        assert_eq!(semeval["items"], 2814);
        let f1_avg = figure(&semeval, "/f1_avg");
        assert!(f1_avg >= 0.45, "SemEval F1avg {f1_avg}");
    }
}

#[test]
fn tone_model_meets_the_sst2_and_newsmtsc_bars() {
    if let Some(sst2) = eval_default("tone", "sst2", "sentiment/sst2/heldout.tsv", &[]) {
        assert_eq!(sst2["model"], "tone-minilm");
        let accuracy = figure(&sst2, "/classification/accuracy");
        assert!(accuracy >= 0.86, "SST-2 heldout accuracy {accuracy}");
    }
    if let Some(news) = eval_default("tone", "newsmtsc", "sentiment/newsmtsc/devtest_mt.jsonl", &[]) {
        let macro_f1 = figure(&news, "/classification/macro_f1");
        assert!(macro_f1 >= 0.60, "NewsMTSC devtest_mt macro-F1 {macro_f1}");
    }
}

/// Issue #16: reported speech in news is mostly neutral, and the tone model trained on
/// NewsMTSC and SST-2 alone called 10 of 63 neutral statements so (macro-F1 0.448) on
/// the 120 hand-labelled PolNeAR train statements, which no model trains on (the 300
/// the model does train on come from other articles: tests/data/README.md).
#[test]
fn tone_model_reads_reported_speech_as_people_do() {
    let labels = project_file("tests/data/polnear_train_tone_labels.jsonl");
    let report = eval_default_on("tone", "labels", &labels, &[]);
    assert_eq!(report["model"], "tone-minilm");
    assert_eq!(report["items"], 120, "{report}");
    let macro_f1 = figure(&report, "/classification/macro_f1");
    assert!(macro_f1 >= 0.58, "macro-F1 {macro_f1} on hand-labelled reported speech");
    let recall = class_figure(&report, "neutral", "/recall");
    assert!(
        recall >= 0.4,
        "neutral recall {recall} on hand-labelled reported speech"
    );
}

/// Issue #16: negation in the speaker's words ("don't think I'm equipped" once read 0.81
/// positive). Forty probes written for the check (tests/data/README.md): negated
/// positives, litotes, hedged evaluations and negated facts, own words and reported
/// speech. tone-minilm reads 34 of 40 (negated positives 14 of 16, litotes 5 of 8); a
/// model that reads the negated word instead of the negation fails the negative recall.
#[test]
fn tone_model_reads_negation_in_the_speakers_words() {
    let probes = project_file("tests/data/tone_negation_probes.jsonl");
    let report = eval_default_on("tone", "labels", &probes, &[]);
    assert_eq!(report["model"], "tone-minilm");
    assert_eq!(report["items"], 40, "{report}");
    let accuracy = figure(&report, "/classification/accuracy");
    assert!(accuracy >= 0.75, "accuracy {accuracy} on the negation probes");
    let recall = class_figure(&report, "negative", "/recall");
    assert!(
        recall >= 0.8,
        "negative recall {recall} on negated positives and hedged criticism"
    );
}

/// Issue #16: stance toward a contested policy in real news (Wikinews, labelled by hand:
/// tests/data/README.md). Where a statement names the policy the default model reads
/// favour and against at F1avg 0.59 (stage 5: 0.62); where it does not, at chance (0.26),
/// and it must at least not invent sides there: "none" recall 0.66 (stage 5: 0.69;
/// reading every such statement as about the article's policy took it to 0).
#[test]
fn stance_model_on_policies_named_and_implied_in_real_news() {
    let named = eval_default_on(
        "stance",
        "labels",
        &project_file("tests/data/wikinews_topic_stance_named.jsonl"),
        &[],
    );
    assert_eq!(named["model"], "nli-minilm");
    assert_eq!(named["items"], 65, "{named}");
    let f1_avg = figure(&named, "/f1_avg");
    assert!(f1_avg >= 0.55, "F1avg {f1_avg} on statements naming the policy");
    // What `compare` averages, p_favor − p_against, against the side (today r 0.469).
    let r = figure(&named, "/signed_score/pearson_r");
    assert!(r >= 0.40, "score r {r} on statements naming the policy");
    let implied = eval_default_on(
        "stance",
        "labels",
        &project_file("tests/data/wikinews_topic_stance_implicit.jsonl"),
        &[],
    );
    assert_eq!(implied["items"], 156, "{implied}");
    let none = class_figure(&implied, "none", "/recall");
    assert!(
        none >= 0.5,
        "none recall {none} on statements that do not name the policy"
    );
}

/// Issue #16: the score `compare` averages per actor, p_favor − p_against, against the side
/// a person read in 150 held-out PolNeAR statements that name a 2016 candidate
/// (tests/data/README.md). Today r 0.242 and the gold classes' mean scores in order
/// (favour −0.029, none −0.108, against −0.256): a mention reads a little against, so
/// the table's means lean negative, but they still rank the sides.
#[test]
fn stance_scores_follow_the_side_in_held_out_news() {
    let report = eval_default_on(
        "stance",
        "labels",
        &project_file("tests/data/polnear_heldout_stance_labels.jsonl"),
        &[],
    );
    assert_eq!(report["model"], "nli-minilm");
    assert_eq!(report["items"], 150, "{report}");
    let r = figure(&report, "/signed_score/pearson_r");
    assert!(r >= 0.20, "score r {r} on held-out PolNeAR statements");
    let mean = |side: &str| {
        report["signed_score"]["by_gold"]
            .as_array()
            .and_then(|classes| classes.iter().find(|c| c["label"] == side))
            .and_then(|c| c["mean"].as_f64())
            .unwrap_or_else(|| panic!("no mean score for {side}: {report}"))
    };
    let (favor, none, against) = (mean("favor"), mean("none"), mean("against"));
    assert!(
        favor > none && none > against,
        "mean scores favour {favor}, none {none}, against {against} out of order"
    );
}

/// Issue #16: statements that do not concern a target read `none`, with no lean to
/// either side. Real news (PolNeAR dev, US politics of 2015–16, statements found by
/// the rules) read against the sample study's fictional targets: the shipped stage 4
/// model leaned against "sanctions on Kestria" by 0.117 on average and labelled 34%
/// of such pairs against; stage 5 leans at most 0.021 on any target
/// (`tools/stance_on_neutral_news.py`, 400 statements).
#[test]
fn stance_model_reads_statements_about_other_things_as_neutral() {
    let Some(dev) = shared_data("polnear/dev/text") else {
        eprintln!("skipped: ../shared/data/polnear/dev/text is absent");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let articles = dir.path().join("articles");
    std::fs::create_dir(&articles).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(&dev).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for file in files.iter().take(12) {
        std::fs::copy(file, articles.join(file.file_name().unwrap())).unwrap();
    }
    let out = dir.path().join("out");
    let found = run(&[
        "run",
        "-q",
        "--no-models",
        "-i",
        articles.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(found.status.success(), "{}", String::from_utf8_lossy(&found.stderr));
    let statements = read_table(&out, "statements.parquet");
    let contents = strings(&statements, "content");
    assert!(contents.len() >= 150, "{} statements", contents.len());
    let targets = [
        "a ceasefire",
        "sanctions on Kestria",
        "a prisoner exchange",
        "ending the war",
    ];
    let rows: String = contents
        .iter()
        .enumerate()
        .flat_map(|(i, text)| {
            targets.iter().map(move |target| {
                serde_json::json!({"id": i.to_string(), "text": text, "target": target}).to_string() + "\n"
            })
        })
        .collect();
    let scores = score_stance(dir.path(), &rows, &["--threads", "1"]);
    let target_of = strings(&scores, "target_id");
    let labels = strings(&scores, "label");
    let (favor, against) = (floats(&scores, "p_favor"), floats(&scores, "p_against"));
    let mut figures = Vec::new();
    let mut failures = Vec::new();
    for target in targets {
        let rows: Vec<usize> = (0..scores.height())
            .filter(|&i| target_of[i].as_deref() == Some(target))
            .collect();
        let lean = rows.iter().map(|&i| favor[i] - against[i]).sum::<f64>() / rows.len() as f64;
        let none = rows.iter().filter(|&&i| labels[i].as_deref() == Some("none")).count() as f64 / rows.len() as f64;
        figures.push(format!("{target}: mean {lean:+.3}, none {none:.2}"));
        if lean.abs() > 0.05 || none < 0.75 {
            failures.push(target);
        }
    }
    eprintln!("{} statements: {}", contents.len(), figures.join("; "));
    assert!(
        failures.is_empty(),
        "leaning (|mean p_favor − p_against| > 0.05) or rarely none (< 0.75) on unrelated news: {failures:?}\n{}",
        figures.join("\n")
    );
}

/// A position on undoing a target is a position on the target, the other way round:
/// the shipped model reads "lifting sanctions … would help" as for the sanctions when
/// asked about the sanctions, and right when asked about lifting them
/// (`Target::hypotheses_for`). Sentences written for this check, none from the sample
/// corpus.
#[test]
fn positions_on_undoing_a_target_read_the_other_way() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("Lifting sanctions on Kestria would help ordinary people.", -1.0),
        ("We must start lifting sanctions on Kestria now.", -1.0),
        ("Easing sanctions on Kestria is the right thing to do.", -1.0),
        ("Easing sanctions on Kestria would be a disaster.", 1.0),
        ("Sanctions on Kestria must stay.", 1.0),
    ];
    let rows: String = cases
        .iter()
        .enumerate()
        .map(|(i, (text, _))| {
            serde_json::json!({"id": i.to_string(), "text": text, "target": "sanctions on Kestria"}).to_string() + "\n"
        })
        .collect();
    let scores = score_stance(dir.path(), &rows, &["--threads", "1"]);
    let ids = strings(&scores, "id");
    let (favor, against) = (floats(&scores, "p_favor"), floats(&scores, "p_against"));
    let wrong: Vec<String> = (0..scores.height())
        .filter_map(|i| {
            let case: usize = ids[i].as_deref()?.parse().ok()?;
            let (text, sign) = cases[case];
            let lean = favor[i] - against[i];
            (lean * sign < 0.3).then(|| format!("{text}: {lean:+.2}, written {sign:+}"))
        })
        .collect();
    assert_eq!(scores.height(), cases.len());
    assert!(
        wrong.is_empty(),
        "read with the wrong side or too weakly (< 0.3):\n{}",
        wrong.join("\n")
    );
}

/// Issue #16: targets that name a change ("ending the war", "banning whaling"), on
/// statements written and labelled by hand (tests/data/README.md). Stage 5 read them
/// through the thing's mood, not the change ("I support a ceasefire." reads against
/// ending the war): F1avg 0.38 on the held-out probes, 0.49 on the test probes. The
/// shipped stage 8, trained on statements about other changes, reads 0.50 and 0.62; these
/// floors keep a default from falling back towards stage 5. The training statements must
/// stay off both sets' targets, or the figures would say nothing about new ones.
#[test]
fn stance_model_on_targets_that_name_a_change() {
    let train = probe_set_apart_from_training("change_target_stance", 16);
    // The word that names each measured target's thing must not occur in training text
    // ("war" and "wars", not "warrant"; a stem for the rest).
    let stems = [
        "death penalt",
        "whal",
        "pipeline",
        "europe",
        "sanction",
        "nuclear",
        "lockdown",
        "monarch",
        "dictator",
        "tariff",
        "occupation",
        "fox",
        "curfew",
        "embargo",
    ];
    let naming = training_texts_naming(&train, &["war", "wars"], &stems);
    assert!(
        naming.is_empty(),
        "training statements name a measured thing:\n{}",
        naming.join("\n")
    );

    default_stance_floors("change_target_stance", &[("heldout", 70, 0.45), ("test", 44, 0.56)]);
}

/// Issue #16, stance from the speaker's words: sides taken through a condition ("We will
/// sign if …"), a precondition that puts the thing off ("Fix the buses before anyone
/// dreams about tunnels."), an image, or a mood about something near the target that
/// takes no side (tests/data/README.md). The shipped stage 8 reads them by mood: F1avg
/// 0.47 on the held-out probes, 0.54 on the test probes (a stage 10 trained on statements
/// about other proposals read 0.68 on both and was not shipped: the nli-minilm card). The
/// floors keep a default from reading them worse than today. The training statements must
/// stay off both sets' targets and off the sample corpus's war-and-peace words, or the
/// figures would say nothing about new targets.
#[test]
fn stance_model_reads_sides_taken_without_saying_so() {
    let train = probe_set_apart_from_training("implicit_stance", 13);
    let off_limits = [
        "war",
        "wars",
        "ceasefire",
        "truce",
        "pause",
        "peace",
        "sanctions",
        "accord",
        "prisoner",
        "exchange",
        "dock",
        "bank",
        "customs",
        "sugary",
        "metro",
        "plea",
        "creditors",
        "wind",
        "pardon",
        "phones",
        "unity",
    ];
    let naming = training_texts_naming(&train, &off_limits, &[]);
    assert!(
        naming.is_empty(),
        "training statements name an off-limits word:\n{}",
        naming.join("\n")
    );

    default_stance_floors("implicit_stance", &[("heldout", 72, 0.43), ("test", 40, 0.50)]);
}

/// The rows of `tests/data/{stem}_train.jsonl`, once checked that none of their targets is
/// one of the `measured` targets of `{stem}_heldout` and `{stem}_test` together.
fn probe_set_apart_from_training(stem: &str, measured: usize) -> Vec<serde_json::Value> {
    let read = |split: &str| jsonl_rows(&project_file(&format!("tests/data/{stem}_{split}.jsonl")));
    let targets = |rows: &[serde_json::Value]| -> std::collections::BTreeSet<String> {
        rows.iter().map(|r| r["target"].as_str().unwrap().to_string()).collect()
    };
    let (heldout, test, train) = (read("heldout"), read("test"), read("train"));
    let measured_targets: std::collections::BTreeSet<String> =
        targets(&heldout).union(&targets(&test)).cloned().collect();
    assert_eq!(measured_targets.len(), measured, "{measured_targets:?}");
    let train_targets = targets(&train);
    assert!(
        train_targets.is_disjoint(&measured_targets),
        "{train_targets:?} against {measured_targets:?}"
    );
    train
}

/// The texts of `train` rows that hold one of `words` as a whole word (any case) or a word
/// opening with one of `stems` (a stem with a space: anywhere in the text).
fn training_texts_naming<'a>(train: &'a [serde_json::Value], words: &[&str], stems: &[&str]) -> Vec<&'a str> {
    train
        .iter()
        .map(|row| row["text"].as_str().unwrap())
        .filter(|text| {
            let lower = text.to_lowercase();
            let text_words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).collect();
            text_words.iter().any(|w| words.contains(w))
                || stems.iter().any(|stem| {
                    if stem.contains(' ') {
                        lower.contains(stem)
                    } else {
                        text_words.iter().any(|w| w.starts_with(stem))
                    }
                })
        })
        .collect()
}

/// The default stance model's F1avg on `tests/data/{stem}_{split}.jsonl` for each
/// `(split, rows, floor)`.
fn default_stance_floors(stem: &str, splits: &[(&str, u64, f64)]) {
    for &(split, rows, floor) in splits {
        let file = project_file(&format!("tests/data/{stem}_{split}.jsonl"));
        let report = eval_default_on("stance", "labels", &file, &[]);
        assert_eq!(report["model"], "nli-minilm");
        assert_eq!(report["items"], rows, "{report}");
        let f1_avg = figure(&report, "/f1_avg");
        assert!(f1_avg >= floor, "F1avg {f1_avg} on {stem}_{split} (floor {floor})");
    }
}
