//! Sentence boundaries for news text.
//!
//! A sentence ends at `.`, `!` or `?` (plus any closing quotes and brackets) that is
//! followed by white space and then something that can open a sentence, and always at
//! a line break: news paragraphs never continue a sentence on the next line.
//! Abbreviations (`Mr.`, `Jan.`, `U.S.`, initials) do not end a sentence.

use super::Span;

/// Abbreviations that take a period and are normally followed by more of the same
/// sentence (titles, months, common short forms).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "sens", "rep", "reps", "gov", "govs", "gen", "lt", "col", "maj", "capt",
    "cmdr", "adm", "sgt", "cpl", "pvt", "st", "jr", "sr", "rev", "hon", "pres", "supt", "atty", "insp", "messrs", "mt",
    "ft", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "nos", "vs", "v",
    "etc", "inc", "corp", "co", "ltd", "llc", "dept", "univ", "assn", "bros", "approx", "est", "fig", "vol", "ed",
    "eds", "al", "ave", "blvd", "rd", "calif", "colo", "conn", "fla", "ill", "ind", "kan", "mass", "mich", "minn",
    "miss", "nev", "okla", "ore", "pa", "penn", "tenn", "tex", "va", "wash", "wis", "ariz", "ark", "del", "ga", "ky",
    "la", "md", "mo", "mont", "neb", "wyo", "gov't", "op", "pp",
];

const CLOSERS: &[char] = &['"', '”', '’', '\'', ')', ']', '»'];

/// Splits `text` into sentence spans (byte offsets), trimmed of surrounding white
/// space. Empty stretches produce no sentence.
pub fn split_sentences(text: &str) -> Vec<Span> {
    let mut sentences = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        split_line(text, line_start, line_start + line.len(), &mut sentences);
        line_start += line.len();
    }
    sentences
}

fn split_line(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let line = &text[start..end];
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut sentence_start = 0;
    let mut i = 0;
    while i < chars.len() {
        let (pos, ch) = chars[i];
        if matches!(ch, '.' | '!' | '?') {
            // Swallow runs like "?!" or "..." and closing quotes/brackets.
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '.' | '!' | '?') {
                j += 1;
            }
            while j < chars.len() && CLOSERS.contains(&chars[j].1) {
                j += 1;
            }
            let boundary_end = chars.get(j).map_or(line.len(), |&(p, _)| p);
            if ends_sentence(line, &chars, i, j) {
                push_trimmed(text, start + sentence_start, start + boundary_end, out);
                sentence_start = boundary_end;
            }
            i = j.max(i + 1);
            let _ = pos;
        } else {
            i += 1;
        }
    }
    push_trimmed(text, start + sentence_start, end, out);
}

/// Is the terminator at `chars[i]` (its closing marks end before `chars[j]`) the end
/// of a sentence?
fn ends_sentence(line: &str, chars: &[(usize, char)], i: usize, j: usize) -> bool {
    // Must be followed by white space, then an opener (capital, digit, quote).
    if j >= chars.len() {
        return false; // end of line: the line split handles it
    }
    if !chars[j].1.is_whitespace() {
        return false;
    }
    let mut k = j;
    while k < chars.len() && chars[k].1.is_whitespace() {
        k += 1;
    }
    let Some(&(_, next)) = chars.get(k) else {
        return false;
    };
    let opens_sentence = next.is_uppercase()
        || next.is_ascii_digit()
        || matches!(next, '"' | '“' | '‘' | '\'' | '(' | '[' | '`' | '—' | '-' | '¿');
    if !opens_sentence {
        return false;
    }
    let closes_quote = chars[i + 1..j]
        .iter()
        .any(|&(_, c)| matches!(c, '"' | '”' | '’' | '\''));
    // `“Why not?” Graham asked.` is one sentence; a quotation closed by a full stop
    // ends its own (`… the heart of the deal.” She said Valdoria would …`), since
    // a quotation its attribution follows closes with a comma instead.
    if closes_quote && chars[i].1 != '.' && attribution_follows(chars, k) {
        return false;
    }
    if chars[i].1 != '.' || j > i + 1 && chars[i + 1].1 == '.' {
        return true; // "!" or "?" or an ellipsis followed by a capital
    }
    // Only a bare period can belong to an abbreviation.
    if j > i + 1 {
        return true; // period followed by a closing quote: `...end."`
    }
    let word = word_before(line, chars, i);
    if word.chars().count() == 1 && word.chars().all(char::is_uppercase) {
        // An initial follows a name part ("George W. Bush"); after a lower-case word
        // a lone capital ends the sentence ("wrote on X. Trump said").
        let start = i - 1;
        let before: String = chars[..start]
            .iter()
            .rev()
            .skip_while(|(_, c)| c.is_whitespace())
            .take_while(|(_, c)| !c.is_whitespace())
            .map(|(_, c)| *c)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        return before.chars().next().is_some_and(|c| c.is_lowercase());
    }
    if NUMBER_ABBREVIATIONS.contains(&word.to_lowercase().as_str()) {
        return !next.is_ascii_digit(); // "No. 5" but "he would vote no. Officials"
    }
    !is_abbreviation(word)
}

/// Abbreviations that only stand before a number.
const NUMBER_ABBREVIATIONS: &[&str] = &["no", "nos", "vol", "fig", "pp", "op"];

