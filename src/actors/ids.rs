//! Actor ids: the normalised id of a name, and the run-wide merges of the name forms
//! of one person or organisation into one id.

use std::collections::HashMap;

use super::{Actor, ActorKind};
use crate::identity::names::starts_upper;

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

/// Run-wide merges of name forms into one actor: a name with middle initials or names
/// into the same name without them (`donald_j_trump` into `donald_trump`,
/// `hillary_rodham_clinton` into `hillary_clinton`) where that was seen,
/// then a surname alone into the full name that ends with it (`trump` into
/// `donald_trump`): the only one, or the one mentioned at least three times as often
/// as the next (`obama` into `barack_obama`, not `michelle_obama`).
pub fn name_merges(actors: &HashMap<String, Actor>, mentions: &HashMap<String, i64>) -> HashMap<String, String> {
    let mut merges = HashMap::new();
    let others = || actors.values().filter(|a| !a.in_study);
    let organisation = |a: &Actor| a.kind == ActorKind::Organisation;
    let by_name: HashMap<String, &Actor> = others().map(|a| (a.name.to_lowercase(), a)).collect();
    for actor in others() {
        let words: Vec<&str> = actor.name.split_whitespace().collect();
        if words.len() < 3 || organisation(actor) {
            continue;
        }
        // Middle initials and middle names go (`Donald J. Trump`, `Hillary Rodham Clinton`).
        let plain = [words[0], words[words.len() - 1]];
        if let Some(target) = by_name
            .get(&plain.join(" ").to_lowercase())
            .filter(|t| t.id != actor.id && !organisation(t))
        {
            merges.insert(actor.id.clone(), target.id.clone());
        }
    }
    for actor in others().filter(|a| !a.name.contains(' ')) {
        let suffix = format!(" {}", actor.name.to_lowercase());
        // Only a name joins a name (`Hill` is not `democrats on capitol hill`), a
        // person's a person's and an organisation's an organisation's (`Times` the
        // `New York Times`, where the run has one).
        let count = |a: &Actor| mentions.get(&a.id).copied().unwrap_or(0);
        let mut fulls: Vec<&Actor> = others()
            .filter(|a| {
                !merges.contains_key(&a.id)
                    && organisation(a) == organisation(actor)
                    && starts_upper(&a.name)
                    && a.name.to_lowercase().ends_with(&suffix)
            })
            .collect();
        fulls.sort_by(|a, b| count(b).cmp(&count(a)).then_with(|| a.id.cmp(&b.id)));
        let dominant = match fulls.as_slice() {
            [only] => Some(*only),
            [first, second, ..] if count(first) >= 3 * count(second).max(1) => Some(*first),
            _ => None,
        };
        if let Some(full) = dominant {
            merges.insert(actor.id.clone(), full.id.clone());
        }
    }
    merges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_forms_of_one_person_merge_run_wide() {
        let actor = |name: &str| Actor::unknown(name.to_string());
        let actors: HashMap<String, Actor> = [
            "Trump",
            "Donald Trump",
            "Donald J. Trump",
            "Ilves",
            "Hillary Rodham Clinton",
            "Hillary Clinton",
        ]
        .into_iter()
        .map(|n| (actor(n).id.clone(), actor(n)))
        .collect();
        let merges = name_merges(&actors, &HashMap::new());
        assert_eq!(merges.get("donald_j_trump").map(String::as_str), Some("donald_trump"));
        assert_eq!(
            merges.get("trump").map(String::as_str),
            Some("donald_trump"),
            "the initialled form does not count as a second full name"
        );
        assert!(!merges.contains_key("ilves"), "no full name ends with it");
        assert_eq!(
            merges.get("hillary_rodham_clinton").map(String::as_str),
            Some("hillary_clinton"),
            "a middle name goes too"
        );
        assert_eq!(merges.len(), 3);

        let organisation = |name: &str| Actor {
            kind: ActorKind::Organisation,
            ..actor(name)
        };
        let actors: HashMap<String, Actor> = [
            organisation("Times"),
            organisation("New York Times"),
            actor("Ann Times"),
        ]
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
        let merges = name_merges(&actors, &HashMap::new());
        assert_eq!(
            merges.get("times").map(String::as_str),
            Some("new_york_times"),
            "{merges:?}"
        );
        assert_eq!(merges.len(), 1, "a person's name is no organisation's");

        // Two full names end with `Obama`: the surname joins the one mentioned at least
        // three times as often, and neither when they are close.
        let actors: HashMap<String, Actor> = ["Obama", "Barack Obama", "Michelle Obama"]
            .into_iter()
            .map(|n| (actor(n).id.clone(), actor(n)))
            .collect();
        let counts = |barack: i64, michelle: i64| -> HashMap<String, i64> {
            HashMap::from([
                ("obama".to_string(), 10),
                ("barack_obama".to_string(), barack),
                ("michelle_obama".to_string(), michelle),
            ])
        };
        let merges = name_merges(&actors, &counts(30, 4));
        assert_eq!(merges.get("obama").map(String::as_str), Some("barack_obama"));
        assert!(name_merges(&actors, &counts(30, 12)).is_empty());
    }

    #[test]
    fn slugs_are_ascii_ids() {
        assert_eq!(slug("Volodymyr Zelenskyy"), "volodymyr_zelenskyy");
        assert_eq!(slug("José Martí-Pérez"), "jose_marti_perez");
        assert_eq!(slug("—"), "unnamed");
    }
}
