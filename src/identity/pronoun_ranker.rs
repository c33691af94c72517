//! A learned pronoun resolver: logistic regression over features of a (pronoun, name)
//! pair, trained on GAP's validation split (`examples/train_pronoun_ranker.rs`) and
//! measured on its development split with GAP's own scorer (`tools/score_gap.py`).
//!
//! The features are what the rule strategies look at, weighed against each other by
//! data instead of by hand: gender as the article shows it, distance, whether the name
//! is where subjects stand (first in its sentence, before a verb) or where objects do
//! (after a preposition), whether the other name stands between, how often the name
//! recurs, and which name each rule strategy would pick.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::article::{ArticleNames, Gender};
use super::pronouns::{antecedent_by_rule, pronoun_gender, Strategy};
use crate::text::{tokenize, Document, Span};

/// The shipped weights, written by `examples/train_pronoun_ranker.rs`.
const SHIPPED: &str = include_str!("../../models/pronoun-ranker/weights.json");

/// Names of the features, in the order [`features`] computes them.
pub const FEATURE_NAMES: &[&str] = &[
    "bias",
    "gender_agrees",
    "gender_clashes",
    "mentioned_before",
    "only_after",
    "log_words_since",
    "same_sentence",
    "previous_sentence",
    "sentence_initial",
    "before_a_verb",
    "after_a_preposition",
    "possessive",
    "other_name_between",
    "log_mentions",
    "rule_nearest_picks",
    "rule_subject_picks",
    "pronoun_is_subject",
    "pronoun_is_possessive",
    "subject_to_subject",
    "first_name_of_text",
];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PronounRanker {
    pub features: Vec<String>,
    pub weights: Vec<f64>,
    /// The ranker names its best candidate only above this probability; below, none.
    pub threshold: f64,
    /// Where the weights came from, for the record.
    pub trained_on: String,
}

impl PronounRanker {
    /// The ranker stancemap ships. The weights file is compiled in; a mismatch with
    /// [`FEATURE_NAMES`] is a build mistake that the unit tests catch.
    pub fn shipped() -> Option<&'static Self> {
        static RANKER: OnceLock<Option<PronounRanker>> = OnceLock::new();
        RANKER
            .get_or_init(|| {
                let ranker: PronounRanker = serde_json::from_str(SHIPPED).ok()?;
                (ranker.features == FEATURE_NAMES && ranker.weights.len() == FEATURE_NAMES.len()).then_some(ranker)
            })
            .as_ref()
    }

    pub fn probability(&self, features: &[f64]) -> f64 {
        logistic(&self.weights, features)
    }

    /// Which of `candidates` the pronoun denotes, if any is likely enough.
    pub fn choose(
        &self,
        doc: &Document,
        names: &ArticleNames,
        pronoun: Span,
        candidates: &[(String, Vec<usize>)],
    ) -> Option<usize> {
        let context = PronounContext::new(doc, names, pronoun, candidates);
        let features: Vec<Vec<f64>> = (0..candidates.len()).map(|i| context.features(i)).collect();
        self.pick(&features)
    }

    /// Of one pronoun's candidates, given by their features, the likeliest at or above
    /// the threshold. A name of the other gender is ruled out, not weighed: GAP pairs
    /// two names of one gender, so its weights cannot learn how much a clash counts.
    pub fn pick(&self, candidates: &[Vec<f64>]) -> Option<usize> {
        let gender_clashes = FEATURE_NAMES.iter().position(|f| *f == "gender_clashes");
        candidates
            .iter()
            .enumerate()
            .filter(|(_, features)| gender_clashes.is_none_or(|k| features[k] == 0.0))
            .map(|(i, features)| (i, self.probability(features)))
            .filter(|&(_, p)| p >= self.threshold)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }
}

/// The logistic function of the weighted sum of `features`.
fn logistic(weights: &[f64], features: &[f64]) -> f64 {
    let z: f64 = weights.iter().zip(features).map(|(w, x)| w * x).sum();
    1.0 / (1.0 + (-z).exp())
}

