//! Actors stage: which actor each speaker mention denotes.
//!
//! Speakers are matched against the study's names and aliases (the longest alias
//! ending furthest right wins, so `Putin aide Yuri Ushakov` is Ushakov, not Putin).
//! Pronouns and bare titles (`he`, `the president`) go to the most recent compatible
//! actor in the article. Names outside the study get a normalised id of their own.

mod study;

use std::collections::HashMap;

pub use study::{ActorKind, ActorSpec, Study, StudyError, TargetSpec};

use crate::extract::Attribution;
use crate::text::{Document, Span};

/// An actor as the run knows it: from the study, or found in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub id: String,
    pub name: String,
    pub kind: ActorKind,
    pub affiliation: Option<String>,
    pub in_study: bool,
}

impl Actor {
    /// An actor found in the text but not in the study, with a normalised id.
    pub fn unknown(name: String) -> Self {
        Actor {
            id: slug(&name),
            name,
            kind: ActorKind::Unknown,
            affiliation: None,
            in_study: false,
        }
    }
}

impl From<&ActorSpec> for Actor {
    fn from(spec: &ActorSpec) -> Self {
        Actor {
            id: spec.id.clone(),
            name: spec.name.clone(),
            kind: spec.kind,
            affiliation: spec.affiliation.clone(),
            in_study: true,
        }
    }
}

/// Resolves speaker mentions to actors.
#[derive(Debug, Clone, Default)]
pub struct ActorResolver {
    study_actors: Vec<ActorSpec>,
    /// Lower-cased alias (names included) → index into `study_actors`.
    aliases: Vec<(String, usize)>,
}

/// A speaker mention after resolution.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub actor: Actor,
    /// How: `alias`, `name`, `pronoun`, `title`, `description`.
    pub method: &'static str,
}

const TITLES: &[&str] = &[
    "president",
    "sen",
    "sen.",
    "senator",
    "rep",
    "rep.",
    "representative",
    "gov",
    "gov.",
    "governor",
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "dr",
    "dr.",
    "secretary",
    "minister",
    "prime",
    "chancellor",
    "mayor",
    "gen",
    "gen.",
    "general",
    "judge",
    "justice",
    "speaker",
    "leader",
    "chairman",
    "chairwoman",
    "ambassador",
    "envoy",
    "aide",
    "spokesman",
    "spokeswoman",
    "candidate",
    "nominee",
    "the",
    "former",
    "vice",
    "deputy",
    "press",
    "rev",
    "rev.",
];

impl ActorResolver {
    pub fn new(study: &Study) -> Self {
        let mut aliases = Vec::new();
        for (index, actor) in study.actors.iter().enumerate() {
            for alias in std::iter::once(&actor.name).chain(actor.aliases.iter()) {
                let alias = normalise(alias);
                if !alias.is_empty() {
                    aliases.push((alias, index));
                }
            }
            let id_words = actor.id.replace(['_', '-'], " ");
            aliases.push((id_words, index));
        }
        ActorResolver {
            study_actors: study.actors.clone(),
            aliases,
        }
    }

    fn study_actor(&self, index: usize) -> Actor {
        Actor::from(&self.study_actors[index])
    }

    /// The study actor named in `mention`: the alias ending furthest right, longest first.
    fn match_alias(&self, mention: &str) -> Option<usize> {
        let lower = normalise(mention);
        let mut best: Option<(usize, usize, usize)> = None; // (end, len, actor)
        for (alias, actor) in &self.aliases {
            for start in word_matches(&lower, alias) {
                let end = start + alias.len();
                if best.is_none_or(|(e, l, _)| (end, alias.len()) > (e, l)) {
                    best = Some((end, alias.len(), *actor));
                }
            }
        }
        best.map(|(_, _, actor)| actor)
    }

