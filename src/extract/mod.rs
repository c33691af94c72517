//! Extract stage: who said what, as (speaker, cue, content) spans.
//!
//! An [`Extractor`] turns a prepared [`Document`] into [`Attribution`]s with byte spans.
//! Three sit behind the trait: [`RuleExtractor`] (quotation marks, cue lexicon, clause
//! patterns), [`LearnedExtractor`] (a token tagger trained on PolNeAR, read by
//! [`decode`]) and [`HybridExtractor`] (both). Which speaker mention denotes which
//! actor is the actors stage's business.

pub mod decode;
mod hybrid;
pub mod interview;
mod learned;
mod lexicon;
mod rules;

use serde::{Deserialize, Serialize};

use crate::models::{ModelError, ResolvedModel, Windowing};
use crate::text::{Document, Span};

pub use decode::DecoderSettings;
pub use hybrid::{combine, overlap_ratio, HybridExtractor};
pub use learned::LearnedExtractor;
pub use rules::RuleExtractor;

/// How the content is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    /// Quoted words: `"The war must end," Zelensky wrote.`
    Direct,
    /// Reported speech or thought: `Trump has admitted that ...`.
    Indirect,
    /// Reported speech holding quoted words: `said the vote was "rigged"`.
    Mixed,
    /// A characterisation: `described the talks as "highly productive"`.
    Descriptive,
}

impl StatementKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            StatementKind::Direct => "direct",
            StatementKind::Indirect => "indirect",
            StatementKind::Mixed => "mixed",
            StatementKind::Descriptive => "descriptive",
        }
    }
}

/// One attribution found in a text, with byte spans into it.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    /// The mention of who said it (a name, a title, a pronoun), when found.
    pub speaker: Option<Span>,
    /// What a relative `who`/`which` speaker refers to (`Smith, who said`).
    pub antecedent: Option<Span>,
    /// The cue: the verb phrase or marker of saying (`wrote on X`, `according to`).
    pub cue: Option<Span>,
    /// From the first to the last character attributed (quotes split by the
    /// attribution are covered whole).
    pub content: Span,
    /// The attributed words: the quoted text without its marks, split quotations
    /// joined with a space, or the reported clause.
    pub content_text: String,
    pub kind: StatementKind,
    /// The sentences the cue and content stand in.
    pub sentences: Span,
    /// 0..1: how sure the extractor is of this attribution.
    pub confidence: f32,
}

/// Prepositions that open a circumstance of the saying, not what was said.
const CIRCUMSTANCE_OPENERS: &[&str] = &["in", "at", "on", "about", "during"];

/// Whether reported content is only a circumstance of the saying: a short phrase
/// opened by a preposition of place, time or topic (`told lawmakers | in the
/// capital`, `told CNBC | in August`, `asked | about finances`) is no proposition,
/// so no statement. Longer contents opened so ("In July, the board voted …") can
/// hold one and are kept.
pub fn is_circumstance(kind: StatementKind, content: &str) -> bool {
    let mut words = content.split_whitespace();
    let opens_with_preposition = words
        .next()
        .is_some_and(|w| CIRCUMSTANCE_OPENERS.contains(&w.to_lowercase().as_str()));
    kind == StatementKind::Indirect && opens_with_preposition && words.count() < 6
}

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("the attribution tagger failed on an earlier document and cannot be used: rerun")]
    Poisoned,
}

/// Finds attributions in one document, or in many at once.
pub trait Extractor: Send + Sync {
    fn name(&self) -> &'static str;
    fn extract(&self, doc: &Document) -> Result<Vec<Attribution>, ExtractError>;

    /// Each document's attributions (a run passes a chunk's articles). Extractors that
    /// run a model batch across the documents; the rules take them in parallel.
    fn extract_many(&self, docs: &[Document]) -> Vec<Result<Vec<Attribution>, ExtractError>> {
        use rayon::prelude::*;
        docs.par_iter().map(|doc| self.extract(doc)).collect()
    }
}

