//! Quotation marks: curly (“ ” ‘ ’), straight ("), and doubled ASCII (`` '').
//!
//! News style continues a quotation into the next paragraph by leaving it unclosed
//! and opening the next paragraph with a new opening mark; such a quotation is one
//! piece here. A single curly quote (‘…’) counts only outside double quotes and only
//! where ’ is not an apostrophe (followed by a letter, as in Trump’s).

use super::Span;

/// One quotation: `outer` includes the marks, `inner` is what was quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotePiece {
    pub outer: Span,
    pub inner: Span,
    /// Quoted with double marks (“ ” " `` ''), the usual mark for speech.
    pub double: bool,
    /// The closing mark was found (otherwise the piece ends at its paragraph).
    pub closed: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    OpenDouble(usize),
    CloseDouble(usize),
    Straight,
    OpenSingle,
    CloseSingle,
}

/// Finds the quotations of `text`, in order, without overlaps.
pub fn find_quotes(text: &str) -> Vec<QuotePiece> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut quotes = Vec::new();
    // (open position, inner start, double?)
    let mut open: Option<(usize, usize, bool)> = None;
    let mut i = 0;
    while i < chars.len() {
        let (pos, ch) = chars[i];
        if ch == '\n' {
            if let Some((open_pos, inner_start, double)) = open {
                // A quotation running to the end of a paragraph continues when the next
                // paragraph opens with a quotation mark of the same kind.
                let mut k = i;
                while k < chars.len() && chars[k].1.is_whitespace() {
                    k += 1;
                }
                // Only a mark of the same style continues it: a block quote opened
                // with " is not continued by a “ in the next paragraph.
                let same_style = |next: usize| {
                    let opened = text[open_pos..].chars().next();
                    let next = chars.get(next).map(|&(_, c)| c);
                    opened == next
                };
                match mark_at(&chars, k, true) {
                    Some((Mark::OpenDouble(width), _)) | Some((Mark::Straight, width)) if double && same_style(k) => {
                        i = k + width;
                        continue;
                    }
                    _ => {
                        let line_end = trim_end(text, pos);
                        if double && text[open_pos..pos].starts_with('“') {
                            // A curly quotation is never a stray mark: keep it, open-ended.
                            quotes.push(QuotePiece {
                                outer: Span::new(open_pos, line_end),
                                inner: Span::new(inner_start, line_end),
                                double,
                                closed: false,
                            });
                        }
                        open = None;
                    }
                }
            }
            i += 1;
            continue;
        }
        let Some((mark, width)) = mark_at(&chars, i, open.is_none()) else {
            i += 1;
            continue;
        };
        let end_of_mark = chars.get(i + width).map_or(text.len(), |&(p, _)| p);
        match (open, mark) {
            (None, Mark::OpenDouble(_)) | (None, Mark::Straight) => {
                open = Some((pos, end_of_mark, true));
            }
            (None, Mark::OpenSingle) => open = Some((pos, end_of_mark, false)),
            (Some((open_pos, inner_start, true)), Mark::CloseDouble(_))
            | (Some((open_pos, inner_start, true)), Mark::Straight) => {
                quotes.push(QuotePiece {
                    outer: Span::new(open_pos, end_of_mark),
                    inner: Span::new(inner_start, pos),
                    double: true,
                    closed: true,
                });
                open = None;
            }
            (Some((open_pos, inner_start, false)), Mark::CloseSingle) => {
                quotes.push(QuotePiece {
                    outer: Span::new(open_pos, end_of_mark),
                    inner: Span::new(inner_start, pos),
                    double: false,
                    closed: true,
                });
                open = None;
            }
            (Some((_, _, false)), Mark::OpenDouble(_)) => {
                // A single mark left open was an apostrophe or stray: start over.
                open = Some((pos, end_of_mark, true));
            }
            _ => {}
        }
        i += width;
    }
    if let Some((open_pos, inner_start, true)) = open {
        if text[open_pos..].starts_with('“') {
            let end = trim_end(text, text.len());
            quotes.push(QuotePiece {
                outer: Span::new(open_pos, end),
                inner: Span::new(inner_start, end),
                double: true,
                closed: false,
            });
        }
    }
    quotes
}

fn trim_end(text: &str, end: usize) -> usize {
    text[..end].trim_end().len()
}

