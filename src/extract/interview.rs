//! Interviews and transcripts: an article laid out as turns (`((WN)) question`,
//! `Q:` / `A:`, `Natasha Gownaris: answer`, `NG: answer`) says who speaks by its
//! turn labels, not by cue verbs. Wrapped around any extractor, this step makes
//! each answer one direct statement of the interviewee (a label of initials or `A:`
//! points to the full name the article gives), drops every statement found inside a
//! question (the interviewer's words are nobody's position), and drops what the
//! extractor found inside an answer unless it names a third speaker (`"…," my
//! colleague said` stays; the answer's own "I" is the interviewee).

use super::{Attribution, ExtractError, Extractor, StatementKind};
use crate::text::{Document, Span};

/// One answer: its label (`NG`, `Natasha Gownaris`, `A`), its words, and a mention
/// naming the interviewee in full where the article has one.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub label: Span,
    pub body: Span,
    pub name: Option<Span>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Transcript {
    /// Question turns, label and words.
    pub questions: Vec<Span>,
    pub answers: Vec<Answer>,
}

/// Length of an interviewer's turn label at the start of `line` (`((WN))`,
/// `((Wikinews))`, `Q:`, `Question:`, `Interviewer:`, `Wikinews:`, `WN:`), with the
/// spaces after it.
fn question_label(line: &str) -> Option<usize> {
    let after_spaces = |rest: &str| line.len() - rest.trim_start().len();
    for marker in ["((Wikinews))", "((WN))"] {
        if let Some(rest) = line.strip_prefix(marker) {
            return Some(after_spaces(rest));
        }
    }
    for word in ["Question", "Interviewer", "Wikinews", "WN", "Q"] {
        if let Some(rest) = line
            .strip_prefix(word)
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix(':'))
        {
            return Some(after_spaces(rest));
        }
    }
    None
}

/// An answer's label at the start of `line`: `A:`, initials (`NG:`), or a name of two
/// to four capitalised words (`Natasha Gownaris:`), followed by a space. Returns the
/// label's length and where the words start.
fn answer_label(line: &str) -> Option<(usize, usize)> {
    let colon = line.char_indices().take(60).find(|(_, c)| *c == ':').map(|(i, _)| i)?;
    let label = &line[..colon];
    let rest = &line[colon + 1..];
    if label.trim() != label || !rest.starts_with([' ', '\t']) {
        return None;
    }
    let words: Vec<&str> = label.split(' ').collect();
    let is_name_word = |w: &str| {
        let mut chars = w.chars();
        chars.next().is_some_and(char::is_uppercase)
            && chars.all(|c| c.is_alphabetic() || matches!(c, '.' | '\'' | '’' | '-'))
    };
    let ok = match words.as_slice() {
        ["A" | "Answer"] => true,
        [one] => (2..=4).contains(&one.len()) && one.chars().all(|c| c.is_ascii_uppercase()),
        many => (2..=4).contains(&many.len()) && many.iter().all(|w| is_name_word(w)),
    };
    (ok && !NOT_SPEAKERS.contains(&words[0])).then(|| (colon, line.len() - rest.trim_start().len()))
}

/// Paragraph openers that look like a name label but are not one.
const NOT_SPEAKERS: &[&str] = &[
    "Note",
    "Update",
    "Source",
    "Sources",
    "Photo",
    "Editor",
    "Correction",
    "Related",
];

