//! Token classification over whole documents: a text longer than the model's window
//! is tokenised once, cut into overlapping windows, and each token is read from the
//! window where it sits farthest from an edge (where the model sees the most context).
//!
//! Offsets are byte offsets into the text, exact through tokenisation.

use std::path::{Path, PathBuf};

use tokenizers::Tokenizer;

use super::classifier::{position_limit, read_config, Architecture};
use super::engine::{Head, NetworkSpec};
use super::labels::Labels;
use super::network::{load_network, Batch, EngineKind, Network, Runtime};
use super::text_tokenizer::{load_fast, FAST_TOKENIZER_FILE};
use super::weights::{weight_files_of, weights_file};
use super::ModelError;

/// How documents are cut for the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windowing {
    /// Tokens per window, the two special tokens included.
    pub window: usize,
    /// Tokens shared by neighbouring windows.
    pub overlap: usize,
    pub batch_size: usize,
}

impl Default for Windowing {
    fn default() -> Self {
        // As the default tagger was trained.
        Windowing {
            window: 256,
            overlap: 64,
            batch_size: 8,
        }
    }
}

/// One token of a document with its label probabilities (in `id2label` order).
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedToken {
    pub start: usize,
    pub end: usize,
    pub probabilities: Vec<f32>,
}

pub struct TokenTagger {
    name: String,
    network: Box<dyn Network>,
    tokenizer: Tokenizer,
    labels: Labels,
    pad_id: i64,
    cls_id: i64,
    sep_id: i64,
    windowing: Windowing,
    weights_file: PathBuf,
}

