//! Rewrites of an entry's source that make the `biblatex` parser read it the
//! way LaTeX would, for two forms it gets wrong:
//!
//! - an accent on a dotless `\i` or `\j` written without braces (`\'\i`,
//!   `\^\j`), which it turns into a backslash followed by a loose accent;
//! - an `=` inside a name (`Mallory, Eve=x`), which it takes for biblatex's
//!   `family=…, given=…` form and reads as an empty name; the loader stands a
//!   placeholder in for it while parsing.
//!
//! The rewrites stay inside a field's value and add no line, so an entry that
//! parsed before still parses, and the file's line numbers are unchanged.

/// Accent commands that take the following letter as their argument.
const SYMBOL_ACCENTS: &[u8] = b"'`^\"~=.";
/// Accent commands named by a letter (`\u{i}`, `\v\i`).
const LETTER_ACCENTS: &[u8] = b"uvHckrdbt";

/// `\'\i`, `\'{\i}` and `{\'\i}` become `\'{i}`, which the parser decodes to
/// `í`; the same for every accent and for `\j`. `None` when there is nothing
/// to rewrite, which is nearly always.
pub(crate) fn dotless_accents(text: &str) -> Option<String> {
    if !(text.contains("\\i") || text.contains("\\j")) {
        return None;
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 8);
    let mut copied = 0;
    let mut at = 0;
    while at + 1 < bytes.len() {
        if bytes[at] == b'\\'
            && let Some((letter, end)) = accented_dotless(bytes, at + 1)
        {
            out.push_str(&text[copied..at + 2]);
            out.push('{');
            out.push(letter);
            out.push('}');
            copied = end;
            at = end;
        } else {
            at += 1;
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// After a backslash at `accent - 1`: when an accent command applies to `\i`
/// or `\j`, the plain letter and the offset just after the argument.
fn accented_dotless(bytes: &[u8], accent: usize) -> Option<(char, usize)> {
    let command = *bytes.get(accent)?;
    let mut at = accent + 1;
    if LETTER_ACCENTS.contains(&command) {
        // `\u` must not be the start of a longer command such as `\url`.
        if bytes.get(at).is_some_and(u8::is_ascii_alphabetic) {
            return None;
        }
    } else if !SYMBOL_ACCENTS.contains(&command) {
        return None;
    }
    at = skip_spaces(bytes, at);
    let braced = bytes.get(at) == Some(&b'{');
    if braced {
        at = skip_spaces(bytes, at + 1);
    }
    let letter = dotless_at(bytes, at)?;
    at += 2;
    if !braced {
        // As in TeX, spaces after a command name end it and are dropped.
        return Some((letter, skip_spaces(bytes, at)));
    }
    at = skip_spaces(bytes, at);
    (bytes.get(at) == Some(&b'}')).then_some((letter, at + 1))
}

/// `i` or `j` when `\i` or `\j` (not a longer command) starts at `at`.
fn dotless_at(bytes: &[u8], at: usize) -> Option<char> {
    if bytes.get(at) != Some(&b'\\') || bytes.get(at + 2).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    match bytes.get(at + 1) {
        Some(b'i') => Some('i'),
        Some(b'j') => Some('j'),
        _ => None,
    }
}

fn skip_spaces(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|b| *b == b' ' || *b == b'\t') {
        at += 1;
    }
    at
}

/// Parts of biblatex's extended name format (`family=Knuth, given=Donald`).
const NAME_PARTS: &[&str] = &["family", "given", "prefix", "suffix", "useprefix"];

/// Offsets, within a name list such as an `author` value, of every `=` that
/// belongs to a name rather than to biblatex's `family=…` form, and the names
/// that hold them.
pub(crate) fn name_equals(list: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (start, name) in names_of(list) {
        if extended_name(name) {
            continue;
        }
        let mut depth = 0usize;
        for (i, b) in name.bytes().enumerate() {
            match b {
                b'{' => depth += 1,
                b'}' => depth = depth.saturating_sub(1),
                b'=' if depth == 0 => found.push((start + i, name.trim().to_string())),
                _ => {}
            }
        }
    }
    found
}

/// How many names a list such as an `author` value holds, `others` excluded.
pub(crate) fn name_count(list: &str) -> usize {
    names_of(list)
        .iter()
        .map(|(_, name)| name.trim())
        .filter(|name| !name.is_empty() && !name.eq_ignore_ascii_case("others"))
        .count()
}

/// The names of a list, split at ` and ` outside braces, with their offsets.
fn names_of(list: &str) -> Vec<(usize, &str)> {
    let bytes = list.as_bytes();
    let mut names = Vec::new();
    let (mut depth, mut start, mut at) = (0usize, 0, 0);
    while at < bytes.len() {
        match bytes[at] {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b if depth == 0 && b.is_ascii_whitespace() && is_and(bytes, at) => {
                names.push((start, &list[start..at]));
                start = at + 5;
                at = start;
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    names.push((start, &list[start..]));
    names
}

/// ` and ` (any case, any whitespace) starts at `at`.
fn is_and(bytes: &[u8], at: usize) -> bool {
    bytes.len() > at + 4
        && bytes[at + 1..at + 4].eq_ignore_ascii_case(b"and")
        && bytes[at + 4].is_ascii_whitespace()
}

/// Every comma-separated part is `family=`, `given=` and so on.
fn extended_name(name: &str) -> bool {
    name.split(',').all(|part| {
        part.split_once('=').is_some_and(|(key, _)| {
            let key = key.trim().to_ascii_lowercase();
            NAME_PARTS.contains(&key.as_str()) || key.ends_with("-i")
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_the_dotless_letter_of_every_accent_form() {
        let cases = [
            (r"Mart{\'\i}nez", r"Mart{\'{i}}nez"),
            (r"Mart\'\i{}nez", r"Mart\'{i}{}nez"),
            (r"Mart\'{\i}nez", r"Mart\'{i}nez"),
            (r"Mart\' { \i }nez", r"Mart\'{i}nez"),
            (r"Bl\^\j", r"Bl\^{j}"),
            (r"\u\i \v{\j}", r"\u{i}\v{j}"),
            (r"Mart\'\i nez", r"Mart\'{i}nez"),
        ];
        for (given, want) in cases {
            assert_eq!(dotless_accents(given).as_deref(), Some(want), "{given}");
        }
    }

    #[test]
    fn leaves_other_commands_alone() {
        for text in [
            r"\i alone",
            r"\'i",
            r"\url\i",
            r"\'\item",
            r"\it\i",
            r"plain",
        ] {
            assert_eq!(dotless_accents(text), None, "{text}");
        }
    }

    #[test]
    fn finds_equals_signs_inside_names_only() {
        let list = "Mallory, Eve=x and family=Knuth, given=Donald and {A=B} and Bob = Bar";
        let found: Vec<_> = name_equals(list).into_iter().map(|(at, _)| at).collect();
        let want = [list.find("Eve=").unwrap() + 3, list.rfind('=').unwrap()];
        assert_eq!(found, want);
        assert_eq!(name_equals("Ann AND Bob=c")[0].1, "Bob=c");
    }
}
