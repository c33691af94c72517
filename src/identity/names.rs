//! Reading a name out of a mention: which words of `Rep. Elijah Cummings of Maryland,
//! the panel's ranking Democrat` name the entity, and whether that entity is a person
//! or an organisation.

/// Words that stand before a name as titles and are not part of it.
pub(crate) const TITLES: &[&str] = &[
    "president",
    "sen",
    "sen.",
    "sens.",
    "senator",
    "rep",
    "rep.",
    "reps.",
    "representative",
    "del.",
    "delegate",
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
    "prof.",
    "professor",
    "secretary",
    "minister",
    "prime",
    "chancellor",
    "mayor",
    "gen",
    "gen.",
    "general",
    "lt.",
    "col.",
    "capt.",
    "sgt.",
    "judge",
    "justice",
    "speaker",
    "leader",
    "chairman",
    "chairwoman",
    "chair",
    "commissioner",
    "director",
    "chief",
    "sheriff",
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
    "rev",
    "rev.",
    "attorney",
    "prosecutor",
    "actor",
    "actress",
    "singer",
    "rapper",
    "comedian",
    "author",
    "economist",
    "analyst",
    "columnist",
    "commentator",
    "strategist",
    "pollster",
    "activist",
    "host",
    "anchor",
    "reporter",
    "correspondent",
    "editor",
];

/// Nouns that make a capitalised phrase an organisation (`Alliance to Reclaim Our
/// Schools`, `House Oversight and Government Reform Committee`).
pub(crate) const ORGANISATION_HEADS: &[&str] = &[
    "agency",
    "alliance",
    "administration",
    "association",
    "assembly",
    "bank",
    "board",
    "bureau",
    "caucus",
    "center",
    "centre",
    "coalition",
    "commission",
    "committee",
    "company",
    "congress",
    "corp",
    "corp.",
    "corporation",
    "council",
    "court",
    "department",
    "federation",
    "foundation",
    "fund",
    "government",
    "group",
    "house",
    "inc",
    "inc.",
    "institute",
    "kremlin",
    "league",
    "ministry",
    "news",
    "office",
    "organization",
    "organisation",
    "panel",
    "parliament",
    "party",
    "police",
    "post",
    "press",
    "school",
    "senate",
    "service",
    "times",
    "union",
    "university",
];

/// Lower-case words an organisation's name may hold between its capitalised ones.
const NAME_CONNECTORS: &[&str] = &["of", "for", "to", "and", "the", "on", "de", "du"];

/// Capitalised at a sentence start, these open a clause, not a name (`But Carson`).
const CLAUSE_OPENERS: &[&str] = &[
    "more",
    "less",
    "their",
    "its",
    "his",
    "her",
    "our",
    "my",
    "your",
    "this",
    "these",
    "those",
    "a",
    "an",
    "despite",
    "neither",
    "either",
    "none",
    "all",
    "every",
    "each",
    "no",
    "nobody",
    "everyone",
    "everybody",
    "someone",
    "anyone",
    "but",
    "and",
    "or",
    "so",
    "yet",
    "following",
    "among",
    "after",
    "before",
    "like",
    "unlike",
    "with",
    "without",
    "for",
    "meanwhile",
    "also",
    "even",
    "only",
    "then",
    "still",
    "now",
    "instead",
    "both",
    "while",
    "when",
    "if",
    "as",
    "since",
    "although",
    "though",
    "young",
    "some",
    "many",
    "most",
    "other",
    "several",
];

/// Words after which a person's name has ended (`Elijah Cummings of Maryland`).
const PHRASE_BREAKS: &[&str] = &[
    "of", "at", "for", "from", "in", "with", "on", "who", "whose", "which", "that", "and", "to", "by",
];

