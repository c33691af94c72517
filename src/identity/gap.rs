//! GAP (Webster et al. 2018; pronoun–name pairs from Wikipedia, Apache-2.0), read for
//! training and measuring the pronoun resolvers: `examples/train_pronoun_ranker.rs`
//! fits the ranker on the validation split, `examples/gap_pronouns.rs` writes what each
//! strategy predicts for GAP's own scorer.

use std::path::{Path, PathBuf};

use super::pronouns::mentions_of;
use crate::text::Span;

#[derive(Debug, thiserror::Error)]
pub enum GapError {
    #[error("{path}: {source} (GAP's TSV files are in ../shared/data/coref/gap)")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Line {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// One GAP row: a passage, its pronoun, and the two names (with every place the
/// passage mentions each) with whether the pronoun denotes it.
#[derive(Debug, Clone)]
pub struct GapExample {
    pub id: String,
    pub text: String,
    pub pronoun: Span,
    pub candidates: Vec<(String, Vec<usize>)>,
    pub gold: Vec<bool>,
}

pub fn read_gap(path: &Path) -> Result<Vec<GapExample>, GapError> {
    let text = std::fs::read_to_string(path).map_err(|source| GapError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    text.lines()
        .enumerate()
        .skip(1)
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            parse_row(line).map_err(|message| GapError::Line {
                path: path.to_path_buf(),
                line: index + 1,
                message,
            })
        })
        .collect()
}

fn parse_row(line: &str) -> Result<GapExample, String> {
    let fields: Vec<&str> = line.split('\t').collect();
    let &[id, passage, pronoun, pronoun_at, a, a_at, a_gold, b, b_at, b_gold, ..] = fields.as_slice() else {
        return Err(format!("expected 11 tab-separated fields, found {}", fields.len()));
    };
    // GAP's offsets count characters; stancemap's spans are bytes.
    let byte_of = |chars: &str| -> Result<usize, String> {
        let index: usize = chars.parse().map_err(|e| format!("offset {chars:?}: {e}"))?;
        Ok(passage.char_indices().nth(index).map_or(passage.len(), |(b, _)| b))
    };
    let start = byte_of(pronoun_at)?;
    if passage.get(start..start + pronoun.len()) != Some(pronoun) {
        return Err(format!("{pronoun:?} is not at offset {pronoun_at}"));
    }
    let flag = |value: &str| match value.to_ascii_uppercase().as_str() {
        "TRUE" => Ok(true),
        "FALSE" => Ok(false),
        other => Err(format!("coreference flag {other:?}: TRUE or FALSE")),
    };
    let candidates = [(a, a_at), (b, b_at)]
        .iter()
        .map(|(name, at)| {
            let mut positions = mentions_of(passage, name);
            positions.push(byte_of(at)?);
            positions.sort_unstable();
            positions.dedup();
            Ok((name.to_string(), positions))
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(GapExample {
        id: id.to_string(),
        text: passage.to_string(),
        pronoun: Span::new(start, start + pronoun.len()),
        candidates,
        gold: vec![flag(a_gold)?, flag(b_gold)?],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_gives_byte_offsets_and_every_mention() {
        let row =
            "d-1\tÉmile Roux met Ann Lee. Roux said he won.\the\t34\tÉmile Roux\t0\tTRUE\tAnn Lee\t15\tFALSE\turl";
        let example = parse_row(row).unwrap();
        assert_eq!(example.pronoun.slice(&example.text), "he");
        let roux = example.text.rfind("Roux").unwrap();
        assert_eq!(
            example.candidates[0].1,
            vec![0, "Émile ".len(), roux],
            "the name, its surname, the surname again"
        );
        assert_eq!(example.gold, vec![true, false]);
        assert!(parse_row("d-2\tshort").unwrap_err().contains("11 tab-separated"));
        let wrong = row.replace("\t34\t", "\t5\t");
        assert!(parse_row(&wrong).unwrap_err().contains("not at offset"));
    }
}