impl TokenTagger {
    /// Loads a Hugging Face `BertForTokenClassification` folder (`config.json` with
    /// `id2label`, weights, `tokenizer.json`).
    pub fn load(
        name: &str,
        dir: &Path,
        architecture: Architecture,
        runtime: Runtime,
        windowing: Windowing,
    ) -> Result<Self, ModelError> {
        if architecture != Architecture::Bert {
            return Err(ModelError::Labels {
                model: name.into(),
                problem: format!(
                    "token tagging runs bert models only, not {}: declare a bert tagger",
                    architecture.model_type()
                ),
            });
        }
        let config = read_config(name, dir, architecture)?;
        let labels = Labels::from_config(name, &config)?;
        let config_path = dir.join("config.json");
        let file_error = |path: &Path, detail: String| ModelError::File {
            model: name.into(),
            path: path.to_path_buf(),
            detail,
        };
        let weights_file = weights_file(name, dir)?;
        let network = load_network(
            name,
            dir,
            NetworkSpec {
                head: Head::Token,
                architecture,
                config: config.clone(),
                config_path,
                weight_files: weight_files_of(name, &weights_file)?,
                weights: weights_file.clone(),
                labels: labels.names.len(),
                device: runtime.device,
            },
            runtime,
        )?;

        let mut tokenizer = load_fast(name, dir)?;
        let tokenizer_path = dir.join(FAST_TOKENIZER_FILE);
        tokenizer
            .with_truncation(None)
            .map_err(|e| file_error(&tokenizer_path, e.to_string()))?;
        tokenizer.with_padding(None);
        // The special tokens as the tokenizer's post-processor adds them to any text.
        let empty = tokenizer
            .encode("", true)
            .map_err(|e| file_error(&tokenizer_path, e.to_string()))?;
        let (cls_id, sep_id) = match empty.get_ids() {
            [cls, sep] => (*cls as i64, *sep as i64),
            other => {
                return Err(file_error(
                    &tokenizer_path,
                    format!(
                        "expected the tokenizer to wrap a text in two special tokens, got {}",
                        other.len()
                    ),
                ))
            }
        };
        let window = windowing.window.clamp(8, position_limit(&config));
        let windowing = Windowing {
            window,
            overlap: windowing.overlap.min(window / 2),
            batch_size: windowing.batch_size.max(1),
        };
        let pad_id = config.get("pad_token_id").and_then(|v| v.as_i64()).unwrap_or(0);
        Ok(TokenTagger {
            name: name.into(),
            network,
            tokenizer,
            labels,
            pad_id,
            cls_id,
            sep_id,
            windowing,
            weights_file,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn labels(&self) -> &Labels {
        &self.labels
    }

    pub fn weights_file(&self) -> &Path {
        &self.weights_file
    }

    /// The engine the network runs on.
    pub fn engine(&self) -> EngineKind {
        self.network.kind()
    }

    pub fn windowing(&self) -> Windowing {
        self.windowing
    }

    /// Every token of `text` with its label probabilities.
    pub fn tag(&self, text: &str) -> Result<Vec<TaggedToken>, ModelError> {
        Ok(self.tag_many(&[text])?.pop().unwrap_or_default())
    }

    /// Tags several texts with the windows of all of them batched together, longest
    /// first, so that batches are full and pad little (one text's windows alone make
    /// a short last batch and a ragged one). A failure fails the whole call.
    pub fn tag_many(&self, texts: &[&str]) -> Result<Vec<Vec<TaggedToken>>, ModelError> {
        let mut encoded: Vec<Encoded> = Vec::with_capacity(texts.len());
        for text in texts {
            let encoding = self.tokenizer.encode(*text, false).map_err(|e| ModelError::Tokenize {
                model: self.name.clone(),
                detail: e.to_string(),
            })?;
            let ids: Vec<i64> = encoding.get_ids().iter().map(|&i| i as i64).collect();
            let spans = if ids.is_empty() {
                Vec::new()
            } else {
                windows(ids.len(), self.windowing.window - 2, self.windowing.overlap)
            };
            encoded.push(Encoded {
                ids,
                offsets: encoding.get_offsets().to_vec(),
                spans,
            });
        }
        let mut order: Vec<(usize, usize)> = encoded
            .iter()
            .enumerate()
            .flat_map(|(text, e)| (0..e.spans.len()).map(move |window| (text, window)))
            .collect();
        // Stable, so equal lengths keep text order and a run batches the same way twice.
        order.sort_by_key(|&(text, window)| {
            let (start, end) = encoded[text].spans[window];
            std::cmp::Reverse(end - start)
        });
        let mut probabilities: Vec<Vec<Vec<Vec<f32>>>> =
            encoded.iter().map(|e| vec![Vec::new(); e.spans.len()]).collect();
        for batch in order.chunks(self.windowing.batch_size) {
            let windows: Vec<(&[i64], (usize, usize))> = batch
                .iter()
                .map(|&(text, window)| (&encoded[text].ids[..], encoded[text].spans[window]))
                .collect();
            for (&(text, window), tokens) in batch.iter().zip(self.forward(&windows)?) {
                probabilities[text][window] = tokens;
            }
        }
        Ok(encoded
            .iter()
            .zip(probabilities)
            .map(|(e, window_probabilities)| {
                e.offsets
                    .iter()
                    .enumerate()
                    .map(|(token, &(start, end))| {
                        let best = best_window(&e.spans, token);
                        let (window_start, _) = e.spans[best];
                        TaggedToken {
                            start,
                            end,
                            probabilities: window_probabilities[best][token - window_start + 1].clone(),
                        }
                    })
                    .collect()
            })
            .collect())
    }

    /// Runs windows (each a token range of its text's ids) as one padded batch.
    fn forward(&self, windows: &[(&[i64], (usize, usize))]) -> Result<Vec<Vec<Vec<f32>>>, ModelError> {
        let width = windows.iter().map(|(_, (b, e))| e - b + 2).max().unwrap_or(2);
        let mut input = Vec::with_capacity(windows.len() * width);
        let mut mask = Vec::with_capacity(windows.len() * width);
        for &(ids, (b, e)) in windows {
            let pad = width - (e - b + 2);
            input.push(self.cls_id);
            input.extend_from_slice(&ids[b..e]);
            input.push(self.sep_id);
            input.extend(std::iter::repeat_n(self.pad_id, pad));
            mask.extend(std::iter::repeat_n(1i64, e - b + 2).chain(std::iter::repeat_n(0, pad)));
        }
        let types = vec![0i64; input.len()];
        let padded = Batch {
            ids: &input,
            mask: &mask,
            types: Some(&types),
            rows: windows.len(),
            width,
        };
        let probabilities = self
            .network
            .probabilities(&padded)
            .map_err(|failure| ModelError::Forward {
                model: self.name.clone(),
                detail: failure.detail,
            })?;
        let labels = self.labels.names.len().max(1);
        Ok(probabilities
            .chunks(width * labels)
            .map(|window| window.chunks(labels).map(<[f32]>::to_vec).collect())
            .collect())
    }
}

/// A text's token ids, their character offsets, and its windows.
struct Encoded {
    ids: Vec<i64>,
    offsets: Vec<(usize, usize)>,
    spans: Vec<(usize, usize)>,
}

/// Token ranges `[start, end)` of at most `size` tokens, neighbours sharing `overlap`.
pub fn windows(n: usize, size: usize, overlap: usize) -> Vec<(usize, usize)> {
    let size = size.max(1);
    let step = size.saturating_sub(overlap).max(1);
    let mut out = Vec::new();
    let mut start = 0;
    loop {
        let end = n.min(start + size);
        out.push((start, end));
        if end >= n {
            return out;
        }
        start += step;
    }
}

/// The window in which `token` is farthest from either edge.
fn best_window(spans: &[(usize, usize)], token: usize) -> usize {
    let mut best = 0;
    let mut best_margin = None;
    for (i, &(b, e)) in spans.iter().enumerate() {
        if b <= token && token < e {
            let margin = (token - b).min(e - 1 - token);
            if best_margin.is_none_or(|m| margin > m) {
                best = i;
                best_margin = Some(margin);
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_every_token_with_the_overlap_asked_for() {
        assert_eq!(windows(5, 10, 2), vec![(0, 5)]);
        assert_eq!(windows(10, 4, 1), vec![(0, 4), (3, 7), (6, 10)]);
        let spans = windows(1000, 254, 64);
        assert_eq!(spans.first(), Some(&(0, 254)));
        assert_eq!(spans.last().map(|s| s.1), Some(1000));
        for pair in spans.windows(2) {
            assert_eq!(pair[0].1 - pair[1].0, 64);
        }
    }

    #[test]
    fn each_token_is_read_where_it_has_most_context() {
        let spans = windows(10, 4, 1); // (0,4) (3,7) (6,10)
        assert_eq!(best_window(&spans, 0), 0);
        assert_eq!(best_window(&spans, 4), 1); // near the first window's end, inside the second
        assert_eq!(best_window(&spans, 7), 2);
        assert_eq!(best_window(&spans, 9), 2);
    }
}
