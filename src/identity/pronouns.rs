//! A pronoun's antecedent among names in running text, for pronouns no earlier
//! speaker explains (`Tina Houchins had a question ... “...,” she said`).
//!
//! Three strategies, all filtered by the gender the article's own pronouns and
//! honorifics give each name, or else its first name ([`ArticleNames::gender_of`]):
//! * [`Strategy::Nearest`]: the compatible name mentioned last before the pronoun (the
//!   usual baseline);
//! * [`Strategy::SentenceSubject`]: the compatible name mentioned first in the nearest
//!   sentence (the pronoun's own, else an earlier one) that mentions one: subjects are
//!   what pronouns most often continue;
//! * [`Strategy::Learned`]: the [`PronounRanker`] trained on GAP, which weighs these and
//!   more by data. This is what the actors stage uses.
//!
//! Measured on GAP (`examples/gap_pronouns.rs`, scored by GAP's own scorer: F1 50.0,
//! 53.9 and 64.7 on its development split).

use super::article::{fold, ArticleNames, Gender};
use super::pronoun_ranker::PronounRanker;
use crate::text::{whole_words, Document, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    Nearest,
    SentenceSubject,
    /// The shipped [`PronounRanker`](super::pronoun_ranker::PronounRanker), trained on GAP.
    Learned,
}

/// The gender a pronoun asks for; None for one that asks for none (`they`, `it`).
pub fn pronoun_gender(pronoun: &str) -> Option<Gender> {
    match pronoun.to_lowercase().as_str() {
        "he" | "him" | "his" | "himself" => Some(Gender::Male),
        "she" | "her" | "hers" | "herself" => Some(Gender::Female),
        _ => None,
    }
}

/// Where a name is mentioned in a text: the full name and its last word, whole words.
pub fn mentions_of(text: &str, name: &str) -> Vec<usize> {
    let folded = fold(name);
    let last = folded.rsplit(' ').next().unwrap_or_default().to_string();
    // The text keeps its own apostrophes (straightening `’` would move every offset
    // after it); the name is looked for with either.
    let lower = text.to_lowercase();
    if lower.len() != text.len() || folded.is_empty() {
        return Vec::new();
    }
    let needles = [
        folded.clone(),
        last.clone(),
        folded.replace('\'', "’"),
        last.replace('\'', "’"),
    ];
    let mut found: Vec<usize> = needles
        .iter()
        .flat_map(|needle| whole_words(&lower, needle).collect::<Vec<_>>())
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// Which of `candidates` (names with their mention positions) a pronoun denotes.
pub fn antecedent(
    doc: &Document,
    names: &ArticleNames,
    pronoun: Span,
    candidates: &[(String, Vec<usize>)],
    strategy: Strategy,
) -> Option<usize> {
    match strategy {
        Strategy::Learned => match PronounRanker::shipped() {
            Some(ranker) => ranker.choose(doc, names, pronoun, candidates),
            None => antecedent_by_rule(doc, names, pronoun, candidates, Strategy::SentenceSubject),
        },
        rule => antecedent_by_rule(doc, names, pronoun, candidates, rule),
    }
}

/// The rule strategies ([`Strategy::Nearest`], [`Strategy::SentenceSubject`]).
pub fn antecedent_by_rule(
    doc: &Document,
    names: &ArticleNames,
    pronoun: Span,
    candidates: &[(String, Vec<usize>)],
    strategy: Strategy,
) -> Option<usize> {
    let wanted = pronoun_gender(pronoun.slice(doc.text));
    let compatible: Vec<usize> = (0..candidates.len())
        .filter(|&i| match (wanted, names.gender_of(&candidates[i].0)) {
            (Some(w), Some(g)) => w == g,
            _ => true,
        })
        .collect();
    let before = |i: usize| {
        candidates[i]
            .1
            .iter()
            .copied()
            .filter(|&p| p < pronoun.start)
            .collect::<Vec<_>>()
    };
    match strategy {
        Strategy::Nearest | Strategy::Learned => compatible
            .iter()
            .copied()
            .filter_map(|i| before(i).last().map(|&p| (p, i)))
            .max()
            .map(|(_, i)| i),
        Strategy::SentenceSubject => {
            let sentence_of = |p: usize| doc.sentence_at(p).unwrap_or(0);
            let mentions: Vec<(usize, usize)> = compatible
                .iter()
                .flat_map(|&i| before(i).into_iter().map(move |p| (p, i)))
                .collect();
            let nearest_sentence = mentions.iter().map(|&(p, _)| sentence_of(p)).max()?;
            mentions
                .iter()
                .filter(|&&(p, _)| sentence_of(p) == nearest_sentence)
                .min()
                .map(|&(_, i)| i)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(text: &str, pronoun_at: &str, names_given: &[&str], strategy: Strategy) -> Option<String> {
        let doc = Document::new(text);
        let names = ArticleNames::new(&doc);
        let start = text.find(pronoun_at).unwrap();
        let word = pronoun_at.split_whitespace().next().unwrap();
        let span = Span::new(start, start + word.len());
        let candidates: Vec<(String, Vec<usize>)> = names_given
            .iter()
            .map(|n| (n.to_string(), mentions_of(text, n)))
            .collect();
        antecedent(&doc, &names, span, &candidates, strategy).map(|i| names_given[i].to_string())
    }

    #[test]
    fn the_subject_of_the_nearest_sentence_beats_the_nearest_name() {
        let text = "Tom Hale met Anna Berg in Paris. Hale thanked Berg, and he left.";
        assert_eq!(
            resolve(text, "he left", &["Tom Hale", "Anna Berg"], Strategy::SentenceSubject).as_deref(),
            Some("Tom Hale")
        );
        assert_eq!(
            resolve(text, "he left", &["Tom Hale", "Anna Berg"], Strategy::Nearest).as_deref(),
            Some("Anna Berg"),
            "the baseline takes the last name"
        );
    }

    #[test]
    fn names_are_found_in_a_text_with_curly_apostrophes() {
        let text = "Tom Hale’s plan won. O’Neil agreed, and Hale said so.";
        assert_eq!(
            mentions_of(text, "Tom Hale"),
            vec![0, 4, text.find("Hale said").unwrap()]
        );
        assert_eq!(mentions_of(text, "Pat O'Neil"), vec![text.find("O’Neil").unwrap()]);
    }

    #[test]
    fn gender_from_the_text_rules_out_a_name() {
        let text = "Mr. Hale spoke with Anna Berg after she won. Hale praised Berg. Later she said so.";
        assert_eq!(
            resolve(text, "she said", &["Tom Hale", "Anna Berg"], Strategy::SentenceSubject).as_deref(),
            Some("Anna Berg")
        );
    }
}
