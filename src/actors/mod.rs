//! Actors stage: which actor each speaker mention denotes.
//!
//! Speakers are matched against the study's names and aliases (the longest alias
//! ending furthest right wins, so `Putin aide Yuri Ushakov` is Ushakov, not Putin).
//! Pronouns and bare titles (`he`, `the president`) go to the most recent compatible
//! actor in the article. Names outside the study get a normalised id of their own.

mod ids;
mod study;
mod titles;

pub use ids::{name_merges, slug};
pub use study::{ActorKind, ActorSpec, Study, StudyError, TargetSpec};

use crate::extract::Attribution;
use crate::identity::article::fold;
use crate::identity::heads::{appositive_head, relative_antecedent, tagged_name};
use crate::identity::names::starts_upper;
use crate::identity::pronouns::{antecedent, antecedent_by_rule, mentions_of, Strategy};
use crate::identity::{self, ArticleNames, Gender, Name};
use crate::text::{whole_words, Document, Span};
use titles::{
    abbreviation_of, bound_name, expand_abbreviation, BOUND_TITLES, INSTITUTION_HEADS, INTRODUCTION_WINDOW, TITLE_HEADS,
};

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
    /// Whether the mention denotes an entity the actor names. A bare description
    /// (`police officials`) does not: its statement gets no actor id.
    pub entity: bool,
}

impl Resolved {
    fn entity(actor: Actor, method: &'static str) -> Self {
        Resolved {
            actor,
            method,
            entity: true,
        }
    }
}

/// What the resolver knows of the article at hand.
struct ArticleContext<'t> {
    doc: &'t Document<'t>,
    text: &'t str,
    names: ArticleNames,
    /// Positions of study actors named in the text: (byte offset, study index).
    mentions: Vec<(usize, usize)>,
}

impl ArticleContext<'_> {
    /// Whether `text` is a person's name the article knows: a full name, or a surname
    /// one of its full names ends with (not `Sunday`, `Chelsea`).
    fn names_a_person(&self, text: &str) -> bool {
        match identity::name_in_mention(text) {
            Some(name) if !name.organisation => {
                let words = name.text.split_whitespace().count();
                self.names
                    .full_names()
                    .iter()
                    .any(|full| fold(full) == fold(&name.text))
                    || words == 1 && self.names.full_name(&name.text).is_some()
            }
            _ => false,
        }
    }

    /// A plural noun for people, capitalised at a sentence start or as a party
    /// (`Delegates`, `Wyoming Republicans`), that the article never completes to a
    /// full name: a description.
    fn is_capitalised_common_noun(&self, name: &Name) -> bool {
        let text = name.text.as_str();
        !name.organisation
            && text.chars().any(char::is_lowercase)
            && identity::description_traits(text)
                == (identity::DescriptionTraits {
                    person: true,
                    plural: true,
                })
            && self.names.full_name(text).is_none()
    }

    /// The article's full names with where each is mentioned: the candidates a pronoun
    /// is resolved among ([`antecedent`]).
    fn name_mentions(&self) -> Vec<(String, Vec<usize>)> {
        self.names
            .full_names()
            .iter()
            .map(|name| (name.clone(), mentions_of(self.text, name)))
            .collect()
    }

    /// The organisation an indefinite or headline description (`A House panel`,
    /// `Federal court`) introduces: the first one named after it whose name holds the
    /// description's head ([`ArticleNames::organisation_introduced`]).
    fn introduced_organisation(
        &self,
        words: &[&str],
        span: Span,
        history: &[(usize, Resolved, String)],
    ) -> Option<Resolved> {
        let head = *words.last()?;
        // A modifier beside the head (`House`, `federal appeals`): `a group` or `a
        // court` alone introduces nothing the article goes on to name.
        let modified = words.len() > if matches!(words[0], "a" | "an") { 2 } else { 1 };
        // A noun phrase of modifiers and head alone: in `Spokesmen at the FBI and
        // Justice Department` the last word is no head.
        let simple = !words.iter().any(|w| {
            matches!(
                *w,
                "at" | "of" | "for" | "from" | "in" | "with" | "and" | "or" | "on" | "to" | "by"
            )
        });
        if !modified || !simple || !INSTITUTION_HEADS.contains(&head) {
            return None;
        }
        let name = self
            .names
            .organisation_introduced(head, span.end, INTRODUCTION_WINDOW)?;
        let name = Name {
            text: name.to_string(),
            organisation: true,
        };
        Some(Resolved::entity(self.actor_named(name, history), "title"))
    }

    /// The actor a name denotes: an organisation as named; a person by the full name
    /// the article gives the short form (`Trump` → `Donald Trump`), else an earlier
    /// speaker whose name ends with it, else as named.
    fn actor_named(&self, name: Name, history: &[(usize, Resolved, String)]) -> Actor {
        // A transcript's `PENCE` reads as an acronym until the article names Mike Pence.
        let person_in_capitals = self.names.full_name(&name.text).filter(|_| !name.text.contains(' '));
        if name.organisation && person_in_capitals.is_none() {
            let mut actor = Actor::unknown(name.text);
            actor.kind = ActorKind::Organisation;
            return actor;
        }
        let text = self.names.full_name(&name.text).map_or(name.text, str::to_string);
        let folded = fold(&text);
        let suffix = format!(" {folded}");
        history
            .iter()
            .rev()
            .find(|(_, r, _)| {
                let known = fold(&r.actor.name);
                r.entity && (known == folded || known.ends_with(&suffix))
            })
            .map_or_else(
                || {
                    // Someone the article calls he or she is a person.
                    let mut actor = Actor::unknown(text);
                    if self.names.gender_of(&actor.name).is_some() {
                        actor.kind = ActorKind::Person;
                    }
                    actor
                },
                |(_, r, _)| r.actor.clone(),
            )
    }
}