    /// Resolves the speakers of one article's attributions, in text order. Returns one
    /// entry per attribution (None: no speaker, or a pronoun with nobody to refer to).
    pub fn resolve_article(&self, doc: &Document, attributions: &[Attribution]) -> Vec<Option<Resolved>> {
        let mut order: Vec<usize> = (0..attributions.len()).collect();
        order.sort_by_key(|&i| {
            attributions[i]
                .speaker
                .map_or(attributions[i].content.start, |s| s.start)
        });
        let mentions = self.study_mentions(doc);
        let mut history: Vec<(usize, Resolved, String)> = Vec::new(); // (position, resolved, mention text)
        let mut out = vec![None; attributions.len()];
        for i in order {
            let Some(speaker) = attributions[i].antecedent.or(attributions[i].speaker) else {
                continue;
            };
            let mention = speaker.slice(doc.text);
            let resolved = self.resolve_mention(doc.text, mention, speaker, &history, &mentions);
            if let Some(resolved) = &resolved {
                history.push((speaker.start, resolved.clone(), mention.to_string()));
            }
            out[i] = resolved;
        }
        out
    }

    fn resolve_mention(
        &self,
        text: &str,
        mention: &str,
        span: Span,
        history: &[(usize, Resolved, String)],
        mentions: &[(usize, usize)],
    ) -> Option<Resolved> {
        if let Some(index) = self.match_alias(mention) {
            return Some(Resolved {
                actor: self.study_actor(index),
                method: "alias",
            });
        }
        let lower = normalise(mention);
        let words: Vec<&str> = lower.split_whitespace().collect();
        if words.len() == 1 && matches!(words[0], "who" | "which" | "that" | "you") {
            return None; // a relative pronoun without its antecedent names nobody
        }
        if words.len() == 1 && is_reference_pronoun(words[0]) {
            let wants_person = matches!(words[0], "he" | "she" | "i" | "him" | "her");
            let compatible = |kind: ActorKind| match kind {
                ActorKind::Person | ActorKind::Unknown => wants_person || words[0] == "they" || words[0] == "we",
                ActorKind::Organisation | ActorKind::Country => !wants_person,
            };
            let from_history = history
                .iter()
                .rev()
                .find(|(pos, r, _)| *pos < span.start && compatible(r.actor.kind));
            let from_text = mentions
                .iter()
                .rev()
                .find(|(pos, index)| *pos < span.start && compatible(self.study_actors[*index].kind));
            return match (from_history, from_text) {
                (Some((pos, r, _)), Some((text_pos, index))) if text_pos > pos && span.start - text_pos < 400 => {
                    let _ = r;
                    Some(Resolved {
                        actor: self.study_actor(*index),
                        method: "pronoun",
                    })
                }
                (Some((_, r, _)), _) => Some(Resolved {
                    actor: r.actor.clone(),
                    method: "pronoun",
                }),
                (None, Some((_, index))) => Some(Resolved {
                    actor: self.study_actor(*index),
                    method: "pronoun",
                }),
                (None, None) => None,
            };
        }
        let name = proper_name(mention);
        if let Some(name) = name {
            // A surname alone refers to the full name seen earlier in the article.
            let name_lower = name.to_lowercase();
            if let Some((_, r, _)) = history.iter().rev().find(|(_, r, _)| {
                let known = r.actor.name.to_lowercase();
                known != name_lower && known.ends_with(&format!(" {name_lower}"))
            }) {
                return Some(Resolved {
                    actor: r.actor.clone(),
                    method: "name",
                });
            }
            return Some(Resolved {
                actor: Actor::unknown(name),
                method: "name",
            });
        }
        // A description ("the president", "the spokesman"): an earlier speaker whose
        // mention shared its head noun.
        let head = words.last().copied().unwrap_or_default();
        let determined = words.first().is_some_and(|w| matches!(*w, "the" | "this" | "that"));
        // The words that tell holders of a role apart ("US" in "the US president").
        let modifiers: &[&str] = if determined && words.len() > 2 {
            &words[1..words.len() - 1]
        } else {
            &[]
        };
        if !modifiers.is_empty() {
            // A role with modifiers the article binds to a name before this point ("US
            // president Donald Trump ... The US president has admitted") is that person.
            if let Some(name) = bound_name(text, &words[1..].join(" "), span.start) {
                let surname = name.rsplit(' ').next().unwrap_or_default().to_lowercase();
                let known = history.iter().rev().find(|(_, r, _)| {
                    let known = r.actor.name.to_lowercase();
                    known == name.to_lowercase() || known == surname
                });
                return Some(Resolved {
                    actor: known.map_or_else(|| Actor::unknown(name), |(_, r, _)| r.actor.clone()),
                    method: "title",
                });
            }
        }
        if !head.is_empty() && determined {
            // An earlier speaker whose mention has the head noun and every modifier
            // ("the US president" is not the "Ukrainian president" of the first line).
            if let Some((_, r, _)) = history.iter().rev().find(|(_, _, text)| {
                let earlier = normalise(text);
                let earlier_words: Vec<&str> = earlier.split_whitespace().collect();
                earlier_words.contains(&head) && modifiers.iter().all(|m| earlier_words.contains(m)) && earlier != lower
            }) {
                return Some(Resolved {
                    actor: r.actor.clone(),
                    method: "title",
                });
            }
        }
        // A title the study knows (`the envoy`) names the study actor whose aliases
        // carry it and who was mentioned last before this point.
        if !head.is_empty() && words.first().is_some_and(|w| matches!(*w, "the" | "this" | "that")) {
            let carries_head = |index: usize| {
                self.aliases
                    .iter()
                    .any(|(alias, i)| *i == index && alias.split_whitespace().any(|w| w == head))
            };
            if let Some((_, index)) = mentions
                .iter()
                .rev()
                .find(|(pos, index)| *pos < span.start && carries_head(*index))
            {
                return Some(Resolved {
                    actor: self.study_actor(*index),
                    method: "title",
                });
            }
        }
        let description: Vec<&str> = words
            .iter()
            .copied()
            .filter(|w| !matches!(*w, "the" | "a" | "an" | "some" | "several" | "many" | "two" | "three"))
            .collect();
        if description.is_empty() || !names_someone(&description) {
            return None;
        }
        let name = description.join(" ");
        Some(Resolved {
            actor: Actor::unknown(name),
            method: "description",
        })
    }

