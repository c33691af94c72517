//! What was said: where a cue's content starts and ends, colon and transcript lines,
//! `according to`, and the text a content piece keeps.

use super::*;

/// The paragraph after byte `from`, when it opens with a quotation mark.
pub(super) fn next_paragraph_quote(doc: &Document, from: usize) -> Option<Span> {
    let rest = &doc.text[from..];
    let offset = rest.find('\n')?;
    let start = from + offset + rest[offset..].len() - rest[offset..].trim_start().len();
    if !doc.text[start..].starts_with(['"', '“', '`']) {
        return None;
    }
    let end = doc.text[start..].find('\n').map_or(doc.text.len(), |e| start + e);
    let span = trim_content(doc.text, Span::new(start, end));
    (!span.is_empty()).then_some(span)
}

/// `Pat Caddell: Democrat voters are worried` and transcript lines (`PENCE: Well,
/// look ...`): a name, a colon, and what they said to the end of the paragraph.
pub(super) fn colon_statement(view: &SentenceView) -> Option<Candidate> {
    let mut first = 0;
    while first < view.len() && view.is_quote_mark(first) {
        first += 1;
    }
    let colon = (first..view.len().min(first + 7)).find(|&i| view.is_punct(i, ":"))?;
    let all_caps = (first..colon).all(|i| {
        view.tokens[i]
            .span
            .slice(view.doc.text)
            .chars()
            .all(|c| !c.is_lowercase())
    });
    let name_ok = colon > first
        && (colon - first <= 3 || all_caps)
        && (first..colon).all(|i| view.tokens[i].is_word && (view.tokens[i].capitalized || view.is(i, "of")))
        && view.tokens[first].capitalized;
    let inside_opening_quote = first > 0 && view.quoted[colon];
    if !name_ok || view.quoted[colon] && !inside_opening_quote || view.words_between(colon + 1, view.len()) < 3 {
        return None;
    }
    let text = view.doc.text;
    let after = view.tokens[colon].span.end;
    let paragraph_end = text[after..].find('\n').map_or(text.len(), |e| after + e);
    let content = trim_content(text, Span::new(after, paragraph_end));
    let content = match view.doc.quote_at(content.start) {
        Some(q) if view.doc.quotes[q].outer.start == content.start => content.union(view.doc.quotes[q].outer),
        _ => content,
    };
    Some(Candidate {
        speaker: view.span_of(first, colon),
        antecedent: None,
        cue: view.tokens[colon].span,
        pieces: vec![content],
        descriptive: false,
        base_confidence: 0.6,
    })
}

/// Where the content of a cue starts: after its object (`told reporters`), a time or
/// place adjunct (`said on Sunday`, `wrote on X:`), `that`, or a colon.
pub(super) fn content_start(view: &SentenceView, after_cue: usize, word: CueWord) -> usize {
    let mut i = after_cue;
    let n = view.len();
    let window_end = (i + 9).min(n);
    let marker = (i..window_end).find(|&j| {
        !view.quoted[j]
            && (view.is(j, "that") || view.is_punct(j, ":") || view.opens_quote(j).is_some() || view.is_punct(j, ","))
    });
    let clause_word = |j: usize| {
        view.word(j)
            .is_some_and(|w| matches!(w, "and" | "but" | "because" | "if" | "whether"))
    };
    if word.takes_object || view.word(i).is_some_and(opens_adjunct) {
        if let Some(m) = marker {
            if !(i..m).any(clause_word) && (m - i) <= 8 {
                i = if view.opens_quote(m).is_some() { m } else { m + 1 };
            }
        } else if word.takes_object {
            // told reporters the war must end: skip a short object.
            while i < n
                && view.tokens[i].is_word
                && (view.tokens[i].capitalized || is_object_word(&view.tokens[i].lower))
                && i - after_cue < 4
            {
                i += 1;
            }
        }
    }
    while i < n && (view.is(i, "that") || view.is_punct(i, ":,")) {
        i += 1;
    }
    i
}

pub(super) fn is_object_word(lower: &str) -> bool {
    matches!(
        lower,
        "him"
            | "her"
            | "them"
            | "me"
            | "us"
            | "reporters"
            | "journalists"
            | "supporters"
            | "the"
            | "a"
            | "an"
            | "crowd"
            | "audience"
            | "voters"
            | "lawmakers"
            | "congress"
            | "colleagues"
            | "members"
            | "listeners"
            | "viewers"
            | "his"
            | "their"
            | "allies"
            | "donors"
    )
}

/// Descriptive cues take their object with the characterisation: `described [the
/// talks as “useful”]`, `called [half of his supporters “deplorables”]`. The pattern
/// itself (an `as`, or a quotation) was checked when the cue was found.
pub(super) fn descriptive_start(view: &SentenceView, cue: &Cue, _word: CueWord) -> Option<usize> {
    (cue.last + 1 < view.len()).then_some(cue.last + 1)
}

