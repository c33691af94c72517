//! From BIO tags on tokens to (source, cue, content) attributions.
//!
//! The tagger marks spans; which source and cue go with which content is decided
//! here: content pieces split by an inserted `she said` are joined, each content is
//! paired with the nearest cue in its paragraph and each cue with the nearest
//! source, so that `"A," said X, "B."`, `X said that A`, `A, X said` and
//! `A, according to X` all come out whole.

use serde::{Deserialize, Serialize};

use super::{Attribution, StatementKind};
use crate::text::{trim_span, Document, Span};

/// An attribution role the tagger marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Source,
    Cue,
    Content,
}

/// What a label means: outside any span, or the beginning or inside of a role's span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    Outside,
    Begin(Role),
    Inside(Role),
}

impl Tag {
    pub fn role(self) -> Option<Role> {
        match self {
            Tag::Outside => None,
            Tag::Begin(r) | Tag::Inside(r) => Some(r),
        }
    }

    /// `O`, `B-SOURCE`, `I-CUE`, `B-CONTENT`, ... (case does not matter).
    pub fn parse(label: &str) -> Option<Tag> {
        let upper = label.trim().to_ascii_uppercase();
        if upper == "O" {
            return Some(Tag::Outside);
        }
        let (prefix, role) = upper.split_once('-')?;
        let role = match role {
            "SOURCE" => Role::Source,
            "CUE" => Role::Cue,
            "CONTENT" => Role::Content,
            _ => return None,
        };
        match prefix {
            "B" => Some(Tag::Begin(role)),
            "I" => Some(Tag::Inside(role)),
            _ => None,
        }
    }
}

/// One token's best tag and its probability.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TokenTag {
    pub start: usize,
    pub end: usize,
    pub tag: Tag,
    pub probability: f32,
}

/// A run of tokens with one role.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoleSpan {
    pub role: Role,
    pub span: Span,
    /// Mean probability of the tokens' tags.
    pub confidence: f32,
}

/// How spans are paired; distances in bytes of text between the spans.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DecoderSettings {
    /// Farthest a cue may stand from its content.
    pub max_cue_gap: usize,
    /// Farthest a source may stand from its cue (or, with no cue, from the content).
    pub max_source_gap: usize,
    /// Contents with no cue in reach are kept only at this mean tag probability or above.
    pub cueless_min_confidence: f32,
    /// Contents shorter than this many bytes are dropped (stray tokens).
    pub min_content_bytes: usize,
    /// A token the tagger puts outside any span still counts as a cue (source) when
    /// its cue (source) labels together reach this probability: the tagger misses
    /// cues more often than it invents them, and a missed cue pairs a content with
    /// the wrong speaker.
    pub cue_threshold: f32,
    pub source_threshold: f32,
    /// A source span whose tags average this probability is taken before a nearer,
    /// less certain one (on PolNeAR dev, learned speakers were right 0.55–0.69 of the
    /// time below 0.7 and 0.94–0.98 above 0.8; hybrid speaker accuracy 0.899 → 0.908,
    /// flat between 0.5 and 0.7).
    pub confident_source: f32,
    /// Attributions below this confidence are dropped (chosen on PolNeAR dev: F1 at
    /// IoU 0.5 rises from 0.642 to 0.674 for the tagger alone).
    pub min_confidence: f32,
}

impl Default for DecoderSettings {
    fn default() -> Self {
        DecoderSettings {
            max_cue_gap: 120,
            max_source_gap: 80,
            cueless_min_confidence: 0.8,
            min_content_bytes: 8,
            cue_threshold: 0.3,
            source_threshold: 0.3,
            confident_source: 0.6,
            min_confidence: 0.6,
        }
    }
}

/// A token's tag from its label probabilities (`tags[i]` is label `i`): the most
/// probable, except that an outside token goes to a cue or source whose labels
/// together pass their threshold.
pub fn choose_tag(probabilities: &[f32], tags: &[Tag], settings: &DecoderSettings) -> (Tag, f32) {
    let (best, p) = probabilities
        .iter()
        .copied()
        .enumerate()
        .fold((0, f32::MIN), |acc, (i, p)| if p > acc.1 { (i, p) } else { acc });
    let tag = tags.get(best).copied().unwrap_or(Tag::Outside);
    if tag != Tag::Outside {
        return (tag, p);
    }
    for (role, threshold) in [
        (Role::Cue, settings.cue_threshold),
        (Role::Source, settings.source_threshold),
    ] {
        let mut begin = 0f32;
        let mut inside = 0f32;
        for (t, q) in tags.iter().zip(probabilities) {
            match t {
                Tag::Begin(r) if *r == role => begin += q,
                Tag::Inside(r) if *r == role => inside += q,
                _ => {}
            }
        }
        if begin + inside >= threshold {
            let tag = if begin >= inside {
                Tag::Begin(role)
            } else {
                Tag::Inside(role)
            };
            return (tag, begin + inside);
        }
    }
    (tag, p)
}

