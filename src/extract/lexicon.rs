//! Cue words: verbs of saying, thinking and showing, with their forms.
//!
//! The list follows the cues annotated most often in PolNeAR's training split (said,
//! says, told, according to, added, wrote, asked, noted, reported, announced, ...),
//! grouped by how the content attaches to them.

use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CueClass {
    /// Verbs of saying: said, told, wrote, warned.
    Speech,
    /// Verbs of thinking, wanting and knowing: believes, hopes, fears.
    Thought,
    /// Evidence that shows or finds: polls show, a study found.
    Evidence,
    /// Characterisation: described X as Y, called X "Y".
    Describe,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerbForm {
    Base,
    Third,
    Past,
    Ing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CueWord {
    pub lemma: &'static str,
    pub class: CueClass,
    pub form: VerbForm,
    /// Takes a person as object before the content: told reporters that ...
    pub takes_object: bool,
    /// The base and -s forms are also common nouns (a report, claims), so they count
    /// only right before `that`, a colon or a quotation.
    pub noun_like: bool,
}

/// `base|third|past|ing`, class, object-taking, noun-like.
const VERBS: &[(&str, CueClass, bool, bool)] = &[
    ("say|says|said|saying", CueClass::Speech, false, false),
    ("tell|tells|told|telling", CueClass::Speech, true, false),
    ("add|adds|added|adding", CueClass::Speech, false, false),
    ("write|writes|wrote|writing", CueClass::Speech, false, false),
    ("tweet|tweets|tweeted|tweeting", CueClass::Speech, false, true),
    ("post|posts|posted|posting", CueClass::Speech, false, true),
    ("state|states|stated|stating", CueClass::Speech, false, true),
    ("claim|claims|claimed|claiming", CueClass::Speech, false, true),
    ("admit|admits|admitted|admitting", CueClass::Speech, false, false),
    (
        "acknowledge|acknowledges|acknowledged|acknowledging",
        CueClass::Speech,
        false,
        false,
    ),
    ("argue|argues|argued|arguing", CueClass::Speech, false, false),
    ("assert|asserts|asserted|asserting", CueClass::Speech, false, false),
    ("insist|insists|insisted|insisting", CueClass::Speech, false, false),
    (
        "maintain|maintains|maintained|maintaining",
        CueClass::Speech,
        false,
        false,
    ),
    ("contend|contends|contended|contending", CueClass::Speech, false, false),
    ("explain|explains|explained|explaining", CueClass::Speech, false, false),
    ("note|notes|noted|noting", CueClass::Speech, false, true),
    ("observe|observes|observed|observing", CueClass::Speech, false, false),
    ("remark|remarks|remarked|remarking", CueClass::Speech, false, true),
    ("stress|stresses|stressed|stressing", CueClass::Speech, false, true),
    (
        "emphasize|emphasizes|emphasized|emphasizing",
        CueClass::Speech,
        false,
        false,
    ),
    (
        "emphasise|emphasises|emphasised|emphasising",
        CueClass::Speech,
        false,
        false,
    ),
    ("warn|warns|warned|warning", CueClass::Speech, true, false),
    ("caution|cautions|cautioned|cautioning", CueClass::Speech, true, true),
    (
        "announce|announces|announced|announcing",
        CueClass::Speech,
        false,
        false,
    ),
    ("declare|declares|declared|declaring", CueClass::Speech, false, false),
    ("confirm|confirms|confirmed|confirming", CueClass::Speech, false, false),
    ("deny|denies|denied|denying", CueClass::Speech, false, false),
    ("reveal|reveals|revealed|revealing", CueClass::Speech, false, false),
    (
        "disclose|discloses|disclosed|disclosing",
        CueClass::Speech,
        false,
        false,
    ),
    ("report|reports|reported|reporting", CueClass::Speech, false, true),
    ("suggest|suggests|suggested|suggesting", CueClass::Speech, false, false),
    ("predict|predicts|predicted|predicting", CueClass::Speech, false, false),
    ("promise|promises|promised|promising", CueClass::Speech, true, true),
    ("pledge|pledges|pledged|pledging", CueClass::Speech, false, true),
    ("vow|vows|vowed|vowing", CueClass::Speech, false, true),
    ("reply|replies|replied|replying", CueClass::Speech, false, true),
    ("respond|responds|responded|responding", CueClass::Speech, false, false),
    ("answer|answers|answered|answering", CueClass::Speech, false, true),
    ("recall|recalls|recalled|recalling", CueClass::Speech, false, true),
    (
        "reiterate|reiterates|reiterated|reiterating",
        CueClass::Speech,
        false,
        false,
    ),
    ("repeat|repeats|repeated|repeating", CueClass::Speech, false, false),
    (
        "complain|complains|complained|complaining",
        CueClass::Speech,
        false,
        false,
    ),
    ("boast|boasts|boasted|boasting", CueClass::Speech, false, true),
    ("joke|jokes|joked|joking", CueClass::Speech, false, true),
    ("quip|quips|quipped|quipping", CueClass::Speech, false, true),
    ("concede|concedes|conceded|conceding", CueClass::Speech, false, false),
    ("allege|alleges|alleged|alleging", CueClass::Speech, false, false),
    ("counter|counters|countered|countering", CueClass::Speech, false, true),
    (
        "continue|continues|continued|continuing",
        CueClass::Speech,
        false,
        false,
    ),
    ("ask|asks|asked|asking", CueClass::Speech, true, false),
    ("urge|urges|urged|urging", CueClass::Speech, true, false),
    ("assure|assures|assured|assuring", CueClass::Speech, true, false),
    ("remind|reminds|reminded|reminding", CueClass::Speech, true, false),
    ("inform|informs|informed|informing", CueClass::Speech, true, false),
    ("testify|testifies|testified|testifying", CueClass::Speech, false, false),
    ("mention|mentions|mentioned|mentioning", CueClass::Speech, false, true),
    (
        "indicate|indicates|indicated|indicating",
        CueClass::Speech,
        false,
        false,
    ),
    ("hint|hints|hinted|hinting", CueClass::Speech, false, true),
    ("concur|concurs|concurred|concurring", CueClass::Speech, false, false),
    (
        "proclaim|proclaims|proclaimed|proclaiming",
        CueClass::Speech,
        false,
        false,
    ),
    (
        "conclude|concludes|concluded|concluding",
        CueClass::Speech,
        false,
        false,
    ),
    ("agree|agrees|agreed|agreeing", CueClass::Speech, false, false),
    ("estimate|estimates|estimated|estimating", CueClass::Speech, false, true),
    ("charge|charges|charged|charging", CueClass::Speech, false, true),
    ("retort|retorts|retorted|retorting", CueClass::Speech, false, true),
    ("scoff|scoffs|scoffed|scoffing", CueClass::Speech, false, false),
    ("shout|shouts|shouted|shouting", CueClass::Speech, false, true),
    ("explain|explains|explained|explaining", CueClass::Speech, false, false),
    ("believe|believes|believed|believing", CueClass::Thought, false, false),
    ("think|thinks|thought|thinking", CueClass::Thought, false, false),
    ("feel|feels|felt|feeling", CueClass::Thought, false, false),
    ("know|knows|knew|knowing", CueClass::Thought, false, false),
    ("hope|hopes|hoped|hoping", CueClass::Thought, false, true),
    ("expect|expects|expected|expecting", CueClass::Thought, false, false),
    ("fear|fears|feared|fearing", CueClass::Thought, false, true),
    ("worry|worries|worried|worrying", CueClass::Thought, false, true),
    ("doubt|doubts|doubted|doubting", CueClass::Thought, false, true),
    ("want|wants|wanted|wanting", CueClass::Thought, false, false),
    ("plan|plans|planned|planning", CueClass::Thought, false, true),
    ("intend|intends|intended|intending", CueClass::Thought, false, false),
    ("wonder|wonders|wondered|wondering", CueClass::Thought, false, false),
    (
        "understand|understands|understood|understanding",
        CueClass::Thought,
        false,
        false,
    ),
    ("realize|realizes|realized|realizing", CueClass::Thought, false, false),
    (
        "recognize|recognizes|recognized|recognizing",
        CueClass::Thought,
        false,
        false,
    ),
    ("learn|learns|learned|learning", CueClass::Thought, false, false),
    ("decide|decides|decided|deciding", CueClass::Thought, false, false),
    ("insist|insists|insisted|insisting", CueClass::Thought, false, false),
    ("show|shows|showed|showing", CueClass::Evidence, false, true),
    ("find|finds|found|finding", CueClass::Evidence, false, true),
    (
        "describe|describes|described|describing",
        CueClass::Describe,
        false,
        false,
    ),
    (
        "characterize|characterizes|characterized|characterizing",
        CueClass::Describe,
        false,
        false,
    ),
    ("call|calls|called|calling", CueClass::Describe, false, true),
    ("label|labels|labeled|labeling", CueClass::Describe, false, true),
    ("dub|dubs|dubbed|dubbing", CueClass::Describe, false, false),
    ("brand|brands|branded|branding", CueClass::Describe, false, true),
    ("term|terms|termed|terming", CueClass::Describe, false, true),
];

static LEXICON: LazyLock<HashMap<&'static str, CueWord>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for &(forms, class, takes_object, noun_like) in VERBS {
        let mut parts = forms.split('|');
        let lemma = parts.next().unwrap_or_default();
        let all = std::iter::once(lemma).chain(parts);
        for (form, word) in [VerbForm::Base, VerbForm::Third, VerbForm::Past, VerbForm::Ing]
            .into_iter()
            .zip(all)
        {
            // The first class listed for a form wins (speech before thought).
            map.entry(word).or_insert(CueWord {
                lemma,
                class,
                form,
                takes_object,
                noun_like,
            });
        }
    }
    map
});

