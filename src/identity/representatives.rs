//! Who speaks for whom: `his attorney`, `Pagliano's lawyer`, `Grayson's spokeswoman`
//! denote the person the article names in that role (`An attorney for Pagliano, Mark
//! MacDougall,`), not the person they speak for. News names a representative once,
//! often after first writing the role alone, so the binding is looked for in the whole
//! article.

use super::article::{fold, ArticleNames};
use crate::text::whole_words;

/// Roles held for someone else, each with the words that name the same role.
const ROLES: &[&[&str]] = &[
    &["attorney", "lawyer", "counsel"],
    &["spokesman", "spokeswoman", "spokesperson"],
    &["aide"],
    &["adviser", "advisor"],
    &["campaign manager"],
    &["press secretary"],
    &["publicist"],
];

/// A representative's role and whose it is, read from a mention `POSSESSOR ROLE`:
/// `his attorney` → (`his`, the attorney words), `Pagliano's lawyer` → (`Pagliano`, …).
/// Plural roles (`her aides`) are groups and not read.
pub fn possessive_role(mention: &str) -> Option<(String, &'static [&'static str])> {
    let mention = mention.trim().trim_end_matches([',', '.', ';', ':']);
    let folded = fold(mention);
    let (role, group) = ROLES
        .iter()
        .flat_map(|group| group.iter().map(move |role| (*role, *group)))
        .find(|(role, _)| folded.ends_with(&format!(" {role}")))?;
    // The role is ASCII, so it ends the original as it ends the folded mention.
    let possessor = mention.get(..mention.len().checked_sub(role.len())?)?.trim_end();
    let possessor = match possessor.to_lowercase().as_str() {
        "his" | "her" => possessor.to_lowercase(),
        _ => ["'s", "’s", "'", "’"]
            .iter()
            .find_map(|mark| possessor.strip_suffix(mark))?
            .to_string(),
    };
    (!possessor.is_empty()).then_some((possessor, group))
}

/// The one full name the article gives a holder of `role` (any of its words) for
/// `principal` (a name, matched by its last word; `None`: for anyone), written next to
/// the name: `An attorney for Pagliano, Mark MacDougall`, `Pagliano's lawyer Mark
/// MacDougall`, `Mark MacDougall, Pagliano's lawyer`, `Mark MacDougall, a lawyer for
/// Pagliano`. None where the article names no one so, or several.
pub fn representative_named(
    text: &str,
    names: &ArticleNames,
    role: &[&str],
    principal: Option<&str>,
) -> Option<String> {
    let principal = principal.map(|p| fold(p).rsplit(' ').next().unwrap_or_default().to_string());
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        return None; // lower-casing moved offsets
    }
    let describes = |phrase: &str| {
        let phrase = fold(phrase);
        role.iter().any(|r| whole_words(&phrase, r).next().is_some())
            && principal
                .as_deref()
                .is_none_or(|p| phrase.split(|c: char| !c.is_alphanumeric()).any(|w| w == p))
    };
    let mut found: Vec<&str> = Vec::new();
    for name in names.full_names() {
        let folded = fold(name);
        if principal
            .as_deref()
            .is_some_and(|p| folded.rsplit(' ').next() == Some(p))
        {
            continue; // the principal is not their own representative
        }
        let lower_name = name.to_lowercase();
        for at in whole_words(&lower, &lower_name) {
            let (Some(before), Some(after)) = (text.get(..at), text.get(at + lower_name.len()..)) else {
                continue;
            };
            // The role right before the name, from the clause's start: `An attorney
            // for Pagliano, ` or `Pagliano's lawyer `.
            let clause_start = before
                .char_indices()
                .rev()
                .find(|(_, c)| matches!(c, '.' | ';' | '(' | '"' | '“' | '\n'))
                .map_or(0, |(i, c)| i + c.len_utf8());
            let before = &before[clause_start..];
            let before = before.rfind(" and ").map_or(before, |i| &before[i + 5..]);
            let role_before = before.len() <= 60 && describes(before) && ends_in_role(before, role);
            // The role right after it, as an appositive: `, Pagliano's lawyer,`.
            let role_after = after.strip_prefix(", ").is_some_and(|rest| {
                let end = rest.find([',', '.', ';', '(', '\n']).unwrap_or(rest.len());
                end <= 60 && describes(&rest[..end]) && opens_a_noun_phrase(&rest[..end])
            });
            if (role_before || role_after) && !found.contains(&name.as_str()) {
                found.push(name);
            }
        }
    }
    match found.as_slice() {
        [one] => Some(one.to_string()),
        _ => None,
    }
}

