//! The rule-based extractor: quotation marks, cue verbs and clause patterns.
//!
//! Per sentence it finds cue words (outside quotations), then for each cue the speaker
//! (the noun phrase before it, after it when inverted, or the subject it shares with
//! an earlier verb) and the content (the clause after it, or the stretch before it
//! when the attribution comes last). Quotations carry content across sentences and
//! paragraphs; quotations left without a cue go to the nearest speaker before them.

use super::lexicon::{
    cue_word, ends_noun_phrase, is_auxiliary, is_function_word, is_passive_auxiliary, is_pronoun, is_verb_modifier,
    opens_adjunct, CueClass, CueWord, VerbForm,
};
use super::{Attribution, ExtractError, Extractor, StatementKind};
use crate::text::{tokenize, trim_span, Document, Span, Token};

mod content;
mod speaker;
mod uncued;

use content::*;
use speaker::*;
use uncued::*;

/// Punctuation trimmed from both ends of a content piece.
const CONTENT_EDGE: &[char] = &[',', ';', ':', '—', '–', '-', '(', ')'];
const QUOTE_MARKS: &[char] = &['"', '“', '”', '‘', '’', '`', '\''];

#[derive(Debug, Clone)]
pub struct RuleExtractor {
    /// Quotations with fewer words and no cue are scare quotes, not statements.
    pub min_orphan_quote_words: usize,
    /// How far (bytes) before an uncued quotation its speaker may stand.
    pub orphan_reach: usize,
}

impl Default for RuleExtractor {
    fn default() -> Self {
        RuleExtractor {
            min_orphan_quote_words: 4,
            orphan_reach: 1200,
        }
    }
}

impl Extractor for RuleExtractor {
    fn name(&self) -> &'static str {
        "rules"
    }

    fn extract(&self, doc: &Document) -> Result<Vec<Attribution>, ExtractError> {
        Ok(self.find(doc))
    }
}

impl RuleExtractor {
    /// The rules cannot fail: every document gets its (possibly empty) list.
    pub fn find(&self, doc: &Document) -> Vec<Attribution> {
        let mut found: Vec<Attribution> = Vec::new();
        for &sentence in &doc.sentences {
            let view = SentenceView::new(doc, sentence);
            let local = sentence_attributions(&view, &found);
            found.extend(local);
        }
        self.attribute_uncued_quotes(doc, &mut found);
        found.sort_by_key(|a| (a.content.start, a.content.end));
        found
    }
}

/// A sentence's tokens, with which of them stand inside quotation marks.
struct SentenceView<'d> {
    doc: &'d Document<'d>,
    span: Span,
    tokens: Vec<Token>,
    quoted: Vec<bool>,
}

impl<'d> SentenceView<'d> {
    fn new(doc: &'d Document<'d>, span: Span) -> Self {
        let tokens = tokenize(doc.text, span);
        let quoted = tokens.iter().map(|t| doc.quote_at(t.span.start).is_some()).collect();
        SentenceView {
            doc,
            span,
            tokens,
            quoted,
        }
    }

    fn len(&self) -> usize {
        self.tokens.len()
    }

    fn word(&self, i: usize) -> Option<&str> {
        self.tokens.get(i).filter(|t| t.is_word).map(|t| t.lower.as_str())
    }

    fn is(&self, i: usize, word: &str) -> bool {
        self.tokens.get(i).is_some_and(|t| t.lower == word)
    }

    fn is_punct(&self, i: usize, chars: &str) -> bool {
        self.tokens.get(i).is_some_and(|t| t.is_punct(chars))
    }

    fn is_quote_mark(&self, i: usize) -> bool {
        self.tokens
            .get(i)
            .is_some_and(|t| !t.is_word && t.lower.chars().all(|c| QUOTE_MARKS.contains(&c)))
    }

    /// Does a quotation open at token `i` (a mark that starts a quote piece)?
    fn opens_quote(&self, i: usize) -> Option<usize> {
        let token = self.tokens.get(i)?;
        let q = self.doc.quote_at(token.span.start)?;
        (self.doc.quotes[q].outer.start == token.span.start).then_some(q)
    }

    fn span_of(&self, from: usize, to_exclusive: usize) -> Option<Span> {
        (from < to_exclusive && to_exclusive <= self.len())
            .then(|| Span::new(self.tokens[from].span.start, self.tokens[to_exclusive - 1].span.end))
    }

    fn words_between(&self, from: usize, to_exclusive: usize) -> usize {
        (from..to_exclusive.min(self.len()))
            .filter(|&i| self.tokens[i].is_word)
            .count()
    }