/// The turns of `text` when it is a transcript: at least two labelled questions, and
/// the labelled answers after the first of them.
pub fn detect(text: &str) -> Option<Transcript> {
    let mut transcript = Transcript::default();
    let mut paragraphs = paragraphs(text).into_iter().peekable();
    while let Some(paragraph) = paragraphs.next() {
        let line = paragraph.slice(text);
        if question_label(line).is_some() {
            transcript.questions.push(paragraph);
            continue;
        }
        let Some((label_end, body_start)) = answer_label(line) else {
            continue;
        };
        let mut body = Span::new(paragraph.start + body_start, paragraph.end);
        // Paragraphs up to the next turn continue the answer (a signature line ends it).
        while let Some(next) = paragraphs.peek() {
            let next_line = next.slice(text);
            if question_label(next_line).is_some()
                || answer_label(next_line).is_some()
                || next_line.starts_with(['—', '–', '-'])
            {
                break;
            }
            body.end = next.end;
            paragraphs.next();
        }
        transcript.answers.push(Answer {
            label: Span::new(paragraph.start, paragraph.start + label_end),
            body,
            name: None,
        });
    }
    // Two labelled questions make a transcript even where the answers are missing (a
    // scrape that kept only the interviewer's lines): its questions are nobody's.
    if transcript.questions.len() < 2 {
        return None;
    }
    // Answers must come after questions, and their labels must repeat (one speaker
    // or a few): a dateline or a one-off `Name: text` is not an interview.
    let first_question = transcript.questions[0].start;
    transcript.answers.retain(|a| a.label.start > first_question);
    let full_name = transcript
        .answers
        .iter()
        .map(|a| a.label.slice(text))
        .find(|label| label.contains(' '))
        .map(str::to_string);
    for answer in &mut transcript.answers {
        let label = answer.label.slice(text);
        answer.name = if label.contains(' ') {
            Some(answer.label)
        } else if label.chars().all(|c| c.is_ascii_uppercase()) && label.len() >= 2 {
            name_with_initials(text, label, full_name.as_deref())
        } else {
            full_name
                .as_deref()
                .and_then(|name| text.find(name).map(|s| Span::new(s, s + name.len())))
                .or_else(|| intro_name(text, first_question))
        };
    }
    Some(transcript)
}

/// The person an `A:` transcript's introduction names most often (`Actress Diane
/// Guerrero`, `Q&A with Vice President Joe Biden`): the last two words of each run of
/// capitalised words before the first question, the most frequent (the earliest of
/// equals), at its first mention.
fn intro_name(text: &str, first_question: usize) -> Option<Span> {
    let intro = &text[..first_question];
    let words = capitalised_words(intro);
    let mut runs: Vec<Span> = Vec::new();
    let mut run: Vec<Span> = Vec::new();
    for word in words
        .into_iter()
        .chain(std::iter::once(Span::new(usize::MAX, usize::MAX)))
    {
        let continues = run
            .last()
            .is_some_and(|last| word.start != usize::MAX && &intro[last.end..word.start] == " ");
        if !continues {
            if run.len() >= 2 {
                runs.push(Span::new(run[run.len() - 2].start, run[run.len() - 1].end));
            }
            run.clear();
        }
        if word.start != usize::MAX {
            run.push(word);
        }
    }
    let mut best: Option<(usize, Span)> = None;
    for run in &runs {
        let name = run.slice(intro);
        let count = runs.iter().filter(|r| r.slice(intro) == name).count();
        if best.is_none_or(|(c, _)| count > c) {
            best = Some((count, *run));
        }
    }
    best.map(|(_, span)| span)
}

/// Words of `text` that start with a capital followed by lower-case letters.
fn capitalised_words(text: &str) -> Vec<Span> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (c.is_alphabetic() || matches!(c, '\'' | '’' | '-'), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let word = &text[s..i];
                let mut chars = word.chars();
                if chars.next().is_some_and(char::is_uppercase)
                    && chars.clone().count() > 0
                    && chars.all(|c| c.is_lowercase() || matches!(c, '\'' | '’' | '-'))
                {
                    words.push(Span::new(s, i));
                }
                start = None;
            }
            _ => {}
        }
    }
    words
}

/// Non-empty lines with their spans, trimmed.
fn paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            let offset = start + (line.len() - line.trim_start().len());
            out.push(Span::new(offset, offset + trimmed.len()));
        }
        start += line.len();
    }
    out
}

/// The first mention of a name of two or three capitalised words whose initials are
/// `initials` (`NG` → `Natasha Gownaris`); the full-name label where it fits.
fn name_with_initials(text: &str, initials: &str, full_name: Option<&str>) -> Option<Span> {
    let initials_of = |name: &str| -> String { name.split_whitespace().filter_map(|w| w.chars().next()).collect() };
    if let Some(name) = full_name.filter(|n| initials_of(n) == initials) {
        return text.find(name).map(|s| Span::new(s, s + name.len()));
    }
    let words = capitalised_words(text);
    let n = initials.chars().count();
    words.windows(n).find_map(|run| {
        let joined_by_spaces = run.windows(2).all(|p| &text[p[0].end..p[1].start] == " ");
        let letters: String = run.iter().filter_map(|w| w.slice(text).chars().next()).collect();
        (joined_by_spaces && letters == initials).then(|| Span::new(run[0].start, run[n - 1].end))
    })
}