/// Whether the words before a name end in the role, or in the role and whom it is
/// for (`Pagliano's lawyer`, `An attorney for Pagliano,`), not in a verb after it
/// (`His lawyer told Mark Smith`).
fn ends_in_role(before: &str, role: &[&str]) -> bool {
    let folded = fold(before);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    let is_role = |w: &str| role.iter().any(|r| r.rsplit(' ').next() == Some(w));
    let Some(k) = words.iter().rposition(|w| is_role(w)) else {
        return false;
    };
    k + 1 == words.len() || words.len() - k <= 5 && matches!(words[k + 1], "for" | "to" | "of")
}

/// Whether an appositive is a noun phrase (`a lawyer for Pagliano`, `Pagliano's
/// lawyer`), not a clause (`who sued his lawyer`, `said his lawyer`).
fn opens_a_noun_phrase(appositive: &str) -> bool {
    let first = appositive.split_whitespace().next().unwrap_or_default();
    let folded = fold(first);
    matches!(folded.as_str(), "a" | "an" | "the" | "his" | "her" | "their" | "its")
        || folded.ends_with("'s")
        || first.chars().next().is_some_and(char::is_uppercase)
        || ROLES
            .iter()
            .any(|group| group.iter().any(|r| r.split(' ').next() == Some(folded.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Document;

    #[test]
    fn quotation_marks_and_accents_around_a_name_are_no_trouble() {
        // A clause that opens with `“` right before the name (a byte offset after the
        // mark's first byte is no char boundary).
        let text = "Rep. José Núñez won. “Yes, Ana Ruiz, a spokeswoman for Núñez, is right.”";
        let names = ArticleNames::new(&Document::new(text));
        let spokesman = possessive_role("his spokeswoman").unwrap().1;
        assert_eq!(
            representative_named(text, &names, spokesman, Some("José Núñez")).as_deref(),
            Some("Ana Ruiz")
        );
    }

    #[test]
    fn possessive_roles_say_whose() {
        let (who, role) = possessive_role("his attorney").unwrap();
        assert_eq!(who, "his");
        assert!(role.contains(&"lawyer"));
        assert_eq!(possessive_role("Pagliano's lawyer").unwrap().0, "Pagliano");
        assert_eq!(possessive_role("Grayson’s spokeswoman").unwrap().0, "Grayson");
        assert_eq!(possessive_role("Trump's campaign manager").unwrap().0, "Trump");
        assert_eq!(possessive_role("her aides"), None, "a group");
        assert_eq!(possessive_role("the lawyer"), None);
        assert_eq!(possessive_role("Senator Ted Cruz"), None);
    }

    #[test]
    fn a_representative_is_the_name_the_article_gives_the_role() {
        let text = "The move took place despite warnings from his attorney. Rep. Jason Chaffetz spoke \
                    for the panel. An attorney for Pagliano, Mark MacDougall, stressed that his client \
                    was ready. Bryan Pagliano did not appear.";
        let names = ArticleNames::new(&Document::new(text));
        let lawyer = possessive_role("Pagliano's lawyer").unwrap().1;
        assert_eq!(
            representative_named(text, &names, lawyer, Some("Bryan Pagliano")).as_deref(),
            Some("Mark MacDougall")
        );
        assert_eq!(
            representative_named(text, &names, lawyer, None).as_deref(),
            Some("Mark MacDougall")
        );
        assert_eq!(representative_named(text, &names, lawyer, Some("Chaffetz")), None);
        let spokesman = possessive_role("his spokesman").unwrap().1;
        assert_eq!(representative_named(text, &names, spokesman, None), None);

        // A verb between role and name, or a clause after the name, binds nothing.
        let told = "His lawyer told Mark Smith the case was closed. Anna Berg, who fired her lawyer, \
                    objected.";
        let names = ArticleNames::new(&Document::new(told));
        assert_eq!(representative_named(told, &names, lawyer, None), None);

        let after = "Cruz spoke first. Catherine Frazier, a spokeswoman for Cruz, said he would not \
                     endorse. Brian Fallon, Clinton's spokesman, declined.";
        let names = ArticleNames::new(&Document::new(after));
        let spokesman = possessive_role("Cruz's spokeswoman").unwrap().1;
        assert_eq!(
            representative_named(after, &names, spokesman, Some("Cruz")).as_deref(),
            Some("Catherine Frazier")
        );
        assert_eq!(
            representative_named(after, &names, spokesman, Some("Hillary Clinton")).as_deref(),
            Some("Brian Fallon")
        );
        assert_eq!(
            representative_named(after, &names, spokesman, None),
            None,
            "two spokespeople, no principal: no one"
        );
    }
}
