//! Where a speaker mention's head is when extraction took something else for it: the
//! antecedent of a relative `who`, the name a party tag or an appositive follows.

use super::names::{proper_name, starts_upper};
use crate::text::Span;

/// What a relative `who`/`which` after a comma refers to: the name or the determined
/// noun phrase before the comma (`Donald Trump, who`, `the Saudi government, which`).
pub(crate) fn relative_antecedent(text: &str, span: Span) -> Option<Span> {
    let word = span.slice(text).to_lowercase();
    if !matches!(word.as_str(), "who" | "which") {
        return None;
    }
    phrase_before_comma(text, span.start)
}

/// The name an appositive description follows, when extraction took the description
/// for the speaker (`Megan Hester, [senior associate at the Annenberg Institute]`).
pub(crate) fn appositive_head(text: &str, span: Span) -> Option<Span> {
    let mention = span.slice(text);
    // A description of a person (`senior associate at ...`, `the chief executive of`),
    // not a pronoun or a thing after an opening phrase (`In June, he said`, `Overall,
    // the fund predicted`).
    let role = mention
        .split([','])
        .next()
        .unwrap_or_default()
        .split(" of ")
        .next()
        .unwrap_or_default();
    let role = [" at ", " on ", " for ", " in ", " who", " with "]
        .iter()
        .fold(role, |role, cut| role.split(cut).next().unwrap_or(role));
    if mention.chars().next().is_none_or(|c| !c.is_lowercase())
        || mention.split_whitespace().count() < 2
        || super::description_traits(role)
            != (super::DescriptionTraits {
                person: true,
                plural: false,
            })
    {
        return None;
    }
    phrase_before_comma(text, span.start)
        .filter(|head| starts_upper(head.slice(text)) && proper_name(head.slice(text)).is_some())
}

/// The name or determined noun phrase that ends at a comma just before `at`.
pub(crate) fn phrase_before_comma(text: &str, at: usize) -> Option<Span> {
    let before = text[..at].trim_end().strip_suffix(',')?.trim_end();
    let end = before.len();
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut cursor = end;
    while words.len() < 6 {
        let start = before[..cursor]
            .char_indices()
            .rfind(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let word = &before[start..cursor];
        if word.is_empty() {
            break;
        }
        words.push((start, word));
        if start == 0 {
            break;
        }
        cursor = before[..start].trim_end().len();
    }
    let first = words.first()?.1;
    let chosen = if starts_upper(first) {
        let run = words
            .iter()
            .take_while(|(_, w)| {
                (starts_upper(w) || matches!(*w, "de" | "van" | "von" | "bin")) && !w.ends_with([',', ';', ':'])
            })
            .count();
        run.max(1)
    } else {
        2 + words[1..]
            .iter()
            .position(|(_, w)| matches!(w.to_lowercase().as_str(), "the" | "a" | "an"))?
    };
    let start = words[chosen - 1].0;
    Some(Span::new(start, end))
}

/// The name a party-and-state tag follows: `Mitch McConnell, R-Ky.,` when extraction
/// took the tag for the speaker.
pub(crate) fn tagged_name(text: &str, span: Span) -> Option<Span> {
    let tag = span.slice(text).trim_end_matches([',', '.']);
    let (party, state) = tag.split_once('-')?;
    if !matches!(party, "R" | "D" | "I") || !state.chars().next().is_some_and(char::is_uppercase) || state.len() > 6 {
        return None;
    }
    phrase_before_comma(text, span.start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_pronouns_take_the_phrase_before_their_comma() {
        let text = "the rise of Donald\u{a0}Trump, who spoke, and the Saudi government, which denied it";
        let who = Span::new(text.find("who").unwrap(), text.find("who").unwrap() + 3);
        assert_eq!(
            relative_antecedent(text, who).map(|s| s.slice(text)),
            Some("Donald\u{a0}Trump")
        );
        let which = Span::new(text.find("which").unwrap(), text.find("which").unwrap() + 5);
        assert_eq!(
            relative_antecedent(text, which).map(|s| s.slice(text)),
            Some("the Saudi government")
        );
        let apposition = "said Megan Hester, senior associate at the Annenberg Institute, on Tuesday";
        let role = Span::new(apposition.find("senior").unwrap(), apposition.find(", on").unwrap());
        assert_eq!(
            appositive_head(apposition, role).map(|s| s.slice(apposition)),
            Some("Megan Hester")
        );
        let tag_text = "said Senate Majority Leader Mitch McConnell, R-Ky., on Tuesday";
        let tag = Span::new(tag_text.find("R-Ky.").unwrap(), tag_text.find("R-Ky.").unwrap() + 5);
        assert_eq!(
            tagged_name(tag_text, tag).map(|s| s.slice(tag_text)),
            Some("Senate Majority Leader Mitch McConnell")
        );
    }
}
