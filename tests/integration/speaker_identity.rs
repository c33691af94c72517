//! Speaker identity on the hand-judged PolNeAR dev set (tests/data/polnear_dev_identity.tsv,
//! how it was made: tests/data/README.md), scored by tools/score_identity.py.
//! Floors sit a little under what the default extractor measures, so that a change
//! which loses identities fails. Issue #13's bars (0.85 overall, 0.75 for pronouns
//! and titles) are met on this set, which every rule was read against; the bars are
//! for held-out articles.

use std::collections::BTreeSet;
use std::process::Command;

use crate::common::*;

#[test]
fn speakers_resolve_to_the_entities_a_reader_names() {
    let Some(dev) = shared_data("polnear/dev") else {
        eprintln!("skipped: ../shared/data/polnear/dev is absent");
        return;
    };
    if shared_data("../tools/score_attribution.py").is_none() {
        eprintln!("skipped: ../shared/tools/score_attribution.py is absent");
        return;
    }
    let identity = project_file("tests/data/polnear_dev_identity.tsv");
    let articles: BTreeSet<String> = std::fs::read_to_string(&identity)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|line| line.split('\t').next().map(str::to_string))
        .collect();
    assert!(articles.len() >= 15, "the set covers {} articles", articles.len());
    for article in &articles {
        assert!(
            dev.join("text").join(format!("{article}.txt")).exists(),
            "{article} is not in dev"
        );
    }
    // The whole of dev, as a user's run would be: actors are merged run-wide.
    let work = tempfile::tempdir().unwrap();
    let input = dev.join("text");
    let out = work.path().join("out");
    let output = run(&[
        "run",
        "--quiet",
        "--no-scores",
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let python = std::env::var("VIRTUAL_ENV")
        .map(|venv| format!("{venv}/bin/python"))
        .unwrap_or_else(|_| "python3".to_string());
    let scored = Command::new(python)
        .arg(project_file("tools/score_identity.py"))
        .arg("--identity")
        .arg(&identity)
        .arg("--gold")
        .arg(&dev)
        .arg("--scorer")
        .arg(project_file("../shared/tools/score_attribution.py"))
        .arg("--run")
        .arg(&out)
        .arg("--json")
        .output()
        .expect("python runs the identity scorer");
    assert!(scored.status.success(), "{}", String::from_utf8_lossy(&scored.stderr));
    let figures: serde_json::Value = serde_json::from_slice(&scored.stdout).unwrap();
    eprintln!("speaker identity: {figures}");
    let accuracy = |path: &[&str]| {
        let mut value = &figures;
        for key in path {
            value = &value[*key];
        }
        value["accuracy"]
            .as_f64()
            .unwrap_or_else(|| panic!("{path:?} missing in {figures}"))
    };
    assert!(figures["overall"]["attributions"].as_u64().unwrap() >= 300);
    assert!(accuracy(&["overall"]) >= 0.86, "overall {figures}");
    assert!(accuracy(&["pronoun_or_title"]) >= 0.76, "pronouns and titles {figures}");
    assert!(accuracy(&["forms", "pronoun"]) >= 0.80, "pronouns {figures}");
    assert!(
        accuracy(&["forms", "title"]) >= 0.67,
        "titles, some bound run-wide {figures}"
    );
    assert!(accuracy(&["forms", "name"]) >= 0.90, "full names {figures}");
    assert!(
        accuracy(&["forms", "surname"]) >= 0.88,
        "surnames to full names {figures}"
    );
    assert!(accuracy(&["forms", "organisation"]) >= 0.85, "organisations {figures}");
    assert!(
        accuracy(&["forms", "first_person"]) >= 0.5,
        "an op-ed's I is its author {figures}"
    );
    let generic = &figures["generic"];
    assert!(
        generic["given_an_actor"].as_u64().unwrap() * 4 <= generic["matched"].as_u64().unwrap(),
        "sources that denote nobody in particular get no actor id: {generic}"
    );
}

/// GAP development (never trained on) scored as GAP's scorer scores "Overall": each
/// pronoun's two names, a name chosen that the gold marks is a true positive, one it
/// does not a false positive, a gold name not chosen a false negative.
#[test]
fn the_pronoun_ranker_beats_the_rules_on_gap_development() {
    use stancemap::identity::gap::read_gap;
    use stancemap::identity::pronouns::{antecedent, Strategy};
    use stancemap::identity::ArticleNames;
    use stancemap::text::Document;
    let Some(gap) = shared_data("coref/gap/gap-development.tsv") else {
        eprintln!("skipped: ../shared/data/coref/gap/gap-development.tsv is absent");
        return;
    };
    let examples = read_gap(&gap).unwrap();
    assert_eq!(examples.len(), 2000);
    let f1 = |strategy: Strategy| {
        let (mut tp, mut fp, mut fn_) = (0, 0, 0);
        for example in &examples {
            let doc = Document::new(&example.text);
            let names = ArticleNames::new(&doc);
            let chosen = antecedent(&doc, &names, example.pronoun, &example.candidates, strategy);
            for (i, &gold) in example.gold.iter().enumerate() {
                match (chosen == Some(i), gold) {
                    (true, true) => tp += 1,
                    (true, false) => fp += 1,
                    (false, true) => fn_ += 1,
                    _ => {}
                }
            }
        }
        2.0 * tp as f64 / (2 * tp + fp + fn_) as f64
    };
    let (nearest, subject, learned) = (
        f1(Strategy::Nearest),
        f1(Strategy::SentenceSubject),
        f1(Strategy::Learned),
    );
    eprintln!("GAP development F1: nearest {nearest:.3}, subject {subject:.3}, learned {learned:.3}");
    // tools/score_gap.py (GAP's own scorer) gives 50.0, 53.9 and 64.7.
    assert!((nearest - 0.500).abs() < 0.005, "nearest {nearest}");
    assert!((subject - 0.539).abs() < 0.005, "subject {subject}");
    assert!(learned >= 0.64, "learned {learned}");
}

#[test]
fn name_forms_of_one_actor_join_run_wide_and_descriptions_get_no_id() {
    let articles = [
        (
            "a1",
            "Donald J. Trump said the deal was done. Mr. Trump said more would follow.",
        ),
        (
            "a2",
            "President Trump said taxes would fall. The Kremlin said the talks were useful.",
        ),
        (
            "a3",
            "Donald Trump said he would win. Kremlin officials said the deal was off. The ministry said it was calm.",
        ),
    ];
    let (_work, out) = run_rules_on(&articles);
    let rows = statement_rows(&out);
    let actor_of = |needle: &str| actor_of_statement(&rows, needle);
    for needle in [
        "the deal was done",
        "more would follow",
        "taxes would fall",
        "he would win",
    ] {
        assert_eq!(actor_of(needle).as_deref(), Some("donald_trump"), "{needle}");
    }
    assert_eq!(actor_of("talks were useful").as_deref(), Some("kremlin"));
    assert_eq!(actor_of("the deal was off"), None, "Kremlin officials are no entity");
    assert_eq!(actor_of("it was calm"), None, "a ministry the article never names");

    let actors = read_table(&out, "actors.parquet");
    let ids = strings(&actors, "actor_id");
    assert_eq!(
        ids.iter().flatten().map(String::as_str).collect::<BTreeSet<_>>(),
        BTreeSet::from(["donald_trump", "kremlin"]),
        "{ids:?}"
    );
    let kremlin = ids.iter().position(|id| id.as_deref() == Some("kremlin")).unwrap();
    assert_eq!(strings(&actors, "kind")[kremlin].as_deref(), Some("organisation"));
    let trump = ids.iter().position(|id| id.as_deref() == Some("donald_trump")).unwrap();
    let names = strings(&actors, "name");
    assert_eq!(names[trump].as_deref(), Some("Donald Trump"));
    assert_eq!(
        strings(&actors, "kind")[trump].as_deref(),
        Some("person"),
        "'he would win'"
    );
    let forms = actors
        .column("mention_forms")
        .unwrap()
        .list()
        .unwrap()
        .get_as_series(trump)
        .unwrap();
    let forms: BTreeSet<&str> = forms.str().unwrap().into_iter().flatten().collect();
    for form in ["Donald J. Trump", "Mr. Trump", "President Trump", "Donald Trump"] {
        assert!(forms.contains(form), "{form} not in {forms:?}");
    }
}

#[test]
fn a_surname_misspelt_by_a_letter_names_the_person_the_article_named_in_full() {
    let articles = [(
        "m1",
        "The caucus president Leslie Wimes said on Monday that turnout would rise. \
         Wines said the campaign had ignored black voters. The Germans said they would \
         wait, and Mayor Karl Germany said the port would reopen.",
    )];
    let (_work, out) = run_rules_on(&articles);
    let rows = statement_rows(&out);
    let actor_of = |needle: &str| actor_of_statement(&rows, needle);
    assert_eq!(actor_of("turnout would rise").as_deref(), Some("leslie_wimes"));
    assert_eq!(
        actor_of("ignored black voters").as_deref(),
        Some("leslie_wimes"),
        "Wines"
    );
    assert_ne!(
        actor_of("they would wait").as_deref(),
        Some("karl_germany"),
        "a last letter changed is another word"
    );
}

#[test]
fn an_indefinite_body_and_a_representative_are_who_the_article_names_next() {
    let articles = [(
        "c1",
        "A federal appeals court said on Friday that the purge was illegal. A three-judge panel \
         of the U.S. Court of Appeals for the Sixth Circuit ruled 2-1. Bryan Pagliano did not \
         appear, and his attorney said the showdown was fruitless. An attorney for Pagliano, \
         Mark MacDougall, said his client was ready. A group said the ruling was welcome.",
    )];
    let (_work, out) = run_rules_on(&articles);
    let rows = statement_rows(&out);
    let actor_of = |needle: &str| actor_of_statement(&rows, needle);
    assert_eq!(
        actor_of("the purge was illegal").as_deref(),
        Some("u_s_court_of_appeals_for_the_sixth_circuit")
    );
    assert_eq!(
        actor_of("the showdown was fruitless").as_deref(),
        Some("mark_macdougall"),
        "his attorney"
    );
    assert_eq!(actor_of("his client was ready").as_deref(), Some("mark_macdougall"));
    assert_eq!(actor_of("the ruling was welcome"), None, "a group names nobody");
}

#[test]
fn a_role_the_run_binds_to_one_person_names_him_where_his_article_does_not() {
    let named: Vec<(String, String)> = (1..=3)
        .map(|i| {
            (
                format!("named{i}"),
                format!("Republican presidential nominee Donald Trump said the rally in city {i} was huge."),
            )
        })
        .collect();
    let mut articles: Vec<(&str, &str)> = named.iter().map(|(id, text)| (id.as_str(), text.as_str())).collect();
    articles.push((
        "unnamed",
        "The Republican presidential nominee said the polls were rigged. \
         A Republican presidential nominee said nothing of the kind. \
         Police officials said the road was closed.",
    ));
    let (_work, out) = run_rules_on(&articles);
    let frame = read_table(&out, "statements.parquet");
    let contents = strings(&frame, "content");
    let actors = strings(&frame, "actor_id");
    let resolutions = strings(&frame, "resolution");
    let of = |needle: &str| {
        let i = contents
            .iter()
            .position(|c| c.as_deref().is_some_and(|c| c.contains(needle)))
            .unwrap_or_else(|| panic!("no statement with {needle:?}: {contents:?}"));
        (actors[i].clone(), resolutions[i].clone())
    };
    assert_eq!(
        of("polls were rigged"),
        (Some("donald_trump".into()), Some("title".into())),
        "the role the run binds to him"
    );
    assert_eq!(
        of("nothing of the kind"),
        (None, Some("unresolved".into())),
        "an indefinite one is someone new"
    );
    assert_eq!(of("road was closed"), (None, Some("unresolved".into())));
    let listed = strings(&read_table(&out, "actors.parquet"), "actor_id");
    assert!(listed.contains(&Some("donald_trump".into())));
}

/// Runs the rules alone (`--no-models`) over articles given as (id, text), in a temp dir
/// kept alive by the returned guard; returns it with the run's folder.
/// The actor of the first statement whose content holds `needle`.
fn actor_of_statement(rows: &[crate::common::Row], needle: &str) -> Option<String> {
    rows.iter()
        .find(|r| r.content.contains(needle))
        .unwrap_or_else(|| panic!("no statement with {needle:?}"))
        .actor_id
        .clone()
}

fn run_rules_on(articles: &[(&str, &str)]) -> (tempfile::TempDir, std::path::PathBuf) {
    let work = tempfile::tempdir().unwrap();
    let corpus = work.path().join("news.jsonl");
    let lines: Vec<String> = articles
        .iter()
        .map(|(id, text)| serde_json::json!({"id": id, "text": text}).to_string())
        .collect();
    std::fs::write(&corpus, lines.join("\n")).unwrap();
    let out = work.path().join("out");
    let output = run(&[
        "run",
        "--quiet",
        "--no-models",
        "--input",
        corpus.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    (work, out)
}
