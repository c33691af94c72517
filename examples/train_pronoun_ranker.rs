//! Fits the pronoun ranker (`stancemap::identity::pronoun_ranker`) on a GAP split and
//! writes its weights, which stancemap compiles in:
//!
//!   cargo run --release --example train_pronoun_ranker -- \
//!       ../shared/data/coref/gap/gap-validation.tsv models/pronoun-ranker/weights.json
//!
//! Deterministic (full-batch gradient descent from zero): the same split gives the
//! same file. GAP's development split stays for measuring (`tools/score_gap.py`).

use stancemap::identity::gap::read_gap;
use stancemap::identity::pronoun_ranker::{fit, PronounContext, PronounRanker, FEATURE_NAMES};
use stancemap::identity::ArticleNames;
use stancemap::text::Document;

const L2: f64 = 0.001;
const ITERATIONS: usize = 20000;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [gold, out] = args.as_slice() else {
        anyhow::bail!("usage: train_pronoun_ranker GAP.tsv WEIGHTS.json");
    };
    let examples = read_gap(gold.as_ref())?;
    let table: Vec<(Vec<Vec<f64>>, Vec<bool>)> = examples
        .iter()
        .map(|example| {
            let doc = Document::new(&example.text);
            let names = ArticleNames::new(&doc);
            let context = PronounContext::new(&doc, &names, example.pronoun, &example.candidates);
            let features = (0..example.candidates.len()).map(|i| context.features(i)).collect();
            (features, example.gold.clone())
        })
        .collect();
    let (weights, threshold) = fit(&table, L2, ITERATIONS);
    let file_name = std::path::Path::new(gold)
        .file_name()
        .map_or(gold.clone(), |n| n.to_string_lossy().into_owned());
    let ranker = PronounRanker {
        features: FEATURE_NAMES.iter().map(|s| s.to_string()).collect(),
        weights,
        threshold,
        trained_on: format!(
            "GAP {file_name}: {} pronouns, logistic regression, L2 {L2}, {ITERATIONS} full-batch steps",
            examples.len()
        ),
    };
    std::fs::write(out, serde_json::to_string_pretty(&ranker)? + "\n")?;
    for (name, weight) in FEATURE_NAMES.iter().zip(&ranker.weights) {
        println!("{name:>24} {weight:+.3}");
    }
    println!("threshold {threshold:.2}; wrote {out}");
    Ok(())
}