/// Runs of equal role become spans; a `B-` tag, or an `I-` tag after another role,
/// starts a new one.
pub fn role_spans(tokens: &[TokenTag]) -> Vec<RoleSpan> {
    let mut out: Vec<RoleSpan> = Vec::new();
    let mut current: Option<(Role, Span, f32, usize)> = None;
    let close = |current: &mut Option<(Role, Span, f32, usize)>, out: &mut Vec<RoleSpan>| {
        if let Some((role, span, sum, n)) = current.take() {
            out.push(RoleSpan {
                role,
                span,
                confidence: sum / n.max(1) as f32,
            });
        }
    };
    for t in tokens {
        match t.tag {
            Tag::Outside => close(&mut current, &mut out),
            Tag::Begin(role) => {
                close(&mut current, &mut out);
                current = Some((role, Span::new(t.start, t.end), t.probability, 1));
            }
            Tag::Inside(role) => match &mut current {
                Some((r, span, sum, n)) if *r == role => {
                    span.end = t.end;
                    *sum += t.probability;
                    *n += 1;
                }
                _ => {
                    close(&mut current, &mut out);
                    current = Some((role, Span::new(t.start, t.end), t.probability, 1));
                }
            },
        }
    }
    close(&mut current, &mut out);
    out
}

/// Widens a span to whole words: a tag may start or end inside a word (on a subword).
fn snap_to_words(text: &str, span: Span) -> Span {
    let mut start = span.start.min(text.len());
    while let Some(c) = text[..start].chars().next_back() {
        if !c.is_alphanumeric() || !text[start..].starts_with(|n: char| n.is_alphanumeric()) {
            break;
        }
        start -= c.len_utf8();
    }
    let mut end = span.end.clamp(start, text.len());
    while let Some(c) = text[end..].chars().next() {
        if !c.is_alphanumeric() || !text[..end].ends_with(|p: char| p.is_alphanumeric()) {
            break;
        }
        end += c.len_utf8();
    }
    Span::new(start, end)
}

fn split_at_blank_lines(text: &str, span: RoleSpan) -> Vec<RoleSpan> {
    let mut out = Vec::new();
    let mut start = span.span.start;
    let body = span.span.slice(text);
    for (i, _) in body.match_indices("\n\n") {
        let at = span.span.start + i;
        if at > start {
            out.push(RoleSpan {
                span: trim_span(text, Span::new(start, at), &[]),
                ..span
            });
        }
        start = at + 2;
    }
    if span.span.end > start {
        out.push(RoleSpan {
            span: trim_span(text, Span::new(start, span.span.end), &[]),
            ..span
        });
    }
    out
}

/// Bytes of text between two spans (0 when they touch or overlap).
fn gap(a: Span, b: Span) -> usize {
    if a.end <= b.start {
        b.start - a.end
    } else if b.end <= a.start {
        a.start - b.end
    } else {
        0
    }
}

fn between(a: Span, b: Span) -> Span {
    if a.end <= b.start {
        Span::new(a.end, b.start)
    } else if b.end <= a.start {
        Span::new(b.end, a.start)
    } else {
        Span::new(a.start.max(b.start), a.start.max(b.start))
    }
}

fn same_paragraph(text: &str, a: Span, b: Span) -> bool {
    !between(a, b).slice(text).contains('\n')
}

fn is_filler(c: char) -> bool {
    c.is_whitespace() && c != '\n' || matches!(c, ',' | ';' | ':' | '—' | '–' | '-' | '.' | '…') || is_quote_mark(c)
}

fn is_quote_mark(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '‘' | '’' | '`' | '\'' | '«' | '»')
}

/// The text of `within` outside the given spans (all inside it; they may overlap).
fn text_outside(text: &str, within: Span, spans: &[&RoleSpan]) -> String {
    let mut sorted: Vec<Span> = spans.iter().map(|s| s.span).collect();
    sorted.sort_by_key(|s| s.start);
    let mut rest = String::new();
    let mut at = within.start;
    for s in sorted {
        if s.start > at {
            rest.push_str(&text[at..s.start]);
        }
        at = at.max(s.end);
    }
    rest.push_str(&text[at.min(within.end)..within.end]);
    rest
}