/// The attribution tagger a learned or hybrid extractor runs, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaggerConfig {
    pub model: ResolvedModel,
    /// Tokens per window (special tokens included) and tokens shared by neighbours.
    pub window: usize,
    pub overlap: usize,
    pub batch_size: usize,
    #[serde(default)]
    pub decoder: DecoderSettings,
}

impl TaggerConfig {
    pub fn new(model: ResolvedModel) -> Self {
        let w = Windowing::default();
        TaggerConfig {
            model,
            window: w.window,
            overlap: w.overlap,
            batch_size: w.batch_size,
            decoder: DecoderSettings::default(),
        }
    }

    fn load(&self, runtime: crate::models::Runtime) -> Result<LearnedExtractor, ModelError> {
        let windowing = Windowing {
            window: self.window,
            overlap: self.overlap,
            batch_size: self.batch_size,
        };
        LearnedExtractor::load(&self.model, runtime, windowing, self.decoder)
    }
}

/// Which extractor the user asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtractorChoice {
    Rules,
    Learned,
    Hybrid,
}

impl ExtractorChoice {
    pub fn as_str(&self) -> &'static str {
        match self {
            ExtractorChoice::Rules => "rules",
            ExtractorChoice::Learned => "learned",
            ExtractorChoice::Hybrid => "hybrid",
        }
    }
}

/// The extractor a run uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ExtractorConfig {
    /// Quotation marks, a lexicon of cue verbs and clause patterns.
    #[default]
    Rules,
    /// The attribution tagger alone.
    Learned { tagger: TaggerConfig },
    /// The tagger, completed by the rules.
    Hybrid { tagger: TaggerConfig },
}

impl ExtractorConfig {
    /// The extractor, made transcript-aware ([`interview`]): in an interview the turn
    /// labels say who speaks. Contents that are only a circumstance of the saying
    /// ([`is_circumstance`]) are dropped there too, whichever extractor found them.
    pub fn build(&self, runtime: crate::models::Runtime) -> Result<Box<dyn Extractor>, ModelError> {
        let inner: Box<dyn Extractor> = match self {
            ExtractorConfig::Rules => Box::new(RuleExtractor::default()),
            ExtractorConfig::Learned { tagger } => Box::new(tagger.load(runtime)?),
            ExtractorConfig::Hybrid { tagger } => Box::new(HybridExtractor {
                rules: RuleExtractor::default(),
                learned: tagger.load(runtime)?,
            }),
        };
        Ok(Box::new(interview::TranscriptAware { inner }))
    }

    pub fn choice(&self) -> ExtractorChoice {
        match self {
            ExtractorConfig::Rules => ExtractorChoice::Rules,
            ExtractorConfig::Learned { .. } => ExtractorChoice::Learned,
            ExtractorConfig::Hybrid { .. } => ExtractorChoice::Hybrid,
        }
    }

    pub fn name(&self) -> &'static str {
        self.choice().as_str()
    }

    pub fn tagger(&self) -> Option<&TaggerConfig> {
        match self {
            ExtractorConfig::Rules => None,
            ExtractorConfig::Learned { tagger } | ExtractorConfig::Hybrid { tagger } => Some(tagger),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_circumstance_is_no_content() {
        for content in [
            "in the capital",
            "In August",
            "about finances",
            "on Thursday",
            "at the scene",
        ] {
            assert!(is_circumstance(StatementKind::Indirect, content), "{content}");
        }
        // A clause after the preposition, a quotation, or other openers stay statements.
        for content in [
            "In July, the board voted to close the plant",
            "that he was ready",
            "to leave",
            "for a ceasefire",
        ] {
            assert!(!is_circumstance(StatementKind::Indirect, content), "{content}");
        }
        assert!(!is_circumstance(StatementKind::Direct, "In my head, anyway."));
    }
}
