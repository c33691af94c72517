//! Who speaks: the subject before a cue, the one a verb shares with an earlier clause,
//! or the previous statement's speaker nearby.

use super::*;

/// The speaker of the statement just before this sentence, in the same paragraph.
pub(super) fn previous_speaker_nearby(view: &SentenceView, earlier: &[Attribution]) -> Option<Span> {
    let last = earlier.last()?;
    let gap = view.doc.text.get(last.sentences.end..view.span.start)?;
    (!gap.contains('\n') && gap.len() < 300)
        .then_some(last.speaker)
        .flatten()
}

/// The subject at the start of a sentence (`The Kremlin released ...`), used for verbs
/// that share it (`..., noting that ...`).
pub(super) fn sentence_subject(view: &SentenceView) -> Option<Span> {
    let mut start = 0;
    while start < view.len() && view.is_quote_mark(start) {
        start += 1;
    }
    // A dateline: `WASHINGTON, Dec. 8 (UPI) — ...`, `Washington (AFP) – ...`.
    if let Some(dash) = (start..view.len().min(start + 12)).find(|&i| view.is_punct(i, "—–-―")) {
        let dateline = (start..dash).all(|i| {
            let t = &view.tokens[i];
            t.capitalized
                || !t.is_word && t.is_punct(",.()")
                || t.lower.chars().all(|c| c.is_ascii_digit())
                || view.quoted[i]
        });
        if dateline && dash > start {
            start = dash + 1;
        }
    }
    // `On Thursday, Trump ...`, `In a statement, the ministry ...`
    if view.word(start).is_some_and(|w| {
        opens_adjunct(w)
            || matches!(
                w,
                "after" | "following" | "as" | "despite" | "since" | "with" | "under" | "amid"
            )
    }) {
        start = (start + 1..view.len().min(start + 12)).find(|&i| view.is_punct(i, ","))? + 1;
    }
    if view.is(start, "however") && view.is_punct(start + 1, ",") {
        start += 2;
    }
    let mut end = start;
    let mut depth = 0usize;
    while end < view.len().min(start + 25) {
        let t = &view.tokens[end];
        if view.quoted[end] {
            break;
        }
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && !t.is_word && !t.is_punct(",-") {
            break;
        } else if depth == 0 && end > start && looks_like_verb(view, end) {
            break;
        }
        end += 1;
    }
    if end == start || end >= view.len() || !looks_like_verb(view, end) {
        return None; // no verb within reach: not a subject we can trust
    }
    // `Sen. Chuck Grassley (R-Iowa) on Wednesday downplayed`: the name, not the rest.
    let mut stop = end;
    while stop > start && view.is_punct(stop - 1, ",") {
        stop -= 1;
    }
    // A long subject with appositives: the part before the first comma names it.
    if view.words_between(start, stop) > 8 {
        stop = (start..stop).find(|&i| view.is_punct(i, ","))?;
    }
    let end = trim_phrase_tail(view, start, stop);
    if view.words_between(start, end) > 8 {
        return None;
    }
    let first = &view.tokens[start];
    let speakerish = first.capitalized || opens_speaker_phrase(&first.lower) || is_role_noun(&first.lower);
    let head = view.word(end - 1)?;
    (speakerish && !is_function_word(head))
        .then(|| view.span_of(start, end))
        .flatten()
}

/// Does token `i` look like the verb after a subject (`The Kremlin released`,
/// `Trump tells`, `Clinton is describing`)? A guess without a tagger.
pub(super) fn looks_like_verb(view: &SentenceView, i: usize) -> bool {
    let Some(t) = view.tokens.get(i).filter(|t| t.is_word) else {
        return false;
    };
    if t.capitalized {
        return false;
    }
    let w = t.lower.as_str();
    cue_word(w).is_some()
        || is_passive_auxiliary(w)
        || is_auxiliary(w)
        || matches!(w, "also" | "later" | "then")
        || matches!(
            w,
            "spoke"
                | "went"
                | "met"
                | "gave"
                | "took"
                | "made"
                | "came"
                | "sent"
                | "held"
                | "led"
                | "left"
                | "brought"
                | "began"
                | "ran"
                | "won"
                | "lost"
                | "saw"
                | "got"
                | "put"
                | "set"
                | "kept"
                | "stood"
                | "sat"
                | "hit"
                | "struck"
                | "sought"
                | "drew"
                | "chose"
                | "became"
                | "fell"
                | "rose"
                | "hardly"
                | "threw"
                | "wore"
                | "broke"
                | "spent"
                | "paid"
                | "bought"
                | "sold"
                | "heard"
                | "felt"
                | "thought"
                | "knew"
                | "meant"
                | "built"
                | "dealt"
                | "fought"
                | "taught"
                | "caught"
                | "swore"
                | "shook"
                | "rallied"
        )
        || w.len() > 4 && w.ends_with("ed") && !is_role_noun(w)
        || w.ends_with('s') && !w.ends_with("ss") && i > 0 && view.tokens[i - 1].capitalized && !is_role_noun(w)
}

