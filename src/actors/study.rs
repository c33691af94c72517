//! The study file: the actors a user follows and the targets they ask stance about.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    Person,
    Organisation,
    Country,
    /// Found in the text but not described by the study.
    #[default]
    Unknown,
}

impl ActorKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            ActorKind::Person => "person",
            ActorKind::Organisation => "organisation",
            ActorKind::Country => "country",
            ActorKind::Unknown => "unknown",
        }
    }

    /// The kind [`ActorKind::as_str`] wrote; anything else is unknown.
    pub fn from_name(name: &str) -> Self {
        match name {
            "person" => ActorKind::Person,
            "organisation" => ActorKind::Organisation,
            "country" => ActorKind::Country,
            _ => ActorKind::Unknown,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorSpec {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub kind: ActorKind,
    #[serde(default)]
    pub affiliation: Option<String>,
    /// "female" or "male", for a person: `he` and `she` resolve only to an actor of
    /// their gender. Without it the article's own pronouns and the first name decide,
    /// and an article that gives neither ("the Alliance envoy", "Diallo") lets any
    /// pronoun reach the actor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<crate::identity::Gender>,
}

/// A stance target: what statements may be for or against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    pub id: String,
    /// Used as the subject of the hypotheses: "ending the war".
    pub description: String,
    /// Hypothesis for favour, `{}` standing for the description; default
    /// "The speaker supports {}.", or "The speaker agrees that {}." when the
    /// description states a claim (`score::reads_as_claim`).
    #[serde(default)]
    pub favor_template: Option<String>,
    /// Hypothesis for opposition; default "The speaker opposes {}.", or "The
    /// speaker disagrees that {}." for a claim.
    #[serde(default)]
    pub against_template: Option<String>,
    /// Other names the articles use for the target ("the accord", "the draft"): a
    /// statement that does not use the description but one of these is read against
    /// hypotheses with that name ("The speaker supports the draft."); the first in
    /// this order that the statement uses. Meant for noun-phrase targets: a claim's
    /// templates ("agrees that {}") take the alias in the claim's place.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

impl TargetSpec {
    /// The same target, whatever names each file lists for it.
    fn same_but_aliases(&self, other: &TargetSpec) -> bool {
        (
            &self.id,
            &self.description,
            &self.favor_template,
            &self.against_template,
        ) == (
            &other.id,
            &other.description,
            &other.favor_template,
            &other.against_template,
        )
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Study {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub actors: Vec<ActorSpec>,
    #[serde(default)]
    pub targets: Vec<TargetSpec>,
}

#[derive(Debug, thiserror::Error)]
pub enum StudyError {
    #[error("cannot read study file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("study file {path} is not valid: {source}")]
    Parse {
        path: PathBuf,
        #[source]
        source: toml::de::Error,
    },
    #[error("study file {path}: {problem}")]
    Invalid { path: PathBuf, problem: String },
}

impl Study {
    pub fn load(path: &Path) -> Result<Study, StudyError> {
        let raw = std::fs::read_to_string(path).map_err(|source| StudyError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let study: Study = toml::from_str(&raw).map_err(|source| StudyError::Parse {
            path: path.to_path_buf(),
            source,
        })?;
        study.validate().map_err(|problem| StudyError::Invalid {
            path: path.to_path_buf(),
            problem,
        })?;
        Ok(study)
    }

    /// Reads several study files into one. An actor or target defined in two files
    /// must be defined the same way in both, except that a target's aliases are
    /// joined (each file may know other names for it; the earlier file's come first).
    pub fn load_all(paths: &[PathBuf]) -> Result<Study, StudyError> {
        let mut merged = Study::default();
        for path in paths {
            let study = Study::load(path)?;
            let conflict = |what: &str, id: &str| StudyError::Invalid {
                path: path.clone(),
                problem: format!("{what} {id:?} is defined differently in an earlier study file: keep one definition"),
            };
            merged.name = merged.name.or(study.name);
            merged.description = merged.description.or(study.description);
            for actor in study.actors {
                match merged.actors.iter().find(|a| a.id == actor.id) {
                    Some(existing) if *existing != actor => return Err(conflict("actor", &actor.id)),
                    Some(_) => {}
                    None => merged.actors.push(actor),
                }
            }
            for target in study.targets {
                match merged.targets.iter_mut().find(|t| t.id == target.id) {
                    Some(existing) if !existing.same_but_aliases(&target) => {
                        return Err(conflict("target", &target.id))
                    }
                    Some(existing) => {
                        for alias in target.aliases {
                            if !existing.aliases.contains(&alias) {
                                existing.aliases.push(alias);
                            }
                        }
                    }
                    None => merged.targets.push(target),
                }
            }
        }
        Ok(merged)
    }

    /// Ids must be unique and look like ids; every actor needs a name.
    pub fn validate(&self) -> Result<(), String> {
        let mut seen = HashSet::new();
        for actor in &self.actors {
            check_id(&actor.id, "actor")?;
            if !seen.insert(actor.id.as_str()) {
                return Err(format!(
                    "actor id {:?} is used twice: give each actor its own id",
                    actor.id
                ));
            }
            if actor.name.trim().is_empty() {
                return Err(format!("actor {:?} has an empty name", actor.id));
            }
            if actor.gender.is_some() && !matches!(actor.kind, ActorKind::Person | ActorKind::Unknown) {
                return Err(format!(
                    "actor {:?}: gender is for persons; leave it out or set kind = \"person\"",
                    actor.id
                ));
            }
        }
        let mut seen = HashSet::new();
        for target in &self.targets {
            check_id(&target.id, "target")?;
            if !seen.insert(target.id.as_str()) {
                return Err(format!("target id {:?} is used twice", target.id));
            }
            if target.description.trim().is_empty() {
                return Err(format!("target {:?} has an empty description", target.id));
            }
            let templates = [&target.favor_template, &target.against_template];
            if let Some(bad) = templates.into_iter().flatten().find(|h| !h.contains("{}")) {
                return Err(format!(
                    "target {:?}: template {bad:?} needs a {{}} where the description goes",
                    target.id
                ));
            }
        }
        Ok(())
    }
}

fn check_id(id: &str, what: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{what} id {id:?} must be lower-case letters, digits, '_' or '-'"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_actors_and_targets() {
        let study: Study = toml::from_str(
            r#"
            [[actors]]
            id = "zelensky"
            name = "Volodymyr Zelensky"
            aliases = ["Zelensky", "the Ukrainian leader"]
            kind = "person"
            affiliation = "ukraine"

            [[targets]]
            id = "ending_the_war"
            description = "ending the war"
            "#,
        )
        .unwrap();
        assert_eq!(study.actors[0].kind, ActorKind::Person);
        assert_eq!(study.targets[0].description, "ending the war");
        assert!(study.validate().is_ok());
    }

    #[test]
    fn rejects_duplicates_bad_ids_and_typos() {
        let dup = Study {
            actors: vec![
                ActorSpec {
                    id: "a".into(),
                    name: "A".into(),
                    aliases: vec![],
                    kind: ActorKind::Person,
                    affiliation: None,
                    gender: None,
                },
                ActorSpec {
                    id: "a".into(),
                    name: "B".into(),
                    aliases: vec![],
                    kind: ActorKind::Person,
                    affiliation: None,
                    gender: None,
                },
            ],
            ..Default::default()
        };
        assert!(dup.validate().unwrap_err().contains("used twice"));
        let bad: Study = toml::from_str("[[actors]]\nid = \"Bad Id\"\nname = \"x\"\n").unwrap();
        assert!(bad.validate().unwrap_err().contains("lower-case"));
        assert!(toml::from_str::<Study>("[[actors]]\nid = \"a\"\nname = \"x\"\nalias = []\n").is_err());
    }

    #[test]
    fn several_files_merge_and_conflicts_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.toml");
        let b = dir.path().join("b.toml");
        let c = dir.path().join("c.toml");
        let target = "[[targets]]\nid = \"ceasefire\"\ndescription = \"a ceasefire\"\n";
        std::fs::write(&a, format!("[[actors]]\nid = \"x\"\nname = \"X\"\n{target}")).unwrap();
        std::fs::write(&b, format!("[[actors]]\nid = \"y\"\nname = \"Y\"\n{target}")).unwrap();
        std::fs::write(&c, "[[actors]]\nid = \"x\"\nname = \"Other X\"\n").unwrap();
        let merged = Study::load_all(&[a.clone(), b.clone()]).unwrap();
        assert_eq!((merged.actors.len(), merged.targets.len()), (2, 1));
        let err = Study::load_all(&[a.clone(), c]).unwrap_err().to_string();
        assert!(err.contains("c.toml") && err.contains("defined differently"), "{err}");
        // Aliases of one target join; another description is a conflict.
        let d = dir.path().join("d.toml");
        std::fs::write(&d, format!("{target}aliases = [\"the truce\", \"the pause\"]\n")).unwrap();
        let e = dir.path().join("e.toml");
        std::fs::write(&e, format!("{target}aliases = [\"the pause\", \"an armistice\"]\n")).unwrap();
        let merged = Study::load_all(&[a.clone(), d.clone(), e]).unwrap();
        assert_eq!(merged.targets[0].aliases, ["the truce", "the pause", "an armistice"]);
        let f = dir.path().join("f.toml");
        std::fs::write(&f, "[[targets]]\nid = \"ceasefire\"\ndescription = \"a truce\"\n").unwrap();
        let err = Study::load_all(&[d, f]).unwrap_err().to_string();
        assert!(err.contains("f.toml") && err.contains("defined differently"), "{err}");
    }

    #[test]
    fn load_names_the_file_in_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("study.toml");
        std::fs::write(&path, "[[actors]]\nid = 3\n").unwrap();
        let err = Study::load(&path).unwrap_err().to_string();
        assert!(err.contains("study.toml"), "{err}");
    }
}
