//! The learned extractor: a BIO token tagger for sources, cues and contents (trained
//! on PolNeAR by `models/recipes/attribution_tagger.py`), read by the span decoder.

use std::sync::Mutex;

use rayon::prelude::*;

use super::decode::{choose_tag, decode, DecoderSettings, Tag, TokenTag};
use super::{Attribution, ExtractError, Extractor};
use crate::models::{ModelError, ResolvedModel, TokenTagger, Windowing};
use crate::text::Document;

pub struct LearnedExtractor {
    // libtorch modules are not Sync; documents come from several threads, and
    // the model already uses every core, so they take turns.
    tagger: Mutex<TokenTagger>,
    tags: Vec<Tag>,
    settings: DecoderSettings,
}

impl LearnedExtractor {
    pub fn load(
        model: &ResolvedModel,
        runtime: crate::models::Runtime,
        windowing: Windowing,
        settings: DecoderSettings,
    ) -> Result<Self, ModelError> {
        let tagger = TokenTagger::load(
            &model.spec.name,
            &model.dir,
            model.spec.architecture,
            runtime.for_model(model.spec.precision),
            windowing,
        )?;
        let tags = tagger
            .labels()
            .names
            .iter()
            .map(|name| {
                Tag::parse(name).ok_or_else(|| ModelError::Labels {
                    model: model.spec.name.clone(),
                    problem: format!(
                        "label {name:?} is not an attribution tag: a tagger's id2label must use O and \
                         B-/I- with SOURCE, CUE or CONTENT"
                    ),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(LearnedExtractor {
            tagger: Mutex::new(tagger),
            tags,
            settings,
        })
    }

    /// The best tag of every token of the document.
    pub fn token_tags(&self, doc: &Document) -> Result<Vec<TokenTag>, ExtractError> {
        Ok(self.token_tags_many(&[doc.text])?.pop().unwrap_or_default())
    }

    /// The best tag of every token of each text, the texts' windows batched together.
    pub fn token_tags_many(&self, texts: &[&str]) -> Result<Vec<Vec<TokenTag>>, ExtractError> {
        let tagged = {
            let tagger = self.tagger.lock().map_err(|_| ExtractError::Poisoned)?;
            tagger.tag_many(texts)?
        };
        Ok(tagged
            .into_iter()
            .map(|tokens| {
                tokens
                    .into_iter()
                    .map(|t| {
                        let (tag, probability) = choose_tag(&t.probabilities, &self.tags, &self.settings);
                        TokenTag {
                            start: t.start,
                            end: t.end,
                            tag,
                            probability,
                        }
                    })
                    .collect()
            })
            .collect())
    }

    /// Each document's attributions, tagged together; where that fails, one document at
    /// a time, so that only a document that fails alone is lost.
    pub fn extract_each(&self, docs: &[Document]) -> Vec<Result<Vec<Attribution>, ExtractError>> {
        let texts: Vec<&str> = docs.iter().map(|d| d.text).collect();
        match self.token_tags_many(&texts) {
            Ok(tags) => docs
                .par_iter()
                .zip(tags)
                .map(|(doc, tags)| Ok(decode(doc, &tags, &self.settings)))
                .collect(),
            Err(e) => {
                tracing::warn!(
                    "tagging {} documents together failed ({e}); tagging them one by one",
                    docs.len()
                );
                docs.par_iter().map(|doc| self.extract(doc)).collect()
            }
        }
    }
}

impl Extractor for LearnedExtractor {
    fn name(&self) -> &'static str {
        "learned"
    }

    fn extract(&self, doc: &Document) -> Result<Vec<Attribution>, ExtractError> {
        Ok(decode(doc, &self.token_tags(doc)?, &self.settings))
    }

    fn extract_many(&self, docs: &[Document]) -> Vec<Result<Vec<Attribution>, ExtractError>> {
        self.extract_each(docs)
    }
}
