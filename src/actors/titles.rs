//! Titles and roles as an article binds them to names: `US president Donald Trump`
//! makes `the US president` Trump, `Sen. Ted Cruz` makes `the senator` Cruz, and `A
//! House panel` is the committee the next sentences name.

use crate::identity::names::{proper_name, starts_upper};
use crate::text::whole_words;

/// The name that follows the last mention of `role` (lower case, e.g. "us president")
/// before `before` in `text`: "US president Donald Trump" binds "us president" to
/// "Donald Trump". Case is ignored in the role, the name must be capitalised. With the
/// name comes where `role` last stands before `before`, bound to a name or not.
pub(super) fn bound_name(text: &str, role: &str, before: usize) -> Option<(usize, String)> {
    let lower = text.to_lowercase();
    if lower.len() != text.len() || role.is_empty() {
        return None; // lower-casing moved offsets: no reliable match
    }
    let window = lower.get(..before.min(lower.len()))?;
    let mut last = 0;
    let mut best = None;
    for start in whole_words(window, role) {
        last = start;
        let Some(after) = text.get(start + role.len()..).filter(|after| after.starts_with(' ')) else {
            continue;
        };
        let words: Vec<&str> = after
            .split_whitespace()
            .take(4)
            .take_while(|w| starts_upper(w))
            .map(|w| {
                w.trim_end_matches([',', '.', ';', ':', '’', '\''])
                    .trim_end_matches("’s")
            })
            .collect();
        if let Some(name) = proper_name(&words.join(" ")).filter(|n| n.contains(' ') || words.len() == 1) {
            best = Some(name);
        }
    }
    best.map(|name| (last, name))
}

/// How far after an indefinite description (`A House panel`) the organisation it
/// introduces is looked for: a lead and the sentence or two after it.
pub(super) const INTRODUCTION_WINDOW: usize = 600;

/// Heads of the bodies an indefinite description introduces before naming them (`A
/// federal appeals court`, `A House panel`, `a state agency`); broader heads (`group`,
/// `party`, `company`) stand for many things the article never names.
pub(super) const INSTITUTION_HEADS: &[&str] = &[
    "agency",
    "board",
    "bureau",
    "commission",
    "committee",
    "council",
    "court",
    "department",
    "ministry",
    "panel",
    "subcommittee",
    "tribunal",
];

/// Role nouns that stay titles before another person noun (`president elect`).
pub(super) const TITLE_HEADS: &[&str] = &["president", "secretary", "minister", "leader"];

/// Titles that, bare (`the senator`), denote the one person the article so titled.
pub(super) const BOUND_TITLES: &[&str] = &[
    "senator",
    "governor",
    "mayor",
    "representative",
    "chairman",
    "chairwoman",
    "commissioner",
    "congressman",
    "congresswoman",
    "judge",
    "general",
    "ambassador",
    "chancellor",
];

/// The abbreviation a title is written with before a name.
pub(super) fn abbreviation_of(title: &str) -> Option<&'static str> {
    match title {
        "senator" => Some("sen."),
        "governor" => Some("gov."),
        "representative" => Some("rep."),
        "general" => Some("gen."),
        _ => None,
    }
}

/// Abbreviated titles written out, so `the senator` finds `Sen. Ted Cruz`.
pub(super) fn expand_abbreviation(word: &str) -> String {
    match word {
        "sen." | "sen" => "senator",
        "gov." | "gov" => "governor",
        "rep." | "rep" => "representative",
        "gen." => "general",
        "del." => "delegate",
        "sec." => "secretary",
        "pres." => "president",
        other => other,
    }
    .to_string()
}