/// Common nouns that head a speaker phrase in news.
pub(super) fn is_role_noun(lower: &str) -> bool {
    matches!(
        lower,
        "president"
            | "leader"
            | "aide"
            | "aides"
            | "spokesman"
            | "spokeswoman"
            | "spokesperson"
            | "official"
            | "officials"
            | "minister"
            | "secretary"
            | "senator"
            | "governor"
            | "candidate"
            | "nominee"
            | "campaign"
            | "chairman"
            | "chairwoman"
            | "director"
            | "adviser"
            | "advisor"
            | "advisers"
            | "ambassador"
            | "envoy"
            | "prime"
            | "foreign"
            | "chief"
            | "press"
            | "white"
            | "house"
            | "state"
            | "department"
            | "general"
            | "former"
            | "vice"
            | "deputy"
            | "top"
            | "senior"
            | "us"
            | "u.s."
            | "russian"
            | "ukrainian"
            | "european"
            | "republican"
            | "democratic"
            | "democrat"
            | "ministry"
            | "government"
            | "office"
            | "spokespeople"
            | "lawmakers"
            | "analysts"
            | "experts"
            | "sources"
            | "source"
            | "critics"
            | "supporters"
            | "voters"
            | "polls"
            | "poll"
    )
}

/// Prepositions that govern a noun phrase after them.
const PREPOSITIONS: &[&str] = &[
    "in", "on", "at", "with", "from", "by", "for", "of", "to", "into", "during", "after", "before", "through", "via",
];

/// The subject noun phrase ending just before token `end` (exclusive), skipping a
/// relative `who` back to its antecedent (`Smith, who said ...`).
pub(super) fn subject_before(view: &SentenceView, end: usize) -> Option<Span> {
    let (mut start, stop) = phrase_before(view, end)?;
    if governed_by_preposition(view, start) {
        // `After the meeting the mayor said`: the subject opens at the last determiner;
        // without one the phrase is only the preposition's object.
        start = (start + 1..stop)
            .rev()
            .find(|&i| view.word(i).is_some_and(|w| matches!(w, "the" | "a" | "an")))?;
    }
    let stop = trim_phrase_tail(view, start, stop);
    let head_index = (start..stop).rev().find(|&i| view.tokens[i].is_word)?;
    let head = view.tokens[head_index].lower.as_str();
    if is_function_word(head) || head.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    view.span_of(start, stop)
}

/// Whether the noun phrase before token `end` is the object of a preposition (`In a
/// Facebook message posted Friday, Cruz said`): then the verb after it is a
/// participle describing it, and the phrase says nothing.
pub(super) fn object_of_preposition_before(view: &SentenceView, end: usize) -> bool {
    phrase_before(view, end).is_some_and(|(start, _)| governed_by_preposition(view, start))
        && subject_before(view, end).is_none()
}

/// Whether token `i` comes right after a preposition (`of AROS`, `for Kestria`).
pub(super) fn follows_preposition(view: &SentenceView, i: usize) -> bool {
    i > 0 && view.word(i - 1).is_some_and(|w| PREPOSITIONS.contains(&w))
}

fn governed_by_preposition(view: &SentenceView, start: usize) -> bool {
    start > 0
        && view.word(start - 1).is_some_and(|w| PREPOSITIONS.contains(&w))
        && view.word(start).is_some_and(|w| matches!(w, "a" | "an" | "the"))
}

