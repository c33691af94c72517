//! The first-name table the pronoun resolvers fall back on where an article shows a
//! name's gender nowhere (`models/pronoun-ranker/first_names.tsv`):
//!
//!   cargo run --release --example first_name_genders -- OUT.tsv \
//!       ../shared/data/polnear/train/text ../shared/data/news/wikinews_2019.csv \
//!       ../shared/data/coref/gap/gap-validation.tsv ../shared/data/coref/litbank/coref/brat \
//!       ../shared/data/ner/conll2003/train.txt
//!
//! Evidence: in news (a folder of .txt files, or a CSV with a `text` column), each
//! article votes once per full name whose gender the article's own pronouns and
//! honorifics show (`ArticleNames::gender_in_article`) and no other full name shares its
//! surname; in GAP (a .tsv), each row votes for the first name of the name its pronoun
//! denotes. Kept: names with at least three
//! votes, three in four of one gender, that the news texts write lower case at most
//! once for every five times capitalised (not `New`, `West`, `Hope`), and that a
//! CoNLL-2003 file (a `.txt` file of `token TAG` lines) does not open other entities
//! with more often than people (not `United`, `South`, `San`). GAP's development split stays out: it measures.

use std::collections::BTreeMap;
use std::path::Path;

use stancemap::identity::gap::read_gap;
use stancemap::identity::pronouns::pronoun_gender;
use stancemap::identity::{ArticleNames, Gender};
use stancemap::text::Document;

const MIN_VOTES: u32 = 3;
const MIN_SHARE: f64 = 0.75;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((out, inputs)) = args.split_first().filter(|(_, inputs)| !inputs.is_empty()) else {
        anyhow::bail!("usage: first_name_genders OUT.tsv INPUT...");
    };
    let mut votes: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    let mut vote = |first: &str, gender: Gender| {
        let first: String = first.chars().filter(|c| c.is_alphabetic() || *c == '-').collect();
        let plain = first.chars().count() >= 2
            && first.chars().next().is_some_and(char::is_uppercase)
            && first.chars().skip(1).all(|c| c.is_lowercase() || c == '-');
        if plain {
            let entry = votes.entry(first.to_lowercase()).or_default();
            match gender {
                Gender::Male => entry.0 += 1,
                Gender::Female => entry.1 += 1,
            }
        }
    };
    let mut sources = Vec::new();
    // How often each word is written lower case and capitalised: `New`, `Hope` and
    // `West` open capitalised runs that are no one's first name.
    let mut as_word: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    // How often CoNLL-2003 starts a person's name with a word, and another entity's:
    // `United`, `South` and `San` open places and organisations, not people.
    let mut entity_starts: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for input in inputs {
        let path = Path::new(input);
        if input.ends_with(".tsv") {
            let examples = read_gap(path)?;
            for example in &examples {
                let pronoun = example.pronoun.slice(&example.text);
                let Some(gender) = pronoun_gender(pronoun) else {
                    continue;
                };
                for ((name, _), gold) in example.candidates.iter().zip(&example.gold) {
                    let words: Vec<&str> = name.split_whitespace().collect();
                    if *gold && words.len() >= 2 {
                        vote(words[0], gender);
                    }
                }
            }
            sources.push(format!("{}: {} GAP rows", shown(input), examples.len()));
            continue;
        }
        if path.is_file() && input.ends_with(".txt") {
            // CoNLL-2003 (`token TAG` lines): how often a word opens a person's name
            // and how often a place's, an organisation's or another entity's.
            let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{input}: {e}"))?;
            let mut tokens = 0;
            for line in text.lines() {
                let mut fields = line.split_whitespace();
                let (Some(word), Some(tag)) = (fields.next(), fields.last()) else {
                    continue;
                };
                if let Some(kind) = tag.strip_prefix("B-") {
                    let entry = entity_starts.entry(word.to_lowercase()).or_default();
                    if kind == "PER" {
                        entry.0 += 1;
                    } else {
                        entry.1 += 1;
                    }
                }
                tokens += 1;
            }
            sources.push(format!("{}: {tokens} CoNLL tokens (entity starts)", shown(input)));
            continue;
        }
        let texts = news_texts(path)?;
        for text in &texts {
            for word in text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()) {
                let entry = as_word.entry(word.to_lowercase()).or_default();
                if word.chars().next().is_some_and(char::is_lowercase) {
                    entry.0 += 1;
                } else {
                    entry.1 += 1;
                }
            }
            let doc = Document::new(text);
            let names = ArticleNames::new(&doc);
            // The article's evidence is kept by surname: where two people share one
            // (Hillary and Bill Clinton), it says nothing about either first name.
            let surname = |name: &str| name.split_whitespace().last().unwrap_or_default().to_lowercase();
            for name in names.full_names() {
                let namesakes = names
                    .full_names()
                    .iter()
                    .filter(|n| surname(n) == surname(name))
                    .count();
                if namesakes > 1 {
                    continue;
                }
                if let Some(gender) = names.gender_in_article(name) {
                    vote(name.split_whitespace().next().unwrap_or_default(), gender);
                }
            }
        }
        sources.push(format!("{}: {} articles", shown(input), texts.len()));
    }
    let mut lines = vec![
        "# first name, gender, male votes, female votes: written by examples/first_name_genders.rs from".to_string(),
    ];
    lines.extend(sources.iter().map(|s| format!("#   {s}")));
    let mut kept = 0;
    for (name, (male, female)) in &votes {
        let total = male + female;
        let gender = if *male as f64 >= MIN_SHARE * total as f64 {
            "male"
        } else if *female as f64 >= MIN_SHARE * total as f64 {
            "female"
        } else {
            continue;
        };
        let (lower, capitalised) = as_word.get(name).copied().unwrap_or_default();
        let (person, other) = entity_starts.get(name).copied().unwrap_or_default();
        if total >= MIN_VOTES && lower * 5 <= capitalised && other <= person {
            lines.push(format!("{name}\t{gender}\t{male}\t{female}"));
            kept += 1;
        }
    }
    std::fs::write(out, lines.join("\n") + "\n")?;
    println!("{kept} first names of {} seen; wrote {out}", votes.len());
    Ok(())
}

/// An input as the table's header names it: from `data/` on, whatever folder the shared
/// data sits in, so that the file does not change with where it was written.
fn shown(input: &str) -> &str {
    input.find("/data/").map_or(input, |i| &input[i + 1..])
}

/// Article texts: every .txt file of a folder, or the `text` column of a CSV.
fn news_texts(path: &Path) -> anyhow::Result<Vec<String>> {
    if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        files.sort();
        return files
            .iter()
            .map(|f| std::fs::read_to_string(f).map_err(|e| anyhow::anyhow!("{}: {e}", f.display())))
            .collect();
    }
    let mut reader = csv::Reader::from_path(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let column = reader
        .headers()?
        .iter()
        .position(|h| h == "text")
        .ok_or_else(|| anyhow::anyhow!("{}: no `text` column", path.display()))?;
    let mut texts = Vec::new();
    for record in reader.records() {
        texts.push(record?.get(column).unwrap_or_default().to_string());
    }
    Ok(texts)
}
