//! Text stage: sentences, paragraphs, quotation marks and character offsets.
//!
//! Everything inside the pipeline works on byte offsets into the article text (what
//! Rust slices by); [`CharOffsets`] turns them into the character offsets (Unicode
//! scalar values) that every table stores, so that Python's `text[start:end]` returns
//! the same span.

mod quotes;
mod sentences;
mod tokens;

pub use quotes::{find_quotes, QuotePiece};
pub use sentences::split_sentences;
pub use tokens::{tokenize, Token};

/// A half-open byte range `[start, end)` into an article's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    pub fn contains(&self, pos: usize) -> bool {
        self.start <= pos && pos < self.end
    }

    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn covers(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn union(&self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn slice<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// Shrinks a span so that it neither starts nor ends with white space or with any of
/// the characters in `extra`.
pub fn trim_span(text: &str, span: Span, extra: &[char]) -> Span {
    let piece = span.slice(text);
    let junk = |c: char| c.is_whitespace() || extra.contains(&c);
    let trimmed_start = piece.trim_start_matches(junk);
    let start = span.start + (piece.len() - trimmed_start.len());
    let trimmed = trimmed_start.trim_end_matches(junk);
    Span::new(start, start + trimmed.len())
}

/// Converts byte offsets of one text into character offsets in O(log n).
#[derive(Debug, Clone)]
pub struct CharOffsets {
    /// Byte position of every multi-byte character with the number of extra bytes
    /// seen up to and including it; empty for ASCII text.
    wide_chars: Vec<(usize, usize)>,
}

impl CharOffsets {
    pub fn new(text: &str) -> Self {
        let mut extra = 0;
        let mut wide_chars = Vec::new();
        for (pos, ch) in text.char_indices() {
            let width = ch.len_utf8();
            if width > 1 {
                extra += width - 1;
                wide_chars.push((pos, extra));
            }
        }
        CharOffsets { wide_chars }
    }

    /// Character offset of the byte offset `byte`, which must be a char boundary.
    pub fn char_of(&self, byte: usize) -> usize {
        let before = self.wide_chars.partition_point(|&(pos, _)| pos < byte);
        let extra = if before == 0 { 0 } else { self.wide_chars[before - 1].1 };
        byte - extra
    }
}

/// Starts of `needle` in `haystack` as whole words (no letter or digit either side).
pub fn whole_words<'a>(haystack: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    haystack
        .match_indices(needle)
        .map(|(start, _)| start)
        .filter(move |&start| {
            let end = start + needle.len();
            haystack[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
                && haystack[end..].chars().next().is_none_or(|c| !c.is_alphanumeric())
        })
}

/// A text prepared once for the extractors: its sentences and quotations.
#[derive(Debug, Clone)]
pub struct Document<'t> {
    pub text: &'t str,
    pub sentences: Vec<Span>,
    pub quotes: Vec<QuotePiece>,
}

impl<'t> Document<'t> {
    pub fn new(text: &'t str) -> Self {
        Document {
            text,
            sentences: split_sentences(text),
            quotes: find_quotes(text),
        }
    }

    /// Index of the quotation whose marks enclose `pos`, if any.
    pub fn quote_at(&self, pos: usize) -> Option<usize> {
        let i = self.quotes.partition_point(|q| q.outer.end <= pos);
        (i < self.quotes.len() && self.quotes[i].outer.contains(pos)).then_some(i)
    }

    /// Index of the sentence containing `pos` (or the last one starting before it).
    pub fn sentence_at(&self, pos: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.start <= pos);
        i.checked_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_offsets_match_python_indexing() {
        let text = "Zelensky wrote “the war must end” — ok ✓ ünïcode";
        let offsets = CharOffsets::new(text);
        for (char_index, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(offsets.char_of(byte), char_index);
        }
        assert_eq!(offsets.char_of(text.len()), text.chars().count());
    }

    #[test]
    fn trim_span_drops_space_and_given_marks() {
        let text = "  “hello, world,”  ";
        let span = trim_span(text, Span::new(0, text.len()), &['“', '”', ',']);
        assert_eq!(span.slice(text), "hello, world");
    }

    #[test]
    fn document_finds_the_quote_around_a_position() {
        let doc = Document::new("He said “yes.” Then “no.”");
        let pos = doc.text.find("yes").unwrap();
        assert_eq!(doc.quote_at(pos), Some(0));
        assert_eq!(doc.quote_at(0), None);
        let pos = doc.text.find("no").unwrap();
        assert_eq!(doc.quote_at(pos), Some(1));
    }
}
