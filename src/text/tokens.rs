//! Word and punctuation tokens with their byte spans.

use super::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    /// Lower-cased text (for words) or the punctuation character itself.
    pub lower: String,
    pub is_word: bool,
    /// Starts with an upper-case letter.
    pub capitalized: bool,
}

impl Token {
    pub fn is(&self, word: &str) -> bool {
        self.lower == word
    }

    pub fn is_punct(&self, chars: &str) -> bool {
        !self.is_word && self.lower.chars().all(|c| chars.contains(c))
    }
}

const TITLE_ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Sen", "Sens", "Rep", "Reps", "Gov", "Gen", "Lt", "Col", "Sgt", "St", "Jr", "Sr", "Rev",
    "Prof", "Capt", "Adm", "Maj", "Atty", "Gov't", "Del", "Govs", "Cmdr", "Cpl", "Pvt", "Hon", "Pres", "Supt", "Insp",
    "Messrs",
];

fn joins_word(c: char) -> bool {
    matches!(c, '\'' | '’' | '-' | '.' | '&')
}

/// Splits `span` of `text` into tokens. A word is a run of letters and digits that may
/// hold inner apostrophes, hyphens, periods and ampersands (`Trump’s`, `U.S.`,
/// `three-hour`, `AT&T`); every other visible character is a token of its own.
pub fn tokenize(text: &str, span: Span) -> Vec<Token> {
    let piece = span.slice(text);
    let chars: Vec<(usize, char)> = piece.char_indices().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (pos, ch) = chars[i];
        if ch.is_whitespace() {
            i += 1;
            continue;
        }
        if ch.is_alphanumeric() {
            let mut j = i + 1;
            while j < chars.len() {
                let c = chars[j].1;
                let inner_joiner = joins_word(c) && chars.get(j + 1).is_some_and(|&(_, n)| n.is_alphanumeric());
                // A period joins only letters of an acronym ("U.S."), not sentences.
                let acronym_period = c == '.'
                    && chars.get(j + 1).is_some_and(|&(_, n)| n.is_alphanumeric())
                    && chars[j - 1].1.is_uppercase();
                if c.is_alphanumeric() || inner_joiner && (c != '.' || acronym_period) {
                    j += 1;
                } else {
                    break;
                }
            }
            // Keep the final period of an acronym like "U.S." inside the word.
            if j < chars.len()
                && chars[j].1 == '.'
                && piece[pos..chars[j].0].contains('.')
                && chars[j - 1].1.is_uppercase()
            {
                j += 1;
            }
            // Titles keep their period: "Mr.", "Sen.", "Gov.".
            if j < chars.len() && chars[j].1 == '.' {
                let stem = &piece[pos..chars[j].0];
                if TITLE_ABBREVIATIONS.contains(&stem) {
                    j += 1;
                }
            }
            let end = chars.get(j).map_or(piece.len(), |&(p, _)| p);
            let word = &piece[pos..end];
            tokens.push(Token {
                span: Span::new(span.start + pos, span.start + end),
                lower: word.to_lowercase(),
                is_word: true,
                capitalized: ch.is_uppercase(),
            });
            i = j;
        } else {
            let end = chars.get(i + 1).map_or(piece.len(), |&(p, _)| p);
            tokens.push(Token {
                span: Span::new(span.start + pos, span.start + end),
                lower: ch.to_string(),
                is_word: false,
                capitalized: false,
            });
            i += 1;
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_inner_marks_and_punctuation_stands_alone() {
        let text = "Trump’s three-hour U.S. talks, “great.”";
        let tokens = tokenize(text, Span::new(0, text.len()));
        let words: Vec<&str> = tokens.iter().map(|t| t.span.slice(text)).collect();
        assert_eq!(
            words,
            vec!["Trump’s", "three-hour", "U.S.", "talks", ",", "“", "great", ".", "”"]
        );
        assert!(tokens[0].capitalized && tokens[0].is_word);
        assert!(tokens[4].is_punct(",;"));
        let text = "Mr. Trump and Sen. Cruz.";
        let words: Vec<&str> = tokenize(text, Span::new(0, text.len()))
            .iter()
            .map(|t| t.span.slice(text))
            .collect();
        assert_eq!(words, vec!["Mr.", "Trump", "and", "Sen.", "Cruz", "."]);
        // A delegate to the House keeps her title's period, so the speaker is her name.
        let text = "Del. Stacey Plaskett said";
        let first = tokenize(text, Span::new(0, text.len()))[0].span.slice(text);
        assert_eq!(first, "Del.");
    }
}