/// Applies a transcript to one document's attributions (see the module's doc).
pub fn apply(doc: &Document, transcript: &Transcript, found: Vec<Attribution>) -> Vec<Attribution> {
    let inside = |span: Span, outer: Span| span.start >= outer.start && span.end <= outer.end;
    let overlaps = |span: Span, outer: Span| span.start < outer.end && outer.start < span.end;
    let mut out: Vec<Attribution> = found
        .into_iter()
        .filter(|a| !transcript.questions.iter().any(|q| overlaps(a.content, *q)))
        .filter(|a| {
            let Some(answer) = transcript.answers.iter().find(|ans| overlaps(a.content, ans.body)) else {
                return true;
            };
            // Inside an answer only a third speaker, named, keeps a statement of its own.
            inside(a.content, answer.body)
                && a.speaker.is_some_and(|s| {
                    let first = s.slice(doc.text).split_whitespace().next().unwrap_or_default();
                    first.chars().next().is_some_and(char::is_uppercase)
                        && !matches!(first, "I" | "We" | "He" | "She" | "They" | "It" | "You" | "My" | "Our")
                        && inside(s, answer.body)
                })
        })
        .collect();
    for answer in &transcript.answers {
        let body = answer.body.slice(doc.text);
        let words = body.trim();
        if words.is_empty() {
            continue;
        }
        let start = answer.body.start + (body.len() - body.trim_start().len());
        let content = Span::new(start, start + words.len());
        // An `A:` label names nobody: the speaker is the interviewee's name, if any.
        let label = answer.label.slice(doc.text);
        let speaker = if matches!(label, "A" | "Answer") {
            answer.name
        } else {
            Some(answer.label)
        };
        out.push(Attribution {
            speaker,
            antecedent: answer.name.filter(|name| Some(*name) != speaker),
            cue: None,
            content,
            content_text: words.to_string(),
            kind: StatementKind::Direct,
            sentences: content,
            confidence: 0.9,
        });
    }
    out.sort_by_key(|a| (a.content.start, a.content.end));
    out
}

/// Any extractor, made transcript-aware.
pub struct TranscriptAware {
    pub inner: Box<dyn Extractor>,
}

impl Extractor for TranscriptAware {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn extract(&self, doc: &Document) -> Result<Vec<Attribution>, ExtractError> {
        Ok(with_transcript(doc, self.inner.extract(doc)?))
    }

    fn extract_many(&self, docs: &[Document]) -> Vec<Result<Vec<Attribution>, ExtractError>> {
        self.inner
            .extract_many(docs)
            .into_iter()
            .zip(docs)
            .map(|(found, doc)| found.map(|found| with_transcript(doc, found)))
            .collect()
    }
}