/// The quotation mark starting at `chars[i]`, with its width in chars.
/// `expect_open` says whether no quotation is open now (used for straight marks).
fn mark_at(chars: &[(usize, char)], i: usize, expect_open: bool) -> Option<(Mark, usize)> {
    let &(_, ch) = chars.get(i)?;
    let prev = i.checked_sub(1).map(|k| chars[k].1);
    let next = chars.get(i + 1).map(|&(_, c)| c);
    match ch {
        '“' => Some((Mark::OpenDouble(1), 1)),
        '”' => Some((Mark::CloseDouble(1), 1)),
        '"' => {
            // A straight mark opens before a word and closes after one; ignore marks
            // with space on both sides (inch marks, stray characters).
            let space_before = prev.is_none_or(|c| c.is_whitespace() || "([{—–-".contains(c));
            let space_after = next.is_none_or(|c| c.is_whitespace());
            if expect_open && space_after || !expect_open && space_before && space_after {
                None
            } else {
                Some((Mark::Straight, 1))
            }
        }
        '`' if next == Some('`') => Some((Mark::OpenDouble(2), 2)),
        // NYT's ASCII style opens with `` and closes with '', but '' also opens.
        '\'' if next == Some('\'') => {
            let after = chars.get(i + 2).map(|&(_, c)| c);
            if expect_open
                && after.is_some_and(|c| !c.is_whitespace())
                && prev.is_none_or(|c| c.is_whitespace() || "([{—–-".contains(c))
            {
                Some((Mark::OpenDouble(2), 2))
            } else {
                Some((Mark::CloseDouble(2), 2))
            }
        }
        '‘' => {
            let after_space = prev.is_none_or(|c| c.is_whitespace() || "([{—–-\"“".contains(c));
            (after_space && next.is_some_and(|c| !c.is_whitespace())).then_some((Mark::OpenSingle, 1))
        }
        '’' => {
            let apostrophe = next.is_some_and(|c| c.is_alphanumeric());
            (!apostrophe).then_some((Mark::CloseSingle, 1))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inner(text: &str) -> Vec<&str> {
        find_quotes(text).iter().map(|q| q.inner.slice(text)).collect()
    }

    #[test]
    fn curly_straight_and_doubled_ascii_quotes() {
        assert_eq!(inner("He said “the war must end,” twice."), vec!["the war must end,"]);
        assert_eq!(inner(r#"She said "no way." Then "yes.""#), vec!["no way.", "yes."]);
        assert_eq!(inner("He said ``we will win,'' loudly."), vec!["we will win,"]);
        assert_eq!(
            inner("''Tell that to the janitor,'' Mr. Biden said."),
            vec!["Tell that to the janitor,"]
        );
    }

    #[test]
    fn single_curly_quotes_are_not_apostrophes() {
        let text = "Trump hails ‘highly productive’ talks with Putin’s envoy";
        assert_eq!(inner(text), vec!["highly productive"]);
    }

    #[test]
    fn quotation_continued_into_the_next_paragraph_is_one_piece() {
        let text = "“We will fight.\n\n“We will win,” he said.";
        let quotes = find_quotes(text);
        assert_eq!(quotes.len(), 1);
        assert!(quotes[0].inner.slice(text).starts_with("We will fight."));
        assert!(quotes[0].inner.slice(text).ends_with("We will win,"));
    }

    #[test]
    fn a_straight_block_quote_is_not_continued_by_a_curly_quote() {
        let text = "\"Melanie thought it was outrageous.\n\n“It never crossed my mind,” she said.";
        let quotes: Vec<&str> = find_quotes(text).iter().map(|q| q.inner.slice(text)).collect();
        assert_eq!(quotes, vec!["It never crossed my mind,"]);
    }

    #[test]
    fn an_unclosed_quotation_ends_with_its_paragraph() {
        let text = "“We will fight on\n\nNext paragraph.";
        let quotes = find_quotes(text);
        assert_eq!(quotes.len(), 1);
        assert!(!quotes[0].closed);
        assert_eq!(quotes[0].inner.slice(text), "We will fight on");
    }

    #[test]
    fn nested_single_quotes_stay_inside_the_double_quote() {
        let text = "“He called it ‘a disaster,’ and left,” she said.";
        assert_eq!(inner(text), vec!["He called it ‘a disaster,’ and left,"]);
    }
}
