//! The seed article scored with the shipped default models (models/models.toml):
//! the tone and stance the brief expects of its key statements.

use std::collections::HashMap;

use crate::common::*;

#[test]
fn seed_statements_get_the_expected_tone_and_stance() {
    let out = tempfile::tempdir().unwrap();
    if run_seed(out.path()).is_none() {
        return;
    }
    let statements = read_table(out.path(), "statements.parquet");
    let ids = strings(&statements, "statement_id");
    let contents = strings(&statements, "content");
    let actors = strings(&statements, "actor_id");

    let tone = read_table(out.path(), "tone.parquet");
    let tone_ids = strings(&tone, "statement_id");
    let models = strings(&tone, "model");
    assert!(models.iter().all(|m| m.as_deref() == Some("tone-minilm")), "{models:?}");
    let labels = strings(&tone, "label");
    let scores = floats(&tone, "tone_score");
    let tone_of: HashMap<String, (String, f64)> = tone_ids
        .into_iter()
        .zip(labels)
        .zip(scores)
        .map(|((id, label), score)| (id.unwrap(), (label.unwrap(), score)))
        .collect();

    let statement = |actor: &str, needle: &str| -> String {
        (0..ids.len())
            .find(|&i| {
                actors[i].as_deref() == Some(actor) && contents[i].as_deref().is_some_and(|c| c.contains(needle))
            })
            .and_then(|i| ids[i].clone())
            .unwrap_or_else(|| panic!("no statement by {actor} containing {needle:?}"))
    };
    for (actor, needle, expected) in [
        // The characterisation in the body (the headline "hails ‘highly productive’ talks" is another statement).
        ("trump", "as “highly productive", "positive"),
        ("trump", "Great progress was made!", "positive"),
        ("ushakov", "constructive", "positive"),
        // An idiom with no negative word in it.
        ("trump", "tested his patience", "negative"),
    ] {
        let (label, score) = &tone_of[&statement(actor, needle)];
        assert_eq!(label, expected, "{actor}: {needle:?} scored {label} ({score:.3})");
        let sign = if expected == "positive" { 1.0 } else { -1.0 };
        assert!(score * sign > 0.0, "{needle:?}: tone_score {score}");
    }

    let stance = read_table(out.path(), "stance.parquet");
    let stance_ids = strings(&stance, "statement_id");
    let targets = strings(&stance, "target_id");
    let favor = floats(&stance, "p_favor");
    let against = floats(&stance, "p_against");
    let zelensky = statement("zelensky", "the war must end");
    let row = (0..stance_ids.len())
        .find(|&i| stance_ids[i].as_deref() == Some(&zelensky) && targets[i].as_deref() == Some("ending_the_war"))
        .expect("Zelensky's statement has a stance row for ending_the_war");
    let labels = strings(&stance, "label");
    assert_eq!(
        labels[row].as_deref(),
        Some("favor"),
        "p_favor {} p_against {}",
        favor[row],
        against[row]
    );
    assert!(
        favor[row] > against[row],
        "\"the war must end\" toward ending the war: p_favor {} p_against {}",
        favor[row],
        against[row]
    );
}
