//! Stance by zero-shot NLI: each (statement, target) is read against a "supports"
//! and an "opposes" hypothesis. Entailment of the first or contradiction of the
//! second speak for favour, the reverse for against, neutrality for none:
//! `p_favor = (P(ent | supports) + P(con | opposes)) / 2`,
//! `p_against = (P(con | supports) + P(ent | opposes)) / 2`,
//! `p_none = (P(neu | supports) + P(neu | opposes)) / 2`, which sum to one.
//! Label indices come from the model's `config.json`, never from position.

use serde::{Deserialize, Serialize};

use super::{load_classifier, predict_unique, ScoreError, ScoreSettings, ScoreStats, Scorer};
use crate::models::{Input, ModelError, NliLabels, ResolvedModel, SequenceClassifier, Task};

pub const DEFAULT_FAVOR: &str = "The speaker supports {}.";
pub const DEFAULT_AGAINST: &str = "The speaker opposes {}.";
/// For targets that state a claim ("Climate change is a real concern"): "supports
/// climate change is …" would be read as support for the thing named, not the claim.
/// The shipped `nli-minilm` trains on both pairs of templates.
pub const CLAIM_FAVOR: &str = "The speaker agrees that {}.";
pub const CLAIM_AGAINST: &str = "The speaker disagrees that {}.";

/// A stance target with its hypothesis templates (`{}` takes the description).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub id: String,
    pub description: String,
    pub favor_template: String,
    pub against_template: String,
    /// Other names the articles use for the target ("the accord", "the draft" for a
    /// peace plan), from the study: a statement that names the target only so is read
    /// against hypotheses that use the name it uses (`hypotheses_for`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

impl Target {
    /// Templates by the description's shape: a claim gets "agrees / disagrees that",
    /// anything else (a noun phrase: "ending the war", "Hillary Clinton") "supports /
    /// opposes". A study can set its own templates per target.
    pub fn new(id: &str, description: &str) -> Self {
        if reads_as_claim(description) {
            Target::claim(id, description)
        } else {
            Target::with_templates(id, description, DEFAULT_FAVOR, DEFAULT_AGAINST)
        }
    }

    /// A target known to be a claim, whatever its wording.
    pub fn claim(id: &str, description: &str) -> Self {
        Target::with_templates(id, description, CLAIM_FAVOR, CLAIM_AGAINST)
    }

    fn with_templates(id: &str, description: &str, favor: &str, against: &str) -> Self {
        Target {
            id: id.into(),
            description: description.into(),
            favor_template: favor.into(),
            against_template: against.into(),
            aliases: Vec::new(),
        }
    }

    pub fn favor_hypothesis(&self) -> String {
        self.favor_template.replace("{}", &self.description)
    }

    pub fn against_hypothesis(&self) -> String {
        self.against_template.replace("{}", &self.description)
    }

    /// How `text` names the target: by its description (any case, with or without its
    /// article: "a ceasefire" is named by "the ceasefire"), else by the first of its
    /// aliases the text uses as whole words, else (nothing named) the description.
    pub fn name_in<'a>(&'a self, text: &str) -> &'a str {
        self.name_used_in(&text.to_lowercase()).unwrap_or(&self.description)
    }

    /// Whether `text` names the target at all: its description, one of its aliases, or,
    /// for a proper name ("Hillary Clinton"), its last word ("Clinton's plan").
    pub fn is_named_in(&self, text: &str) -> bool {
        let lower = text.to_lowercase();
        if self.name_used_in(&lower).is_some() {
            return true;
        }
        let words: Vec<&str> = self.description.split_whitespace().collect();
        let proper = words.len() > 1 && words.iter().all(|w| w.chars().next().is_some_and(char::is_uppercase));
        proper && words.last().is_some_and(|last| names_as_words(&lower, last))
    }

    /// The description or the first alias lower-cased `lower_text` names, if any.
    fn name_used_in<'a>(&'a self, lower_text: &str) -> Option<&'a str> {
        if names_as_words(lower_text, &self.description) {
            return Some(&self.description);
        }
        self.aliases
            .iter()
            .find(|alias| names_as_words(lower_text, alias))
            .map(|alias| alias.trim())
    }

    /// The verb when the description names a change to a thing rather than the thing
    /// ("ending the war", "banning whaling", "phasing out nuclear power"). NLI models
    /// read a side on such a target through the mood toward the thing, not the change
    /// (issue #16: "I support a ceasefire." reads against ending the war), so a run
    /// warns about them.
    pub fn change_verb(&self) -> Option<&'static str> {
        let first = self.description.split_whitespace().next()?.to_lowercase();
        UNDOING_VERBS
            .iter()
            .map(|(gerund, _)| *gerund)
            .chain(CHANGE_GERUNDS.iter().copied())
            .find(|gerund| *gerund == first)
    }

    /// The favour and against hypotheses for `text`, with the target named as the text
    /// names it ([`Target::name_in`]).
    ///
    /// Where every mention of the target is the object of a verb that undoes it
    /// ("lifting sanctions", "any accord that lifted the sanctions"), the statement is
    /// read for or against the undoing, and that side counts against or for the target:
    /// the favour hypothesis is "The speaker opposes lifting sanctions.". NLI models read
    /// an objection to the change as opposition to the thing (issue #16: "lifting
    /// sanctions before a ceasefire would be rewarding aggression" read −0.61 toward
    /// sanctions). Only the default templates are turned so; a study's own are kept.
    pub fn hypotheses_for(&self, text: &str) -> (String, String) {
        let lower = text.to_lowercase();
        let name = self.name_used_in(&lower).unwrap_or(&self.description);
        let default_templates = self.favor_template == DEFAULT_FAVOR && self.against_template == DEFAULT_AGAINST;
        let undoing = if default_templates {
            undoing_of(&lower, name)
        } else {
            None
        };
        if let Some(undoing) = undoing {
            let undone = format!("{undoing} {name}");
            return (
                self.against_template.replace("{}", &undone),
                self.favor_template.replace("{}", &undone),
            );
        }
        (
            self.favor_template.replace("{}", name),
            self.against_template.replace("{}", name),
        )
    }
}