/// Nouns for what an entity issued rather than the entity: a statement's source when
/// the text says `a new report by Politico` or `the IMF report`.
pub(crate) const DOCUMENT_NOUNS: &[&str] = &[
    "analysis",
    "article",
    "document",
    "editorial",
    "filing",
    "letter",
    "memo",
    "message",
    "piece",
    "poll",
    "post",
    "release",
    "report",
    "ruling",
    "statement",
    "story",
    "study",
    "survey",
    "tweet",
    "video",
    "website",
];

/// Nouns that make an entity a group of people acting as one (`the Trump campaign`).
pub(crate) const GROUP_NOUNS: &[&str] = &["campaign", "administration", "team", "government", "camp"];

/// A name read out of a mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub organisation: bool,
}

impl Name {
    pub fn person(text: impl Into<String>) -> Self {
        Name {
            text: text.into(),
            organisation: false,
        }
    }
}

/// The name in a speaker mention. A mention is read part by part (commas, brackets and
/// dashes separate an appositive); in each part an organisation's name may run over
/// lower-case connectors, a person's name ends at the first preposition and follows the
/// last title. The first part that names a person in full wins, else the first name.
pub fn name_in_mention(mention: &str) -> Option<Name> {
    let mention = mention
        .split(['(', '[', '—', '–'])
        .next()
        .unwrap_or_default()
        .split(" -- ")
        .next()
        .unwrap_or_default();
    let mut first: Option<Name> = None;
    for part in mention.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let lead = part.split_whitespace().next().unwrap_or_default().to_lowercase();
        if matches!(lead.as_str(), "who" | "whose" | "which" | "that") {
            continue; // a relative clause describes, it does not name
        }
        let Some(name) = name_in_part(part) else {
            continue;
        };
        // An organisation in an appositive (`Mayor de Blasio, a member of the
        // Democratic Party`) does not outrank the name before it.
        if first.is_some() && name.organisation {
            continue;
        }
        if name.organisation || name.text.contains(' ') {
            return Some(name);
        }
        first.get_or_insert(name);
    }
    first
}

fn name_in_part(part: &str) -> Option<Name> {
    let words: Vec<&str> = part.split_whitespace().collect();
    if let Some((organisation, end)) = organisation_name(&words) {
        // `Police officials`, `Kremlin officials`: people of a body, a description.
        let bare_head = !organisation.text.contains(' ') && !is_acronym(&organisation.text);
        if bare_head && words.get(end).is_some_and(|w| !starts_upper(w)) {
            return None;
        }
        // `Loyola Law School professor Justin Levitt`: a person named after the body.
        match proper_name(&words[end..].join(" ")) {
            Some(person) if person.contains(' ') => return Some(Name::person(person)),
            _ => return Some(organisation),
        }
    }
    // A capitalised `The` opening the whole part belongs to a paper's or outlet's name
    // (`The Hill`, `The Daily Caller`): they are organisations, whatever their head.
    let the_name = words.len() >= 2 && words[0] == "The" && words[1..].iter().all(|w| starts_upper(w));
    let end = words
        .iter()
        .position(|w| PHRASE_BREAKS.contains(&w.to_lowercase().as_str()))
        .unwrap_or(words.len());
    // Past a preposition only a full name counts (`Secretary of State John Kerry`, `a
    // memo posted online by Senator Juan Dalmau`), not a place (`Senator from Texas`),
    // where people were described before it (`researchers in the United Kingdom`), or
    // the person a role is for (`An attorney for Pagliano`).
    let people = super::description_traits(&words[..end].join(" ")).person;
    let person = proper_name(&words[..end].join(" "))
        .or_else(|| proper_name(part).filter(|name| !people && name.contains(' ')))?;
    Some(Name {
        organisation: the_name || is_acronym(&person),
        text: person,
    })
}

