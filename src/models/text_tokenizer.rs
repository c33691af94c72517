//! Tokenizers for classifier inputs: `tokenizer.json` through the `tokenizers` crate
//! where a model ships one, else the vocabulary files rust-bert's tokenizers
//! (`rust_tokenizers`) read (`vocab.txt`; `vocab.json` + `merges.txt`; `sentencepiece.bpe.model`;
//! `spm.model`), as many older Hub models ship only those.

use std::path::{Path, PathBuf};

use rust_tokenizers::tokenizer::{
    BertTokenizer, DeBERTaV2Tokenizer, RobertaTokenizer, Tokenizer as _, TruncationStrategy as VocabTruncation,
    XLMRobertaTokenizer,
};
use rust_tokenizers::vocab::Vocab as _;
use rust_tokenizers::TokenizedInput;
use tokenizers::{EncodeInput, Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

use super::classifier::{Architecture, Input};
use super::ModelError;

/// The fast tokenizer's file, tried before the vocabulary files.
pub const FAST_TOKENIZER_FILE: &str = "tokenizer.json";

/// One input as token ids, ready for a batch.
pub struct Encoded {
    pub ids: Vec<i64>,
    pub type_ids: Vec<i64>,
    /// The input was cut to the token limit.
    pub truncated: bool,
}

pub enum TextTokenizer {
    /// `tokenizer.json`, truncation set on the tokenizer.
    Fast(Box<Tokenizer>),
    /// Vocabulary files through rust_tokenizers (what rust-bert uses).
    Vocab {
        tokenizer: Box<VocabTokenizer>,
        max_tokens: usize,
    },
}

/// The slow tokenizers of the architectures stancemap runs.
// One per model, already boxed in TextTokenizer: variant sizes do not matter.
#[allow(clippy::large_enum_variant)]
pub enum VocabTokenizer {
    Bert(BertTokenizer),
    Roberta(RobertaTokenizer),
    XlmRoberta(XLMRobertaTokenizer),
    DebertaV2(DeBERTaV2Tokenizer),
}

/// Calls the same `rust_tokenizers::tokenizer::Tokenizer` method on whichever
/// tokenizer it is.
macro_rules! each_vocab_tokenizer {
    ($tokenizer:expr, $t:ident => $call:expr) => {
        match $tokenizer {
            VocabTokenizer::Bert($t) => $call,
            VocabTokenizer::Roberta($t) => $call,
            VocabTokenizer::XlmRoberta($t) => $call,
            VocabTokenizer::DebertaV2($t) => $call,
        }
    };
}

impl VocabTokenizer {
    fn pad_id(&self) -> i64 {
        each_vocab_tokenizer!(self, t => t.vocab().token_to_id(t.vocab().get_pad_value()))
    }

    fn encode(&self, input: Input, max_tokens: usize) -> Option<TokenizedInput> {
        let strategy = VocabTruncation::OnlyFirst;
        let mut encoded = match input {
            Input::Single(text) => each_vocab_tokenizer!(self, t => t.encode_list(&[text], max_tokens, &strategy, 0)),
            Input::Pair(first, second) => {
                each_vocab_tokenizer!(self, t => t.encode_pair_list(&[(first, second)], max_tokens, &strategy, 0))
            }
        };
        encoded.pop()
    }
}

/// The vocabulary files each architecture's slow tokenizer reads, in the order
/// rust-bert wants them (vocabulary, then merges): what [`TextTokenizer::load`]
/// falls back on without `tokenizer.json`.
pub fn vocab_files(architecture: Architecture) -> &'static [&'static str] {
    match architecture {
        Architecture::Bert | Architecture::DistilBert => &["vocab.txt"],
        Architecture::Roberta => &["vocab.json", "merges.txt"],
        Architecture::XlmRoberta => &["sentencepiece.bpe.model"],
        Architecture::DebertaV2 => &["spm.model"],
        // rust-bert has no MPNet tokenizer: tokenizer.json only.
        Architecture::Mpnet => &[],
    }
}