/// Verbs that undo their object, as a gerund and the forms a statement uses.
const UNDOING_VERBS: &[(&str, &[&str])] = &[
    ("lifting", &["lift", "lifts", "lifted", "lifting"]),
    ("easing", &["ease", "eases", "eased", "easing"]),
    ("scrapping", &["scrap", "scraps", "scrapped", "scrapping"]),
    ("dropping", &["drop", "drops", "dropped", "dropping"]),
    ("removing", &["remove", "removes", "removed", "removing"]),
    ("repealing", &["repeal", "repeals", "repealed", "repealing"]),
    ("abandoning", &["abandon", "abandons", "abandoned", "abandoning"]),
    ("relaxing", &["relax", "relaxes", "relaxed", "relaxing"]),
    ("loosening", &["loosen", "loosens", "loosened", "loosening"]),
    ("abolishing", &["abolish", "abolishes", "abolished", "abolishing"]),
    (
        "cancelling",
        &["cancel", "cancels", "cancelled", "canceled", "cancelling", "canceling"],
    ),
    ("ending", &["end", "ends", "ended", "ending"]),
];

/// Other gerunds that open a target naming a change against a thing ("banning
/// whaling", "leaving the European Union"); not read through as undoings in statements.
const CHANGE_GERUNDS: &[&str] = &[
    "banning",
    "stopping",
    "halting",
    "phasing",
    "leaving",
    "closing",
    "withdrawing",
    "suspending",
    "blocking",
    "cutting",
];

/// Words that may stand between the undoing verb and the name ("lifting the sanctions").
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "all", "any", "these", "those", "its", "their", "our", "existing",
];

/// The undoing verb's gerund when every mention of `name` in lower-cased `lower_text`
/// is its object; `None` when any mention is not, or the text does not name it.
fn undoing_of(lower_text: &str, name: &str) -> Option<&'static str> {
    let bare = without_article(name);
    if bare.is_empty() {
        return None;
    }
    let mut found = None;
    for start in crate::text::whole_words(lower_text, &bare) {
        let mut before = lower_text[..start]
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .rev()
            .skip_while(|w| DETERMINERS.contains(w));
        let word = before.next()?;
        let (gerund, _) = UNDOING_VERBS.iter().find(|(_, forms)| forms.contains(&word))?;
        if found.is_some_and(|seen| seen != *gerund) {
            return None;
        }
        found = Some(*gerund);
    }
    found
}

/// Whether lower-cased `text` holds `name` as whole words, with or without its article.
fn names_as_words(lower_text: &str, name: &str) -> bool {
    let bare = without_article(name);
    !bare.is_empty() && crate::text::whole_words(lower_text, &bare).next().is_some()
}

/// `name` lower-cased without a leading article ("the sanctions" → "sanctions").
fn without_article(name: &str) -> String {
    let name = name.trim().to_lowercase();
    ["a ", "an ", "the "]
        .iter()
        .find_map(|article| name.strip_prefix(article))
        .unwrap_or(&name)
        .to_string()
}