/// The token range of the noun phrase ending before `end`, leading prepositions and
/// time words left out.
fn phrase_before(view: &SentenceView, end: usize) -> Option<(usize, usize)> {
    let mut stop = end;
    // A party tag after a name: `Sen. David Perdue (R-Ga.) said`.
    if stop > 0 && view.is_punct(stop - 1, ")") {
        if let Some(open) = (stop.saturating_sub(8)..stop - 1)
            .rev()
            .find(|&i| view.is_punct(i, "("))
        {
            stop = open;
        }
    }
    let mut start = stop;
    while start > 0 && stop - start < 8 {
        let t = &view.tokens[start - 1];
        let joins_name = t.lower == "." && start >= 2 && view.tokens[start - 2].capitalized; // "Jr."
        if view.quoted[start - 1] || !(t.is_word || joins_name) || ends_noun_phrase(&t.lower) {
            break;
        }
        start -= 1;
    }
    // Without a tagger, a verb can creep in from the left (`paying an architect`):
    // a phrase starts with a capital, a determiner, a number or a modifier.
    while start + 1 < stop
        && view.tokens[start].is_word
        && !view.tokens[start].capitalized
        && !opens_speaker_phrase(&view.tokens[start].lower)
    {
        start += 1;
    }
    // Leading prepositions and time words are not part of the subject.
    while start < stop
        && view.word(start).is_some_and(|w| {
            is_function_word(w)
                && !matches!(
                    w,
                    "the"
                        | "a"
                        | "an"
                        | "his"
                        | "her"
                        | "their"
                        | "its"
                        | "this"
                        | "these"
                        | "those"
                        | "many"
                        | "some"
                        | "all"
                        | "both"
                        | "other"
                        | "most"
                        | "each"
                        | "every"
                        | "our"
                        | "my"
                )
        })
    {
        start += 1;
    }
    (start < stop).then_some((start, stop))
}

/// Drops a trailing time or place adjunct from a phrase (`Trump at the time`,
/// `Obama on Tuesday`, `Perdue (R-Ga.)`), returning the new end.
pub(super) fn trim_phrase_tail(view: &SentenceView, start: usize, mut stop: usize) -> usize {
    let original = stop;
    loop {
        if stop > start + 1 && view.is_punct(stop - 1, ")") {
            if let Some(open) = (start..stop - 1).rev().find(|&i| view.is_punct(i, "(")) {
                stop = open;
                continue;
            }
        }
        if stop > start + 1
            && view
                .word(stop - 1)
                .is_some_and(|w| is_function_word(w) || matches!(w, "at" | "on" | "in" | "during" | "for"))
            && !view.tokens[stop - 1].capitalized
        {
            stop -= 1;
            continue;
        }
        // A capitalised day or month after a preposition: `on Tuesday`, `in March`.
        if stop > start + 2
            && view.word(stop - 1).is_some_and(is_function_word)
            && view
                .word(stop - 2)
                .is_some_and(|w| matches!(w, "on" | "in" | "at" | "last" | "this" | "next"))
        {
            stop -= 2;
            continue;
        }
        break;
    }
    if stop <= start {
        original
    } else {
        stop
    }
}

/// Lower-case words that may open a speaker phrase.
pub(super) fn opens_speaker_phrase(lower: &str) -> bool {
    matches!(
        lower,
        "the"
            | "a"
            | "an"
            | "his"
            | "her"
            | "their"
            | "its"
            | "our"
            | "my"
            | "this"
            | "these"
            | "those"
            | "many"
            | "some"
            | "several"
            | "all"
            | "both"
            | "most"
            | "each"
            | "every"
            | "other"
            | "few"
            | "one"
            | "two"
            | "three"
            | "four"
            | "five"
            | "former"
            | "top"
            | "senior"
            | "local"
            | "federal"
            | "state"
            | "democratic"
            | "republican"
            | "conservative"
            | "liberal"
            | "critics"
            | "officials"
            | "experts"
            | "analysts"
            | "sources"
            | "aides"
            | "advisers"
            | "supporters"
            | "voters"
            | "polls"
            | "economists"
            | "lawmakers"
            | "democrats"
            | "republicans"
            | "residents"
            | "police"
            | "prosecutors"
            | "investigators"
            | "researchers"
            | "scientists"
            | "observers"
            | "opponents"
            | "allies"
    ) || is_pronoun(lower)
        || lower.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// The noun phrase starting at token `from`, up to punctuation or a clause word.
pub(super) fn phrase_after(view: &SentenceView, from: usize, max_words: usize) -> Option<(Span, usize)> {
    let mut end = from;
    while end < view.len() && end - from < max_words {
        let t = &view.tokens[end];
        if view.quoted[end]
            || !t.is_word
            || end > from
                && matches!(
                    t.lower.as_str(),
                    "that" | "who" | "which" | "and" | "but" | "because" | "while" | "as"
                )
        {
            break;
        }
        end += 1;
    }
    let span = view.span_of(from, end)?;
    Some((span, end))
}
