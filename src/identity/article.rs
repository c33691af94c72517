//! What one article establishes about the people it names: each full name and where
//! it first appears, and each name's gender as the article's own pronouns show it.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::names::{is_name_particle, proper_name, starts_upper};
use crate::text::Document;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Male,
    Female,
}

/// The people an article names, read once per article.
#[derive(Debug, Clone, Default)]
pub struct ArticleNames {
    /// Full names (two words or more) in order of first appearance.
    full_names: Vec<String>,
    /// Organisations named in full, with where each mention starts.
    organisations: Vec<(usize, String)>,
    /// Who wrote the article, where it ends with an op-ed's line about its author
    /// (`Charlotte Meehan is playwright-in-residence at Wheaton College.`).
    author: Option<String>,
    /// Lower-case last word of a name → (male, female) evidence.
    gender_votes: HashMap<String, (u32, u32)>,
    /// Roles written right before a full name (`Republican presidential nominee Donald
    /// Trump`): ([`super::role_key`], the name), once per mention.
    roles: Vec<(String, String)>,
}

const MONTHS_AND_DAYS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Words that open a sentence with a capital and name nobody.
const SENTENCE_OPENERS: &[&str] = &[
    "a",
    "an",
    "the",
    "in",
    "on",
    "at",
    "but",
    "and",
    "if",
    "when",
    "after",
    "before",
    "as",
    "so",
    "for",
    "this",
    "that",
    "these",
    "those",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "his",
    "her",
    "their",
    "our",
    "my",
    "asked",
    "still",
    "yet",
    "while",
    "although",
    "though",
    "because",
    "meanwhile",
    "however",
    "now",
    "then",
    "last",
    "next",
];

