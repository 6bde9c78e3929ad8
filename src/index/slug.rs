//! URL slugs and citation keys: unique, stable as articles are added.
//!
//! A slug is lowercase ASCII and can never leave its folder: it holds only
//! `a-z`, `0-9` and `-`. A citation key is the article's own BibTeX key
//! when BibTeX can use it, else its slug.

use crate::model::Article;
use deunicode::deunicode;
use std::collections::HashSet;

const MAX_LEN: usize = 80;

/// Words skipped when a slug is made from a title ("A", "The", "On", …).
const STOP_WORDS: [&str; 12] = [
    "a", "an", "the", "on", "of", "for", "in", "to", "and", "with", "towards", "toward",
];

/// Lowercase ASCII letters and digits, other runs turned into one `-`.
pub(crate) fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in deunicode(text).chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let mut slug = slug.trim_end_matches('-').to_string();
    if slug.len() > MAX_LEN {
        slug.truncate(MAX_LEN);
        slug = slug.trim_end_matches('-').to_string();
    }
    slug
}

/// The slug of an article without a BibTeX key: first author + year + first
/// significant title word, like a Google Scholar key (`pons2017timbre`).
pub(crate) fn fallback(family: Option<&str>, year: Option<i32>, title: &str) -> String {
    let word = title
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty() && !STOP_WORDS.contains(&w.to_lowercase().as_str()))
        .unwrap_or("");
    let year = year.map(|y| y.to_string()).unwrap_or_default();
    let compact = |s: &str| slugify(s).replace('-', "");
    slugify(&format!(
        "{}{}{}",
        compact(family.unwrap_or("")),
        year,
        compact(word)
    ))
}

/// Hands out unique slugs in the order asked: the first `x` stays `x`, later
/// ones become `x-2`, `x-3`, so adding articles never renames earlier ones.
#[derive(Debug, Default)]
pub(crate) struct SlugSet {
    used: HashSet<String>,
}

impl SlugSet {
    /// A unique slug based on `base` (`article` when `base` is empty).
    pub(crate) fn unique(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "article" } else { base };
        let mut slug = base.to_string();
        let mut n = 2;
        while !self.used.insert(slug.clone()) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        slug
    }
}

/// The citation key of every article of `articles` (in site order).
///
/// An article's own BibTeX key when it is usable as one (no spaces, braces,
/// commas, …) and not already taken (keys compare case-insensitively, as in
/// BibTeX; the earlier article in the data keeps it); otherwise its slug,
/// which is unique.
pub(crate) fn cite_keys(articles: &[Article]) -> Vec<String> {
    let mut by_position: Vec<usize> = (0..articles.len()).collect();
    by_position.sort_by_key(|&i| articles[i].position);
    let mut keys = vec![String::new(); articles.len()];
    let mut own: HashSet<String> = HashSet::new();
    for &i in &by_position {
        let a = &articles[i];
        let key = match a.key.as_deref().filter(|k| valid_key(k)) {
            Some(k) if own.insert(k.to_lowercase()) => k.to_string(),
            _ => String::new(),
        };
        keys[i] = key;
    }
    // Slugs are unique among slugs; one that collides with another
    // article's key gets a suffix.
    for (i, a) in articles.iter().enumerate() {
        if keys[i].is_empty() {
            let mut key = a.slug.clone();
            let mut n = 2;
            while own.contains(&key.to_lowercase()) {
                key = format!("{}-{n}", a.slug);
                n += 1;
            }
            own.insert(key.to_lowercase());
            keys[i] = key;
        }
    }
    keys
}

/// Whether BibTeX accepts `key` as a citation key.
fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.chars().all(|c| {
            !c.is_whitespace()
                && !c.is_control()
                && !matches!(
                    c,
                    ',' | '{' | '}' | '(' | ')' | '"' | '#' | '%' | '\'' | '=' | '~' | '\\'
                )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_ascii() {
        assert_eq!(slugify("Schlüter2014"), "schluter2014");
        assert_eq!(slugify("Doe:2019/Deep Nets"), "doe-2019-deep-nets");
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("/abs\0path"), "abs-path");
        assert_eq!(slugify("CRNN (CNN+RNN)"), "crnn-cnn-rnn");
        assert!(slugify(&"x".repeat(500)).len() <= MAX_LEN);
    }

    #[test]
    fn fallback_skips_stop_words() {
        assert_eq!(
            fallback(Some("Costa"), Some(2017), "An evaluation of CNNs"),
            "costa2017evaluation"
        );
        assert_eq!(fallback(Some("Schlüter"), None, "Deep"), "schluterdeep");
        assert_eq!(fallback(None, None, ""), "");
    }

    #[test]
    fn duplicates_get_numbered_in_order() {
        let mut set = SlugSet::default();
        assert_eq!(set.unique("a"), "a");
        assert_eq!(set.unique("a"), "a-2");
        assert_eq!(set.unique("a"), "a-3");
        assert_eq!(set.unique(""), "article");
    }
}