/// The cue verb spelled `lower` (lower case), if it is one.
pub fn cue_word(lower: &str) -> Option<CueWord> {
    LEXICON.get(lower).copied()
}

/// Words between a subject and its cue verb that belong to the verb phrase:
/// auxiliaries, negation and adverbs (`has long claimed`, `also said`).
pub fn is_verb_modifier(lower: &str) -> bool {
    matches!(
        lower,
        "has"
            | "have"
            | "had"
            | "'ve"
            | "’ve"
            | "also"
            | "earlier"
            | "previously"
            | "long"
            | "repeatedly"
            | "later"
            | "then"
            | "reportedly"
            | "once"
            | "often"
            | "never"
            | "recently"
            | "already"
            | "just"
            | "again"
            | "further"
            | "initially"
            | "first"
            | "still"
            | "even"
            | "publicly"
            | "privately"
            | "quickly"
            | "immediately"
            | "flatly"
            | "angrily"
            | "simply"
            | "only"
            | "frequently"
            | "explicitly"
            | "openly"
            | "clearly"
            | "would"
            | "will"
            | "could"
            | "can"
            | "may"
            | "might"
            | "should"
            | "must"
            | "did"
            | "does"
            | "do"
            | "not"
            | "n't"
            | "always"
            | "now"
            | "sometimes"
            | "personally"
            | "separately"
            | "specifically"
            | "subsequently"
            | "finally"
            | "ultimately"
            | "eventually"
            | "apparently"
            | "allegedly"
            | "actually"
            | "really"
            | "certainly"
            | "directly"
            | "privately,"
            | "falsely"
            | "correctly"
            | "rightly"
            | "wrongly"
            | "bluntly"
            | "plainly"
            | "firmly"
            | "strongly"
            | "loudly"
            | "softly"
            | "quietly"
            | "happily"
            | "proudly"
            | "confidently"
            | "tellingly"
            | "famously"
            | "notably"
            | "recently,"
            | "yet"
            | "too"
            | "continually"
            | "constantly"
            | "consistently"
            | "widely"
            | "largely"
            | "mostly"
            | "herself"
            | "himself"
            | "themselves"
            | "itself"
    )
}

