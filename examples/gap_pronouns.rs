//! GAP (pronoun → name) predictions from stancemap's pronoun resolution, in the TSV
//! GAP's own scorer reads (`ID`, `A-coref`, `B-coref`).
//!
//!   cargo run --release --example gap_pronouns -- GAP.tsv nearest|subject|learned OUT.tsv
//!
//! `tools/score_gap.py` runs every strategy through GAP's scorer.

use std::io::Write;

use stancemap::identity::gap::read_gap;
use stancemap::identity::pronouns::{antecedent, Strategy};
use stancemap::identity::ArticleNames;
use stancemap::text::Document;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [gold, strategy, out] = args.as_slice() else {
        anyhow::bail!("usage: gap_pronouns GAP.tsv nearest|subject|learned OUT.tsv");
    };
    let strategy = match strategy.as_str() {
        "nearest" => Strategy::Nearest,
        "subject" => Strategy::SentenceSubject,
        "learned" => Strategy::Learned,
        other => anyhow::bail!("unknown strategy {other:?}: nearest, subject or learned"),
    };
    let mut out = std::io::BufWriter::new(std::fs::File::create(out)?);
    for example in read_gap(gold.as_ref())? {
        let doc = Document::new(&example.text);
        let names = ArticleNames::new(&doc);
        let chosen = antecedent(&doc, &names, example.pronoun, &example.candidates, strategy);
        let flag = |i: usize| if chosen == Some(i) { "TRUE" } else { "FALSE" };
        writeln!(out, "{}\t{}\t{}", example.id, flag(0), flag(1))?;
    }
    Ok(())
}