    /// First token at or after byte `pos`.
    fn token_at_or_after(&self, pos: usize) -> usize {
        self.tokens.partition_point(|t| t.span.start < pos)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CueShape {
    Verb(CueWord),
    AccordingTo,
}

#[derive(Debug, Clone)]
struct Cue {
    /// First token of the cue phrase (auxiliaries and adverbs included).
    first: usize,
    /// Last token of the cue phrase.
    last: usize,
    shape: CueShape,
    /// The subject is shared with an earlier verb: `, adding`, `but has admitted`.
    subject_elided: bool,
    /// Where a new clause starts for this cue, ending the content of an earlier one.
    clause_start: Option<usize>,
}

fn find_cues(view: &SentenceView) -> Vec<Cue> {
    let mut cues = Vec::new();
    let n = view.len();
    let mut k = 0;
    while k < n {
        let token = &view.tokens[k];
        if !token.is_word || view.quoted[k] {
            k += 1;
            continue;
        }
        if token.is("according") && view.is(k + 1, "to") {
            let clause_start = (k > 0 && view.is_punct(k - 1, ",;—–(")).then(|| view.tokens[k - 1].span.start);
            cues.push(Cue {
                first: k,
                last: k + 1,
                shape: CueShape::AccordingTo,
                subject_elided: false,
                clause_start,
            });
            k += 2;
            continue;
        }
        if let Some(word) = cue_word(&token.lower) {
            if let Some(cue) = verb_cue(view, k, word) {
                k = cue.last + 1;
                cues.push(cue);
                continue;
            }
        }
        k += 1;
    }
    cues
}

/// Lemmas that mark attribution only with an explicit marker after them (`that`, a
/// colon, a quotation) or at the end of the clause (`”, he continued.`).
fn needs_marker(word: &CueWord) -> bool {
    word.noun_like && matches!(word.form, VerbForm::Base | VerbForm::Third)
        || word.class == CueClass::Evidence
        || matches!(
            word.lemma,
            "continue"
                | "agree"
                | "learn"
                | "decide"
                | "know"
                | "feel"
                | "understand"
                | "realize"
                | "recognize"
                | "repeat"
                | "answer"
                | "respond"
                | "mention"
                | "indicate"
                | "concur"
                | "conclude"
                | "recall"
                | "reveal"
                | "confirm"
                | "announce"
                | "deny"
                | "expect"
                | "want"
                | "intend"
                | "wonder"
                | "worry"
                | "hope"
                | "plan"
                | "fear"
                | "doubt"
        )
}

fn verb_cue(view: &SentenceView, k: usize, word: CueWord) -> Option<Cue> {
    let prev = k.checked_sub(1).and_then(|p| view.word(p));
    let next = view.tokens.get(k + 1);
    // A participial opener is an adjunct, not an attribution: `Asked about the
    // exchange, Sand said ...`, `Speaking in Geneva, she ...`.
    let sentence_initial = (0..k).all(|i| view.is_quote_mark(i));
    if sentence_initial && matches!(word.form, VerbForm::Past | VerbForm::Ing) && !view.is_punct(k + 1, ":") {
        return None;
    }
    // An infinitive or a noun/adjective use: "to say", "the reported", "a claim".
    if matches!(prev, Some("to")) && word.form == VerbForm::Base {
        return None;
    }
    if matches!(
        prev,
        Some("the" | "a" | "an" | "his" | "her" | "their" | "its" | "this" | "our" | "my" | "your")
    ) && word.form != VerbForm::Ing
    {
        return None;
    }
    if next.is_some_and(|t| t.is_word && cue_word(&t.lower).is_some_and(|w| w.form != VerbForm::Ing)) {
        return None; // "reports said": the first is a noun
    }
    let next_word = view.word(k + 1);
    let marker_follows = next_word == Some("that")
        || view.is_punct(k + 1, ":")
        || view.opens_quote(k + 1).is_some()
        || view.is_punct(k + 1, ",") && view.opens_quote(k + 2).is_some();
    let at_clause_end = view.is_punct(k + 1, ".!?;")
        || k + 1 >= view.len()
        || view.is_punct(k + 1, ",")
            && view
                .word(k + 2)
                .is_some_and(|w| cue_word(w).is_some_and(|c| c.form == VerbForm::Ing));
    let takes_infinitive = matches!(
        word.lemma,
        "want" | "plan" | "hope" | "intend" | "expect" | "promise" | "pledge" | "vow" | "decide" | "agree"
    ) && next_word == Some("to");
    match word.class {
        CueClass::Describe => {
            if !describe_pattern(view, k, word) {
                return None;
            }
        }
        _ if needs_marker(&word) => {
            if !(marker_follows || takes_infinitive || at_clause_end && word.class == CueClass::Speech) {
                return None;
            }
        }
        _ => {}
    }
    // Auxiliaries and adverbs before the verb belong to the cue phrase.
    let mut first = k;
    let modifier = |w: &str| {
        is_verb_modifier(w)
            || w.len() > 4
                && w.ends_with("ly")
                && !matches!(
                    w,
                    "family" | "italy" | "july" | "rally" | "ally" | "supply" | "assembly"
                )
    };
    while first > 0
        && !view.quoted[first - 1]
        && view.word(first - 1).is_some_and(modifier)
        && !view.tokens[first - 1].capitalized
    {
        first -= 1;
    }
    if word.form == VerbForm::Past
        && first > 0
        && view.word(first - 1).is_some_and(is_passive_auxiliary)
        && !view.tokens[first - 1].capitalized
    {
        return None; // passive: "was asked", "is expected"
    }
    let before = first.checked_sub(1);
    let prev_lower = before.and_then(|b| view.tokens.get(b)).map(|t| t.lower.as_str());
    let (subject_elided, clause_start) = if word.form == VerbForm::Ing {
        // A gerund after a comma (`,” adding`) starts a clause sharing the subject.
        (true, comma_before(view, first).then(|| view.tokens[first].span.start))
    } else if matches!(prev_lower, Some("and" | "but")) {
        let b = first - 1;
        let start = if comma_before(view, b) {
            view.tokens[b - 1].span.start
        } else {
            view.tokens[b].span.start
        };
        (true, Some(start))
    } else {
        (false, None)
    };
    Some(Cue {
        first,
        last: k,
        shape: CueShape::Verb(word),
        subject_elided,
        clause_start,
    })
}

/// Is token `i` preceded by a comma, semicolon or dash, possibly behind closing
/// quotation marks (`productive,” adding`)?
fn comma_before(view: &SentenceView, i: usize) -> bool {
    let mut j = i;
    while j > 0 && view.is_quote_mark(j - 1) {
        j -= 1;
    }
    j > 0 && view.is_punct(j - 1, ",;—–")
}

/// `described X as Y`, `called X “Y”`, `called for Y`.
fn describe_pattern(view: &SentenceView, k: usize, word: CueWord) -> bool {
    let window = (k + 1)..(k + 14).min(view.len());
    match word.lemma {
        "describe" | "characterize" => window.clone().any(|i| view.is(i, "as") && !view.quoted[i]),
        _ => {
            view.is(k + 1, "for")
                || view.is(k + 1, "on")
                || window
                    .take(8)
                    .any(|i| view.opens_quote(i).is_some() && view.tokens[i].span.start > view.tokens[k].span.end)
        }
    }
}

/// A finished candidate before it becomes an [`Attribution`].
struct Candidate {
    speaker: Option<Span>,
    antecedent: Option<Span>,
    cue: Span,
    pieces: Vec<Span>,
    descriptive: bool,
    base_confidence: f32,
}

fn sentence_attributions(view: &SentenceView, earlier: &[Attribution]) -> Vec<Attribution> {
    let cues = find_cues(view);
    let mut local: Vec<Candidate> = Vec::new();
    if let Some(candidate) = colon_statement(view) {
        if !earlier.iter().any(|a| a.content.overlaps(covering(&candidate.pieces))) {
            local.push(candidate);
        }
    }
    for (n, cue) in cues.iter().enumerate() {
        let cue_start = view.tokens[cue.first].span.start;
        // A cue inside an earlier content either opens a new clause (and ends that
        // content) or is nested reporting, which belongs to the outer statement.
        if let Some(owner) = local.iter_mut().find(|c| covering(&c.pieces).contains(cue_start)) {
            match cue.clause_start {
                Some(boundary) if boundary > covering(&owner.pieces).start => truncate(view, owner, boundary),
                _ => continue,
            }
        }
        let limit = cues[n + 1..]
            .iter()
            .find_map(|c| c.clause_start)
            .unwrap_or(view.span.end);
        let last_speaker = local
            .iter()
            .rev()
            .find_map(|c| c.speaker)
            .or_else(|| sentence_subject(view))
            .or_else(|| previous_speaker_nearby(view, earlier));
        let candidate = match cue.shape {
            CueShape::AccordingTo => according_to(view, cue, limit),
            CueShape::Verb(word) => verb_statement(view, cue, word, limit, last_speaker),
        };
        let Some(candidate) = candidate else { continue };
        let cover = covering(&candidate.pieces);
        let taken = earlier.iter().any(|a| a.content.overlaps(cover))
            || local.iter().any(|c| covering(&c.pieces).overlaps(cover));
        if !taken {
            local.push(candidate);
        }
    }
    local.into_iter().filter_map(|c| finish(view.doc, c)).collect()
}

fn covering(pieces: &[Span]) -> Span {
    pieces.iter().skip(1).fold(pieces[0], |acc, p| acc.union(*p))
}

/// Ends a candidate's content before byte `boundary`.
fn truncate(view: &SentenceView, candidate: &mut Candidate, boundary: usize) {
    candidate.pieces.retain(|p| p.start < boundary);
    if let Some(last) = candidate.pieces.last_mut() {
        last.end = last.end.min(boundary);
    }
    candidate
        .pieces
        .retain(|p| !trim_span(view.doc.text, *p, CONTENT_EDGE).is_empty());
    if candidate.pieces.is_empty() {
        candidate.pieces.push(Span::new(boundary, boundary));
    }
}

fn verb_statement(
    view: &SentenceView,
    cue: &Cue,
    word: CueWord,
    limit: usize,
    last_speaker: Option<Span>,
) -> Option<Candidate> {
    let mut speaker = if cue.subject_elided {
        None
    } else {
        subject_before(view, cue.first)
    };
    let mut antecedent = None;
    // `Smith, who said ...`: the mention is `who`, the actor is Smith.
    if !cue.subject_elided && cue.first > 0 && (view.is(cue.first - 1, "who") || view.is(cue.first - 1, "which")) {
        let who = cue.first - 1;
        speaker = Some(view.tokens[who].span);
        let before = if who > 0 && view.is_punct(who - 1, ",") {
            who - 1
        } else {
            who
        };
        antecedent = subject_before(view, before);
    }
    if speaker.is_none() && !cue.subject_elided && object_of_preposition_before(view, cue.first) {
        return None;
    }
    let mut inherited = false;
    if cue.subject_elided {
        speaker = last_speaker;
        inherited = true;
    }
    let mut cue_end = cue.last + 1;
    let descriptive = word.class == CueClass::Describe && !view.is(cue.last + 1, "for") && !view.is(cue.last + 1, "on");

    // Inverted attribution after a quotation: `”, said Smith.`
    let mut inverted = false;
    if speaker.is_none() && !cue.subject_elided && cue.first > 0 && view.is_punct(cue.first - 1, ",”\"'’") {
        if let Some((span, end)) = phrase_after(view, cue_end, 8) {
            let after_quote = comma_before(view, cue.first) && view.is_quote_mark(cue.first - 1)
                || view.is_quote_mark(cue.first - 1)
                || cue.first >= 2 && view.is_quote_mark(cue.first - 2);
            let named = (view.tokens[cue_end].capitalized
                || view.word(cue_end).is_some_and(|w| matches!(w, "the" | "a" | "an")))
                && !view.word(cue_end).is_some_and(is_function_word);
            let object = view.word(cue_end).is_some_and(is_object_word);
            if (end >= view.len() || view.is_punct(end, ".,;!?"))
                && (after_quote || named && !object && end - cue_end <= 4)
            {
                speaker = Some(span);
                cue_end = end;
                inverted = true;
            }
        }
    }
    // An appositive between subject and verb: `Phil Lovas, the state chairman, said`.
    if speaker.is_none()
        && !cue.subject_elided
        && cue.first > 1
        && view.is_punct(cue.first - 1, ",")
        && !view.is_quote_mark(cue.first - 2)
    {
        let comma = cue.first - 1;
        let relative = (comma.saturating_sub(20)..comma)
            .rev()
            .find(|&i| view.is(i, "who") || view.is(i, "which"));
        let mut before = match relative {
            Some(r) if r > 0 && view.is_punct(r - 1, ",") => r - 1,
            _ => comma,
        };
        // `Donna Rawlings, 59, of Ashton, Md., said`: try each comma back to the name;
        // `Sand, the defence minister, said`: the name before the title is the speaker.
        for _ in 0..4 {
            let candidate = subject_before(view, before);
            if candidate.is_some() {
                speaker = candidate;
            }
            // `Keron Blair, executive director of AROS, said`: a name that is the
            // object of a preposition in the appositive is not who spoke.
            let named = candidate.is_some_and(|c| {
                let first = view.token_at_or_after(c.start);
                view.tokens[first].capitalized && !follows_preposition(view, first)
            });
            if named {
                break;
            }
            match (before.saturating_sub(16)..before)
                .rev()
                .find(|&i| view.is_punct(i, ","))
            {
                Some(previous) => before = previous,
                None => break,
            }
        }
    }

    let content_start = if descriptive {
        descriptive_start(view, cue, word)?
    } else {
        content_start(view, cue_end, word)
    };
    let limit_token = view.token_at_or_after(limit);
    let mut right = right_content(view, content_start, limit_token);
    // With content before the attribution (`“...,” Zelensky wrote on X.`, `The plan, he
    // said, will fail.`), what follows the cue is an adjunct or the content's rest.
    let content_before = !descriptive
        && !cue.subject_elided
        && speaker.is_some_and(|s| {
            let t = view.token_at_or_after(s.start);
            t > 0 && !view.tokens[t - 1].is_word && view.words_between(0, t) >= 1
        });
    if content_before && !inverted {
        let tail_is_adjunct =
            cue_end >= limit_token || view.is_punct(cue_end, ".!?") || view.word(cue_end).is_some_and(opens_adjunct);
        // `said at a rally in Kestrel City.`: a tail opening with a preposition and
        // holding no `that` is an adjunct however long.
        let tail_words = view.words_between(cue_end, limit_token);
        let tail_has_that = (cue_end..limit_token.min(view.len())).any(|i| view.is(i, "that"));
        // `told a rally of several thousand people.`: after a verb that takes a
        // listener, a tail without `that` is the listener.
        let listener_tail = word.takes_object && !tail_has_that && tail_words <= 12;
        let short_tail = (tail_is_adjunct
            && (tail_words <= 5
                || view.word(cue_end).is_some_and(opens_adjunct) && !tail_has_that && tail_words <= 12)
            || listener_tail)
            && view.opens_quote(content_start).is_none()
            && !view.is(cue_end, "that")
            && !view.is_punct(cue_end, ":");
        if short_tail || view.is_punct(cue_end, ",") {
            right = None;
        }
    }

    let cue_span_to =
        |end_token: usize| Span::new(view.tokens[cue.first].span.start, view.tokens[end_token - 1].span.end);
    if let Some(right) = right.filter(|_| !inverted) {
        // Content follows the cue. An adjunct such as "on X" in "wrote on X:" is
        // part of the cue phrase.
        let cue_tokens_end = if content_start > cue_end && !view.is(content_start - 1, "that") {
            skip_back_punct(view, content_start)
        } else {
            cue_end
        };
        let pieces = vec![right];
        return Some(Candidate {
            speaker,
            antecedent,
            cue: cue_span_to(cue_tokens_end.max(cue.last + 1)),
            pieces,
            descriptive,
            base_confidence: base_confidence(word, inherited, speaker.is_some()),
        });
    }
    // `The New York Times reports:` and the quotation in the next paragraph.
    if view.is_punct(cue_end, ":") && cue_end + 1 >= view.len() {
        let next = next_paragraph_quote(view.doc, view.span.end)?;
        return Some(Candidate {
            speaker,
            antecedent,
            cue: Span::new(view.tokens[cue.first].span.start, view.tokens[cue_end].span.end),
            pieces: vec![next],
            descriptive: false,
            base_confidence: base_confidence(word, inherited, speaker.is_some()),
        });
    }
    if descriptive || cue.subject_elided && !inverted {
        return None;
    }
    // The attribution comes after (or inside) its content.
    let speaker_start = if inverted {
        view.tokens[cue.first].span.start
    } else {
        speaker?.start
    };
    let speaker_token = view.token_at_or_after(speaker_start);
    let left = left_content(view, speaker_token)?;
    // Trailing adjunct words ("wrote on X.") belong to the cue.
    let mut tail = cue_end;
    while tail < limit_token && tail < view.len() && view.tokens[tail].is_word && !view.quoted[tail] {
        tail += 1;
    }
    let mut pieces = vec![left];
    // `“Y,” Tapper said, “Z.”` or `The plan, he said, will fail.`: the content goes on.
    // After a quotation only another quotation continues it (`she said, but ...`
    // is the writer speaking again).
    let left_is_quote = view.doc.quote_at(left.end.saturating_sub(1)).is_some();
    if view.is_punct(tail, ",:") {
        let continues = if left_is_quote {
            view.opens_quote(tail + 1).is_some()
        } else {
            view.words_between(tail + 1, limit_token) >= 2
                && !view
                    .word(tail + 1)
                    .is_some_and(|w| matches!(w, "but" | "and" | "while" | "as" | "when" | "because" | "although"))
        };
        if continues {
            if let Some(more) = right_content(view, tail + 1, limit_token) {
                pieces.push(more);
            }
        }
    }
    Some(Candidate {
        speaker,
        antecedent,
        cue: cue_span_to(if inverted { cue.last + 1 } else { tail.max(cue.last + 1) }),
        pieces,
        descriptive: false,
        base_confidence: base_confidence(word, inherited, speaker.is_some()) + 0.05,
    })
}

fn skip_back_punct(view: &SentenceView, mut i: usize) -> usize {
    while i > 0 && !view.tokens[i - 1].is_word {
        i -= 1;
    }
    i
}

fn base_confidence(word: CueWord, inherited: bool, has_speaker: bool) -> f32 {
    let mut confidence = match (word.lemma, word.class) {
        ("say" | "tell" | "write" | "tweet" | "add", _) => 0.85,
        (_, CueClass::Speech) => 0.75,
        (_, CueClass::Describe) => 0.8,
        (_, CueClass::Thought) => 0.6,
        (_, CueClass::Evidence) => 0.6,
    };
    if inherited {
        confidence *= 0.9;
    }
    if !has_speaker {
        confidence *= 0.7;
    }
    confidence
}

fn finish(doc: &Document, candidate: Candidate) -> Option<Attribution> {
    let pieces: Vec<Span> = candidate
        .pieces
        .iter()
        .map(|p| trim_content(doc.text, *p))
        .filter(|p| !p.is_empty())
        .collect();
    if pieces.is_empty() {
        return None;
    }
    let content = covering(&pieces);
    let quotes_inside: Vec<&crate::text::QuotePiece> = doc
        .quotes
        .iter()
        .filter(|q| content.covers(q.outer) || q.outer.covers(content))
        .collect();
    let piece_is_quote = |p: &Span| {
        quotes_inside
            .iter()
            .any(|q| q.double && quote_equivalent(doc.text, q, *p))
    };
    let kind = if candidate.descriptive {
        StatementKind::Descriptive
    } else if pieces.iter().all(piece_is_quote) {
        StatementKind::Direct
    } else if quotes_inside.iter().any(|q| q.double || q.inner.len() > 0) {
        StatementKind::Mixed
    } else {
        StatementKind::Indirect
    };
    let text: Vec<String> = pieces
        .iter()
        .map(|p| piece_text(doc, *p))
        .filter(|t| !t.is_empty())
        .collect();
    let content_text = text.join(" ");
    if content_text.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
        return None;
    }
    let sentences = sentences_around(doc, content.union(candidate.cue));
    Some(Attribution {
        speaker: candidate.speaker,
        antecedent: candidate.antecedent,
        cue: Some(candidate.cue),
        content,
        content_text,
        kind,
        sentences,
        confidence: candidate.base_confidence.min(0.95),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Found {
        speaker: Option<String>,
        cue: Option<String>,
        content: String,
        kind: StatementKind,
    }

    fn extract(text: &str) -> Vec<Found> {
        let doc = Document::new(text);
        RuleExtractor::default()
            .find(&doc)
            .into_iter()
            .map(|a| Found {
                speaker: a.speaker.map(|s| s.slice(text).to_string()),
                cue: a.cue.map(|s| s.slice(text).to_string()),
                content: a.content_text,
                kind: a.kind,
            })
            .collect()
    }

    fn one(text: &str) -> Found {
        let mut found = extract(text);
        assert_eq!(
            found.len(),
            1,
            "expected one statement in {text:?}, got {:?}",
            found.iter().map(|f| &f.content).collect::<Vec<_>>()
        );
        found.remove(0)
    }

    #[test]
    fn quote_then_speaker_and_cue() {
        let f = one("“The war must end,” Zelensky wrote on X.");
        assert_eq!(f.content, "The war must end");
        assert_eq!(f.speaker.as_deref(), Some("Zelensky"));
        assert_eq!(f.cue.as_deref(), Some("wrote on X"));
        assert_eq!(f.kind, StatementKind::Direct);
    }

    #[test]
    fn a_phrase_a_preposition_governs_is_no_speaker() {
        let f = one("In a Facebook message posted Friday, Cruz said he would vote for Trump.");
        assert_eq!((f.speaker.as_deref(), f.cue.as_deref()), (Some("Cruz"), Some("said")));
        assert_eq!(f.content, "he would vote for Trump");
    }

    #[test]
    fn straight_and_doubled_ascii_quotes() {
        let f = one("\"We will win,\" said Senator Smith.");
        assert_eq!(
            (f.content.as_str(), f.speaker.as_deref()),
            ("We will win", Some("Senator Smith"))
        );
        let f = one("``It is over,'' the spokesman said.");
        assert_eq!(
            (f.content.as_str(), f.speaker.as_deref()),
            ("It is over", Some("the spokesman"))
        );
    }

    #[test]
    fn multi_sentence_quote_before_its_attribution() {
        let f =
            one("“Right on my way I spoke with him. Our position is clear. The war must end,” Zelensky wrote on X.");
        assert!(
            f.content.starts_with("Right on my way") && f.content.ends_with("The war must end"),
            "{}",
            f.content
        );
        assert_eq!(f.kind, StatementKind::Direct);
    }

    #[test]
    fn quote_split_by_its_attribution_is_one_statement() {
        let f = one("“We talked for hours,” Tapper said, “and nothing came of it.”");
        assert_eq!(f.content, "We talked for hours and nothing came of it.");
        assert_eq!(f.speaker.as_deref(), Some("Tapper"));
        assert_eq!(f.kind, StatementKind::Direct);
    }

    #[test]
    fn colon_introduces_a_quote() {
        let f = one("The senator said: “We will not back down. Never.”");
        assert_eq!(f.content, "We will not back down. Never.");
        assert_eq!(f.speaker.as_deref(), Some("The senator"));
    }

    #[test]
    fn reported_speech_with_that_and_without() {
        let f = one("Trump has admitted that repeated civilian casualties have tested his patience.");
        assert_eq!(f.content, "repeated civilian casualties have tested his patience");
        assert_eq!(
            (f.cue.as_deref(), f.kind),
            (Some("has admitted"), StatementKind::Indirect)
        );
        let f = one("The mayor said the bridge would reopen in May.");
        assert_eq!(f.content, "the bridge would reopen in May");
        assert_eq!(f.speaker.as_deref(), Some("The mayor"));
    }

    #[test]
    fn told_skips_its_object() {
        let f = one("Smith told reporters on Monday that the deal was dead.");
        assert_eq!(
            (f.content.as_str(), f.speaker.as_deref()),
            ("the deal was dead", Some("Smith"))
        );
        assert!(f.cue.as_deref().unwrap().starts_with("told"));
    }

    #[test]
    fn after_a_quotation_told_names_a_listener() {
        let f = one("“It is a pause before the next war,” the opposition leader told a rally of thousands.");
        assert_eq!(f.content, "It is a pause before the next war");
        assert_eq!(f.speaker.as_deref(), Some("the opposition leader"));
        assert_eq!(f.cue.as_deref(), Some("told a rally of thousands"));
    }

    #[test]
    fn according_to_before_or_after() {
        let f = one("According to the ministry, 40 people were hurt.");
        assert_eq!(
            (f.content.as_str(), f.speaker.as_deref()),
            ("40 people were hurt", Some("the ministry"))
        );
        let f = one("Forty people were hurt, according to local officials.");
        assert_eq!(
            (f.content.as_str(), f.speaker.as_deref()),
            ("Forty people were hurt", Some("local officials"))
        );
    }

    #[test]
    fn mixed_quote_inside_reported_speech() {
        let f = one("He claimed that the election is “rigged” against him.");
        assert_eq!(f.kind, StatementKind::Mixed);
        assert_eq!(f.content, "the election is “rigged” against him");
        assert_eq!(f.cue.as_deref(), Some("claimed"));
    }

    #[test]
    fn claimed_he_could_without_that() {
        let f = one("The US president has long claimed he could end the conflict within “24 hours” through diplomacy.");
        assert_eq!(f.speaker.as_deref(), Some("The US president"));
        assert_eq!(f.cue.as_deref(), Some("has long claimed"));
        assert!(f.content.starts_with("he could end the conflict"));
    }

    #[test]
    fn descriptive_as_with_participle_continuation() {
        let found = extract(
            "Trump earlier described the meeting as “highly productive,” adding, “Great progress was made! Everyone agrees.”",
        );
        assert_eq!(found.len(), 2);
        assert_eq!(
            (found[0].content.as_str(), found[0].kind),
            ("the meeting as “highly productive,”", StatementKind::Descriptive)
        );
        assert_eq!(found[0].speaker.as_deref(), Some("Trump"));
        assert_eq!(found[0].cue.as_deref(), Some("earlier described"));
        assert_eq!(found[1].content, "Great progress was made! Everyone agrees.");
        assert_eq!(
            (found[1].speaker.as_deref(), found[1].kind),
            (Some("Trump"), StatementKind::Direct)
        );
    }

    #[test]
    fn coordinated_verbs_share_the_subject_and_split_the_content() {
        let found = extract(
            "The president has long claimed he could end it quickly, but has admitted that the strikes tested him.",
        );
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].content, "he could end it quickly");
        assert_eq!(found[1].content, "the strikes tested him");
        assert_eq!(found[1].speaker.as_deref(), Some("The president"));
    }

    #[test]
    fn parenthetical_attribution_covers_both_sides() {
        let f = one("The plan, he said, will fail within a year.");
        assert_eq!(f.content, "The plan will fail within a year");
        assert_eq!(f.speaker.as_deref(), Some("he"));
    }

    #[test]
    fn nested_reporting_stays_inside_the_outer_statement() {
        let found = extract("Zelensky has said he and Trump agree that the war “must end,” following a meeting.");
        assert_eq!(found.len(), 1);
        assert!(found[0].content.starts_with("he and Trump agree"));
    }

    #[test]
    fn uncued_quote_goes_to_the_previous_speaker() {
        let found = extract("“We will rebuild,” the mayor said.\n\n“Every street, every house will stand again.”");
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].speaker.as_deref(), Some("the mayor"));
        assert_eq!(found[1].cue, None);
    }

    #[test]
    fn a_dash_and_a_name_after_a_quote_attribute_it() {
        let f = one("“I’d rather live anywhere else.” ― Adriana Rodarte\nNext line.");
        assert_eq!(
            (f.speaker.as_deref(), f.cue.as_deref()),
            (Some("Adriana Rodarte"), Some("―"))
        );
    }

    #[test]
    fn transcript_lines_name_their_speaker_before_a_colon() {
        let found = extract("\"WALLACE: Let’s start with the debate. Will she be there?\n\n\"PENCE: Well, look, she thinks this is a show.");
        let speakers: Vec<Option<&str>> = found.iter().map(|f| f.speaker.as_deref()).collect();
        assert_eq!(speakers, vec![Some("WALLACE"), Some("PENCE")]);
        assert!(
            found[0].content.starts_with("Let’s start") && found[0].content.ends_with("Will she be there?"),
            "{}",
            found[0].content
        );
    }

    #[test]
    fn adverbs_before_the_verb_belong_to_the_cue() {
        let f = one("Morial forcefully told reporters that the plan was wrong.");
        assert_eq!(
            (f.speaker.as_deref(), f.cue.as_deref()),
            (Some("Morial"), Some("forcefully told"))
        );
    }

    #[test]
    fn long_place_adjuncts_after_the_cue_stay_in_the_cue() {
        let f = one("\"We are not naive,\" Brenner said at a rally in Kestrel City on Monday.");
        assert_eq!(f.content, "We are not naive");
        assert_eq!(f.cue.as_deref(), Some("said at a rally in Kestrel City on Monday"));
    }

    #[test]
    fn participial_openers_are_not_cues_and_appositives_keep_the_name() {
        let f = one("Asked about the exchange, Sand said he welcomed it.");
        assert_eq!(
            (f.speaker.as_deref(), f.content.as_str()),
            (Some("Sand"), "he welcomed it")
        );
        let f = one("Sand, the defence minister, said the army was ready.");
        assert_eq!(f.speaker.as_deref(), Some("Sand"));
        // A name inside the appositive, after its preposition, is not the speaker.
        let f = one("Keron Blair, executive director of AROS, said schools need more money.");
        assert_eq!(f.speaker.as_deref(), Some("Keron Blair"));
        let f = one("Lena Vos, spokeswoman for Kestria, said the talks would resume.");
        assert_eq!(f.speaker.as_deref(), Some("Lena Vos"));
    }

    #[test]
    fn scare_quotes_and_nouns_are_not_statements() {
        assert!(extract("Trump hails ‘highly productive’ talks with Putin").is_empty());
        assert!(extract("The report was published on Monday.").is_empty());
        assert!(extract("He wants a “deal” soon.").is_empty());
    }

    #[test]
    fn passive_cues_are_not_attributed() {
        assert!(extract("He was asked about the deal on Monday.").is_empty());
    }
}