/// What the features of every candidate of one pronoun share.
pub struct PronounContext<'a> {
    doc: &'a Document<'a>,
    names: &'a ArticleNames,
    pronoun: Span,
    candidates: &'a [(String, Vec<usize>)],
    by_nearest: Option<usize>,
    by_subject: Option<usize>,
}

impl<'a> PronounContext<'a> {
    pub fn new(
        doc: &'a Document<'a>,
        names: &'a ArticleNames,
        pronoun: Span,
        candidates: &'a [(String, Vec<usize>)],
    ) -> Self {
        PronounContext {
            doc,
            names,
            pronoun,
            candidates,
            by_nearest: antecedent_by_rule(doc, names, pronoun, candidates, Strategy::Nearest),
            by_subject: antecedent_by_rule(doc, names, pronoun, candidates, Strategy::SentenceSubject),
        }
    }

    /// The features of candidate `index`, in [`FEATURE_NAMES`]' order.
    pub fn features(&self, index: usize) -> Vec<f64> {
        let text = self.doc.text;
        let (name, positions) = &self.candidates[index];
        let pronoun_word = self.pronoun.slice(text).to_lowercase();
        let wanted = pronoun_gender(&pronoun_word);
        let known = self.names.gender_of(name);
        let agrees = matches!((wanted, known), (Some(w), Some(k)) if w == k);
        let clashes = matches!((wanted, known), (Some(w), Some(k)) if w != k);
        let last_before = positions.iter().copied().filter(|&p| p < self.pronoun.start).max();
        let sentence_of = |p: usize| self.doc.sentence_at(p).unwrap_or(0);
        let pronoun_sentence = sentence_of(self.pronoun.start);
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        let mut f = vec![0.0; FEATURE_NAMES.len()];
        f[0] = 1.0;
        f[1] = flag(agrees);
        f[2] = flag(clashes);
        f[3] = flag(last_before.is_some());
        f[4] = flag(last_before.is_none() && !positions.is_empty());
        let mention = last_before.or_else(|| positions.iter().copied().find(|&p| p > self.pronoun.start));
        if let Some(at) = mention {
            let (from, to) = if at < self.pronoun.start {
                (at, self.pronoun.start)
            } else {
                (self.pronoun.end, at)
            };
            let words = text
                .get(from.min(to)..to)
                .map_or(0, |between| between.split_whitespace().count());
            f[5] = (1.0 + words as f64).ln() / 5.0;
            let sentence = sentence_of(at);
            f[6] = flag(sentence == pronoun_sentence);
            f[7] = flag(sentence + 1 == pronoun_sentence);
            let role = MentionRole::of(self.doc, at, name);
            f[8] = flag(role.sentence_initial);
            f[9] = flag(role.before_verb);
            f[10] = flag(role.after_preposition);
            f[11] = flag(role.possessive);
            let other_between = self
                .candidates
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != index)
                .flat_map(|(_, (_, ps))| ps.iter().copied())
                .any(|p| p > from && p < to);
            f[12] = flag(other_between);
            let subject_like = role.sentence_initial || role.before_verb;
            let pronoun_subject = matches!(pronoun_word.as_str(), "he" | "she");
            f[18] = flag(subject_like && pronoun_subject);
        }
        f[13] = (1.0 + positions.len() as f64).ln();
        f[14] = flag(self.by_nearest == Some(index));
        f[15] = flag(self.by_subject == Some(index));
        f[16] = flag(matches!(pronoun_word.as_str(), "he" | "she"));
        f[17] = flag(matches!(pronoun_word.as_str(), "his") || pronoun_word == "her" && wanted == Some(Gender::Female));
        let first_of_all = self
            .candidates
            .iter()
            .enumerate()
            .filter_map(|(j, (_, ps))| ps.first().map(|&p| (p, j)))
            .min()
            .map(|(_, j)| j);
        f[19] = flag(first_of_all == Some(index));
        f
    }
}