/// A content, its pieces, and the cue and source found between its pieces.
struct Group {
    pieces: Vec<RoleSpan>,
    cue: Option<RoleSpan>,
    source: Option<RoleSpan>,
}

impl Group {
    fn span(&self) -> Span {
        let start = self.pieces.first().map_or(0, |p| p.span.start);
        let end = self.pieces.last().map_or(0, |p| p.span.end);
        Span::new(start, end)
    }

    fn confidence(&self) -> f32 {
        let total: usize = self.pieces.iter().map(|p| p.span.len()).sum();
        let weighted: f32 = self.pieces.iter().map(|p| p.confidence * p.span.len() as f32).sum();
        weighted / total.max(1) as f32
    }
}

/// Joins content pieces that only an inserted cue (with its source) and punctuation
/// separate: `“A,” said X, “B.”`.
fn group_contents(text: &str, spans: &[RoleSpan]) -> Vec<Group> {
    let mut contents: Vec<RoleSpan> = spans.iter().filter(|s| s.role == Role::Content).copied().collect();
    contents.sort_by_key(|s| s.span.start);
    let mut groups: Vec<Group> = Vec::new();
    for piece in contents {
        if let Some(last) = groups.last_mut() {
            let prev = last.pieces[last.pieces.len() - 1].span;
            let gap_span = Span::new(prev.end, piece.span.start.max(prev.end));
            let inside: Vec<&RoleSpan> = spans
                .iter()
                .filter(|s| s.role != Role::Content && gap_span.covers(s.span))
                .collect();
            let cues: Vec<&&RoleSpan> = inside.iter().filter(|s| s.role == Role::Cue).collect();
            let rest = text_outside(text, gap_span, &inside);
            let source = inside.iter().find(|s| s.role == Role::Source).map(|s| **s);
            // `A, who has called B`: a relative clause's speaker opens its own statement;
            // what stands before the relative pronoun is its antecedent's sentence.
            let relative_source = inside.iter().any(|s| {
                s.role == Role::Source && matches!(s.span.slice(text).to_lowercase().as_str(), "who" | "which")
            });
            // A piece that ends its sentence ("… cities.") has the full stop inside it.
            let across_full_stop = rest.contains(FULL_STOPS) || ends_sentence(prev.slice(text));
            // Only one cue, a source and punctuation stand between the two pieces.
            let attribution_between =
                last.cue.is_none() && cues.len() == 1 && source.is_some() && rest.chars().all(is_filler);
            if attribution_between && opens_quotation(prev.slice(text)) && !across_full_stop {
                if let Some(cue) = cue_taking_its_topic(text, cues[0].span, piece.span) {
                    last.cue = Some(RoleSpan { span: cue, ..**cues[0] });
                    last.source = source;
                    continue;
                }
            }
            // `“A,” said X, “B.”` is one statement (as PolNeAR joins them, also across the
            // full stop of `“A.” X said. “B.”` when both are quotations); `A, adding B` is two.
            // Across a full stop only when B has no attribution of its own after it
            // (`“A,” Warren said. “B,” she said` is two).
            if attribution_between
                && !relative_source
                && (!across_full_stop
                    || [prev, piece.span].iter().all(|p| opens_quotation(p.slice(text)))
                        && !has_own_cue_after(text, spans, piece.span))
            {
                last.cue = Some(**cues[0]);
                last.source = source;
                last.pieces.push(piece);
                continue;
            }
        }
        groups.push(Group {
            pieces: vec![piece],
            cue: None,
            source: None,
        });
    }
    groups
}

/// Prepositions that end a cue whose object is the topic of a question put to the
/// speaker (`said when asked about`), not what the speaker said.
const TOPIC_PREPOSITIONS: &[&str] = &["about", "on", "over", "regarding", "concerning"];

/// Whether a content opens with a topic preposition (`about the money …`).
pub fn opens_with_topic_preposition(content: &str) -> bool {
    content
        .split_whitespace()
        .next()
        .is_some_and(|w| TOPIC_PREPOSITIONS.contains(&w.to_lowercase().as_str()))
}

/// The cue widened over `piece` where `piece` is the topic its last word opens (`“A,”
/// Ilves said when asked about | the compromise`): the cue ends in a topic preposition,
/// only spaces stand between the two, and the piece is no quotation.
fn cue_taking_its_topic(text: &str, cue: Span, piece: Span) -> Option<Span> {
    let last_word = cue.slice(text).split_whitespace().last()?.to_lowercase();
    let adjacent = piece.start >= cue.end && text[cue.end..piece.start].chars().all(|c| c == ' ');
    let quoted = opens_quotation(piece.slice(text));
    (TOPIC_PREPOSITIONS.contains(&last_word.as_str()) && adjacent && !quoted).then(|| cue.union(piece))
}