    /// Positions of study actors named in the text outside quotations.
    fn study_mentions(&self, doc: &Document) -> Vec<(usize, usize)> {
        if self.aliases.is_empty() {
            return Vec::new();
        }
        let lower = doc.text.to_lowercase();
        if lower.len() != doc.text.len() {
            return Vec::new(); // case folding moved offsets; pronouns fall back to speakers
        }
        let mut found = Vec::new();
        for (alias, index) in &self.aliases {
            for start in word_matches(&lower, alias) {
                if doc.quote_at(start).is_none() {
                    found.push((start, *index));
                }
            }
        }
        found.sort();
        found
    }
}

/// Starts of `needle` in `haystack` as whole words.
fn word_matches<'a>(haystack: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    haystack
        .match_indices(needle)
        .map(|(start, _)| start)
        .filter(move |&start| {
            let end = start + needle.len();
            haystack[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
                && haystack[end..].chars().next().is_none_or(|c| !c.is_alphanumeric())
        })
}

/// Whether a description could name a speaker: not words that start a clause ("I
/// don't", "that's a lot you", "you know"), which extraction sometimes takes for one.
fn names_someone(words: &[&str]) -> bool {
    const CLAUSE_STARTS: &[&str] = &[
        "i", "you", "he", "she", "it", "we", "they", "me", "us", "them", "there", "here", "that's", "it's", "what's",
        "there's", "here's", "let's",
    ];
    let verb = |w: &&str| ["n't", "'m", "'re", "'ve", "'ll", "'d"].iter().any(|c| w.ends_with(c));
    !CLAUSE_STARTS.contains(&words[0]) && !words.iter().any(verb)
}