impl ArticleNames {
    pub fn new(doc: &Document) -> Self {
        let text = doc.text;
        let words: Vec<(usize, &str)> = text
            .split_whitespace()
            .map(|w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
            .collect();
        let mut names = ArticleNames {
            author: author_line(text),
            ..ArticleNames::default()
        };
        let headline = |pos: usize| {
            doc.sentence_at(pos)
                .is_some_and(|s| is_title_case(doc.sentences[s].slice(text)))
        };
        let mut i = 0;
        while i < words.len() {
            if !starts_upper(words[i].1) {
                i += 1;
                continue;
            }
            if headline(words[i].0) {
                i += 1; // a headline in title case capitalises everything
                continue;
            }
            let start = i;
            let mut end = i + 1;
            while !ends_phrase(words[end - 1].1)
                && end < words.len()
                && (starts_upper(words[end].1) || is_name_particle(words[end].1))
            {
                end += 1;
            }
            let mut run: Vec<&str> = words[start..end].iter().map(|(_, w)| *w).collect();
            if run.len() > 2 && run[0] == "State" && start > 0 && words[start - 1].1 == "of" {
                run.remove(0); // `Secretary of State Jon Husted`
            }
            // An organisation's name runs over lower-case connectors (`Court of Appeals
            // for the Sixth Circuit`); a person's does not.
            let mut org_end = end;
            while org_end + 1 < words.len()
                && !ends_phrase(words[org_end - 1].1)
                && matches!(words[org_end].1, "of" | "for" | "the" | "and" | "to" | "on")
                && (starts_upper(words[org_end + 1].1) || words[org_end + 1].1 == "the")
            {
                org_end += 1;
                while org_end < words.len() && !ends_phrase(words[org_end - 1].1) && starts_upper(words[org_end].1) {
                    org_end += 1;
                }
            }
            let org_run: Vec<&str> = words[start..org_end].iter().map(|(_, w)| *w).collect();
            if let Some(organisation) = super::names::name_in_mention(&org_run.join(" ")).filter(|n| n.organisation) {
                names.organisations.push((words[start].0, organisation.text));
            }
            let full_name = proper_name(&run.join(" ")).filter(|n| is_full_name(n));
            if let Some(name) = &full_name {
                // The role words before the name, up to punctuation: every length of two
                // to four words, since where the role starts is not marked.
                let mut role_start = start;
                while role_start > 0
                    && start - role_start < 4
                    && !words[role_start - 1].1.ends_with(|c: char| !c.is_alphanumeric())
                    && doc.quote_at(words[role_start - 1].0).is_none()
                {
                    role_start -= 1;
                }
                for from in role_start..start.saturating_sub(1) {
                    let role: Vec<&str> = words[from..start].iter().map(|(_, w)| *w).collect();
                    if let Some(key) = super::role_key(&role.join(" ")) {
                        names.roles.push((key, name.clone()));
                    }
                }
                if !names.full_names.contains(name) {
                    names.full_names.push(name.clone());
                }
            }
            // The run's last word carries the evidence: the first he/she after it in
            // its sentence, before any other name, and an honorific before it.
            let last = clean(words[end - 1].1).to_lowercase();
            if doc.quote_at(words[end - 1].0).is_none() && !SENTENCE_OPENERS.contains(&last.as_str()) {
                let honorific = start
                    .checked_sub(1)
                    .map(|k| words[k].1)
                    .into_iter()
                    .chain(run.iter().copied())
                    .find_map(honorific_gender);
                let mut vote = honorific.map(|g| (g, 2));
                let mut key = last;
                if vote.is_none() && words[end - 1].1.ends_with(',') {
                    vote = appositive_gender(&words[end..]).map(|g| (g, 2));
                    // An appositive describes the one named in full, not everyone of
                    // that surname (`Bill Clinton, her husband,`).
                    if let Some(full) = full_name.as_deref().filter(|_| vote.is_some()) {
                        key = fold(full);
                    }
                }
                if vote.is_none() {
                    vote = following_pronoun(&words[end..]).map(|g| (g, 1));
                }
                if let Some((gender, weight)) = vote {
                    let entry = names.gender_votes.entry(key).or_default();
                    match gender {
                        Gender::Male => entry.0 += weight,
                        Gender::Female => entry.1 += weight,
                    }
                }
            }
            i = end;
        }
        names
    }

    /// The full name a short form stands for: the first full name in the article whose
    /// last words are `short` (`Trump` → `Donald Trump`, `De Blasio` → `Bill de Blasio`).
    pub fn full_name(&self, short: &str) -> Option<&str> {
        let short = fold(short);
        // A short form is one word, or a surname with its particle (`De Blasio`); a
        // full name (`Ted Cruz`) does not grow into a longer run (`Fault Ted Cruz`).
        let words: Vec<&str> = short.split(' ').collect();
        if short.is_empty() || words.len() > 1 && !(words.len() == 2 && is_name_particle(words[0])) {
            return None;
        }
        let exact = self.full_names.iter().find(|full| {
            let full = fold(full);
            full != short && full.ends_with(&short) && full[..full.len() - short.len()].ends_with(' ')
        });
        exact.or_else(|| self.misspelt_surname_of(&short)).map(String::as_str)
    }

    /// The one full name whose surname `short` misspells by a letter (`Wines` for
    /// Leslie Wimes, `McLenney` for Tyresha McClenney): news writes a name fast and
    /// corrects it seldom. Only surnames of five letters or more whose first and last
    /// letters are right (`the Clintons` is no misspelling), and never where two full
    /// names are as close. On PolNeAR train it names six speakers, all rightly
    /// (`Giulini`, `Sharption`, `Bryne`, …).
    fn misspelt_surname_of(&self, short: &str) -> Option<&String> {
        if short.contains(' ') || short.chars().count() < 5 {
            return None;
        }
        let mut close = self.full_names.iter().filter(|full| {
            let full = fold(full);
            let surname = full.rsplit(' ').next().unwrap_or_default();
            surname.chars().next() == short.chars().next() && one_edit_apart(surname, short)
        });
        let first = close.next()?;
        close.next().is_none().then_some(first)
    }

    /// The op-ed author the article's last line names, if it ends with one.
    pub fn author(&self) -> Option<&str> {
        self.author.as_deref()
    }

    /// Full names in order of first appearance.
    pub fn full_names(&self) -> &[String] {
        &self.full_names
    }

    /// The organisation a description of one (`the fund`, `the appeals court`)
    /// denotes: the last one named before `before` whose name holds every word of
    /// the description.
    pub fn organisation_described(&self, words: &[&str], before: usize) -> Option<&str> {
        let stem = |w: &str| w.trim_end_matches('s').to_string();
        self.organisations
            .iter()
            .rev()
            .filter(|(at, _)| *at < before)
            .find(|(_, name)| {
                let held: Vec<String> = fold(name).split(' ').map(stem).collect();
                !words.is_empty() && words.iter().all(|w| held.contains(&stem(w)))
            })
            .map(|(_, name)| name.as_str())
    }

    /// The organisation an indefinite or bare description introduces before naming it:
    /// news leads and headlines write `A federal appeals court ruled …` and name `the
    /// U.S. Court of Appeals for the Sixth Circuit` a sentence or two later. The first
    /// organisation named after `after` (within `within` bytes) whose name holds the
    /// description's head noun, or a noun it stands for (`panel` for a committee).
    pub fn organisation_introduced(&self, head: &str, after: usize, within: usize) -> Option<&str> {
        let stem = |w: &str| w.trim_end_matches('s').to_string();
        let heads: &[&str] = match head {
            "panel" => &["panel", "committee", "subcommittee", "commission"],
            other => &[other][..],
        };
        let heads: Vec<String> = heads.iter().map(|h| stem(h)).collect();
        self.organisations
            .iter()
            .filter(|(at, _)| *at > after && *at <= after + within)
            .find(|(_, name)| fold(name).split(' ').any(|w| heads.contains(&stem(w))))
            .map(|(_, name)| name.as_str())
    }

    /// A name's gender: as the article's pronouns, honorifics and appositives give it,
    /// when they agree clearly enough (two to one); where the article shows none, as its
    /// first name shows it ([`first_name_gender`]). Evidence that disagrees leaves it
    /// unknown.
    pub fn gender_of(&self, name: &str) -> Option<Gender> {
        match self.votes_for(name) {
            Some(votes) => decided(votes),
            None => {
                let words: Vec<&str> = name.split_whitespace().collect();
                (words.len() >= 2).then(|| first_name_gender(words[0])).flatten()
            }
        }
    }

    /// Roles the article writes right before a full name, with the name, once per
    /// mention (several keys where the role's start is unclear).
    pub fn role_bindings(&self) -> &[(String, String)] {
        &self.roles
    }

    /// The gender the article's own evidence gives a name, nothing else.
    pub fn gender_in_article(&self, name: &str) -> Option<Gender> {
        self.votes_for(name).and_then(decided)
    }

    /// The (male, female) evidence the article holds for a name: what an appositive
    /// says of the full name itself (`Ivanka Trump, the nominee's eldest daughter,`),
    /// else what pronouns and honorifics say of its last word.
    fn votes_for(&self, name: &str) -> Option<(u32, u32)> {
        let folded = fold(name);
        let own = self.gender_votes.get(&folded).filter(|_| folded.contains(' '));
        own.or_else(|| self.gender_votes.get(folded.rsplit(' ').next().unwrap_or_default()))
            .copied()
    }
}

/// The author an op-ed's closing line names: a short last paragraph that opens with a
/// full name and `is` (`Rudy Giuliani is the former mayor of New York City.`).
fn author_line(text: &str) -> Option<String> {
    let last = text.trim_end().rsplit('\n').next()?.trim();
    let reported = [" said", " says", "according to"].iter().any(|cue| last.contains(cue));
    if last.len() > 400 || last.starts_with(['“', '"']) || reported {
        return None;
    }
    let words: Vec<&str> = last.split_whitespace().collect();
    let name_len = words
        .iter()
        .take_while(|w| starts_upper(w) && w.chars().any(char::is_alphabetic))
        .count();
    if !(2..=4).contains(&name_len) || words.get(name_len) != Some(&"is") {
        return None;
    }
    let name = words[..name_len].join(" ");
    super::names::name_in_mention(&name)
        .filter(|n| !n.organisation && n.text == name)
        .map(|n| n.text)
}

/// A headline's capitals: four in five words of four letters or more capitalised.
fn is_title_case(sentence: &str) -> bool {
    let words: Vec<&str> = sentence.split_whitespace().filter(|w| w.chars().count() > 3).collect();
    words.len() >= 4 && words.iter().filter(|w| starts_upper(w)).count() * 5 >= words.len() * 4
}

fn is_full_name(name: &str) -> bool {
    let words: Vec<String> = name.split_whitespace().map(|w| clean(w).to_lowercase()).collect();
    (2..=5).contains(&words.len())
        && !SENTENCE_OPENERS.contains(&words[0].as_str())
        && !words.iter().any(|w| MONTHS_AND_DAYS.contains(&w.as_str()))
        && super::names::name_in_mention(name).is_some_and(|n| !n.organisation)
}

fn ends_phrase(word: &str) -> bool {
    let bare = word.trim_end_matches(['”', '"', '’', '\'', ')']);
    if bare.ends_with([',', ';', ':', '!', '?']) {
        return true;
    }
    // A full stop ends a sentence, not an initial or an abbreviated title (`J.`, `Sen.`).
    bare.ends_with('.') && bare.chars().filter(|c| c.is_alphabetic()).count() > 3
}

fn following_pronoun(words: &[(usize, &str)]) -> Option<Gender> {
    for (_, word) in words.iter().take(25) {
        let bare = clean(word).to_lowercase();
        match bare.as_str() {
            "he" | "his" | "him" | "himself" => return Some(Gender::Male),
            "she" | "her" | "hers" | "herself" => return Some(Gender::Female),
            _ => {}
        }
        if starts_upper(word) && bare != "i" {
            return None; // another name stands between
        }
        if ends_phrase(word) {
            return None; // past a comma the clause, and often the subject, changes
        }
    }
    None
}

/// The gender the head noun of an appositive after a name gives (`Ivanka Trump, the
/// nominee's eldest daughter,`; `…, the wife of …`): a pronoun there may be
/// another's (`his daughter`), the head is the named one's. Only a noun phrase
/// counts, not a clause (`Tashfeen Malik, who with her husband …`).
fn appositive_gender(words: &[(usize, &str)]) -> Option<Gender> {
    let opens_noun_phrase = words.first().is_some_and(|(_, w)| {
        matches!(w.to_lowercase().as_str(), "the" | "a" | "an" | "his" | "her" | "their")
            || w.ends_with("'s")
            || w.ends_with("’s")
    });
    if !opens_noun_phrase {
        return None;
    }
    for (i, (_, word)) in words.iter().enumerate().take(10) {
        let head = word.ends_with([',', '.', ';', ':']) || words.get(i + 1).is_some_and(|(_, w)| *w == "of");
        if head {
            return match clean(word).to_lowercase().as_str() {
                "daughter" | "mother" | "wife" | "sister" | "widow" | "grandmother" | "granddaughter" | "aunt"
                | "niece" | "woman" | "girl" | "spokeswoman" | "chairwoman" | "congresswoman" | "businesswoman"
                | "actress" => Some(Gender::Female),
                "son" | "father" | "husband" | "brother" | "widower" | "grandfather" | "grandson" | "uncle"
                | "nephew" | "man" | "boy" | "spokesman" | "congressman" | "businessman" => Some(Gender::Male),
                _ => None,
            };
        }
    }
    None
}

fn honorific_gender(word: &str) -> Option<Gender> {
    match word {
        "Mr." | "Mr" => Some(Gender::Male),
        "Mrs." | "Mrs" | "Ms." | "Ms" => Some(Gender::Female),
        _ => None,
    }
}

/// A gender where the evidence agrees clearly enough: two to one.
fn decided((male, female): (u32, u32)) -> Option<Gender> {
    if male > 2 * female {
        Some(Gender::Male)
    } else if female > 2 * male {
        Some(Gender::Female)
    } else {
        None
    }
}

/// First names and the gender the texts of PolNeAR train, Wikinews 2019, LitBank and
/// GAP's validation split show for them (`examples/first_name_genders.rs`): names seen
/// at least three times, three times in four with one gender, and not words or the
/// openings of places and organisations (`New`, `United`).
const FIRST_NAMES: &str = include_str!("../../models/pronoun-ranker/first_names.tsv");

/// The gender a first name shows in [`FIRST_NAMES`], when it shows one.
pub fn first_name_gender(first: &str) -> Option<Gender> {
    static GENDERS: OnceLock<HashMap<String, Gender>> = OnceLock::new();
    let genders = GENDERS.get_or_init(|| {
        FIRST_NAMES
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| {
                let mut fields = line.split('\t');
                let name = fields.next()?;
                let gender = match fields.next()? {
                    "male" => Gender::Male,
                    "female" => Gender::Female,
                    _ => return None,
                };
                Some((name.to_string(), gender))
            })
            .collect()
    });
    genders.get(&fold(clean(first))).copied()
}