/// Whether a piece opens with a quotation mark (NYT's ASCII quotes open with a backtick).
fn opens_quotation(piece: &str) -> bool {
    piece.starts_with(['"', '“', '‘', '`'])
}

/// What ends a sentence for the cue and join rules.
const FULL_STOPS: [char; 2] = ['.', '…'];

/// Whether a piece of text ends its sentence: a full stop last, before any closing
/// quotation marks (`… since independence.”` ends one as `… cities.` does; missing the
/// marks joined Ilves's quotation with Brenner's next sentence, `Brenner described it
/// as …`, into one statement of Ilves's).
fn ends_sentence(piece: &str) -> bool {
    piece.trim_end().trim_end_matches(is_quote_mark).ends_with(FULL_STOPS)
}

/// A cue right after `content` with only punctuation and a source between
/// (`“B,” she said`), before any further content.
fn has_own_cue_after(text: &str, spans: &[RoleSpan], content: Span) -> bool {
    spans
        .iter()
        .filter(|s| s.role == Role::Cue && s.span.start >= content.end)
        .min_by_key(|s| s.span.start)
        .is_some_and(|cue| binds_from_after(text, spans, content, cue.span))
}

/// A cue after a content is bound to it when only punctuation and sources stand
/// between them (`A, X said`).
fn binds_from_after(text: &str, spans: &[RoleSpan], content: Span, cue: Span) -> bool {
    outside_sources(text, spans, Span::new(content.end, cue.start))
        .chars()
        .all(is_filler)
}

/// The text of `between` without the sources inside it.
fn outside_sources(text: &str, spans: &[RoleSpan], between: Span) -> String {
    let sources: Vec<&RoleSpan> = spans
        .iter()
        .filter(|s| s.role == Role::Source && between.covers(s.span))
        .collect();
    text_outside(text, between, &sources)
}

/// Spans of `role` within `max_gap` of `anchor` in its paragraph, not inside `exclude`.
fn candidates<'s>(
    text: &'s str,
    spans: &'s [RoleSpan],
    role: Role,
    anchor: Span,
    exclude: Span,
    max_gap: usize,
) -> impl Iterator<Item = &'s RoleSpan> {
    spans.iter().filter(move |s| {
        s.role == role
            && !exclude.covers(s.span)
            && gap(s.span, anchor) <= max_gap
            && same_paragraph(text, s.span, anchor)
    })
}

/// The nearest span of `role` to `anchor` in the same paragraph, not inside `exclude`.
fn nearest(
    text: &str,
    spans: &[RoleSpan],
    role: Role,
    anchor: Span,
    exclude: Span,
    max_gap: usize,
) -> Option<RoleSpan> {
    candidates(text, spans, role, anchor, exclude, max_gap)
        // Ties go to the span before the anchor (`X said that ...`).
        .min_by_key(|s| (gap(s.span, anchor), s.span.start > anchor.start))
        .copied()
}

/// The cue of a content: one bound to it by position comes first, a cue right before
/// it (`said that A`, `said: A`) or one after it with only a source and punctuation
/// between (`A, X said`); else the nearest in its paragraph.
/// A `reported` (unquoted) content takes no cue across a full stop.
fn cue_of_content(text: &str, spans: &[RoleSpan], content: Span, reported: bool, max_gap: usize) -> Option<RoleSpan> {
    let bound = |cue: Span| -> bool {
        if cue.end <= content.start {
            // `said: A`, `said that A`, but not `said. A`: a full stop closes the cue's sentence.
            let gap = &text[cue.end..content.start];
            gap.chars().all(is_filler) && !gap.contains(FULL_STOPS)
        } else if cue.start >= content.end {
            binds_from_after(text, spans, content, cue)
        } else {
            false
        }
    };
    candidates(text, spans, Role::Cue, content, content, max_gap)
        .filter(|cue| !(reported && across_a_full_stop(text, spans, content, cue.span)))
        .min_by_key(|s| (!bound(s.span), gap(s.span, content), s.span.start > content.start))
        .copied()
}

/// Whether a full stop outside quotation marks and sources stands between `content`
/// and `other` (in either order). Reported speech is not attributed across one: in
/// "... impatience with Putin over attacks. The US president has long claimed ...",
/// the second sentence's cue and source are not the first sentence's.
fn across_a_full_stop(text: &str, spans: &[RoleSpan], content: Span, other: Span) -> bool {
    let between = if other.start >= content.end {
        Span::new(content.end, other.start)
    } else if other.end <= content.start {
        Span::new(other.end, content.start)
    } else {
        return false;
    };
    // A content that ends its sentence ("… cities.") has it ended, for what follows.
    let content_ends_sentence = other.start >= content.end && ends_sentence(content.slice(text));
    outside_sources(text, spans, between).contains(FULL_STOPS) || content_ends_sentence
}