/// The content from token `from` to token `limit` (exclusive), when it is a clause
/// (two words or more) or begins with a quotation; a quotation reaching beyond the
/// sentence is taken whole.
pub(super) fn right_content(view: &SentenceView, from: usize, limit: usize) -> Option<Span> {
    let limit = limit.min(view.len());
    if from >= limit {
        return None;
    }
    let starts_quote = view.opens_quote(from);
    if view.words_between(from, limit) < 2 && starts_quote.is_none() {
        return None;
    }
    let mut span = view.span_of(from, limit)?;
    if let Some(q) = starts_quote {
        let quote = view.doc.quotes[q];
        // Multi-sentence quotations run past this sentence.
        if quote.outer.end > span.end || view.words_between(view.token_at_or_after(quote.outer.end), limit) == 0 {
            span = span.union(quote.outer);
            if quote.outer.end >= span.end || limit >= view.len() {
                span.end = quote.outer.end.max(span.end.min(view.span.end));
            }
        }
    }
    let span = trim_content(view.doc.text, span);
    (!span.is_empty()).then_some(span)
}

/// The content before an attribution that comes last: from the start of the sentence
/// (or the quotation it ends in) to the comma before the speaker.
pub(super) fn left_content(view: &SentenceView, speaker_token: usize) -> Option<Span> {
    let mut end = speaker_token;
    // Allow `, ”` / `,”` / `—` between the content and the speaker.
    while end > 0 && !view.tokens[end - 1].is_word {
        end -= 1;
    }
    if end == speaker_token {
        return None; // no punctuation: "Smith said" mid-clause is not an afterthought
    }
    let before = view.span_of(0, end).map(|s| Span::new(view.span.start, s.end));
    let mark_pos = view.tokens[speaker_token - 1].span.start;
    let quote = view.doc.quote_at(mark_pos).or_else(|| {
        (end > 0)
            .then(|| view.doc.quote_at(view.tokens[end - 1].span.start))
            .flatten()
    });
    let span = match (quote, before) {
        (Some(q), Some(before)) => view.doc.quotes[q].outer.union(before),
        (Some(q), None) => view.doc.quotes[q].outer,
        (None, Some(before)) => before,
        (None, None) => return None,
    };
    // A quotation that started in an earlier sentence: take it from its start only.
    let span = match quote {
        Some(q) if view.doc.quotes[q].outer.start < view.span.start => Span::new(
            view.doc.quotes[q].outer.start,
            span.end
                .max(view.doc.quotes[q].outer.end)
                .min(mark_pos.max(view.doc.quotes[q].outer.end)),
        ),
        _ => span,
    };
    if view.words_between(0, end) < 2 && quote.is_none() {
        return None;
    }
    let span = trim_content(view.doc.text, span);
    (!span.is_empty()).then_some(span)
}

pub(super) fn according_to(view: &SentenceView, cue: &Cue, limit: usize) -> Option<Candidate> {
    let (speaker, after) = phrase_after(view, cue.last + 1, 10)?;
    let limit_token = view.token_at_or_after(limit);
    let cue_span = Span::new(view.tokens[cue.first].span.start, view.tokens[cue.last].span.end);
    let pieces = if view.words_between(0, cue.first) >= 3 {
        let mut end = cue.first;
        while end > 0 && !view.tokens[end - 1].is_word {
            end -= 1;
        }
        let span = trim_content(view.doc.text, Span::new(view.span.start, view.tokens[end - 1].span.end));
        let span = match view.doc.quote_at(view.tokens[end - 1].span.start) {
            Some(q) => span.union(view.doc.quotes[q].inner),
            None => span,
        };
        vec![span]
    } else {
        let from = if view.is_punct(after, ",") { after + 1 } else { after };
        vec![right_content(view, from, limit_token)?]
    };
    Some(Candidate {
        speaker: Some(speaker),
        antecedent: None,
        cue: cue_span,
        pieces,
        descriptive: false,
        base_confidence: 0.8,
    })
}

/// Trims white space and edge punctuation; a span that is exactly one quotation keeps
/// its marks here (they are dropped from the text later).
pub(super) fn trim_content(text: &str, span: Span) -> Span {
    let mut span = trim_span(text, span, CONTENT_EDGE);
    // A final period belongs to the sentence, not the content, outside quotations.
    let slice = span.slice(text);
    if slice.ends_with('.') && !slice.ends_with("..") {
        let last_word = slice[..slice.len() - 1]
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("");
        if !last_word.contains('.') {
            span.end -= 1;
            span = trim_span(text, span, CONTENT_EDGE);
        }
    }
    span
}

/// Is `piece` the quotation `q` (with or without its marks and edge punctuation)?
pub(super) fn quote_equivalent(text: &str, q: &crate::text::QuotePiece, piece: Span) -> bool {
    let inner = trim_content(text, trim_span(text, q.inner, QUOTE_MARKS));
    let piece = trim_content(text, trim_span(text, piece, QUOTE_MARKS));
    inner == piece || q.outer.covers(piece) && piece.len() * 10 >= inner.len() * 9
}

/// The words of a content piece: without enclosing quotation marks when the piece is
/// one quotation.
pub(super) fn piece_text(doc: &Document, piece: Span) -> String {
    let slice = piece.slice(doc.text);
    let inner = trim_span(doc.text, piece, QUOTE_MARKS);
    let single_quote = doc.quotes.iter().filter(|q| piece.covers(q.outer)).count() <= 1
        && doc
            .quotes
            .iter()
            .any(|q| q.outer.covers(piece) || piece == q.outer || trim_span(doc.text, q.outer, CONTENT_EDGE) == piece);
    let text = if single_quote {
        trim_span(doc.text, inner, CONTENT_EDGE).slice(doc.text)
    } else {
        slice
    };
    text.trim().to_string()
}
