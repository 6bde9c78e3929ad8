//! Splitting a BibTeX file into top-level `@type{…}` chunks, and noticing
//! the stray text between them.

/// A top-level `@type{…}` chunk of a BibTeX file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// The entry type in lowercase (`string`, `comment`, `article`, …).
    pub kind: String,
    /// Byte range of the chunk, from `@` to the closing delimiter.
    pub start: usize,
    /// Byte offset just past the chunk.
    pub end: usize,
    /// False when the file ended, or a new entry began, before the closing delimiter.
    pub terminated: bool,
}

/// Text outside any entry that looks like a mistake rather than a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stray {
    /// Byte offset of the stray text in the file.
    pub start: usize,
    /// The stray text, trimmed.
    pub text: String,
}

/// Splits a BibTeX file into top-level chunks, counting braces only.
///
/// An `@type{` or `@type(` at the start of a line always begins a new chunk:
/// an entry that left a brace open before it is cut there and marked
/// unterminated, so that the entries after it still load.
pub fn split(text: &str) -> (Vec<Chunk>, Vec<Stray>) {
    let bytes = text.as_bytes();
    let mut chunks = Vec::new();
    let mut strays = Vec::new();
    let mut pos = 0;
    let mut gap_start = 0;
    while pos < bytes.len() {
        if bytes[pos] != b'@' {
            pos += 1;
            continue;
        }
        let Some((kind, open)) = entry_head(text, pos) else {
            pos += 1;
            continue;
        };
        note_stray(text, gap_start, pos, &mut strays);
        let (end, terminated) = entry_end(text, open);
        chunks.push(Chunk {
            kind,
            start: pos,
            end,
            terminated,
        });
        pos = end;
        gap_start = end;
    }
    note_stray(text, gap_start, bytes.len(), &mut strays);
    (chunks, strays)
}

/// Reads `@type{` at `at`: the lowercase type and the offset of the delimiter.
fn entry_head(text: &str, at: usize) -> Option<(String, usize)> {
    let rest = &text[at + 1..];
    let ident_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    if ident_len == 0 {
        return None;
    }
    let after = &rest[ident_len..];
    let spaces = after.len() - after.trim_start().len();
    let open = at + 1 + ident_len + spaces;
    match text.as_bytes().get(open) {
        Some(b'{') | Some(b'(') => Some((rest[..ident_len].to_ascii_lowercase(), open)),
        _ => None,
    }
}

/// Finds the end of the chunk whose delimiter is at `open`.
fn entry_end(text: &str, open: usize) -> (usize, bool) {
    let bytes = text.as_bytes();
    let parens = bytes[open] == b'(';
    let mut depth: i64 = 0;
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => depth += 1,
            b'}' if !parens && depth == 0 => return (i + 1, true),
            b'}' => depth -= 1,
            b')' if parens && depth <= 0 => return (i + 1, true),
            b'\n' if starts_entry_line(text, i + 1) => return (i + 1, false),
            _ => {}
        }
        i += 1;
    }
    (bytes.len(), false)
}

/// Whether the line starting at `at` begins with `@type{` (after indentation).
fn starts_entry_line(text: &str, at: usize) -> bool {
    let line = &text[at..];
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    line[indent..].starts_with('@') && entry_head(text, at + indent).is_some()
}

/// Records text between entries that has no letters in it (a stray `"` or `}`).
fn note_stray(text: &str, start: usize, end: usize, strays: &mut Vec<Stray>) {
    let gap = &text[start..end];
    for (offset, line) in line_offsets(gap) {
        let trimmed = line.trim();
        if !trimmed.is_empty()
            && !trimmed.starts_with('%')
            && !trimmed.chars().any(char::is_alphanumeric)
        {
            let lead = line.len() - line.trim_start().len();
            strays.push(Stray {
                start: start + offset + lead,
                text: trimmed.to_string(),
            });
        }
    }
}

fn line_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |line| {
        let at = offset;
        offset += line.len();
        (at, line.trim_end_matches(['\n', '\r']))
    })
}