impl ActorResolver {
    pub fn new(study: &Study) -> Self {
        let mut aliases = Vec::new();
        for (index, actor) in study.actors.iter().enumerate() {
            for alias in std::iter::once(&actor.name).chain(actor.aliases.iter()) {
                let alias = fold(alias);
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

    /// An actor's gender: as its study entry declares it, else as the article and the
    /// first name show it ([`identity::ArticleNames::gender_of`]).
    fn gender_of(&self, article: &ArticleContext, id: &str, name: &str) -> Option<Gender> {
        self.study_actors
            .iter()
            .find(|a| a.id == id)
            .and_then(|a| a.gender)
            .or_else(|| article.names.gender_of(name))
    }

    fn study_actor(&self, index: usize) -> Actor {
        Actor::from(&self.study_actors[index])
    }

    /// The study actor named in `mention`: the alias ending furthest right, longest first.
    fn match_alias(&self, mention: &str) -> Option<usize> {
        let lower = fold(mention);
        let mut best: Option<(usize, usize, usize)> = None; // (end, len, actor)
        for (alias, actor) in &self.aliases {
            for start in whole_words(&lower, alias) {
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
        self.resolve_article_and_roles(doc, attributions).0
    }

    /// [`Self::resolve_article`], with the roles the article writes before a person's
    /// name ([`ArticleNames::role_bindings`]), for binding them across the run.
    pub fn resolve_article_and_roles(
        &self,
        doc: &Document,
        attributions: &[Attribution],
    ) -> (Vec<Option<Resolved>>, Vec<(String, Actor)>) {
        let mut order: Vec<usize> = (0..attributions.len()).collect();
        order.sort_by_key(|&i| {
            attributions[i]
                .speaker
                .map_or(attributions[i].content.start, |s| s.start)
        });
        let article = ArticleContext {
            doc,
            text: doc.text,
            names: ArticleNames::new(doc),
            mentions: self.study_mentions(doc),
        };
        let mut history: Vec<(usize, Resolved, String)> = Vec::new(); // (position, resolved, mention text)
        let mut out = vec![None; attributions.len()];
        for i in order {
            let Some(speaker) = attributions[i].antecedent.or(attributions[i].speaker) else {
                continue;
            };
            let described =
                appositive_head(doc.text, speaker).filter(|head| article.names_a_person(head.slice(doc.text)));
            let head = relative_antecedent(doc.text, speaker)
                .or_else(|| tagged_name(doc.text, speaker))
                .or(described)
                .unwrap_or(speaker);
            let resolved = self.resolve_mention(&article, head.slice(doc.text), head, &history);
            if let Some(resolved) = &resolved {
                // Later titles match the role words too: `Megan Hester, senior associate`.
                let seen = described.map_or(head, |head| head.union(speaker));
                history.push((head.start, resolved.clone(), seen.slice(doc.text).to_string()));
            }
            out[i] = resolved;
        }
        let roles = article
            .names
            .role_bindings()
            .iter()
            .map(|(role, name)| {
                let mut person = Actor::unknown(name.clone());
                person.kind = ActorKind::Person;
                (role.clone(), person)
            })
            .collect();
        (out, roles)
    }

    fn resolve_mention(
        &self,
        article: &ArticleContext,
        mention: &str,
        span: Span,
        history: &[(usize, Resolved, String)],
    ) -> Option<Resolved> {
        if let Some(index) = self.match_alias(mention) {
            return Some(Resolved::entity(self.study_actor(index), "alias"));
        }
        let lower = fold(mention);
        let words: Vec<&str> = lower.split_whitespace().collect();
        if words.len() == 1 && matches!(words[0], "who" | "which" | "that" | "you") {
            return None; // a relative pronoun without its antecedent names nobody
        }
        // An op-ed's `I` outside quotations is its author.
        if words.len() == 1 && matches!(words[0], "i" | "me" | "my") && article.doc.quote_at(span.start).is_none() {
            if let Some(author) = article.names.author() {
                return Some(Resolved::entity(
                    article.actor_named(Name::person(author), history),
                    "pronoun",
                ));
            }
        }
        if words.len() == 1 && is_reference_pronoun(words[0]) {
            return self.resolve_pronoun(article, words[0], span, history);
        }
        if identity::is_document(mention) {
            // `a new report by Politico`: its source; `the article`: the organisation
            // that spoke last.
            if let Some(source) = identity::document_source(mention) {
                return Some(Resolved::entity(article.actor_named(source, history), "description"));
            }
            return history
                .iter()
                .rev()
                .find(|(pos, r, _)| *pos < span.start && r.entity && r.actor.kind == ActorKind::Organisation)
                .map(|(_, r, _)| Resolved {
                    method: "title",
                    ..r.clone()
                });
        }
        if let Some(resolved) = self.resolve_representative(article, mention, span, history) {
            return Some(resolved);
        }
        // A description ends at its first comma (`The alliance, which includes ...`).
        let lower = fold(mention.split(',').next().unwrap_or(mention));
        let words: Vec<&str> = lower.split_whitespace().collect();
        // `A House panel voted …`: the organisation the next sentences name, not the
        // capitalised words of the description.
        if matches!(words.first(), Some(&"a" | &"an")) {
            if let Some(resolved) = article.introduced_organisation(&words, span, history) {
                return Some(resolved);
            }
        }
        if let Some(name) = identity::name_in_mention(mention).filter(|n| !article.is_capitalised_common_noun(n)) {
            return Some(Resolved::entity(article.actor_named(name, history), "name"));
        }
        // A description ("the president", "the spokesman"): an earlier speaker whose
        // mention shared its head noun.
        let words: Vec<String> = words.iter().map(|w| expand_abbreviation(w)).collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
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
            if let Some((_, name)) = bound_name(article.text, &words[1..].join(" "), span.start) {
                return Some(Resolved::entity(
                    article.actor_named(Name::person(name), history),
                    "title",
                ));
            }
        }
        if !head.is_empty() && determined {
            // An earlier speaker whose mention has the head noun and every modifier
            // ("the US president" is not the "Ukrainian president" of the first line).
            if let Some((_, r, _)) = history.iter().rev().find(|(_, r, text)| {
                let earlier: Vec<String> = fold(text).split_whitespace().map(expand_abbreviation).collect();
                // `Trump campaign spokesman Jason Miller` is no `Trump campaign`: the
                // head is his body, not his role.
                let head_is_role = earlier.iter().enumerate().any(|(k, w)| {
                    w == head
                        && !earlier.get(k + 1).is_some_and(|next| {
                            identity::description_traits(next).person && !TITLE_HEADS.contains(&head)
                        })
                });
                r.entity
                    && head_is_role
                    && modifiers.iter().all(|m| earlier.iter().any(|w| w == m))
                    && earlier.join(" ") != words.join(" ")
            }) {
                return Some(Resolved {
                    method: "title",
                    ..r.clone()
                });
            }
        }
        // A title the study knows (`the envoy`) names the study actor whose aliases
        // carry it and who was mentioned last before this point.
        if !head.is_empty() && determined {
            let carries_head = |index: usize| {
                self.aliases
                    .iter()
                    .any(|(alias, i)| *i == index && alias.split_whitespace().any(|w| w == head))
            };
            if let Some((_, index)) = article
                .mentions
                .iter()
                .rev()
                .find(|(pos, index)| *pos < span.start && carries_head(*index))
            {
                return Some(Resolved::entity(self.study_actor(*index), "title"));
            }
        }
        // An organisation described (`the fund`, `the appeals court`): the last one the
        // article named that the description fits.
        if determined && identity::names::ORGANISATION_HEADS.contains(&head) {
            if let Some(name) = article.names.organisation_described(&words[1..], span.start) {
                let name = Name {
                    text: name.to_string(),
                    organisation: true,
                };
                return Some(Resolved::entity(article.actor_named(name, history), "title"));
            }
        }
        // A headline's `Federal court rules …`: the organisation the lead names.
        let bare = !determined && mention.chars().next().is_some_and(char::is_uppercase);
        if bare {
            if let Some(resolved) = article.introduced_organisation(&words, span, history) {
                return Some(resolved);
            }
        }
        // A bare title the article gives someone before (`Senator Ted Cruz ... the
        // senator`): the last person so titled.
        if determined && words.len() == 2 && TITLE_HEADS.iter().chain(BOUND_TITLES).any(|t| *t == head) {
            let abbreviated = abbreviation_of(head);
            // Of the spelled-out and the abbreviated title, the one written last.
            let bound = [Some(head), abbreviated]
                .into_iter()
                .flatten()
                .filter_map(|role| bound_name(article.text, role, span.start))
                .max_by_key(|(last, _)| *last);
            if let Some((_, name)) = bound {
                return Some(Resolved::entity(
                    article.actor_named(Name::person(name), history),
                    "title",
                ));
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
        // A description that names no entity (`police officials`) is kept for the
        // pronouns that follow it but gives no actor: its statement is unresolved.
        // Only a group named by its leader or body (`the Trump campaign`) is an entity.
        let group = identity::names::GROUP_NOUNS.contains(&head);
        let names_an_entity = group && mention.split_whitespace().skip(1).any(starts_upper);
        let mut actor = Actor::unknown(description.join(" "));
        if group {
            actor.kind = ActorKind::Organisation;
        }
        Some(Resolved {
            actor,
            method: "description",
            entity: names_an_entity,
        })
    }

    /// `his attorney`, `Pagliano's lawyer`: the person the article names in that role
    /// for that principal (for anyone, where the principal is unknown); None where it
    /// names no one so, and the mention is read as a description.
    fn resolve_representative(
        &self,
        article: &ArticleContext,
        mention: &str,
        span: Span,
        history: &[(usize, Resolved, String)],
    ) -> Option<Resolved> {
        use identity::representatives::{possessive_role, representative_named};
        let (possessor, role) = possessive_role(mention)?;
        let principal = match possessor.as_str() {
            "his" | "her" => {
                // `The move against Pagliano took place despite warnings from his
                // attorney`: the compatible name mentioned last, where its sentence
                // names it, else as a pronoun.
                let candidates = article.name_mentions();
                let pronoun = Span::new(span.start, span.start + possessor.len());
                let sentence_start = article
                    .doc
                    .sentence_at(span.start)
                    .map_or(0, |i| article.doc.sentences[i].start);
                let named_in_sentence =
                    antecedent_by_rule(article.doc, &article.names, pronoun, &candidates, Strategy::Nearest)
                        .filter(|&i| candidates[i].1.iter().any(|p| (sentence_start..span.start).contains(p)))
                        .map(|i| candidates[i].0.clone());
                named_in_sentence.or_else(|| {
                    let pronoun = if possessor == "his" { "he" } else { "she" };
                    self.resolve_pronoun(article, pronoun, span, history)
                        .filter(|r| r.entity)
                        .map(|r| r.actor.name)
                })
            }
            name => Some(article.names.full_name(name).unwrap_or(name).to_string()),
        };
        let name = representative_named(article.text, &article.names, role, principal.as_deref())?;
        Some(Resolved::entity(
            article.actor_named(Name::person(name), history),
            "title",
        ))
    }

    /// A pronoun is the last earlier speaker it can denote: `he`/`she` a person of that
    /// gender (as the article's own pronouns show it) and not a group, `it` an
    /// organisation or thing, `they` a group or organisation first. A study actor
    /// named in the text since that speaker, close by, wins over it.
    fn resolve_pronoun(
        &self,
        article: &ArticleContext,
        pronoun: &str,
        span: Span,
        history: &[(usize, Resolved, String)],
    ) -> Option<Resolved> {
        let wanted_gender = match pronoun {
            "he" | "him" => Some(Gender::Male),
            "she" | "her" => Some(Gender::Female),
            _ => None,
        };
        let wants_person = wanted_gender.is_some() || pronoun == "i";
        // Only `he` and `she` ask for a gender; the actor's is looked up only then.
        let gender_agrees = |id: &str, name: &str| {
            wanted_gender.is_none_or(|wanted| self.gender_of(article, id, name).is_none_or(|known| known == wanted))
        };
        let kind_fits = |kind: ActorKind| match kind {
            ActorKind::Person | ActorKind::Unknown => wants_person || pronoun == "they" || pronoun == "we",
            ActorKind::Organisation | ActorKind::Country => !wants_person,
        };
        let fits = |r: &Resolved, mention: &str| {
            if !kind_fits(r.actor.kind) {
                return false;
            }
            if r.method == "description" || !r.entity && r.actor.kind == ActorKind::Unknown {
                let traits = identity::description_traits(mention);
                if wants_person && (traits.plural || !traits.person) {
                    return false;
                }
                if pronoun == "it" && (traits.plural || traits.person) {
                    return false;
                }
            } else if pronoun == "it" && r.actor.kind != ActorKind::Organisation && r.actor.kind != ActorKind::Country {
                return false;
            }
            gender_agrees(&r.actor.id, &r.actor.name)
        };
        let from_history = history
            .iter()
            .rev()
            .find(|(pos, r, mention)| *pos < span.start && fits(r, mention));
        let from_text = article.mentions.iter().rev().find(|(pos, index)| {
            let actor = &self.study_actors[*index];
            *pos < span.start && kind_fits(actor.kind) && gender_agrees(&actor.id, &actor.name)
        });
        match (from_history, from_text) {
            (Some((pos, _, _)), Some((text_pos, index))) if text_pos > pos && span.start - text_pos < 400 => {
                Some(Resolved::entity(self.study_actor(*index), "pronoun"))
            }
            (Some((_, r, _)), _) => Some(Resolved {
                method: "pronoun",
                ..r.clone()
            }),
            (None, Some((_, index))) => Some(Resolved::entity(self.study_actor(*index), "pronoun")),
            // No speaker yet it can denote: a person the text names, the subject of the
            // nearest sentence that names one (`Tina Houchins had a question ... she said`).
            (None, None) if wanted_gender.is_some() => {
                let candidates = article.name_mentions();
                let chosen = antecedent(article.doc, &article.names, span, &candidates, Strategy::Learned)?;
                let name = Name::person(candidates[chosen].0.clone());
                Some(Resolved::entity(article.actor_named(name, history), "pronoun"))
            }
            (None, None) => None,
        }
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
            for start in whole_words(&lower, alias) {
                if doc.quote_at(start).is_none() {
                    found.push((start, *index));
                }
            }
        }
        found.sort();
        found
    }
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
                    r.filter(|r| r.entity).map(|r| r.actor.id),
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
    fn a_pronoun_skips_a_study_actor_of_the_other_gender() {
        let with_envoy = |gender: &str| -> Study {
            toml::from_str(&format!(
                r#"
                [[actors]]
                id = "brenner"
                name = "Tomas Brenner"
                aliases = ["Brenner", "Prime Minister Tomas Brenner"]
                kind = "person"
                [[actors]]
                id = "diallo"
                name = "Amina Diallo"
                aliases = ["Diallo", "the Alliance envoy"]
                kind = "person"
                {gender}
                "#
            ))
            .unwrap()
        };
        // The envoy is named after Brenner and nothing in the article says she is a woman.
        let text = "Prime Minister Tomas Brenner said on Tuesday that he was “open to serious proposals” after a meeting with the Alliance envoy.\n\n“If Valdoria comes with realistic ideas, we will listen,” he said.";
        let last = |study: &Study| speakers(text, study).last().and_then(|(_, id)| id.clone());
        assert_eq!(last(&with_envoy("")).as_deref(), Some("diallo"));
        assert_eq!(last(&with_envoy(r#"gender = "female""#)).as_deref(), Some("brenner"));
        let wrong_kind: Result<Study, _> = toml::from_str(
            r#"
            [[actors]]
            id = "ministry"
            name = "the ministry"
            kind = "organisation"
            gender = "female"
            "#,
        );
        assert!(wrong_kind
            .unwrap()
            .validate()
            .unwrap_err()
            .contains("gender is for persons"));
    }

    #[test]
    fn names_get_ids_surnames_join_them_descriptions_get_none() {
        let found = speakers(
            "Senator Ted Cruz said the bill was dead. Cruz said he would vote no. Officials said the vote was close.",
            &Study::default(),
        );
        let ids: Vec<Option<&str>> = found.iter().map(|(_, id)| id.as_deref()).collect();
        assert_eq!(
            ids,
            vec![Some("ted_cruz"), Some("ted_cruz"), None],
            "a bare description names nobody"
        );
    }

    #[test]
    fn a_title_with_a_nationality_is_the_person_the_article_gave_it() {
        // Without a study: "the US president" is not the "Ukrainian president" who
        // spoke first, but the "US president Donald Trump" named inside his words,
        // whom the "Trump" who spoke since is too.
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
                Some("donald_trump"),
                Some("donald_trump"),
                Some("volodymyr_zelensky")
            ],
            "{found:?}"
        );
        assert_eq!(
            bound_name("a US president Joe Biden", "us president", 100),
            Some((2, "Joe Biden".to_string()))
        );
        assert_eq!(bound_name("the US presidential race", "us president", 100), None);
        assert_eq!(
            bound_name("US president Donald Trump", "us president", 5),
            None,
            "only before the mention"
        );
    }

    #[test]
    fn each_mention_form_finds_its_entity() {
        let found = speakers(
            "Hillary Clinton said the plan works, after she praised Senator Ted Cruz.\n\n\
             “We will win,” Clinton said.\n\n\
             Cruz said he was grateful. She said she agreed.\n\n\
             The International Monetary Fund said growth slowed. It said more was needed.\n\n\
             Police officials said the road was closed.\n\n\
             The senator said the vote was close.",
            &Study::default(),
        );
        let ids: Vec<(&str, Option<&str>)> = found.iter().map(|(s, id)| (s.as_str(), id.as_deref())).collect();
        assert_eq!(
            ids,
            vec![
                ("Hillary Clinton", Some("hillary_clinton")),
                ("Clinton", Some("hillary_clinton")),
                ("Cruz", Some("ted_cruz")),
                ("She", Some("hillary_clinton")),
                ("The International Monetary Fund", Some("international_monetary_fund")),
                ("It", Some("international_monetary_fund")),
                ("Police officials", None),
                ("The senator", Some("ted_cruz")),
            ],
            "surname to full name, she past a man, organisation and it, a bare description names nobody, \
             an abbreviated title"
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
    fn clause_starts_are_not_descriptions_of_speakers() {
        assert!(!names_someone(&["i", "don't"]));
        assert!(!names_someone(&["that's", "lot", "you"]));
        assert!(!names_someone(&["you", "know"]));
        assert!(names_someone(&["ministry"]));
        assert!(names_someone(&["minister's", "office"]));
        assert!(names_someone(&["military", "analysts"]));
    }
}
