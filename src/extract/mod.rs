//! Extract stage: who said what, as (speaker, cue, content) spans.
//!
//! An [`Extractor`] turns a prepared [`Document`] into [`Attribution`]s with byte spans.
//! Which speaker mention denotes which actor is the actors stage's business, so a
//! learned tagger can later sit behind the same trait.

mod lexicon;
mod rules;

use serde::{Deserialize, Serialize};

use crate::text::{Document, Span};

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

/// Finds attributions in one document.
pub trait Extractor: Send + Sync {
    fn name(&self) -> &'static str;
    fn extract(&self, doc: &Document) -> Vec<Attribution>;
}

/// The extractor a run uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ExtractorConfig {
    /// Quotation marks, a lexicon of cue verbs and clause patterns.
    #[default]
    Rules,
}

impl ExtractorConfig {
    pub fn build(&self) -> Box<dyn Extractor> {
        match self {
            ExtractorConfig::Rules => Box::new(RuleExtractor::default()),
        }
    }
}