impl TextTokenizer {
    /// `tokenizer.json` if the folder has one, else the architecture's vocabulary
    /// files with the casing `tokenizer_config.json` gives. Inputs longer than
    /// `max_tokens` are cut from the end of the first text.
    pub fn load(name: &str, dir: &Path, architecture: Architecture, max_tokens: usize) -> Result<Self, ModelError> {
        let fast_path = dir.join(FAST_TOKENIZER_FILE);
        let file_error = |path: &Path, detail: String| ModelError::File {
            model: name.into(),
            path: path.to_path_buf(),
            detail,
        };
        if fast_path.exists() {
            let mut tokenizer = load_fast(name, dir)?;
            tokenizer
                .with_truncation(Some(TruncationParams {
                    max_length: max_tokens,
                    strategy: TruncationStrategy::OnlyFirst,
                    stride: 0,
                    direction: TruncationDirection::Right,
                }))
                .map_err(|e| file_error(&fast_path, e.to_string()))?;
            tokenizer.with_padding(None);
            return Ok(TextTokenizer::Fast(Box::new(tokenizer)));
        }
        let files: Vec<PathBuf> = vocab_files(architecture).iter().map(|f| dir.join(f)).collect();
        let no_fast_tokenizer = || {
            file_error(
                dir,
                format!(
                    "no tokenizer.json, the only tokenizer stancemap reads for a {} model: save the model's \
                     tokenizer beside its weights (transformers: AutoTokenizer.from_pretrained(SOURCE).save_pretrained(FOLDER))",
                    architecture.model_type()
                ),
            )
        };
        let Some(vocab_path) = files.first() else {
            return Err(no_fast_tokenizer());
        };
        if let Some(missing) = files.iter().find(|f| !f.exists()) {
            return Err(file_error(
                dir,
                format!(
                    "no tokenizer.json, and no {} for a {} tokenizer: copy the tokenizer files from the model's source",
                    missing.file_name().and_then(|f| f.to_str()).unwrap_or_default(),
                    architecture.model_type()
                ),
            ));
        }
        let settings = TokenizerSettings::read(dir);
        let as_str = |p: &Path| p.to_string_lossy().into_owned();
        let vocab = as_str(vocab_path);
        let merges = files.get(1).map(|p| as_str(p));
        // Defaults as rust-bert's TokenizerOption::from_file gives them.
        let built = match architecture {
            Architecture::Bert | Architecture::DistilBert => {
                let lower = settings.lower_case.unwrap_or(true);
                BertTokenizer::from_file(&vocab, lower, settings.strip_accents.unwrap_or(lower))
                    .map(VocabTokenizer::Bert)
            }
            Architecture::Roberta => RobertaTokenizer::from_file(
                &vocab,
                merges.as_deref().unwrap_or_default(),
                settings.lower_case.unwrap_or(false),
                settings.add_prefix_space.unwrap_or(false),
            )
            .map(VocabTokenizer::Roberta),
            Architecture::XlmRoberta => XLMRobertaTokenizer::from_file(&vocab, settings.lower_case.unwrap_or(false))
                .map(VocabTokenizer::XlmRoberta),
            Architecture::DebertaV2 => DeBERTaV2Tokenizer::from_file(
                &vocab,
                settings.lower_case.unwrap_or(false),
                settings.strip_accents.unwrap_or(false),
                settings.add_prefix_space.unwrap_or(false),
            )
            .map(VocabTokenizer::DebertaV2),
            Architecture::Mpnet => return Err(no_fast_tokenizer()),
        };
        let tokenizer = built.map_err(|e| file_error(vocab_path, e.to_string()))?;
        Ok(TextTokenizer::Vocab {
            tokenizer: Box::new(tokenizer),
            max_tokens,
        })
    }

    /// The padding id the tokenizer knows, if any.
    pub fn pad_id(&self) -> Option<i64> {
        match self {
            TextTokenizer::Fast(t) => t.get_padding().map(|p| p.pad_id as i64),
            TextTokenizer::Vocab { tokenizer, .. } => Some(tokenizer.pad_id()),
        }
    }