/// Whether a target description states a claim: an auxiliary or modal verb after its
/// first word ("Climate change is a real concern", "Russia should withdraw", "the
/// talks have failed"), not right after a determiner or preposition ("the will of the
/// people", "a can of worms"). Lexical verbs alone ("Intelligence tests bring more
/// harm than good") are not recognised; such targets need `Target::claim` or a
/// study's own templates.
pub fn reads_as_claim(description: &str) -> bool {
    const VERBS: &[&str] = &[
        "is",
        "are",
        "was",
        "were",
        "am",
        "has",
        "have",
        "had",
        "does",
        "do",
        "did",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "isn't",
        "aren't",
        "won't",
        "shouldn't",
        "can't",
    ];
    const NOT_BEFORE_A_VERB: &[&str] = &[
        "the", "a", "an", "this", "that", "these", "those", "his", "her", "their", "its", "our", "my", "your", "of",
        "in", "on", "for", "to", "with", "by", "against",
    ];
    let words: Vec<String> = description
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
                .to_lowercase()
        })
        .collect();
    (1..words.len()).any(|i| VERBS.contains(&words[i].as_str()) && !NOT_BEFORE_A_VERB.contains(&words[i - 1].as_str()))
}

/// Verbs that are themselves the speaker's stance toward their object: "dismissed the
/// ceasefire offer" is against the ceasefire, though its content, "the ceasefire
/// offer", reads as for it. Stems, matched at the start of the cue's verb.
const STANCE_TAKING_VERBS: &[&str] = &[
    "accept", "accus", "applau", "approv", "attack", "back", "blam", "blast", "champion", "condemn", "critici",
    "decri", "decry", "defend", "demand", "denied", "denies", "denounc", "deny", "dismiss", "endors", "favo", "hail",
    "oppos", "prais", "propos", "rebuk", "refus", "reject", "slam", "support", "thank", "threaten", "urg", "welcom",
];

/// Words before the verb of a cue ("has dismissed", "also rejected").
const CUE_AUXILIARIES: &[&str] = &[
    "has", "have", "had", "also", "was", "were", "is", "are", "swiftly", "quickly",
];

/// The words whose stance toward `target` is the speaker's. Where the cue's verb takes
/// a side toward its object (`STANCE_TAKING_VERBS`: dismissed, welcomed, rejected,
/// defended, …) and that object names the target, the content alone is only the
/// object and hides the stance; the statement is read as "The speaker {cue}
/// {content}.". Everything else is read as its content: the speaker's words, quoted or
/// reported, without the reporter's "said". The verb says nothing of a target its
/// object does not name ("thanked the envoy" is no stance on ending the war), and the
/// NLI model read such framed sentences as taking a side (issue #16: on the sample
/// corpus "The speaker thanked the envoy." gave p_against 0.72 for ending the war).
pub fn stance_text(cue: Option<&str>, content: &str, target: &Target) -> String {
    let Some(cue) = cue.map(str::trim).filter(|c| !c.is_empty()) else {
        return content.to_string();
    };
    let verb = cue
        .split_whitespace()
        .map(|w| w.to_lowercase())
        .find(|w| !CUE_AUXILIARIES.contains(&w.as_str()))
        .unwrap_or_default();
    if !STANCE_TAKING_VERBS.iter().any(|stem| verb.starts_with(stem)) || !target.is_named_in(content) {
        return content.to_string();
    }
    let content = content.trim().trim_end_matches(['.', ',', ';', ':']);
    format!("The speaker {cue} {content}.")
}

#[derive(Debug, Clone, PartialEq)]
pub struct StanceItem {
    pub id: String,
    pub text: String,
    pub target: Target,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StanceRow {
    pub id: String,
    pub target_id: String,
    pub model: String,
    pub label: String,
    pub p_favor: f32,
    pub p_against: f32,
    pub p_none: f32,
    /// Whether the words read name the target ([`Target::is_named_in`]). On real news
    /// the model's score carries the side where they do and next to nothing where they
    /// do not (README, "Named or implied"), so `compare` counts them per cell.
    pub target_named: bool,
}

pub struct StanceScorer {
    model: ResolvedModel,
    classifier: SequenceClassifier,
    labels: NliLabels,
    settings: ScoreSettings,
}

impl StanceScorer {
    pub fn load(
        model: &ResolvedModel,
        runtime: crate::models::Runtime,
        settings: ScoreSettings,
    ) -> Result<Self, ModelError> {
        let classifier = load_classifier(model, runtime, settings)?;
        let labels = NliLabels::from_labels(&model.spec.name, classifier.labels())?;
        Ok(StanceScorer {
            model: model.clone(),
            classifier,
            labels,
            settings,
        })
    }
}

impl Scorer for StanceScorer {
    type Item = StanceItem;
    type Row = StanceRow;