/// Where a name mention stands in its sentence, as far as tokens show it.
struct MentionRole {
    sentence_initial: bool,
    before_verb: bool,
    after_preposition: bool,
    possessive: bool,
}

const PREPOSITIONS: &[&str] = &[
    "with", "by", "to", "for", "from", "of", "against", "at", "on", "as", "about", "and", "than", "under", "over",
    "behind", "into", "like",
];

impl MentionRole {
    fn of(doc: &Document, at: usize, name: &str) -> Self {
        let sentence = doc
            .sentence_at(at)
            .map_or(Span::new(0, doc.text.len()), |s| doc.sentences[s]);
        let tokens = tokenize(doc.text, sentence);
        let first = tokens.partition_point(|t| t.span.start < at);
        // The mention may be the short form: it spans as many tokens as it has words.
        let mention_words = if doc.text.get(at..).is_some_and(|rest| rest.starts_with(name)) {
            name.split_whitespace().count()
        } else {
            1
        };
        let after = first + mention_words;
        let words_before = tokens[..first.min(tokens.len())].iter().filter(|t| t.is_word).count();
        let next = tokens.get(after);
        let previous = first.checked_sub(1).and_then(|i| tokens.get(i));
        let possessive = next.is_some_and(|t| t.lower == "'s" || t.lower == "’s")
            || tokens
                .get(after.saturating_sub(1))
                .is_some_and(|t| t.lower.ends_with("'s") || t.lower.ends_with("’s"));
        let before_verb = next.is_some_and(|t| {
            t.is_word
                && !t.capitalized
                && !PREPOSITIONS.contains(&t.lower.as_str())
                && !matches!(t.lower.as_str(), "and" | "or")
        });
        MentionRole {
            sentence_initial: words_before <= 1,
            before_verb,
            after_preposition: previous.is_some_and(|t| PREPOSITIONS.contains(&t.lower.as_str())),
            possessive,
        }
    }
}