    /// Token ids, segment ids and whether the input was cut.
    pub fn encode(&self, input: Input) -> Result<Encoded, String> {
        match self {
            TextTokenizer::Fast(tokenizer) => {
                let encode_input: EncodeInput = match input {
                    Input::Single(text) => text.into(),
                    Input::Pair(first, second) => (first, second).into(),
                };
                let encoding = tokenizer.encode(encode_input, true).map_err(|e| e.to_string())?;
                Ok(Encoded {
                    ids: encoding.get_ids().iter().map(|&i| i as i64).collect(),
                    type_ids: encoding.get_type_ids().iter().map(|&i| i as i64).collect(),
                    truncated: !encoding.get_overflowing().is_empty(),
                })
            }
            TextTokenizer::Vocab { tokenizer, max_tokens } => {
                let one = tokenizer
                    .encode(input, *max_tokens)
                    .ok_or_else(|| "the tokenizer returned nothing".to_string())?;
                Ok(Encoded {
                    type_ids: one.segment_ids.iter().map(|&s| s as i64).collect(),
                    truncated: one.num_truncated_tokens > 0,
                    ids: one.token_ids,
                })
            }
        }
    }
}

/// `tokenizer.json` through the `tokenizers` crate.
pub fn load_fast(name: &str, dir: &Path) -> Result<Tokenizer, ModelError> {
    let tokenizer_path = dir.join(FAST_TOKENIZER_FILE);
    Tokenizer::from_file(&tokenizer_path).map_err(|e| ModelError::File {
        model: name.into(),
        path: tokenizer_path.clone(),
        detail: format!("{e} (a tokenizer.json from a fast Hugging Face tokenizer is needed)"),
    })
}

/// What a slow tokenizer takes from `tokenizer_config.json`; unsaid means the
/// architecture's default.
#[derive(Debug, Default, PartialEq)]
struct TokenizerSettings {
    lower_case: Option<bool>,
    strip_accents: Option<bool>,
    add_prefix_space: Option<bool>,
}

impl TokenizerSettings {
    fn read(dir: &Path) -> Self {
        let config: serde_json::Value = std::fs::read_to_string(dir.join("tokenizer_config.json"))
            .ok()
            .and_then(|raw| serde_json::from_str(&raw).ok())
            .unwrap_or_default();
        let flag = |key: &str| config.get(key).and_then(|v| v.as_bool());
        TokenizerSettings {
            lower_case: flag("do_lower_case"),
            strip_accents: flag("strip_accents"),
            add_prefix_space: flag("add_prefix_space"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_come_from_tokenizer_config_and_default_to_unsaid() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(TokenizerSettings::read(dir.path()), TokenizerSettings::default());
        std::fs::write(
            dir.path().join("tokenizer_config.json"),
            r#"{"do_lower_case": false, "strip_accents": null, "add_prefix_space": true}"#,
        )
        .unwrap();
        assert_eq!(
            TokenizerSettings::read(dir.path()),
            TokenizerSettings {
                lower_case: Some(false),
                strip_accents: None,
                add_prefix_space: Some(true)
            }
        );
    }

    #[test]
    fn a_folder_without_any_tokenizer_names_the_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let Err(error) = TextTokenizer::load("m", dir.path(), Architecture::DebertaV2, 16) else {
            panic!("no tokenizer files should fail")
        };
        let message = error.to_string();
        assert!(
            message.contains("spm.model") && message.contains("tokenizer.json"),
            "{message}"
        );
        // MPNet has no slow tokenizer to fall back on, even with a vocab.txt there.
        std::fs::write(dir.path().join("vocab.txt"), "<s>\n<pad>\n</s>\n<unk>\n").unwrap();
        let Err(error) = TextTokenizer::load("m", dir.path(), Architecture::Mpnet, 16) else {
            panic!("an mpnet model without tokenizer.json should fail")
        };
        let message = error.to_string();
        assert!(
            message.contains("tokenizer.json") && message.contains("mpnet") && message.contains("save_pretrained"),
            "{message}"
        );
    }
}