/// The longest capitalised run (connectors allowed inside) that holds an organisation
/// head: `U.S. Court of Appeals for the Sixth Circuit`, `Center for American Progress`.
fn organisation_name(words: &[&str]) -> Option<(Name, usize)> {
    let clean = |w: &str| w.trim_end_matches([',', ';', ':']).to_string();
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < words.len() {
        if !starts_upper(words[i]) || (i == 0 && words[i] == "The") || is_possessive(words[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        let mut j = i + 1;
        while j < words.len() {
            let lower = words[j].to_lowercase();
            if starts_upper(words[j]) && !is_possessive(words[j - 1]) {
                j += 1;
                end = j;
            } else if NAME_CONNECTORS.contains(&lower.as_str()) && j + 1 < words.len() {
                j += 1;
            } else {
                break;
            }
        }
        let run = &words[start..end];
        let has_head = run
            .iter()
            .any(|w| ORGANISATION_HEADS.contains(&clean(&w.to_lowercase()).trim_end_matches('.')));
        // `Ohio Democratic Party Chairman David Pepper`: a person named after the body.
        let ends_in_person = run.len() >= 2
            && (0..run.len() - 1).any(|k| starts_upper(run[k]) && TITLES.contains(&run[k].to_lowercase().as_str()));
        if has_head && !ends_in_person && best.is_none_or(|(s, e)| end - start > e - s) {
            best = Some((start, end));
        }
        i = end.max(i + 1);
    }
    let (start, end) = best?;
    let mut text = words[start..end].iter().map(|w| clean(w)).collect::<Vec<_>>().join(" ");
    if text.ends_with('.')
        && text
            .rsplit(' ')
            .next()
            .is_some_and(|w| w.chars().filter(|c| c.is_alphabetic()).count() > 3)
    {
        text.pop(); // a sentence's full stop, not `Inc.` or `U.S.`
    }
    let text = strip_possessive(&text);
    Some((
        Name {
            text,
            organisation: true,
        },
        end,
    ))
}

/// The proper name in a mention: its last run of capitalised words after the last
/// title and the last possessive (`Republican nominee Donald Trump`, `Fox News' Megyn
/// Kelly` → `Donald Trump`, `Megyn Kelly`). A name followed by lower-case words (`Trump
/// supporters`) is a description and names nobody.
pub fn proper_name(mention: &str) -> Option<String> {
    let words: Vec<&str> = mention.split_whitespace().collect();
    let mut end = words.len();
    while end > 0 && !starts_upper(words[end - 1]) {
        end -= 1;
    }
    let mut start = end;
    while start > 0
        && (starts_upper(words[start - 1]) || is_name_particle(words[start - 1]))
        && !(start < end && is_possessive(words[start - 1]))
        && !(start < end && ends_sentence(words[start - 1]))
    {
        start -= 1;
    }
    // The name follows the last title in the run: "Kestrian Prime Minister Tomas
    // Brenner" and "Defence Minister Piotr Sand" are Tomas Brenner and Piotr Sand,
    // whom a later "Brenner" or "Sand" joins (a title word at the end is no title).
    if let Some(last_title) = (start..end.saturating_sub(1)).rev().find(|&i| {
        TITLES.contains(&words[i].to_lowercase().as_str()) || (words[i] == "State" && i > 0 && words[i - 1] == "of")
    }) {
        start = last_title + 1;
    }
    while start < end
        && (TITLES.contains(&words[start].to_lowercase().as_str())
            || CLAUSE_OPENERS.contains(&words[start].to_lowercase().as_str())
            || is_opening_gerund(words[start], end - start)
            || end - start >= 3 && is_role_noun(words[start]))
    {
        start += 1;
    }
    // A particle opening what is left is the name's own (`Mayor de Blasio`), unless
    // nothing follows it.
    while start + 1 == end && is_name_particle(words[start]) {
        start += 1;
    }
    if start < end && end < words.len() && !words[end..].iter().all(|w| w.ends_with('.') || *w == "Jr") {
        return None;
    }
    (start < end)
        .then(|| {
            let name = words[start..end].join(" ");
            let mut name = strip_possessive(name.trim_end_matches([',', ';', ':']));
            if name.ends_with('.')
                && name
                    .rsplit(' ')
                    .next()
                    .is_some_and(|w| w.chars().filter(|c| c.is_alphabetic()).count() > 2)
            {
                name.pop(); // the sentence's full stop, not `Jr.` or an initial
            }
            if name.chars().any(|c| c.is_lowercase()) || name.chars().filter(|c| c.is_alphabetic()).count() <= 6 {
                name // `NAACP`, or a transcript's `PENCE`, which the article's full name resolves
            } else {
                title_case(&name) // `WALLACE:` in a transcript is Wallace
            }
        })
        .filter(|name| !name.is_empty())
}

/// A capitalised noun for a person's role before a name (`Prosecutor Krzysztof
/// Sierak`, `Co-developer Jing Wang`).
fn is_role_noun(word: &str) -> bool {
    let lower = word.to_lowercase();
    let head = lower.rsplit('-').next().unwrap_or(&lower);
    super::PERSON_NOUNS.contains(&head) || super::PERSON_NOUNS.contains(&head.trim_end_matches('s'))
}

/// A sentence's opening gerund before a full name (`Entrusting Donald Trump with`), not
/// a name that ends in -ing (`Sterling Brown`, `Stephen King`).
fn is_opening_gerund(word: &str, run_len: usize) -> bool {
    run_len >= 3 && word.len() > 5 && word.ends_with("ing")
}

/// A word with a sentence's full stop (`November.`, `II.`), not an initial or an
/// abbreviated title (`J.`, `Sen.`, `U.S.`).
fn ends_sentence(word: &str) -> bool {
    let bare = word.trim_end_matches(['”', '"', '’', '\'', ')']);
    bare.ends_with(['!', '?'])
        || bare.ends_with('.')
            && !TITLES.contains(&bare.to_lowercase().as_str())
            && bare.chars().filter(|c| c.is_alphabetic()).count() > 1
            && !bare[..bare.len() - 1].contains('.')
}

fn strip_possessive(name: &str) -> String {
    name.trim_end_matches("’s")
        .trim_end_matches("'s")
        .trim_end_matches(['’', '\''])
        .trim_end_matches(',')
        .to_string()
}

fn is_possessive(word: &str) -> bool {
    let word = word.trim_end_matches(',');
    word.ends_with("'s") || word.ends_with("’s") || word.ends_with('\'') || word.ends_with('’')
}

/// `NAACP`, `IMF`, `U.S.`: all capitals, short.
fn is_acronym(name: &str) -> bool {
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    !name.contains(' ') && (2..=6).contains(&letters.len()) && letters.iter().all(|c| c.is_uppercase())
}

fn title_case(name: &str) -> String {
    name.split(' ')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars.flat_map(char::to_lowercase)).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn starts_upper(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_uppercase())
}

pub(crate) fn is_name_particle(word: &str) -> bool {
    matches!(
        word,
        "de" | "van" | "von" | "der" | "da" | "di" | "la" | "le" | "bin" | "al"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(mention: &str) -> Option<(String, bool)> {
        name_in_mention(mention).map(|n| (n.text, n.organisation))
    }

    fn person(name: &str) -> Option<(String, bool)> {
        Some((name.to_string(), false))
    }

    fn organisation(name: &str) -> Option<(String, bool)> {
        Some((name.to_string(), true))
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
        assert_eq!(proper_name("Fox News' Megyn Kelly").as_deref(), Some("Megyn Kelly"));
        assert_eq!(proper_name("CNN’s Jake Tapper").as_deref(), Some("Jake Tapper"));
        assert_eq!(proper_name("the spokesman"), None);
        assert_eq!(proper_name("Trump supporters"), None);
        assert_eq!(proper_name("But Carson").as_deref(), Some("Carson"));
        assert_eq!(proper_name("Entrusting Donald Trump").as_deref(), Some("Donald Trump"));
        assert_eq!(proper_name("Sterling Brown").as_deref(), Some("Sterling Brown"));
        assert_eq!(proper_name("None"), None);
        assert_eq!(proper_name("Their"), None);
        assert_eq!(proper_name("Press TV").as_deref(), Some("Press TV"));
        assert_eq!(proper_name("Mayor de Blasio").as_deref(), Some("de Blasio"));
        assert_eq!(
            proper_name("Prosecutor Krzysztof Sierak").as_deref(),
            Some("Krzysztof Sierak")
        );
        assert_eq!(proper_name("Co-developer Jing Wang").as_deref(), Some("Jing Wang"));
        assert_eq!(proper_name("Rival Hillary Clinton").as_deref(), Some("Hillary Clinton"));
        assert_eq!(proper_name("November. Trump").as_deref(), Some("Trump"));
        assert_eq!(proper_name("Despite Ted Cruz").as_deref(), Some("Ted Cruz"));
        assert_eq!(proper_name("Actress Diane Guerrero").as_deref(), Some("Diane Guerrero"));
        assert_eq!(proper_name("Donald J. Trump").as_deref(), Some("Donald J. Trump"));
        assert_eq!(proper_name("U.S. Rep. John Lewis").as_deref(), Some("John Lewis"));
        assert_eq!(proper_name("Florida Sens. Marco Rubio").as_deref(), Some("Marco Rubio"));
        assert_eq!(proper_name("WALLACE").as_deref(), Some("Wallace"));
        assert_eq!(proper_name("NAACP").as_deref(), Some("NAACP"));
    }

    #[test]
    fn appositives_and_prepositions_end_a_persons_name() {
        assert_eq!(
            named("Rep. Elijah Cummings of Maryland, the panel's ranking Democrat"),
            person("Elijah Cummings")
        );
        assert_eq!(
            named("Aaron Kall, the director of debate at the University of Michigan,"),
            person("Aaron Kall")
        );
        assert_eq!(
            named("An attorney for Pagliano, Mark MacDougall,"),
            person("Mark MacDougall")
        );
        assert_eq!(
            named("Sanders, whose candidacy for the Democratic presidential nomination was founded"),
            person("Sanders")
        );
        assert_eq!(
            named("Kall -- co-editor of Debating The Donald, a book"),
            person("Kall")
        );
        assert_eq!(
            named("Senate Majority Leader Mitch McConnell, R-Ky.,"),
            person("Mitch McConnell")
        );
        assert_eq!(named("Sen. Ted Cruz (R-Tex)"), person("Ted Cruz"));
        assert_eq!(named("Del. Stacey Plaskett"), person("Stacey Plaskett"));
        assert_eq!(named("NYPD Commissioner James O’Neill"), person("James O’Neill"));
        assert_eq!(
            named("Ohio Democratic Party Chairman David Pepper"),
            person("David Pepper")
        );
        assert_eq!(
            named("Tulsa, Okla., police officer Betty Shelby"),
            person("Betty Shelby")
        );
        assert_eq!(
            named("Mayor de Blasio, a member of the Democratic Party"),
            person("de Blasio")
        );
        assert_eq!(named("researchers in the United Kingdom"), None);
    }

    #[test]
    fn organisations_keep_their_connectors() {
        assert_eq!(
            named("the event organizer Alliance to Reclaim Our Schools (AROS)"),
            organisation("Alliance to Reclaim Our Schools")
        );
        assert_eq!(
            named("The House Oversight and Government Reform Committee"),
            organisation("House Oversight and Government Reform Committee")
        );
        assert_eq!(
            named("A three-judge panel of the U.S. Court of Appeals for the Sixth Circuit"),
            organisation("U.S. Court of Appeals for the Sixth Circuit")
        );
        assert_eq!(named("The Hill"), organisation("Hill"));
        assert_eq!(named("The Daily Caller"), organisation("Daily Caller"));
        assert_eq!(named("the NAACP"), organisation("NAACP"));
    }
}
