//! The opt-in stance model `nli-mpnet` (models/nli-mpnet, MPNet-base in safetensors
//! shards), run by the real binary from the shipped registry: its probabilities equal
//! transformers' on the same weights on both engines, and plain cases read the way
//! they are written.

use crate::common::*;

/// transformers 4.44 on models/nli-mpnet in float32, through the same formula as
/// `score::stance` (p_favor = (P(ent | supports) + P(con | opposes)) / 2, …).
const GOLDEN: [(&str, &str, [f64; 3]); 4] = [
    (
        "The war must end, and it must end at the negotiating table.",
        "ending the war",
        [0.618862, 0.354717, 0.026421],
    ),
    (
        "a ceasefire was impossible while Kestrian artillery kept shelling border towns",
        "a ceasefire",
        [0.057358, 0.911423, 0.031219],
    ),
    (
        "sanctions on Kestria should stay in place until the last Kestrian soldier had left Valdorian soil",
        "sanctions on Kestria",
        [0.62874, 0.346032, 0.025227],
    ),
    (
        "The talks will resume in Geneva next week.",
        "a prisoner exchange",
        [0.415762, 0.042607, 0.541631],
    ),
];

/// fp32 on both sides; ONNX Runtime's fused kernels and libtorch's differ from
/// transformers in the sixth decimal on this model.
const TOLERANCE: f64 = 1e-4;

#[test]
fn nli_mpnet_reproduces_transformers_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let rows: String = GOLDEN
        .iter()
        .enumerate()
        .map(|(i, (text, target, _))| {
            serde_json::json!({"id": i.to_string(), "text": text, "target": target}).to_string() + "\n"
        })
        .collect();
    for engine in ["onnx", "torch"] {
        let table = score_stance(
            dir.path(),
            &rows,
            &["--model", "nli-mpnet", "--engine", engine, "--threads", "2"],
        );
        assert!(strings(&table, "model")
            .iter()
            .all(|m| m.as_deref() == Some("nli-mpnet")));
        let ids = strings(&table, "id");
        let labels = strings(&table, "label");
        let columns = ["p_favor", "p_against", "p_none"].map(|c| floats(&table, c));
        for (row, id) in ids.iter().enumerate() {
            let index: usize = id.as_deref().unwrap().parse().unwrap();
            let (text, target, want) = GOLDEN[index];
            // The plain cases read the way they are written; the last takes no side.
            let label = ["favor", "against", "favor", "none"][index];
            assert_eq!(
                labels[row].as_deref(),
                Some(label),
                "{engine}: {text:?} toward {target}"
            );
            for (column, expected) in columns.iter().zip(want) {
                assert!(
                    (column[row] - expected).abs() <= TOLERANCE,
                    "{engine}: {text:?} toward {target}: {} vs transformers {expected}",
                    column[row]
                );
            }
        }
    }
}