fn is_reference_pronoun(word: &str) -> bool {
    matches!(word, "he" | "she" | "they" | "it" | "we" | "i" | "him" | "her")
}

/// Lower case, curly apostrophes straightened, possessive `'s` and spaces folded.
fn normalise(text: &str) -> String {
    let lower = text.to_lowercase().replace('’', "'");
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The name that follows the last mention of `role` (lower case, e.g. "us president")
/// before `before` in `text`: "US president Donald Trump" binds "us president" to
/// "Donald Trump". Case is ignored in the role, the name must be capitalised.
fn bound_name(text: &str, role: &str, before: usize) -> Option<String> {
    let lower = text.to_lowercase();
    if lower.len() != text.len() || role.is_empty() {
        return None; // lower-casing moved offsets: no reliable match
    }
    let mut best = None;
    let mut from = 0;
    while let Some(found) = lower
        .get(from..before.min(lower.len()))
        .and_then(|window| window.find(role))
    {
        let start = from + found;
        let end = start + role.len();
        from = end;
        let bounded_left = lower[..start].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let Some(after) = text.get(end..).filter(|after| after.starts_with(' ')) else {
            continue;
        };
        if !bounded_left {
            continue;
        }
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
    best
}

/// The proper name in a mention: its last run of capitalised words, titles dropped
/// (`Republican nominee Donald Trump` → `Donald Trump`).
fn proper_name(mention: &str) -> Option<String> {
    let words: Vec<&str> = mention.split_whitespace().collect();
    let mut end = words.len();
    while end > 0 && !starts_upper(words[end - 1]) {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && (starts_upper(words[start - 1]) || is_name_particle(words[start - 1])) {
        start -= 1;
    }
    // The name follows the last title in the run: "Kestrian Prime Minister Tomas
    // Brenner" and "Defence Minister Piotr Sand" are Tomas Brenner and Piotr Sand,
    // whom a later "Brenner" or "Sand" joins (a title word at the end is no title).
    if let Some(last_title) = (start..end.saturating_sub(1))
        .rev()
        .find(|&i| TITLES.contains(&words[i].to_lowercase().as_str()))
    {
        start = last_title + 1;
    }
    while start < end && (TITLES.contains(&words[start].to_lowercase().as_str()) || is_name_particle(words[start])) {
        start += 1;
    }
    if start >= end || end < words.len() && !words[end..].iter().all(|w| w.ends_with('.') || *w == "Jr") {
        // A name followed by lower-case words ("Trump supporters") is a description.
        if start < end && end < words.len() {
            return None;
        }
    }
    (start < end).then(|| {
        let name = words[start..end].join(" ");
        name.trim_end_matches("’s")
            .trim_end_matches("'s")
            .trim_end_matches(',')
            .to_string()
    })
}

fn starts_upper(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_uppercase())
}

fn is_name_particle(word: &str) -> bool {
    matches!(
        word,
        "de" | "van" | "von" | "der" | "da" | "di" | "la" | "le" | "bin" | "al"
    )
}

/// A normalised id: lower-case ASCII words joined by `_`.
pub fn slug(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = name.nfkd().filter(|c| c.is_ascii()).collect::<String>().to_lowercase();
    let mut id = String::new();
    for word in folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !id.is_empty() {
            id.push('_');
        }
        id.push_str(word);
    }
    if id.is_empty() {
        id.push_str("unnamed");
    }
    id
}

/// Run-wide merges of name forms into one actor: a name with middle initials into the
/// same name without them (`donald_j_trump` into `donald_trump`) where that was seen,
/// then a surname alone into the one full name that ends with it (`trump` into
/// `donald_trump`), when exactly one such full name remains.
pub fn name_merges(actors: &HashMap<String, Actor>) -> HashMap<String, String> {
    let mut merges = HashMap::new();
    let others = || actors.values().filter(|a| !a.in_study);
    let by_name: HashMap<String, &Actor> = others().map(|a| (a.name.to_lowercase(), a)).collect();
    for actor in others() {
        let words: Vec<&str> = actor.name.split_whitespace().collect();
        let initial = |w: &&str| w.trim_end_matches('.').chars().count() == 1;
        if words.len() < 3 || !words[1..words.len() - 1].iter().any(initial) {
            continue;
        }
        let plain: Vec<&str> = words
            .iter()
            .enumerate()
            .filter(|(i, w)| *i == 0 || *i == words.len() - 1 || !initial(w))
            .map(|(_, w)| *w)
            .collect();
        if let Some(target) = by_name
            .get(&plain.join(" ").to_lowercase())
            .filter(|t| t.id != actor.id)
        {
            merges.insert(actor.id.clone(), target.id.clone());
        }
    }
    for actor in others().filter(|a| !a.name.contains(' ')) {
        let suffix = format!(" {}", actor.name.to_lowercase());
        let mut fulls = others().filter(|a| !merges.contains_key(&a.id) && a.name.to_lowercase().ends_with(&suffix));
        if let (Some(full), None) = (fulls.next(), fulls.next()) {
            merges.insert(actor.id.clone(), full.id.clone());
        }
    }
    merges
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::RuleExtractor;

    fn study() -> Study {
        toml::from_str(
            r#"
            [[actors]]
            id = "zelensky"
            name = "Volodymyr Zelensky"
            aliases = ["Zelensky", "the Ukrainian leader", "Ukrainian president"]
            kind = "person"
            affiliation = "ukraine"
            [[actors]]
            id = "putin"
            name = "Vladimir Putin"
            aliases = ["Putin"]
            kind = "person"
            affiliation = "russia"
            [[actors]]
            id = "ushakov"
            name = "Yuri Ushakov"
            aliases = ["Ushakov"]
            kind = "person"
            affiliation = "russia"
            [[actors]]
            id = "kremlin"
            name = "the Kremlin"
            kind = "organisation"
            affiliation = "russia"
            "#,
        )
        .unwrap()
    }

    fn speakers(text: &str, study: &Study) -> Vec<(String, Option<String>)> {
        let doc = Document::new(text);
        let attributions = RuleExtractor::default().find(&doc);
        let resolved = ActorResolver::new(study).resolve_article(&doc, &attributions);
        attributions
            .iter()
            .zip(resolved)
            .map(|(a, r)| {
                (
                    a.speaker.map(|s| s.slice(text).to_string()).unwrap_or_default(),
                    r.map(|r| r.actor.id),
                )
            })
            .collect()
    }

    #[test]
    fn rightmost_longest_alias_wins() {
        let resolver = ActorResolver::new(&study());
        assert_eq!(resolver.match_alias("Putin aide Yuri Ushakov"), Some(2));
        assert_eq!(resolver.match_alias("Ukrainian president Volodymyr Zelensky"), Some(0));
        assert_eq!(resolver.match_alias("the Kremlin"), Some(3));
        assert_eq!(resolver.match_alias("Putinesque"), None);
    }

    #[test]
    fn pronouns_and_titles_follow_the_last_compatible_speaker() {
        let found = speakers(
            "“We will win,” Zelensky wrote on X.\n\nHe said the talks went well.\n\nThe Kremlin said the talks were useful. It said more talks would follow.",
            &study(),
        );
        let ids: Vec<Option<&str>> = found.iter().map(|(_, id)| id.as_deref()).collect();
        assert_eq!(
            ids,
            vec![Some("zelensky"), Some("zelensky"), Some("kremlin"), Some("kremlin")]
        );
    }

    #[test]
    fn unknown_names_get_ids_and_surnames_join_them() {
        let found = speakers(
            "Senator Ted Cruz said the bill was dead. Cruz said he would vote no. Officials said the vote was close.",
            &Study::default(),
        );
        let ids: Vec<Option<&str>> = found.iter().map(|(_, id)| id.as_deref()).collect();
        assert_eq!(ids, vec![Some("ted_cruz"), Some("ted_cruz"), Some("officials")]);
    }

    #[test]
    fn a_title_with_a_nationality_is_the_person_the_article_gave_it() {
        // Without a study: "the US president" is not the "Ukrainian president" who
        // spoke first, but the "US president Donald Trump" named inside his words,
        // and joins the "Trump" who spoke since.
        let found = speakers(
            "Ukrainian president Volodymyr Zelensky said he and US president Donald Trump agree that the war \
             must end.\n\nTrump said the talks were productive.\n\nThe US president has admitted that the \
             attacks tested his patience. The Ukrainian president said he was grateful.",
            &Study::default(),
        );
        let ids: Vec<Option<&str>> = found.iter().map(|(_, id)| id.as_deref()).collect();
        assert_eq!(
            ids,
            vec![
                Some("volodymyr_zelensky"),
                Some("trump"),
                Some("trump"),
                Some("volodymyr_zelensky")
            ],
            "{found:?}"
        );
        assert_eq!(
            bound_name("a US president Joe Biden", "us president", 100).as_deref(),
            Some("Joe Biden")
        );
        assert_eq!(bound_name("the US presidential race", "us president", 100), None);
        assert_eq!(
            bound_name("US president Donald Trump", "us president", 5),
            None,
            "only before the mention"
        );
    }

    #[test]
    fn the_president_resolves_to_the_speaker_so_titled() {
        let found = speakers(
            "US president Donald Trump said the talks went well. The president said more would follow.",
            &Study::default(),
        );
        assert_eq!(found[1].1.as_deref(), Some("donald_trump"));
    }

    #[test]
    fn name_forms_of_one_person_merge_run_wide() {
        let actor = |name: &str| Actor::unknown(name.to_string());
        let actors: HashMap<String, Actor> = ["Trump", "Donald Trump", "Donald J. Trump", "Ilves"]
            .into_iter()
            .map(|n| (actor(n).id.clone(), actor(n)))
            .collect();
        let merges = name_merges(&actors);
        assert_eq!(merges.get("donald_j_trump").map(String::as_str), Some("donald_trump"));
        assert_eq!(
            merges.get("trump").map(String::as_str),
            Some("donald_trump"),
            "the initialled form does not count as a second full name"
        );
        assert!(!merges.contains_key("ilves"), "no full name ends with it");
        assert_eq!(merges.len(), 2);
    }

    #[test]
    fn slugs_are_ascii_ids() {
        assert_eq!(slug("Volodymyr Zelenskyy"), "volodymyr_zelenskyy");
        assert_eq!(slug("José Martí-Pérez"), "jose_marti_perez");
        assert_eq!(slug("—"), "unnamed");
    }

    #[test]
    fn clause_starts_are_not_descriptions_of_speakers() {
        assert!(!names_someone(&["i", "don't"]));
        assert!(!names_someone(&["that's", "lot", "you"]));
        assert!(!names_someone(&["you", "know"]));
        assert!(names_someone(&["ministry"]));
        assert!(names_someone(&["minister's", "office"]));
        assert!(names_someone(&["military", "analysts"]));
    }

    #[test]
    fn proper_names_drop_titles_and_possessives() {
        assert_eq!(
            proper_name("Republican nominee Donald Trump").as_deref(),
            Some("Donald Trump")
        );
        assert_eq!(proper_name("Sen. Ted Cruz").as_deref(), Some("Ted Cruz"));
        assert_eq!(
            proper_name("Kestrian Prime Minister Tomas Brenner").as_deref(),
            Some("Tomas Brenner")
        );
        assert_eq!(
            proper_name("Defence Minister Piotr Sand").as_deref(),
            Some("Piotr Sand")
        );
        assert_eq!(
            proper_name("Valdorian President Mara Ilves").as_deref(),
            Some("Mara Ilves")
        );
        assert_eq!(proper_name("the spokesman"), None);
        assert_eq!(proper_name("Trump supporters"), None);
    }
}
