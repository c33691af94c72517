//! Speaker identity: what a speaker mention denotes, read from the article itself.
//!
//! Between extraction and the actors stage. [`heads`] finds the mention's head where
//! extraction took something else for it (a relative `who`, a party tag, an
//! appositive); [`names`] reads the name out of a mention (titles, appositives,
//! possessives, organisations' connectors);
//! [`representatives`] finds who an article names as someone's attorney or
//! spokesman (`his attorney`); [`article`] collects what the whole article establishes: the full name each
//! short form stands for (`Trump` → `Donald Trump`) and the gender its pronouns give
//! each name, so a `she` does not land on a man. The actors stage resolves pronouns,
//! titles and descriptions with these; a pronoun no earlier speaker explains goes to
//! the name [`pronoun_ranker`] (trained on [`gap`]) picks among the article's names.

pub mod article;
pub mod gap;
pub mod heads;
pub mod names;
pub mod pronoun_ranker;
pub mod pronouns;
pub mod representatives;

pub use article::{ArticleNames, Gender};
pub use names::{name_in_mention, proper_name, Name};

/// The key under which a role is bound to a name across a run: a description of two to
/// four words headed by a noun for a person (`The Republican presidential nominee` →
/// `republican presidential nominee`), lower case, without its article. A bare title
/// (`the senator`) has none: across a run it names too many people.
pub fn role_key(description: &str) -> Option<String> {
    let folded = article::fold(description);
    let mut words: Vec<&str> = folded.split_whitespace().collect();
    while words
        .first()
        .is_some_and(|w| matches!(*w, "the" | "a" | "an" | "this" | "that"))
    {
        words.remove(0);
    }
    let plain = |w: &&str| w.chars().all(|c| c.is_alphabetic() || c == '-');
    let head = *words.last()?;
    ((2..=4).contains(&words.len()) && words.iter().all(plain) && PERSON_NOUNS.contains(&head)).then(|| words.join(" "))
}

/// Nouns for people: a description headed by one can be a `he` or `she`.
pub(crate) const PERSON_NOUNS: &[&str] = &[
    "challenger",
    "incumbent",
    "opponent",
    "rival",
    "coach",
    "designer",
    "developer",
    "engineer",
    "manager",
    "player",
    "prosecutor",
    "activist",
    "associate",
    "adviser",
    "advisor",
    "aide",
    "ambassador",
    "analyst",
    "anchor",
    "attorney",
    "author",
    "candidate",
    "chairman",
    "chairwoman",
    "chief",
    "commander",
    "critic",
    "daughter",
    "delegate",
    "democrat",
    "demonstrator",
    "diplomat",
    "director",
    "doctor",
    "economist",
    "envoy",
    "executive",
    "expert",
    "father",
    "founder",
    "general",
    "governor",
    "host",
    "husband",
    "judge",
    "lawmaker",
    "lawyer",
    "leader",
    "man",
    "mayor",
    "member",
    "minister",
    "mother",
    "nominee",
    "officer",
    "official",
    "organizer",
    "owner",
    "parent",
    "president",
    "professor",
    "protester",
    "republican",
    "reporter",
    "researcher",
    "resident",
    "scientist",
    "secretary",
    "senator",
    "son",
    "source",
    "speaker",
    "spokesman",
    "spokesperson",
    "spokeswoman",
    "student",
    "supporter",
    "teacher",
    "voter",
    "wife",
    "woman",
    "worker",
    "writer",
];

/// What a description (`the spokesman`, `senior officials`) says of what it denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DescriptionTraits {
    pub person: bool,
    pub plural: bool,
}

/// Reads a description's head noun: a person noun makes it a person, a plural head
/// (`officials`, `men`) many.
pub fn description_traits(description: &str) -> DescriptionTraits {
    let head = description
        .split(|c: char| c.is_whitespace() || c == ',')
        .rfind(|w| !w.is_empty())
        .unwrap_or_default()
        .to_lowercase()
        .replace('’', "'");
    let singular = if head.ends_with("men") {
        format!("{}man", &head[..head.len() - 3])
    } else if head.ends_with('s') && !head.ends_with("ss") && !head.ends_with("us") && !head.ends_with("is") {
        head[..head.len() - 1].to_string()
    } else {
        head.clone()
    };
    // Plural without a singular in -s: `People in other cities`, `Others in the community`.
    if matches!(head.as_str(), "people" | "others" | "folks" | "persons") {
        return DescriptionTraits {
            person: true,
            plural: true,
        };
    }
    DescriptionTraits {
        person: PERSON_NOUNS.contains(&singular.as_str()),
        plural: singular != head,
    }
}

