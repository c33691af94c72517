//! The seed article's statements (DEVELOPERS.md) are found with the right actors.

use crate::common::*;

#[test]
fn seed_statements_are_found_with_their_actors() {
    let out = tempfile::tempdir().unwrap();
    if run_seed(out.path()).is_none() {
        return;
    }
    let rows = statement_rows(out.path());
    let describe = || {
        rows.iter()
            .map(|r| format!("{:?} {:?} {:?} {}", r.actor_id, r.kind, r.cue, r.content))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let find = |actor: &str, kind: &str, needle: &str| {
        rows.iter()
            .find(|r| r.actor_id.as_deref() == Some(actor) && r.kind == kind && r.content.contains(needle))
            .unwrap_or_else(|| {
                panic!(
                    "no {kind} statement by {actor} containing {needle:?} among:\n{}",
                    describe()
                )
            })
            .clone()
    };

    let zelensky = find("zelensky", "direct", "the war must end");
    assert_eq!(zelensky.cue.as_deref(), Some("wrote on X"));
    assert!(zelensky.content.starts_with("Right on my way"), "{}", zelensky.content);

    // A characterisation keeps its object: what was called highly productive.
    let productive = find("trump", "descriptive", "highly productive");
    assert!(
        productive
            .content
            .starts_with("Witkoff’s three-hour meeting with Putin as"),
        "{}",
        productive.content
    );
    let progress = find("trump", "direct", "Great progress was made!");
    assert!(
        progress.content.ends_with("in the days and weeks to come."),
        "{}",
        progress.content
    );

    let useful = find("ushakov", "descriptive", "useful");
    assert!(useful.content.contains("constructive"), "{}", useful.content);
    assert_eq!(useful.speaker_text.as_deref(), Some("Putin aide Yuri Ushakov"));

    let patience = find("trump", "indirect", "have tested his patience");
    assert_eq!(patience.cue.as_deref(), Some("has admitted"));
    // The tagger's span, with the complementiser, as PolNeAR marks reported content.
    assert_eq!(
        patience.content,
        "that repeated civilian casualties have tested his patience"
    );

    // Offsets index the stored text as Python would: text[start:end] holds the content.
    let articles = read_table(out.path(), "articles.parquet");
    let text = strings(&articles, "text")[0].clone().unwrap();
    assert!(
        text.starts_with("Ukrainian president"),
        "the date header is metadata, not text"
    );
    let chars: Vec<char> = text.chars().collect();
    let span: String = chars[patience.content_start as usize..patience.content_end as usize]
        .iter()
        .collect();
    assert_eq!(span, patience.content);

    // Ushakov's side is the Kremlin's: affiliation russia in the actors table.
    let actors = read_table(out.path(), "actors.parquet");
    let ids = strings(&actors, "actor_id");
    let affiliations = strings(&actors, "affiliation");
    let ushakov = ids.iter().position(|id| id.as_deref() == Some("ushakov")).unwrap();
    assert_eq!(affiliations[ushakov].as_deref(), Some("russia"));
}

#[test]
fn without_a_study_the_us_president_of_the_seed_is_trump_and_impatience_is_no_statement() {
    let Some(seed) = shared_data("seed") else {
        eprintln!("skipped: ../shared/data/seed is absent");
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let output = run(&[
        "run",
        "--quiet",
        "--no-scores",
        "--input",
        seed.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let rows = statement_rows(out.path());
    // "The US president ... has admitted that repeated civilian casualties have tested
    // his patience": the article's first line calls Zelensky the Ukrainian president
    // and Trump the US president; the statement is Trump's, under the id his own
    // statements have.
    let patience = rows
        .iter()
        .find(|r| r.content.contains("tested his patience"))
        .expect("the patience statement is found");
    let trump = rows
        .iter()
        .find(|r| r.content.contains("Great progress was made"))
        .expect("Trump's post is found");
    assert_eq!(patience.speaker_text.as_deref(), Some("The US president"));
    assert_eq!(patience.actor_id, trump.actor_id);
    assert!(
        patience.actor_id.as_deref().is_some_and(|id| id.contains("trump")),
        "{:?}",
        patience.actor_id
    );
    // "… amid growing signs of Trump's impatience with Putin over ongoing Russian
    // attacks on Ukrainian cities." reports nobody's words; the next sentence's
    // speaker and cue are not its own.
    let attacks: Vec<&Row> = rows.iter().filter(|r| r.content.contains("Russian attacks")).collect();
    assert!(attacks.is_empty(), "{attacks:?}");
}
