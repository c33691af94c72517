//! Roles bound to a person across the run. An article that writes `The Republican
//! presidential nominee said ...` and never names him leaves that statement without an
//! actor; where the run's other articles write `Republican presidential nominee Donald
//! Trump` often enough, and for one person, the statement is his (resolution `title`).

use std::collections::{BTreeMap, HashMap, HashSet};

use polars::prelude::*;

use crate::actors::Actor;
use crate::identity::role_key;

/// A role is bound when the run writes it before a name at least this often...
pub const MIN_MENTIONS: i64 = 3;
/// ...and this share of those times before one person's.
pub const MIN_SHARE: f64 = 0.8;

/// Per role key, per actor id, how often the run wrote the role before the actor's name.
#[derive(Default)]
pub struct RoleVotes(BTreeMap<String, BTreeMap<String, (i64, Actor)>>);

impl RoleVotes {
    pub fn add(&mut self, role: &str, actor: Actor, mentions: i64) {
        self.0
            .entry(role.to_string())
            .or_default()
            .entry(actor.id.clone())
            .or_insert((0, actor))
            .0 += mentions;
    }

    /// The roles bound to one person, with actor ids merged as the run merges them
    /// (`Hillary Rodham Clinton` counts for `Hillary Clinton`).
    pub fn bound(self, merges: &HashMap<String, String>, actors: &HashMap<String, Actor>) -> HashMap<String, Actor> {
        let mut bound = HashMap::new();
        for (role, votes) in self.0 {
            let mut merged: BTreeMap<String, (i64, Actor)> = BTreeMap::new();
            for (id, (count, actor)) in votes {
                let id = merges.get(&id).cloned().unwrap_or(id);
                let actor = actors.get(&id).cloned().unwrap_or(Actor {
                    id: id.clone(),
                    ..actor
                });
                merged.entry(id).or_insert((0, actor)).0 += count;
            }
            let total: i64 = merged.values().map(|(count, _)| count).sum();
            let Some((top, actor)) = merged.into_values().max_by_key(|(count, _)| *count) else {
                continue;
            };
            if total >= MIN_MENTIONS && top as f64 >= MIN_SHARE * total as f64 {
                bound.insert(role, actor);
            }
        }
        bound
    }
}

/// Gives each unresolved statement whose speaker is a bound role the role's actor;
/// `used` collects the actors so given.
pub fn bind_roles(
    mut frame: DataFrame,
    roles: &HashMap<String, Actor>,
    used: &mut HashSet<String>,
) -> PolarsResult<DataFrame> {
    if roles.is_empty() {
        return Ok(frame);
    }
    let speakers = frame.column("speaker_text")?.str()?.clone();
    let resolutions = frame.column("resolution")?.str()?.clone();
    let ids = frame.column("actor_id")?.str()?.clone();
    let mut actor_ids: Vec<Option<String>> = Vec::with_capacity(frame.height());
    let mut methods: Vec<Option<String>> = Vec::with_capacity(frame.height());
    for ((speaker, resolution), id) in speakers.into_iter().zip(resolutions.into_iter()).zip(ids.into_iter()) {
        // `A campaign spokeswoman` brings in someone new: only a definite description
        // (`the Republican nominee`) refers back to the one who holds the role.
        let indefinite = speaker.is_some_and(|s| {
            let lower = s.trim_start().to_lowercase();
            lower.starts_with("a ") || lower.starts_with("an ")
        });
        let actor = (resolution == Some("unresolved") && id.is_none() && !indefinite)
            .then(|| speaker.and_then(role_key).and_then(|key| roles.get(&key)))
            .flatten();
        match actor {
            Some(actor) => {
                used.insert(actor.id.clone());
                actor_ids.push(Some(actor.id.clone()));
                methods.push(Some("title".to_string()));
            }
            None => {
                actor_ids.push(id.map(str::to_string));
                methods.push(resolution.map(str::to_string));
            }
        }
    }
    frame.with_column(Column::new("actor_id".into(), actor_ids))?;
    frame.with_column(Column::new("resolution".into(), methods))?;
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::ActorKind;

    fn person(name: &str) -> Actor {
        let mut actor = Actor::unknown(name.to_string());
        actor.kind = ActorKind::Person;
        actor
    }

    #[test]
    fn a_role_binds_when_the_run_gives_it_to_one_person() {
        let mut votes = RoleVotes::default();
        votes.add("republican presidential nominee", person("Donald J. Trump"), 2);
        votes.add("republican presidential nominee", person("Donald Trump"), 2);
        votes.add("gop candidate", person("Donald Trump"), 2);
        votes.add("democratic senator", person("Tim Kaine"), 3);
        votes.add("democratic senator", person("Chuck Schumer"), 2);
        let merges = HashMap::from([("donald_j_trump".to_string(), "donald_trump".to_string())]);
        let bound = votes.bound(&merges, &HashMap::new());
        assert_eq!(
            bound.get("republican presidential nominee").map(|a| a.id.as_str()),
            Some("donald_trump"),
            "merged ids count together"
        );
        assert!(!bound.contains_key("gop candidate"), "two mentions are too few");
        assert!(!bound.contains_key("democratic senator"), "two people hold it");
    }

    #[test]
    fn only_unresolved_statements_take_a_bound_role() {
        let frame = df!(
            "speaker_text" => [
                Some("The Republican presidential nominee"),
                Some("The Republican presidential nominee"),
                Some("police officials"),
                None,
                Some("a Republican presidential nominee"),
            ],
            "resolution" => [Some("unresolved"), Some("alias"), Some("unresolved"), None, Some("unresolved")],
            "actor_id" => [None, Some("trump"), None, None, None],
        )
        .unwrap();
        let roles = HashMap::from([("republican presidential nominee".to_string(), person("Donald Trump"))]);
        let mut used = HashSet::new();
        let frame = bind_roles(frame, &roles, &mut used).unwrap();
        let ids: Vec<Option<&str>> = frame.column("actor_id").unwrap().str().unwrap().into_iter().collect();
        assert_eq!(ids, vec![Some("donald_trump"), Some("trump"), None, None, None]);
        let methods: Vec<Option<&str>> = frame.column("resolution").unwrap().str().unwrap().into_iter().collect();
        assert_eq!(
            methods,
            vec![
                Some("title"),
                Some("alias"),
                Some("unresolved"),
                None,
                Some("unresolved")
            ]
        );
        assert_eq!(used, HashSet::from(["donald_trump".to_string()]));
    }
}
