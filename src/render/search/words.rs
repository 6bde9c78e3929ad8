//! Words as the browser's search engine sees them: the Rust twin of `fold`
//! and `words` in `static/js/engine.js`, so that a sharded index (format 3)
//! holds exactly the words the engine would have found in format 2.
//!
//! A text is lowercased (Unicode, with the final sigma rule, as
//! `String.prototype.toLowerCase`), decomposed (NFD), stripped of its marks
//! (`\p{M}`), and a few letters without a decomposition are spelled out
//! (`ß` → `ss`, `ø` → `o`, …). Its words are then the runs of letters and
//! digits (`[\p{L}\p{N}]+`).

use regex::Regex;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A run of letters and digits, as `WORD` in engine.js.
static WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{L}\p{N}]+").unwrap_or_else(|e| unreachable!("a valid pattern: {e}"))
});

/// Letters that NFD leaves whole, spelled out as engine.js does.
fn spelled_out(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ø' => "o",
        'ł' => "l",
        'đ' | 'ð' => "d",
        'þ' => "th",
        'ı' => "i",
        _ => return None,
    })
}

/// Lower case without diacritics: `SCHLÜTER`, `Schlüter` and `schluter` agree.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.to_lowercase().nfd().filter(|&c| !is_combining_mark(c)) {
        match spelled_out(c) {
            Some(s) => out.push_str(s),
            None => out.push(c),
        }
    }
    out
}

/// Calls `each` with every folded word of `text`, in order.
pub fn for_each_word(text: &str, mut each: impl FnMut(&str)) {
    let folded = fold(text);
    if folded.is_ascii() {
        folded
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .for_each(each);
    } else {
        WORD.find_iter(&folded).for_each(|m| each(m.as_str()));
    }
}

/// The folded words of `text`, in order.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |w| out.push(w.to_string()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_diacritics_like_the_engine() {
        assert_eq!(fold("SCHLÜTER"), "schluter");
        assert_eq!(fold("Schlüter"), "schluter");
        assert_eq!(fold("Straße Øresund"), "strasse oresund");
        assert_eq!(
            fold("Łukasz Þór ıi Æsir Œuvre"),
            "lukasz thor ii aesir oeuvre"
        );
        // Decomposed input (u + combining diaeresis) folds the same.
        assert_eq!(fold("Schlu\u{308}ter"), "schluter");
        // Final sigma, as String.prototype.toLowerCase.
        assert_eq!(fold("ΟΔΟΣ"), "οδος");
    }

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        assert_eq!(
            words("Onset-detection, with CNNs (2014)!"),
            ["onset", "detection", "with", "cnns", "2014"]
        );
        assert_eq!(
            words("Müller’s «Klänge» 音楽 情報"),
            ["muller", "s", "klange", "音楽", "情報"]
        );
        // Symbols that Unicode calls alphabetic but not letters are separators,
        // as `\p{L}` in the engine: the circled letter splits the word.
        assert_eq!(words("aⒶb ½x"), ["a", "b", "½x"]);
        assert!(words(" -- ").is_empty());
    }
}
