//! The attribution tagger's Rust inference against Hugging Face transformers on a tiny
//! random BERT tagger (tests/fixtures/make_tiny_tagger.py): a text longer than the
//! window, read in overlapping windows, with non-ASCII text so that byte offsets and
//! Python's character offsets must be converted exactly.
//! On both engines: libtorch, and ONNX Runtime on the export `make setup` writes.

use std::path::Path;

use stancemap::models::{Architecture, EngineChoice, EngineKind, Runtime, TokenTagger, Windowing};

/// fp32 on both engines.
const PARITY_TOLERANCE: f32 = 1e-5;

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn cpu(engine: EngineChoice) -> Runtime {
    Runtime::cpu(engine, 1)
}

#[test]
fn windowed_token_probabilities_match_transformers_on_both_engines() {
    for engine in [EngineChoice::Torch, EngineChoice::Onnx] {
        windowed_token_probabilities_match_transformers(engine);
    }
}

fn windowed_token_probabilities_match_transformers(engine: EngineChoice) {
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("tiny_tagger_reference.json")).unwrap()).unwrap();
    let text = reference["text"].as_str().unwrap();
    let windowing = Windowing {
        window: reference["window"].as_u64().unwrap() as usize,
        overlap: reference["overlap"].as_u64().unwrap() as usize,
        // Batches of uneven windows: padding must not change a thing.
        batch_size: 3,
    };
    let tagger = TokenTagger::load(
        "bert-tagger",
        &fixtures().join("tiny_models/bert-tagger"),
        Architecture::Bert,
        cpu(engine),
        windowing,
    )
    .unwrap();
    let expected = match engine {
        EngineChoice::Onnx => EngineKind::Onnx,
        _ => EngineKind::Torch,
    };
    assert_eq!(tagger.engine(), expected);
    let tokens = tagger.tag(text).unwrap();
    let expected = reference["tokens"].as_array().unwrap();
    assert!(
        reference["windows"].as_u64().unwrap() > 5,
        "the text must span many windows"
    );
    assert_eq!(tokens.len(), expected.len());
    let char_of = |byte: usize| text[..byte].chars().count() as u64;
    let mut worst = 0f32;
    for (got, want) in tokens.iter().zip(expected) {
        assert_eq!(char_of(got.start), want["start"].as_u64().unwrap(), "{got:?}");
        assert_eq!(char_of(got.end), want["end"].as_u64().unwrap(), "{got:?}");
        let want: Vec<f32> = want["probabilities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_f64().unwrap() as f32)
            .collect();
        assert_eq!(got.probabilities.len(), want.len());
        for (g, w) in got.probabilities.iter().zip(&want) {
            worst = worst.max((g - w).abs());
        }
    }
    assert!(worst < PARITY_TOLERANCE, "{engine:?}: largest difference {worst}");
    // One batch per window gives the same numbers.
    let single = TokenTagger::load(
        "bert-tagger",
        &fixtures().join("tiny_models/bert-tagger"),
        Architecture::Bert,
        cpu(engine),
        Windowing {
            batch_size: 1,
            ..windowing
        },
    )
    .unwrap()
    .tag(text)
    .unwrap();
    for (a, b) in tokens.iter().zip(&single) {
        for (x, y) in a.probabilities.iter().zip(&b.probabilities) {
            assert!((x - y).abs() < 1e-5);
        }
    }
    assert!(tagger.tag("").unwrap().is_empty());

    // Texts tagged together (their windows batched across texts, longest first) read
    // as each alone, empty ones included.
    let third = text.char_indices().nth(text.chars().count() / 3).map_or(0, |(i, _)| i);
    let texts = [&text[..third], "", text, "A short one."];
    let together = tagger.tag_many(&texts).unwrap();
    assert_eq!(together.len(), texts.len());
    for (text, tagged) in texts.iter().zip(&together) {
        let alone = tagger.tag(text).unwrap();
        assert_eq!(alone.len(), tagged.len());
        for (a, b) in alone.iter().zip(tagged) {
            assert_eq!((a.start, a.end), (b.start, b.end));
            for (x, y) in a.probabilities.iter().zip(&b.probabilities) {
                assert!((x - y).abs() < 1e-5, "{x} against {y}");
            }
        }
    }
}

#[test]
fn a_tagger_must_be_a_bert_token_classifier_with_attribution_labels() {
    let err = TokenTagger::load(
        "roberta",
        &fixtures().join("tiny_models/roberta-nli-ent2"),
        Architecture::Roberta,
        cpu(EngineChoice::Auto),
        Windowing::default(),
    )
    .err()
    .unwrap();
    assert!(err.to_string().contains("bert models only"), "{err}");
}