/// The nearest source to `anchor` outside `exclude` (see [`nearest`]); for a
/// `reported` content, not one across a full stop from `exclude` and `anchor`.
fn nearest_source(
    text: &str,
    spans: &[RoleSpan],
    anchor: Span,
    exclude: Span,
    reported: bool,
    max_gap: usize,
) -> Option<RoleSpan> {
    nearest(text, spans, Role::Source, anchor, exclude, max_gap)
        .filter(|source| !(reported && across_a_full_stop(text, spans, exclude.union(anchor), source.span)))
}

/// The source of a cue, looked for where English puts it: before the cue when the
/// content follows (`X said that A`); between the content and the cue, or right
/// after the cue, when the content comes first (`A, X said`, `A, said X`).
fn source_of_cue(
    text: &str,
    spans: &[RoleSpan],
    cue: Span,
    content: Span,
    reported: bool,
    max_gap: usize,
    confident: f32,
) -> Option<RoleSpan> {
    let content_first = content.end <= cue.start;
    candidates(text, spans, Role::Source, cue, content, max_gap)
        .filter(|s| {
            if content_first {
                s.span.start >= content.end
            } else {
                s.span.end <= cue.start || s.span.start >= cue.end && s.span.end <= content.start
            }
        })
        .min_by_key(|s| (s.confidence < confident, gap(s.span, cue)))
        .copied()
        .or_else(|| nearest_source(text, spans, cue, content, reported, max_gap))
}

fn kind_of(text: &str, content: Span) -> StatementKind {
    let body = content
        .slice(text)
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | ';' | ':'));
    let opens = body.starts_with(['"', '“', '‘']) || body.starts_with("``");
    let closes = body.ends_with(['"', '”', '’']) || body.ends_with("''");
    if opens && closes {
        StatementKind::Direct
    } else if body.contains(['"', '“', '”']) || body.contains("``") {
        StatementKind::Mixed
    } else {
        StatementKind::Indirect
    }
}

fn piece_text(text: &str, piece: Span, kind: StatementKind) -> String {
    let mut s = piece.slice(text).trim();
    if kind == StatementKind::Direct {
        s = s.trim_matches(|c: char| is_quote_mark(c) || c.is_whitespace() || c == '`');
        s = s.trim_end_matches(',').trim_end();
    } else {
        // The complementiser stays: `content` is the article's words at the
        // statement's offsets, quotation marks and interruptions aside.
        s = s.trim_end_matches([',', ';']).trim_end();
    }
    s.to_string()
}

fn sentences_covering(doc: &Document, span: Span) -> Span {
    let first = doc
        .sentence_at(span.start)
        .and_then(|i| doc.sentences.get(i))
        .map(|s| s.start);
    let last = doc
        .sentence_at(span.end.saturating_sub(1).max(span.start))
        .and_then(|i| doc.sentences.get(i))
        .map(|s| s.end);
    Span::new(
        first.unwrap_or(span.start).min(span.start),
        last.unwrap_or(span.end).max(span.end),
    )
}

