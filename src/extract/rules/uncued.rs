//! Quotations no cue claimed: a dash and a name after them, the continuation of the
//! previous quotation, or the nearest speaker before them.

use super::*;

impl RuleExtractor {
    /// Quotations no cue claimed: news continues a speaker's quote in the next
    /// sentence or paragraph without repeating the attribution.
    pub(super) fn attribute_uncued_quotes(&self, doc: &Document, found: &mut Vec<Attribution>) {
        for quote in doc.quotes.iter().filter(|q| q.double) {
            let words = quote.inner.slice(doc.text).split_whitespace().count();
            if words < self.min_orphan_quote_words.min(2) || found.iter().any(|a| a.content.overlaps(quote.outer)) {
                continue;
            }
            let nearest = found
                .iter()
                .enumerate()
                .filter(|(_, a)| a.speaker.is_some() && a.content.end <= quote.outer.start)
                .filter(|(_, a)| quote.outer.start - a.content.end <= self.orphan_reach)
                .max_by_key(|(_, a)| a.content.end)
                .map(|(i, _)| i);
            let content = trim_content(doc.text, quote.outer);
            if let Some((speaker, dash)) = dash_attribution(doc, quote.outer.end) {
                found.push(Attribution {
                    speaker: Some(speaker),
                    antecedent: None,
                    cue: Some(dash),
                    content,
                    content_text: piece_text(doc, content),
                    kind: StatementKind::Direct,
                    sentences: sentences_around(doc, content),
                    confidence: 0.7,
                });
                continue;
            }
            let Some(nearest) = nearest else { continue };
            let previous = &found[nearest];
            // `“Here he is,” she said. “Donald’s here.”`: one statement split by its
            // attribution, across a sentence boundary.
            let attribution_end = previous
                .cue
                .map_or(previous.content.end, |c| c.end.max(previous.content.end));
            let gap = &doc.text[attribution_end.min(quote.outer.start)..quote.outer.start];
            let continues = previous.kind == StatementKind::Direct
                && previous.cue.is_some_and(|c| c.start >= previous.content.end)
                && !gap.contains('\n')
                && gap.len() < 60;
            if continues {
                let previous = &mut found[nearest];
                previous.content = previous.content.union(content);
                previous.content_text = format!("{} {}", previous.content_text, piece_text(doc, content));
                previous.sentences = previous.sentences.union(sentences_around(doc, content));
                continue;
            }
            if words < self.min_orphan_quote_words {
                continue;
            }
            let (speaker, antecedent) = (previous.speaker, previous.antecedent);
            found.push(Attribution {
                speaker,
                antecedent,
                cue: None,
                content,
                content_text: piece_text(doc, content),
                kind: StatementKind::Direct,
                sentences: sentences_around(doc, content),
                confidence: 0.5,
            });
        }
    }
}

/// `“...” ― Adriana Rodarte` or `"..." - Sen. Smith`: a dash and a name closing the
/// line right after a quotation. Returns the name and the dash.
pub(super) fn dash_attribution(doc: &Document, after: usize) -> Option<(Span, Span)> {
    let rest = &doc.text[after..];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let trimmed = line.trim_start();
    let dash_at = after + (line.len() - trimmed.len());
    let dash = trimmed.chars().next().filter(|c| matches!(c, '―' | '—' | '–' | '-'))?;
    let name_part = trimmed[dash.len_utf8()..].trim();
    let words: Vec<&str> = name_part.split_whitespace().collect();
    let looks_like_name = (1..=5).contains(&words.len())
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()) || matches!(*w, "of" | "de" | "van" | "von"))
        && !name_part.ends_with(['.', '?', '!'])
        || words.len() == 1 && name_part.len() > 2;
    if !looks_like_name || words.is_empty() {
        return None;
    }
    let name_start =
        dash_at + dash.len_utf8() + (trimmed[dash.len_utf8()..].len() - trimmed[dash.len_utf8()..].trim_start().len());
    let speaker = Span::new(name_start, name_start + name_part.len());
    Some((speaker, Span::new(dash_at, dash_at + dash.len_utf8())))
}

/// The sentences a span touches, as one span.
pub(super) fn sentences_around(doc: &Document, span: Span) -> Span {
    let mut sentences = span;
    for s in [doc.sentence_at(span.start), doc.sentence_at(span.end.saturating_sub(1))]
        .into_iter()
        .flatten()
    {
        sentences = sentences.union(doc.sentences[s]);
    }
    sentences
}