/// Fits the weights by gradient descent on the log loss with an L2 penalty
/// (deterministic: full batches from zero), then the threshold that maximises F1 on
/// the same pairs, as GAP counts it (each pronoun's chosen name against its gold).
pub fn fit(examples: &[(Vec<Vec<f64>>, Vec<bool>)], l2: f64, iterations: usize) -> (Vec<f64>, f64) {
    let dims = FEATURE_NAMES.len();
    let mut weights = vec![0.0; dims];
    let pairs: Vec<(&Vec<f64>, bool)> = examples
        .iter()
        .flat_map(|(features, gold)| features.iter().zip(gold.iter().copied()))
        .collect();
    let n = pairs.len().max(1) as f64;
    let rate = 0.5;
    for _ in 0..iterations {
        let mut gradient = vec![0.0; dims];
        for (x, y) in &pairs {
            let error = logistic(&weights, x) - if *y { 1.0 } else { 0.0 };
            for (g, v) in gradient.iter_mut().zip(x.iter()) {
                *g += error * v / n;
            }
        }
        for (k, (w, g)) in weights.iter_mut().zip(gradient).enumerate() {
            let penalty = if k == 0 { 0.0 } else { l2 * *w };
            *w -= rate * (g + penalty);
        }
    }
    let mut ranker = PronounRanker {
        features: FEATURE_NAMES.iter().map(|s| s.to_string()).collect(),
        weights: weights.clone(),
        threshold: 0.0,
        trained_on: String::new(),
    };
    // Each threshold is judged by the choice the shipped ranker makes with it.
    let mut best: Option<(f64, f64)> = None;
    for k in 1..20 {
        ranker.threshold = k as f64 / 20.0;
        let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
        for (features, gold) in examples {
            let chosen = ranker.pick(features);
            for (i, &g) in gold.iter().enumerate() {
                match (chosen == Some(i), g) {
                    (true, true) => tp += 1,
                    (true, false) => fp += 1,
                    (false, true) => fn_ += 1,
                    _ => {}
                }
            }
        }
        let f1 = 2.0 * tp as f64 / (2 * tp + fp + fn_).max(1) as f64;
        // The lowest threshold of the best F1 (thresholds rise).
        if best.is_none_or(|(_, best_f1)| f1 > best_f1) {
            best = Some((ranker.threshold, f1));
        }
    }
    let best_threshold = best.map_or(0.5, |(threshold, _)| threshold);
    (weights, best_threshold)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::pronouns::mentions_of;

    #[test]
    fn the_shipped_weights_match_the_features() {
        let ranker = PronounRanker::shipped().expect("models/pronoun-ranker/weights.json names these features");
        assert!(ranker.threshold > 0.0 && ranker.threshold < 1.0);
        let weight = |name: &str| ranker.weights[FEATURE_NAMES.iter().position(|f| *f == name).unwrap()];
        assert!(weight("gender_agrees") > weight("gender_clashes"));
        // Where subjects stand weighs for a name, the other name in between against it.
        assert!(weight("sentence_initial") > 0.0 && weight("before_a_verb") > 0.0);
        assert!(weight("other_name_between") < 0.0);
    }

    fn choose(text: &str, pronoun_at: &str, names_given: &[&str]) -> Option<String> {
        let ranker = PronounRanker::shipped().unwrap();
        let doc = Document::new(text);
        let names = ArticleNames::new(&doc);
        let candidates: Vec<(String, Vec<usize>)> = names_given
            .iter()
            .map(|n| (n.to_string(), mentions_of(text, n)))
            .collect();
        let start = text.find(pronoun_at).unwrap();
        let pronoun = Span::new(start, start + pronoun_at.split_whitespace().next().unwrap().len());
        ranker
            .choose(&doc, &names, pronoun, &candidates)
            .map(|i| names_given[i].to_string())
    }

    #[test]
    fn the_ranker_takes_the_subject_and_rules_out_the_other_gender() {
        // The subject of the sentence before, not the object nearer the pronoun.
        let text =
            "Tom Hale met Dan Berg in Paris on Monday. Hale thanked Berg for the dinner. He said the talks went well.";
        assert_eq!(
            choose(text, "He said", &["Tom Hale", "Dan Berg"]).as_deref(),
            Some("Tom Hale")
        );
        // A first name the article gives no pronoun for still has a gender.
        let text =
            "Mary Hale met Dan Berg in Paris on Monday. Hale thanked Berg for the dinner. He said the talks went well.";
        assert_eq!(
            choose(text, "He said", &["Mary Hale", "Dan Berg"]).as_deref(),
            Some("Dan Berg")
        );
        // With the article's own evidence too (`Mr.`).
        let text = "Mr. Hale met Anna Berg. Hale thanked Berg for the dinner. Later she said it went well.";
        assert_eq!(
            choose(text, "she said", &["Tom Hale", "Anna Berg"]).as_deref(),
            Some("Anna Berg")
        );
    }

    #[test]
    fn fitting_separates_a_feature_that_decides() {
        // Two candidates per pronoun; the gold one always agrees in gender.
        let example = |gold_first: bool| {
            let mut agree = vec![0.0; FEATURE_NAMES.len()];
            agree[0] = 1.0;
            agree[1] = 1.0;
            let mut other = vec![0.0; FEATURE_NAMES.len()];
            other[0] = 1.0;
            other[2] = 1.0;
            if gold_first {
                (vec![agree, other], vec![true, false])
            } else {
                (vec![other, agree], vec![false, true])
            }
        };
        let examples: Vec<_> = (0..20).map(|i| example(i % 2 == 0)).collect();
        let (weights, threshold) = fit(&examples, 0.001, 300);
        assert!(weights[1] > 1.0 && weights[2] < -1.0, "{weights:?}");
        assert!(threshold <= 0.5);
    }
}