/// Auxiliaries and modals: `has`, `would`, `did` ...
pub fn is_auxiliary(lower: &str) -> bool {
    matches!(
        lower,
        "has"
            | "have"
            | "had"
            | "will"
            | "would"
            | "can"
            | "could"
            | "should"
            | "may"
            | "might"
            | "must"
            | "did"
            | "does"
            | "do"
    )
}

/// Forms of "be" that make a following participle passive (`was asked`).
pub fn is_passive_auxiliary(lower: &str) -> bool {
    matches!(
        lower,
        "is" | "are" | "was" | "were" | "been" | "being" | "be" | "'s" | "’s" | "get" | "got"
    )
}

/// Words that end a subject noun phrase when scanning left from a cue.
pub fn ends_noun_phrase(lower: &str) -> bool {
    is_auxiliary(lower)
        || matches!(
            lower,
            "and"
                | "but"
                | "or"
                | "nor"
                | "that"
                | "which"
                | "who"
                | "whom"
                | "whose"
                | "while"
                | "as"
                | "because"
                | "since"
                | "when"
                | "whenever"
                | "where"
                | "after"
                | "before"
                | "if"
                | "although"
                | "though"
                | "so"
                | "than"
                | "until"
                | "unless"
                | "whether"
                | "to"
                | "is"
                | "are"
                | "was"
                | "were"
                | "be"
                | "been"
                | "being"
                | "not"
                | "what"
                | "how"
                | "why"
                | "yet"
                | "then"
                | "also"
                | "even"
                | "said"
                | "says"
                | "say"
                | "told"
                | "tells"
                | "wrote"
                | "writes"
                | "added"
                | "adds"
        )
}

