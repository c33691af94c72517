//! GAP (pronoun → name) predictions from stancemap's pronoun resolution, in the TSV
//! GAP's own scorer reads (`ID`, `A-coref`, `B-coref`).
//!
//!   cargo run --release --example gap_pronouns -- GAP.tsv nearest|subject OUT.tsv
//!
//! `tools/score_gap.py` runs both strategies through GAP's scorer.

use std::io::Write;

use stancemap::identity::pronouns::{antecedent, mentions_of, Strategy};
use stancemap::identity::ArticleNames;
use stancemap::text::{Document, Span};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [gold, strategy, out] = args.as_slice() else {
        anyhow::bail!("usage: gap_pronouns GAP.tsv nearest|subject OUT.tsv");
    };
    let strategy = match strategy.as_str() {
        "nearest" => Strategy::Nearest,
        "subject" => Strategy::SentenceSubject,
        other => anyhow::bail!("unknown strategy {other:?}: nearest or subject"),
    };
    let text = std::fs::read_to_string(gold).map_err(|e| anyhow::anyhow!("{gold}: {e}"))?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(out)?);
    for (line_number, line) in text.lines().enumerate().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        let &[id, passage, pronoun, pronoun_at, a, a_at, _, b, b_at, ..] = fields.as_slice() else {
            anyhow::bail!("{gold}:{}: expected 11 tab-separated fields", line_number + 1);
        };
        let byte_of = |chars: &str| -> anyhow::Result<usize> {
            let index: usize = chars
                .parse()
                .map_err(|e| anyhow::anyhow!("{gold}:{}: offset {chars:?}: {e}", line_number + 1))?;
            Ok(passage.char_indices().nth(index).map_or(passage.len(), |(b, _)| b))
        };
        let doc = Document::new(passage);
        let names = ArticleNames::new(&doc);
        let start = byte_of(pronoun_at)?;
        if passage.get(start..start + pronoun.len()) != Some(pronoun) {
            anyhow::bail!("{gold}:{}: {pronoun:?} is not at offset {pronoun_at}", line_number + 1);
        }
        let span = Span::new(start, start + pronoun.len());
        let candidates: Vec<(String, Vec<usize>)> = [(a, a_at), (b, b_at)]
            .iter()
            .map(|(name, at)| {
                let mut positions = mentions_of(passage, name);
                positions.push(byte_of(at)?);
                positions.sort_unstable();
                positions.dedup();
                Ok((name.to_string(), positions))
            })
            .collect::<anyhow::Result<_>>()?;
        let chosen = antecedent(&doc, &names, span, &candidates, strategy);
        let flag = |i: usize| if chosen == Some(i) { "TRUE" } else { "FALSE" };
        writeln!(out, "{id}\t{}\t{}", flag(0), flag(1))?;
    }
    Ok(())
}