/// Verbs that, a few words after a closing quotation, mark its attribution.
const ATTRIBUTION_VERBS: &[&str] = &[
    "said",
    "says",
    "asked",
    "asks",
    "added",
    "adds",
    "wrote",
    "writes",
    "told",
    "tells",
    "tweeted",
    "replied",
    "continued",
    "explained",
    "recalled",
    "shouted",
    "answered",
    "responded",
    "insisted",
    "argued",
    "noted",
    "declared",
    "joked",
    "wondered",
    "exclaimed",
    "yelled",
    "cried",
    "warned",
];

/// Do the words from `chars[k]` read like `Graham asked.` or `said Smith` (up to five
/// words, then or among them an attribution verb, before any punctuation)?
fn attribution_follows(chars: &[(usize, char)], k: usize) -> bool {
    let mut words = 0;
    let mut word = String::new();
    for &(_, c) in &chars[k..] {
        if c.is_alphanumeric() || c == '.' && !word.is_empty() && word.chars().all(|w| w.is_uppercase()) {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            words += 1;
            if ATTRIBUTION_VERBS.contains(&word.to_lowercase().as_str()) {
                return true;
            }
            word.clear();
        }
        if words >= 5 || !(c.is_whitespace() || matches!(c, '\'' | '’' | '-' | '.')) {
            return false;
        }
    }
    !word.is_empty() && ATTRIBUTION_VERBS.contains(&word.to_lowercase().as_str())
}

/// The word (letters, digits, inner periods and apostrophes) ending just before the
/// character at `chars[i]`.
fn word_before<'a>(line: &'a str, chars: &[(usize, char)], i: usize) -> &'a str {
    let end = chars[i].0;
    let mut k = i;
    while k > 0 {
        let c = chars[k - 1].1;
        if c.is_alphanumeric() || c == '.' || c == '\'' || c == '’' {
            k -= 1;
        } else {
            break;
        }
    }
    &line[chars[k].0.min(end)..end]
}

fn is_abbreviation(word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    let lower = word.to_lowercase();
    // Initials and dotted acronyms: "J", "U.S", "D.C", "a.m".
    if word.chars().count() == 1 && word.chars().all(|c| c.is_alphabetic()) {
        return word.chars().all(|c| c.is_uppercase());
    }
    if lower.contains('.') && lower.split('.').all(|p| p.chars().count() <= 2) {
        return true;
    }
    ABBREVIATIONS.contains(&lower.as_str())
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let span = super::trim_span(text, Span::new(start, end), &[]);
    if !span.is_empty() {
        out.push(span);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        split_sentences(text).iter().map(|s| s.slice(text)).collect()
    }

    #[test]
    fn splits_on_terminators_followed_by_capitals() {
        assert_eq!(
            sentences("The war must end. It must be done honestly! Will it? Yes."),
            vec!["The war must end.", "It must be done honestly!", "Will it?", "Yes."]
        );
    }

    #[test]
    fn abbreviations_and_initials_do_not_split() {
        let text = "Mr. Smith met Sen. Jones in the U.S. Capitol on Jan. 5. J. K. Rowling wrote.";
        assert_eq!(
            sentences(text),
            vec![
                "Mr. Smith met Sen. Jones in the U.S. Capitol on Jan. 5.",
                "J. K. Rowling wrote."
            ]
        );
    }

    #[test]
    fn closing_quotes_stay_with_their_sentence() {
        let text = "“Great progress was made!” he wrote. “We agree.” Then more.";
        assert_eq!(
            sentences(text),
            vec!["“Great progress was made!” he wrote.", "“We agree.”", "Then more."]
        );
    }

    #[test]
    fn a_question_quoted_before_its_attribution_stays_whole() {
        let text = "“Does anybody know?” Graham asked. “Neither do I.” Then he left.";
        assert_eq!(
            sentences(text),
            vec!["“Does anybody know?” Graham asked.", "“Neither do I.”", "Then he left."]
        );
        let text = "“We won!” Sen. Ted Cruz said on Monday.";
        assert_eq!(sentences(text), vec![text]);
        // A quotation closed by a full stop ends its sentence, attribution or not.
        let text = "She said it was “the heart of the deal.” She said they would insist.";
        assert_eq!(
            sentences(text),
            vec![
                "She said it was “the heart of the deal.”",
                "She said they would insist."
            ]
        );
    }

    #[test]
    fn line_breaks_always_split_and_blank_lines_vanish() {
        let text = "Headline without period\n\nFirst sentence. Second one\n";
        assert_eq!(
            sentences(text),
            vec!["Headline without period", "First sentence.", "Second one"]
        );
    }

    #[test]
    fn a_capital_letter_after_a_lower_case_word_ends_the_sentence() {
        assert_eq!(
            sentences("Zelensky wrote on X. Trump said more."),
            vec!["Zelensky wrote on X.", "Trump said more."]
        );
        assert_eq!(sentences("George W. Bush spoke."), vec!["George W. Bush spoke."]);
    }

    #[test]
    fn number_abbreviations_need_a_number() {
        assert_eq!(
            sentences("He ranked No. 5 in polls."),
            vec!["He ranked No. 5 in polls."]
        );
        assert_eq!(
            sentences("He would vote no. Officials agreed."),
            vec!["He would vote no.", "Officials agreed."]
        );
    }

    #[test]
    fn lowercase_after_period_does_not_split() {
        assert_eq!(
            sentences("It costs 3.5 billion dollars. e.g. this."),
            vec!["It costs 3.5 billion dollars. e.g. this."]
        );
    }
}