pub fn is_pronoun(lower: &str) -> bool {
    matches!(lower, "he" | "she" | "they" | "it" | "we" | "i" | "you" | "who")
}

/// Words too empty to head a speaker phrase.
pub fn is_function_word(lower: &str) -> bool {
    matches!(
        lower,
        "the"
            | "a"
            | "an"
            | "this"
            | "that"
            | "these"
            | "those"
            | "his"
            | "her"
            | "their"
            | "its"
            | "our"
            | "my"
            | "your"
            | "of"
            | "in"
            | "on"
            | "at"
            | "for"
            | "with"
            | "by"
            | "from"
            | "about"
            | "into"
            | "over"
            | "under"
            | "some"
            | "any"
            | "no"
            | "there"
            | "here"
            | "what"
            | "which"
            | "also"
            | "there's"
            | "it's"
            | "not"
            | "all"
            | "both"
            | "each"
            | "every"
            | "many"
            | "much"
            | "more"
            | "most"
            | "other"
            | "such"
            | "only"
            | "just"
            | "very"
            | "too"
            | "so"
            | "than"
            | "then"
            | "now"
            | "today"
            | "yesterday"
            | "tomorrow"
            | "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "week"
            | "month"
            | "year"
            | "night"
            | "morning"
            | "evening"
            | "afternoon"
            | "time"
            | "ago"
            | "later"
            | "earlier"
            | "last"
            | "next"
            | "recently"
            | "again"
    )
}

/// Words that open a time or place adjunct between a cue and its content
/// (`said on Sunday that`, `wrote in a statement:`).
pub fn opens_adjunct(lower: &str) -> bool {
    matches!(
        lower,
        "on" | "in"
            | "at"
            | "during"
            | "to"
            | "via"
            | "through"
            | "from"
            | "late"
            | "early"
            | "earlier"
            | "last"
            | "this"
            | "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "yesterday"
            | "today"
            | "recently"
            | "afterward"
            | "afterwards"
            | "later"
            | "before"
            | "after"
            | "while"
            | "when"
            | "with"
            | "for"
            | "separately"
            | "publicly"
            | "privately"
            | "repeatedly"
            | "then"
            | "also"
            | "again"
            | "previously"
            | "once"
            | "flatly"
            | "bluntly"
            | "simply"
            | "directly"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_map_to_their_lemma_and_form() {
        let said = cue_word("said").unwrap();
        assert_eq!(
            (said.lemma, said.form, said.class),
            ("say", VerbForm::Past, CueClass::Speech)
        );
        assert_eq!(cue_word("adding").unwrap().form, VerbForm::Ing);
        assert!(cue_word("told").unwrap().takes_object);
        assert!(cue_word("claims").unwrap().noun_like);
        assert_eq!(cue_word("described").unwrap().class, CueClass::Describe);
        assert_eq!(cue_word("insisted").unwrap().class, CueClass::Speech);
        assert!(cue_word("table").is_none());
    }
}