/// Attributions from a document's tagged tokens.
pub fn decode(doc: &Document, tokens: &[TokenTag], settings: &DecoderSettings) -> Vec<Attribution> {
    let text = doc.text;
    let mut spans = role_spans(tokens);
    for s in &mut spans {
        s.span = snap_to_words(text, s.span);
    }
    // A span does not run over a blank line (a headline into the first paragraph).
    let spans: Vec<RoleSpan> = spans
        .into_iter()
        .flat_map(|s| split_at_blank_lines(text, s))
        .filter(|s| s.span.slice(text).chars().any(char::is_alphanumeric))
        .collect();
    let mut out = Vec::new();
    for mut group in group_contents(text, &spans) {
        let content = group.span();
        if content.slice(text).trim().len() < settings.min_content_bytes {
            continue;
        }
        let kind = kind_of(text, content);
        let reported = kind == StatementKind::Indirect;
        if group.cue.is_none() {
            group.cue = cue_of_content(text, &spans, content, reported, settings.max_cue_gap);
        }
        if group.source.is_none() {
            group.source = match group.cue {
                Some(cue) => source_of_cue(
                    text,
                    &spans,
                    cue.span,
                    content,
                    reported,
                    settings.max_source_gap,
                    settings.confident_source,
                ),
                None => nearest_source(text, &spans, content, content, reported, settings.max_source_gap),
            };
        }
        let confidence = group.confidence();
        if group.cue.is_none() && group.source.is_none() && confidence < settings.cueless_min_confidence {
            continue;
        }
        let content_text = group
            .pieces
            .iter()
            .map(|p| piece_text(text, p.span, kind))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if content_text.is_empty() {
            continue;
        }
        let found: Vec<Span> = [group.cue, group.source]
            .into_iter()
            .flatten()
            .map(|s| s.span)
            .collect();
        let reach = found.iter().fold(content, |reach, s| reach.union(*s));
        // A content the tagger is sure of, with the cue and source it needs.
        let confidence = confidence * (0.6 + 0.2 * found.len() as f32);
        if confidence < settings.min_confidence {
            continue;
        }
        out.push(Attribution {
            speaker: group.source.map(|s| s.span),
            antecedent: None,
            cue: group.cue.map(|c| c.span),
            content,
            content_text,
            kind,
            sentences: sentences_covering(doc, reach),
            confidence,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tags a text word by word from a parallel list: `S` source, `C` cue, `Q` content,
    /// `.` outside; an upper-case letter begins a span, lower-case continues it.
    fn tagged(text: &str, tags: &str) -> Vec<TokenTag> {
        let words: Vec<(usize, &str)> = text
            .split_whitespace()
            .map(|w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
            .collect();
        let codes: Vec<char> = tags.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(words.len(), codes.len(), "one tag per word");
        words
            .iter()
            .zip(codes)
            .map(|(&(start, w), code)| {
                let role = match code.to_ascii_lowercase() {
                    's' => Some(Role::Source),
                    'c' => Some(Role::Cue),
                    'q' => Some(Role::Content),
                    _ => None,
                };
                let tag = match role {
                    None => Tag::Outside,
                    Some(r) if code.is_ascii_uppercase() => Tag::Begin(r),
                    Some(r) => Tag::Inside(r),
                };
                TokenTag {
                    start,
                    end: start + w.len(),
                    tag,
                    probability: 0.9,
                }
            })
            .collect()
    }

    fn run(text: &str, tags: &str) -> Vec<(String, Option<String>, Option<String>, StatementKind)> {
        let doc = Document::new(text);
        decode(&doc, &tagged(text, tags), &DecoderSettings::default())
            .into_iter()
            .map(|a| {
                (
                    a.content.slice(text).to_string(),
                    a.speaker.map(|s| s.slice(text).to_string()),
                    a.cue.map(|s| s.slice(text).to_string()),
                    a.kind,
                )
            })
            .collect()
    }

    #[test]
    fn an_unsure_outside_token_goes_to_a_likely_cue() {
        let tags = [
            Tag::Outside,
            Tag::Begin(Role::Source),
            Tag::Inside(Role::Source),
            Tag::Begin(Role::Cue),
            Tag::Inside(Role::Cue),
            Tag::Begin(Role::Content),
            Tag::Inside(Role::Content),
        ];
        let settings = DecoderSettings::default();
        let (tag, p) = choose_tag(&[0.5, 0.0, 0.0, 0.1, 0.25, 0.1, 0.05], &tags, &settings);
        assert_eq!(tag, Tag::Inside(Role::Cue));
        assert!((p - 0.35).abs() < 1e-6);
        assert_eq!(
            choose_tag(&[0.8, 0.0, 0.0, 0.1, 0.05, 0.05, 0.0], &tags, &settings).0,
            Tag::Outside
        );
        // A confident content stays content.
        assert_eq!(
            choose_tag(&[0.1, 0.0, 0.0, 0.2, 0.2, 0.0, 0.5], &tags, &settings).0,
            Tag::Inside(Role::Content)
        );
    }

    #[test]
    fn reported_speech_takes_no_cue_or_source_from_another_sentence() {
        // The seed's "impatience with Putin over attacks." is no statement of the US
        // president who "has long claimed" something in the next sentence.
        let text = "The talks come amid signs of impatience with Putin over attacks on cities. \
                    The US president has long claimed he could end the conflict.";
        let got = run(text, ". . . . . . C . Qqqqq Sss Ccc Qqqqq");
        let claim = got
            .iter()
            .find(|g| g.0.starts_with("he could"))
            .unwrap_or_else(|| panic!("no claim in {got:?}"));
        assert_eq!(claim.1.as_deref(), Some("The US president"), "{got:?}");
        for other in got.iter().filter(|g| g.0.contains("Putin")) {
            assert_eq!(other.1, None, "{got:?}");
            assert_eq!(other.2.as_deref(), Some("impatience"), "{got:?}");
        }
        // A quotation still takes its speaker from the sentence before.
        let text = "Zelensky was defiant. “We will never give up.”";
        let got = run(text, "S . . Qqqqq");
        assert_eq!(got[0].1.as_deref(), Some("Zelensky"), "{got:?}");
    }

    #[test]
    fn a_quotation_that_ends_its_sentence_is_not_joined_with_the_next_speakers() {
        // The full stop stands inside the closing quotation mark; the next sentence is
        // another speaker's (the sample corpus's Ilves and Brenner).
        for (open, close) in [("\"", "\""), ("“", "”")] {
            let text = format!(
                "Ilves said the agreement was {open}the most important day.{close} \
                 Brenner described it as {open}a victory.{close}"
            );
            let got = run(&text, "S C Qqqqqqq S C Qqqq");
            assert_eq!(got.len(), 2, "{got:?}");
            assert_eq!(
                got[0].0,
                format!("the agreement was {open}the most important day.{close}")
            );
            assert_eq!(got[0].1.as_deref(), Some("Ilves"), "{got:?}");
            assert_eq!(got[1].0, format!("it as {open}a victory.{close}"));
            assert_eq!(got[1].1.as_deref(), Some("Brenner"), "{got:?}");
        }
    }

    #[test]
    fn a_content_stops_at_a_blank_line() {
        let text = "Trump hails talks with Putin\n\nTrump earlier described the meeting as great.";
        let got = run(text, "S C Qqq qqqqqqq");
        assert!(got.iter().all(|g| !g.0.contains('\n')), "{got:?}");
    }

    #[test]
    fn spans_widen_to_whole_words() {
        let text = "Ушаков said unhelpful things.";
        let un = text.find("unhelpful").unwrap();
        assert_eq!(snap_to_words(text, Span::new(un + 2, un + 5)), Span::new(un, un + 9));
        assert_eq!(snap_to_words(text, Span::new(2, 4)), Span::new(0, "Ушаков".len()));
        let said = text.find("said").unwrap();
        assert_eq!(
            snap_to_words(text, Span::new(said, said + 4)),
            Span::new(said, said + 4)
        );
    }

    #[test]
    fn labels_parse_by_name_and_unknown_ones_are_refused() {
        assert_eq!(Tag::parse("O"), Some(Tag::Outside));
        assert_eq!(Tag::parse("B-SOURCE"), Some(Tag::Begin(Role::Source)));
        assert_eq!(Tag::parse("i-content"), Some(Tag::Inside(Role::Content)));
        assert_eq!(Tag::parse("B-PER"), None);
        assert_eq!(Tag::parse("X-CUE"), None);
    }

    #[test]
    fn a_quote_split_by_its_attribution_is_one_statement() {
        let text = "“We will not retreat,” said the minister, “not one step.”";
        let got = run(text, "Qqqq C Ss Qqq");
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, text);
        assert_eq!(got[0].1.as_deref(), Some("the minister,"));
        assert_eq!(got[0].2.as_deref(), Some("said"));
        assert_eq!(got[0].3, StatementKind::Direct);
    }

    #[test]
    fn the_topic_a_speaker_was_asked_about_belongs_to_the_cue_not_the_quotation() {
        let text = "“Sign it, and keep it,” Ilves said when asked about the compromise .";
        let got = run(text, "Qqqqq S Cccc Qq .");
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "“Sign it, and keep it,”");
        assert_eq!(got[0].1.as_deref(), Some("Ilves"));
        assert_eq!(got[0].2.as_deref(), Some("said when asked about the compromise"));
        assert_eq!(got[0].3, StatementKind::Direct);
        // Set off by a comma, the words after the attribution go on the quotation.
        let text = "“Sign it,” Ilves said about it , “and keep it.”";
        let got = run(text, "Qq S Ccc . Qqq");
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, text);
        assert_eq!(got[0].2.as_deref(), Some("said about it"));
    }

    #[test]
    fn a_relative_clause_speaker_is_not_a_split_statement() {
        // The tagger took part of the sentence before the relative pronoun for content.
        let text =
            "His comments put him at odds with President Ilves , who has called the plan a serious basis for talks .";
        let got = run(text, ". . . . . Qqqq . S Cc Qqqqqqq .");
        assert_eq!(
            got.last().map(|g| g.0.as_str()),
            Some("the plan a serious basis for talks"),
            "{got:?}"
        );
        assert_eq!(got.last().and_then(|g| g.1.as_deref()), Some("who"));
    }

    #[test]
    fn a_quotation_with_its_own_attribution_is_not_joined_to_the_one_before() {
        // The full stop stands apart so that it is a token of its own, as the tagger sees it.
        let text = "“This is wrong,” Warren said . “You squeezed them,” she said , adding more.";
        let got = run(text, "Qqq S C . Qqq S C . . .");
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Warren"));
        assert_eq!(got[1].0, "“You squeezed them,”");
        assert_eq!(got[1].1.as_deref(), Some("she"));
        // Without the second attribution the two quotations are one statement.
        let text = "“This is wrong,” Warren said . “You squeezed them.”";
        let got = run(text, "Qqq S C . Qqq");
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Warren"));
    }

    #[test]
    fn a_confident_source_beats_a_nearer_unsure_one() {
        let text = "Britain , which has a strong military , long blocked any talk of a common army.";
        let mut tokens = tagged(text, "S . . . . . S . C c Q q q q q q");
        // The tagger barely believes in "military" as a source.
        tokens[6].probability = 0.35;
        let doc = Document::new(text);
        let got = decode(&doc, &tokens, &DecoderSettings::default());
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].speaker.map(|s| s.slice(text)), Some("Britain"));
        // Equally sure, the nearer one wins.
        tokens[6].probability = 0.9;
        let got = decode(&doc, &tokens, &DecoderSettings::default());
        assert_eq!(got[0].speaker.map(|s| s.slice(text)), Some("military"));
    }

    #[test]
    fn source_after_content_is_found_across_the_comma() {
        let text = "Taxes will rise next year, the senator said on Tuesday.";
        let got = run(text, "Qqqqq S s C . .");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "Taxes will rise next year,");
        assert_eq!(got[0].1.as_deref(), Some("the senator"));
        assert_eq!(got[0].2.as_deref(), Some("said"));
        assert_eq!(got[0].3, StatementKind::Indirect);
    }

    #[test]
    fn reported_speech_pairs_source_cue_and_clause() {
        let text = "Smith argued that the deal was dead. Jones agreed.";
        let got = run(text, "S C Qqqqq . .");
        assert_eq!(
            got,
            vec![(
                "that the deal was dead.".to_string(),
                Some("Smith".into()),
                Some("argued".into()),
                StatementKind::Indirect
            )]
        );
    }

    #[test]
    fn nested_quote_inside_reported_speech_is_mixed() {
        let text = "She said the vote was “rigged from the start” and unfair.";
        let got = run(text, "S C Qqqqqqqqq");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].3, StatementKind::Mixed);
        let text = "He wrote: “They called it ‘a disaster’ and left.”";
        let got = run(text, "S C Qqqqqqq");
        assert_eq!(got[0].3, StatementKind::Direct);
    }

    #[test]
    fn missing_source_keeps_the_cue_and_unsure_cueless_content_is_dropped() {
        let text = "It was reported that talks had stalled.";
        let got = run(text, ". . C Qqqq");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].1, None);
        assert_eq!(got[0].2.as_deref(), Some("reported"));
        let doc = Document::new("Talks had stalled for weeks.");
        let mut tokens = tagged(doc.text, "Qqqqq");
        let no_floor = DecoderSettings {
            min_confidence: 0.0,
            ..DecoderSettings::default()
        };
        for t in &mut tokens {
            t.probability = 0.5;
        }
        assert!(decode(&doc, &tokens, &no_floor).is_empty());
        for t in &mut tokens {
            t.probability = 0.95;
        }
        let kept = decode(&doc, &tokens, &no_floor);
        assert_eq!(kept.len(), 1);
        // Without cue and source its confidence is discounted below the default floor.
        assert!(kept[0].confidence < DecoderSettings::default().min_confidence);
        assert!(decode(&doc, &tokens, &DecoderSettings::default()).is_empty());
    }

    #[test]
    fn two_statements_of_one_speaker_stay_apart_when_tagged_apart() {
        let text = "“Prices are up.” “Wages are not,” he said.";
        let got = run(text, "Qqq Qqq S C");
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, "“Prices are up.”");
        // The cue belongs to the nearer one, and reaches the first within the paragraph.
        assert_eq!(got[1].2.as_deref(), Some("said."));
        assert_eq!(got[0].2.as_deref(), Some("said."));
    }

    #[test]
    fn a_cue_in_another_paragraph_is_not_taken() {
        let text = "The plan failed badly.\nOfficials said nothing.";
        let got = run(text, "Qqqq S C .");
        assert!(got.is_empty() || got[0].2.is_none(), "{got:?}");
    }
}