/// `found`, without contents that are only a circumstance of the saying
/// ([`super::is_circumstance`]), and with the document's transcript applied where it
/// is one.
fn with_transcript(doc: &Document, mut found: Vec<Attribution>) -> Vec<Attribution> {
    found.retain(|a| !super::is_circumstance(a.kind, &a.content_text));
    match detect(doc.text) {
        Some(transcript) => apply(doc, &transcript, found),
        None => found,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INTERVIEW: &str = "Researcher Natasha Gownaris spoke to us.\n\n\
        ((Wikinews)) What prompted your curiosity?\n\n\
        Natasha Gownaris: I've wanted to be a marine scientist since I was a child.\n\n\
        ((WN)) How did you approach the study?\n\n\
        NG: This study started in 1982, long before I joined.\n\
        We follow a standard protocol each year.\n\n\
        —Natasha Gownaris\n\n\
        ((WN)) Why do more females die?\n\n\
        NG: \"They are smaller,\" my colleague Dee Boersma said. I agree with her.\n";

    #[test]
    fn turns_are_found_and_initials_point_to_the_full_name() {
        let t = detect(INTERVIEW).expect("an interview");
        assert_eq!(t.questions.len(), 3);
        assert_eq!(t.answers.len(), 3);
        let name = |a: &Answer| a.name.map(|n| n.slice(INTERVIEW).to_string());
        assert!(t.answers.iter().all(|a| name(a).as_deref() == Some("Natasha Gownaris")));
        // The second answer runs over its continuation line, not over the signature.
        let second = t.answers[1].body.slice(INTERVIEW);
        assert!(
            second.contains("standard protocol") && !second.contains('—'),
            "{second}"
        );
    }

    #[test]
    fn answers_become_the_interviewees_and_questions_nobodys() {
        let doc = Document::new(INTERVIEW);
        let t = detect(INTERVIEW).unwrap();
        let span_of = |needle: &str| {
            let s = INTERVIEW.find(needle).unwrap();
            Span::new(s, s + needle.len())
        };
        let found = vec![
            // A "statement" inside a question, one of the interviewee's own words, and a
            // colleague quoted inside an answer.
            Attribution {
                speaker: None,
                antecedent: None,
                cue: None,
                content: span_of("prompted your curiosity"),
                content_text: "prompted your curiosity".into(),
                kind: StatementKind::Indirect,
                sentences: span_of("prompted your curiosity"),
                confidence: 0.5,
            },
            Attribution {
                speaker: Some(span_of("I was a child")),
                antecedent: None,
                cue: None,
                content: span_of("a marine scientist"),
                content_text: "a marine scientist".into(),
                kind: StatementKind::Indirect,
                sentences: span_of("a marine scientist"),
                confidence: 0.5,
            },
            Attribution {
                speaker: Some(span_of("Dee Boersma")),
                antecedent: None,
                cue: Some(span_of("said")),
                content: span_of("They are smaller,"),
                content_text: "They are smaller".into(),
                kind: StatementKind::Direct,
                sentences: span_of("They are smaller,"),
                confidence: 0.9,
            },
        ];
        let out = apply(&doc, &t, found);
        assert_eq!(out.len(), 4, "{out:#?}");
        let speakers: Vec<&str> = out
            .iter()
            .map(|a| a.antecedent.or(a.speaker).unwrap().slice(INTERVIEW))
            .collect();
        assert_eq!(
            speakers,
            vec![
                "Natasha Gownaris",
                "Natasha Gownaris",
                "Natasha Gownaris",
                "Dee Boersma"
            ]
        );
        assert!(out.iter().all(|a| !a.content.slice(INTERVIEW).contains("curiosity")));
        assert_eq!(
            out[1].content_text,
            "This study started in 1982, long before I joined.\nWe follow a standard protocol each year."
        );
        assert!(out[..3].iter().all(|a| a.kind == StatementKind::Direct));
    }

    #[test]
    fn ordinary_articles_and_datelines_are_not_transcripts() {
        assert_eq!(detect("WASHINGTON: The Senate voted.\n\nNote: corrected.\n"), None);
        let one_question = "Q: Why?\n\nA: Because.\n\nA: Also this.\n";
        assert_eq!(detect(one_question), None);
        // Questions without their answers are still nobody's statements.
        let questions_only = "((WN)) Why did you run?\n\n((WN)) On your website you state \"X.\" Why?\n";
        let t = detect(questions_only).unwrap();
        assert_eq!((t.questions.len(), t.answers.len()), (2, 0));
        let qa = "Q: Why now?\n\nA: Because it is time.\n\nQ: And then?\n\nA: We will see.\n";
        let t = detect(qa).unwrap();
        assert_eq!((t.questions.len(), t.answers.len()), (2, 2));
        assert!(t.answers.iter().all(|a| a.name.is_none()));
        // `A:` answers go to the person the introduction names most.
        let intro = "Q&A with Vice President Joe Biden.\n\nVice President Joe Biden spoke with reporter \
                     Jim Tankersley.\n\nQ: Why now?\n\nA: Because.\n\nQ: And then?\n\nA: We will see.\n";
        let t = detect(intro).unwrap();
        assert!(t
            .answers
            .iter()
            .all(|a| a.name.map(|n| n.slice(intro)) == Some("Joe Biden")));
    }
}