    fn task(&self) -> Task {
        Task::Stance
    }

    fn model(&self) -> &ResolvedModel {
        &self.model
    }

    fn score(&self, items: &[StanceItem], stats: &mut ScoreStats) -> Result<Vec<StanceRow>, ScoreError> {
        let hypotheses: Vec<(String, String)> = items.iter().map(|i| i.target.hypotheses_for(&i.text)).collect();
        let mut inputs = Vec::with_capacity(items.len() * 2);
        for (item, (favor, against)) in items.iter().zip(&hypotheses) {
            inputs.push(Input::Pair(&item.text, favor));
            inputs.push(Input::Pair(&item.text, against));
        }
        let probabilities = predict_unique(&self.classifier, &inputs, self.settings, stats)?;
        let l = self.labels;
        Ok(items
            .iter()
            .zip(probabilities.chunks(2))
            .map(|(item, pair)| {
                let (supports, opposes) = (&pair[0], &pair[1]);
                let p_favor = (supports[l.entailment] + opposes[l.contradiction]) / 2.0;
                let p_against = (supports[l.contradiction] + opposes[l.entailment]) / 2.0;
                let p_none = (supports[l.neutral] + opposes[l.neutral]) / 2.0;
                let label = if p_favor >= p_against && p_favor >= p_none {
                    "favor"
                } else if p_against >= p_none {
                    "against"
                } else {
                    "none"
                };
                StanceRow {
                    id: item.id.clone(),
                    target_id: item.target.id.clone(),
                    model: self.model.spec.name.clone(),
                    label: label.into(),
                    p_favor,
                    p_against,
                    p_none,
                    target_named: item.target.is_named_in(&item.text),
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_that_names_a_change_is_known_by_its_first_word() {
        let verb = |description: &str| Target::new("t", description).change_verb();
        assert_eq!(verb("ending the war"), Some("ending"));
        assert_eq!(verb("Lifting the sanctions"), Some("lifting"));
        assert_eq!(verb("banning whaling"), Some("banning"));
        assert_eq!(verb("phasing out nuclear power"), Some("phasing"));
        // The thing itself, a change toward it, or the verb further in: not flagged.
        assert_eq!(verb("a ceasefire"), None);
        assert_eq!(verb("sanctions on Kestria"), None);
        assert_eq!(verb("expanding the airport"), None);
        assert_eq!(verb("the ending of the war"), None);
        assert_eq!(verb("endings"), None);
    }

    #[test]
    fn a_target_named_only_as_what_is_undone_is_read_through_the_undoing() {
        let mut sanctions = Target::new("sanctions", "sanctions on Kestria");
        sanctions.aliases = vec!["the sanctions".into(), "sanctions".into()];
        let turned = |text: &str| sanctions.hypotheses_for(text);
        assert_eq!(
            turned("lifting sanctions before a ceasefire would be \"rewarding aggression.\""),
            (
                "The speaker opposes lifting the sanctions.".to_string(),
                "The speaker supports lifting the sanctions.".to_string()
            )
        );
        assert_eq!(
            turned("easing sanctions on Kestria would be a betrayal").0,
            "The speaker opposes easing sanctions on Kestria."
        );
        assert_eq!(
            turned("any accord that lifted all the sanctions").0,
            "The speaker opposes lifting the sanctions."
        );
        // A mention that is not undone keeps the plain reading, as does a verb that does
        // not undo its object and a word that only begins like one.
        for text in [
            "sanctions should stay; lifting sanctions would be a mistake",
            "sanctions on Kestria should be doubled",
            "we endorse sanctions",
            "the weekend sanctions",
        ] {
            assert_eq!(
                turned(text).0,
                format!("The speaker supports {}.", sanctions.name_in(text)),
                "{text}"
            );
        }
        // A study's own templates and claim-shaped targets are left as they are.
        let claim = Target::new("c", "sanctions should be lifted");
        assert_eq!(
            claim.hypotheses_for("ending sanctions should be lifted").0,
            "The speaker agrees that sanctions should be lifted."
        );
    }

    #[test]
    fn a_target_is_named_as_the_statement_names_it() {
        let mut plan = Target::new("harbor_accord", "the Harbor Accord peace plan");
        plan.aliases = vec!["the Harbor Accord".into(), "the draft".into(), "the plan".into()];
        let name = |text: &str| plan.name_in(text).to_string();
        assert_eq!(name("The draft was a serious basis for talks."), "the draft");
        // The first alias the text uses, in the study's order; whole words only.
        assert_eq!(name("the plan and the harbor accord"), "the Harbor Accord");
        assert_eq!(name("the drafted text"), "the Harbor Accord peace plan");
        assert_eq!(
            name("The Harbor Accord peace plan is dead"),
            "the Harbor Accord peace plan"
        );
        assert_eq!(
            plan.hypotheses_for("the draft is naive"),
            (
                "The speaker supports the draft.".to_string(),
                "The speaker opposes the draft.".to_string()
            )
        );
        // The description named without its article still wins over an alias.
        let mut ceasefire = Target::new("ceasefire", "a ceasefire");
        ceasefire.aliases = vec!["the pause".into()];
        assert_eq!(ceasefire.name_in("the ceasefire and the pause"), "a ceasefire");
        assert_eq!(ceasefire.name_in("accept the pause"), "the pause");
        assert_eq!(Target::new("t", "a ceasefire").name_in("the pause"), "a ceasefire");
    }

    #[test]
    fn a_stance_taking_cue_is_read_with_its_object() {
        let ceasefire = Target::new("ceasefire", "a ceasefire");
        let sanctions = Target::new("sanctions", "sanctions on Kestria");
        let mut sanctions_also = sanctions.clone();
        sanctions_also.aliases = vec!["sanctions".into()];
        let plan = Target {
            aliases: vec!["the plan".into()],
            ..Target::new("plan", "the Harbor Accord")
        };
        assert_eq!(
            stance_text(Some("dismissed"), "the ceasefire offer", &ceasefire),
            "The speaker dismissed the ceasefire offer."
        );
        assert_eq!(
            stance_text(
                Some("has rejected"),
                "its timetable for lifting sanctions.",
                &sanctions_also
            ),
            "The speaker has rejected its timetable for lifting sanctions."
        );
        // Reporting verbs add nothing of the speaker's: the content is read alone.
        for cue in [
            Some("said"),
            Some("told reporters"),
            Some("according to"),
            None,
            Some(" "),
        ] {
            assert_eq!(
                stance_text(cue, "a ceasefire was impossible", &ceasefire),
                "a ceasefire was impossible"
            );
        }
        // "backed" is a stance; words before the verb are skipped, a noun cue is not a verb.
        assert_eq!(
            stance_text(Some("also backed"), "the plan", &plan),
            "The speaker also backed the plan."
        );
        assert_eq!(
            stance_text(Some("wrote"), "the war must end", &ceasefire),
            "the war must end"
        );
        // The verb's side is toward its object: a target the object does not name is
        // read from the object alone.
        assert_eq!(stance_text(Some("thanked"), "the envoy", &ceasefire), "the envoy");
        assert_eq!(
            stance_text(Some("has rejected"), "its timetable for lifting sanctions.", &sanctions),
            "its timetable for lifting sanctions."
        );
        // A person is named by surname too.
        let clinton = Target::new("clinton", "Hillary Clinton");
        assert_eq!(
            stance_text(Some("attacked"), "Clinton's record", &clinton),
            "The speaker attacked Clinton's record."
        );
        assert!(!Target::new("t", "ending the war").is_named_in("the war must end"));
    }

    #[test]
    fn claims_and_noun_phrases_get_their_own_templates() {
        for claim in [
            "Climate Change is a Real Concern",
            "Russia should withdraw its troops",
            "the talks have failed",
            "Sanctions won't work",
        ] {
            assert!(reads_as_claim(claim), "{claim}");
            assert_eq!(
                Target::new("t", claim).favor_hypothesis(),
                format!("The speaker agrees that {claim}.")
            );
            assert_eq!(
                Target::new("t", claim).against_hypothesis(),
                format!("The speaker disagrees that {claim}.")
            );
        }
        for phrase in [
            "ending the war",
            "Hillary Clinton",
            "Legalization of Abortion",
            "the will of the people",
            "a can of worms",
            "Will Smith",
        ] {
            assert!(!reads_as_claim(phrase), "{phrase}");
            assert_eq!(
                Target::new("t", phrase).favor_hypothesis(),
                format!("The speaker supports {phrase}.")
            );
            assert_eq!(
                Target::new("t", phrase).against_hypothesis(),
                format!("The speaker opposes {phrase}.")
            );
        }
        let forced = Target::claim("t", "intelligence tests bring more harm than good");
        assert_eq!(forced.favor_template, CLAIM_FAVOR);
    }
}