/// Whether a description is of something an entity issued (`the IMF report`, `a new
/// report by Politico`, `the ruling`): the entity is its source.
pub fn is_document(description: &str) -> bool {
    description
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|w| w.to_lowercase())
        .take_while(|w| !matches!(w.as_str(), "by" | "of" | "from" | "on" | "in"))
        .last()
        .is_some_and(|head| names::DOCUMENT_NOUNS.contains(&head.trim_end_matches('s')))
}

/// The entity named inside a document description: after `by`, or the name before
/// the head noun (`a recent Reuters survey`, `the Trump campaign's website`).
pub fn document_source(description: &str) -> Option<Name> {
    if let Some((_, after)) = description.split_once(" by ") {
        if let Some(name) = name_in_mention(after) {
            return Some(name);
        }
    }
    let words: Vec<&str> = description.split_whitespace().collect();
    let capitalised: Vec<usize> = (1..words.len()).filter(|&i| names::starts_upper(words[i])).collect();
    let (&first, &last) = (capitalised.first()?, capitalised.last()?);
    let mut text = words[first..=last].join(" ");
    // A group noun after the name is part of the entity: `the Trump campaign's website`.
    if let Some(next) = words.get(last + 1) {
        let bare = next.trim_end_matches("'s").trim_end_matches("’s");
        if names::GROUP_NOUNS.contains(&bare.to_lowercase().as_str()) {
            text = format!("{} {bare}", text.trim_end_matches("'s").trim_end_matches("’s"));
            return Some(Name {
                text,
                organisation: true,
            });
        }
    }
    let text = text.trim_end_matches("'s").trim_end_matches("’s").to_string();
    Some(Name {
        text,
        organisation: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_words_for_people_are_descriptions() {
        for description in ["People in other cities", "Others", "many folks"] {
            let traits = description_traits(description.split(" in ").next().unwrap());
            assert!(traits.person && traits.plural, "{description}");
        }
    }

    #[test]
    fn roles_are_keyed_without_their_article() {
        assert_eq!(
            role_key("The Republican presidential nominee").as_deref(),
            Some("republican presidential nominee")
        );
        assert_eq!(role_key("the GOP candidate").as_deref(), Some("gop candidate"));
        assert_eq!(role_key("the senator"), None, "a bare title names too many people");
        assert_eq!(
            role_key("Republican presidential politics"),
            None,
            "no noun for a person"
        );
        assert_eq!(role_key("Fox News' Megyn Kelly"), None);
    }

    #[test]
    fn descriptions_say_person_and_number() {
        assert_eq!(
            description_traits("the spokesman"),
            DescriptionTraits {
                person: true,
                plural: false
            }
        );
        assert_eq!(
            description_traits("senior officials"),
            DescriptionTraits {
                person: true,
                plural: true
            }
        );
        assert_eq!(
            description_traits("Delegates"),
            DescriptionTraits {
                person: true,
                plural: true
            }
        );
        assert_eq!(
            description_traits("the documents"),
            DescriptionTraits {
                person: false,
                plural: true
            }
        );
        assert_eq!(
            description_traits("the article"),
            DescriptionTraits {
                person: false,
                plural: false
            }
        );
        assert_eq!(
            description_traits("congressmen"),
            DescriptionTraits {
                person: false,
                plural: true
            }
        );
        assert!(!description_traits("the business").plural);
    }

    #[test]
    fn documents_name_their_source() {
        assert!(is_document("a new report by Politico"));
        assert!(is_document("the IMF report"));
        assert!(is_document("The piece"));
        assert!(!is_document("the spokesman"));
        let source = |d: &str| document_source(d).map(|n| n.text);
        assert_eq!(source("a new report by Politico").as_deref(), Some("Politico"));
        assert_eq!(
            source("a recent Reuters survey of voter lists").as_deref(),
            Some("Reuters")
        );
        assert_eq!(source("the IMF report").as_deref(), Some("IMF"));
        assert_eq!(
            source("A document on the Trump campaign's website").as_deref(),
            Some("Trump campaign")
        );
        assert_eq!(
            source("A 2014 study by Loyola Law School professor Justin Levitt").as_deref(),
            Some("Justin Levitt")
        );
        assert_eq!(source("the article"), None);
    }
}