fn clean(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric())
        .trim_end_matches("’s")
        .trim_end_matches("'s")
}

/// Whether two words differ by one letter inserted, dropped, changed, or two
/// neighbours swapped, anywhere but at the end.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (shorter, longer) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    let prefix = shorter.iter().zip(longer.iter()).take_while(|(x, y)| x == y).count();
    // A different last letter is another word more often than a slip: `German` and
    // `Germany`, `Americans` and `Americana`, `Republican` and `Republicans`.
    if prefix + 1 >= longer.len() {
        return false;
    }
    match longer.len() - shorter.len() {
        0 => {
            let rest = prefix + 1;
            shorter[rest..] == longer[rest..]
                || rest < shorter.len()
                    && shorter[prefix] == longer[rest]
                    && shorter[rest] == longer[prefix]
                    && shorter[rest + 1..] == longer[rest + 1..]
        }
        1 => shorter[prefix..] == longer[prefix + 1..],
        _ => false,
    }
}

/// Lower case with apostrophes straightened, for comparing name forms.
pub(crate) fn fold(name: &str) -> String {
    name.to_lowercase()
        .replace('’', "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_written_before_a_name_bind_it() {
        let text = "The debate went on. Republican presidential nominee Donald Trump said he won. \
                    Later, GOP nominee Donald Trump spoke again.";
        let doc = Document::new(text);
        let names = ArticleNames::new(&doc);
        let roles: Vec<(&str, &str)> = names
            .role_bindings()
            .iter()
            .map(|(role, name)| (role.as_str(), name.as_str()))
            .collect();
        assert!(
            roles.contains(&("republican presidential nominee", "Donald Trump")),
            "{roles:?}"
        );
        assert!(roles.contains(&("presidential nominee", "Donald Trump")), "{roles:?}");
        assert!(
            roles.contains(&("gop nominee", "Donald Trump")),
            "a comma ends the role: {roles:?}"
        );
        assert!(!roles.iter().any(|(role, _)| role.contains("later")), "{roles:?}");
    }

    #[test]
    fn short_forms_find_the_first_full_name_that_ends_with_them() {
        let text = "Donald Trump's plan was praised by Ivanka Trump. Mayor Bill de Blasio said so. \
                    Trump said more. De Blasio agreed.";
        let names = ArticleNames::new(&Document::new(text));
        assert_eq!(names.full_name("Trump"), Some("Donald Trump"));
        let headline = "Chris Christie Calls Hillary Clinton A Disgrace.\n\nHillary Clinton spoke. Clinton said so.";
        let names = ArticleNames::new(&Document::new(headline));
        assert_eq!(
            names.full_name("Clinton"),
            Some("Hillary Clinton"),
            "not the headline's run"
        );
        let names = ArticleNames::new(&Document::new(text));
        assert_eq!(names.full_name("De Blasio"), Some("Bill de Blasio"));
        assert_eq!(names.full_name("Ivanka Trump"), None, "already full");
        assert_eq!(names.full_name("Rump"), None, "whole words only");
        let names = ArticleNames::new(&Document::new("The Fault Ted Cruz Made. Ted Cruz spoke."));
        assert_eq!(names.full_name("Ted Cruz"), None, "a full name stays itself");
        let typed = ArticleNames::new(&Document::new(
            "The caucus president Leslie Wimes spoke first at the meeting, and then the singer \
             Tyresha McClenney and former president Bill Clinton took their turns on the stage.",
        ));
        assert_eq!(typed.full_name("Wines"), Some("Leslie Wimes"), "a letter changed");
        assert_eq!(
            typed.full_name("McLenney"),
            Some("Tyresha McClenney"),
            "a letter dropped"
        );
        assert_eq!(typed.full_name("Clintons"), None, "a plural is no misspelling");
        assert_eq!(typed.full_name("Wimmes"), Some("Leslie Wimes"), "a letter added");
        assert_eq!(typed.full_name("Clitnon"), Some("Bill Clinton"), "two letters swapped");
        assert_eq!(typed.full_name("Vimes"), None, "the first letter is right");
        assert_eq!(typed.full_name("Wins"), None, "too short to guess");
        assert!(one_edit_apart("clinton", "clnton") && !one_edit_apart("clinton", "clinton"));
        assert!(!one_edit_apart("wimes", "wines1x"));
        assert!(!one_edit_apart("germany", "german") && !one_edit_apart("trump", "trumpf"));
    }

    #[test]
    fn descriptions_of_organisations_find_the_one_named() {
        let text = "The International Monetary Fund cut its forecast. A three-judge panel of the U.S. Court of \
                    Appeals for the Sixth Circuit ruled. The fund said so, and the appeals court agreed.";
        let names = ArticleNames::new(&Document::new(text));
        let at = text.find("The fund").unwrap();
        assert_eq!(
            names.organisation_described(&["fund"], at),
            Some("International Monetary Fund")
        );
        assert_eq!(
            names.organisation_described(&["appeals", "court"], text.len()),
            Some("U.S. Court of Appeals for the Sixth Circuit")
        );
        assert_eq!(names.organisation_described(&["ministry"], text.len()), None);
        assert_eq!(
            names.organisation_described(&["fund"], 0),
            None,
            "only before the mention"
        );
    }

    #[test]
    fn an_indefinite_description_finds_the_organisation_named_after_it() {
        let text = "House panel votes.\n\nA House panel voted Thursday to hold him in contempt.\n\nThe House \
                    Oversight and Government Reform Committee voted 19-15. A federal appeals court ruled. A \
                    three-judge panel of the U.S. Court of Appeals for the Sixth Circuit agreed.";
        let names = ArticleNames::new(&Document::new(text));
        let lead = text.find("A House panel").unwrap();
        assert_eq!(
            names.organisation_introduced("panel", lead + 13, 600),
            Some("House Oversight and Government Reform Committee")
        );
        let court = text.find("A federal").unwrap();
        assert_eq!(
            names.organisation_introduced("court", court + 23, 600),
            Some("U.S. Court of Appeals for the Sixth Circuit")
        );
        assert_eq!(names.organisation_introduced("ministry", 0, 600), None);
        assert_eq!(
            names.organisation_introduced("court", court + 23, 20),
            None,
            "only within the window"
        );
    }

    #[test]
    fn an_op_eds_closing_line_names_its_author() {
        let author = |text: &str| ArticleNames::new(&Document::new(text)).author().map(str::to_string);
        assert_eq!(
            author("I know what he is doing.\n\nRudy Giuliani is the former mayor of New York City.").as_deref(),
            Some("Rudy Giuliani")
        );
        assert_eq!(
            author("Trump spoke.\n\nDonald Trump has a slight lead in the polls."),
            None
        );
        assert_eq!(author("Trump spoke.\n\nIslamic State is a threat, he said."), None);
        assert_eq!(author("Trump spoke."), None);
    }

    #[test]
    fn gender_comes_from_the_articles_own_pronouns() {
        let text = "New Jersey Gov. Chris Christie described Hillary Clinton as a disgrace after she spoke. \
                    Christie said he was angry. Mr. Lee spoke. Clinton said her plan works.";
        let names = ArticleNames::new(&Document::new(text));
        assert_eq!(names.gender_of("Chris Christie"), Some(Gender::Male));
        assert_eq!(names.gender_of("Hillary Clinton"), Some(Gender::Female));
        assert_eq!(names.gender_of("Lee"), Some(Gender::Male));
        assert_eq!(names.gender_of("Nobody"), None);
        // Two people of one surname: what is written of one is not the other's.
        // An appositive's noun is the named one's, a pronoun in it may be another's.
        let text = "Donald Trump spoke first, and he was loud. Trump said he would win. \
                    Ivanka Trump, his eldest daughter, noted the rule last week.";
        let names = ArticleNames::new(&Document::new(text));
        assert_eq!(names.gender_of("Donald Trump"), Some(Gender::Male));
        assert_eq!(names.gender_of("Ivanka Trump"), Some(Gender::Female));
        assert_eq!(
            names.gender_of("Trump"),
            Some(Gender::Male),
            "the appositive is Ivanka's alone"
        );
        let text = "Tashfeen Malik, who with her husband carried out the attack, passed three checks.";
        let names = ArticleNames::new(&Document::new(text));
        assert_ne!(
            names.gender_of("Tashfeen Malik"),
            Some(Gender::Male),
            "a clause is no appositive: `husband` is not hers"
        );
    }
}
