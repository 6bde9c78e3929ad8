//! BibTeX/BibLaTeX loading with per-entry recovery.
//!
//! The file is first split into top-level `@type{…}` chunks by [`split`]
//! (`chunks.rs`), which only counts braces, so one malformed entry cannot take
//! the rest of the file down with it. `@string` macros are kept as they are
//! defined (`macros.rs`), and each entry is then parsed on its own by the
//! `biblatex` crate (`entry.rs`), with just the macros it uses prepended;
//! field values come out with LaTeX accents decoded to Unicode and braces
//! removed.

mod chunks;
mod entry;
mod macros;

pub use chunks::{Chunk, Stray, split};

use crate::diag::{Diagnostics, Source};
use crate::load::{Lines, printable};
use entry::parse_entry;
use macros::{Macros, read_macro};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// A person's name split into its BibTeX parts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Name {
    /// Given names (`Jordi`).
    pub given: String,
    /// The `von` part (`van`, `de la`).
    pub prefix: String,
    /// The family name (`Pons`).
    pub family: String,
    /// The `Jr.` part.
    pub suffix: String,
}

/// One field of an entry, decoded to display text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BibField {
    /// The value, LaTeX decoded, whitespace collapsed.
    pub value: String,
    /// 1-based line of the value in the file.
    pub line: usize,
}

/// One parsed bibliography entry with where it came from.
#[derive(Debug, Clone)]
pub struct BibEntry {
    /// Where the entry starts (its `@`).
    pub source: Source,
    /// The citation key as written.
    pub key: String,
    /// The entry type in lowercase (`article`, `inproceedings`, …).
    pub kind: String,
    /// Field name (lowercase) → decoded value; `author` and `editor` included.
    pub fields: BTreeMap<String, BibField>,
    /// The `author` field's names.
    pub authors: Vec<Name>,
    /// The `editor` field's names (inherited through `crossref`).
    pub editors: Vec<Name>,
    /// The entry as written in the file.
    pub raw: String,
}

impl BibEntry {
    /// The decoded value of a field, if present and not blank.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields
            .get(field)
            .map(|f| f.value.as_str())
            .filter(|v| !v.trim().is_empty())
    }
}

/// Runs of fewer entries than this between two `@string`s are parsed on one
/// thread.
const PARALLEL_RUN: usize = 64;

/// Parses every entry of a BibTeX file; broken entries become errors.
pub fn parse(file: &str, text: &str, diags: &mut Diagnostics) -> Vec<BibEntry> {
    let (chunks, strays) = split(text);
    let lines = Lines::new(text);
    for stray in &strays {
        let at = source_at(file, &lines, stray.start);
        diags
            .warning(
                &at,
                format!(
                    "stray `{}` between entries is ignored",
                    printable(&stray.text)
                ),
            )
            .hint("delete it; text outside `@type{…}` entries is not part of any entry");
    }
    let mut macros = Macros::default();
    let mut entries = Vec::new();
    // Entries between two `@string` definitions see the same macros, so each
    // such run is parsed in parallel; results are kept in file order.
    for run in chunks.split_inclusive(|chunk| chunk.kind == "string") {
        let (last, body) = match run.split_last() {
            Some((last, body)) if last.kind == "string" => (Some(last), body),
            _ => (None, run),
        };
        if body.len() < PARALLEL_RUN {
            // Not worth a copy of the macros per thread.
            for chunk in body {
                entries.extend(read_chunk(file, text, &lines, chunk, &mut macros, diags));
            }
        } else {
            let parsed: Vec<(Option<BibEntry>, Diagnostics)> = body
                .par_iter()
                .map_init(
                    || macros.clone(),
                    |macros, chunk| {
                        let mut found = Diagnostics::default();
                        let entry = read_chunk(file, text, &lines, chunk, macros, &mut found);
                        (entry, found)
                    },
                )
                .collect();
            for (entry, found) in parsed {
                diags.extend(found);
                entries.extend(entry);
            }
        }
        if let Some(chunk) = last {
            let body = &text[chunk.start..chunk.end];
            let at = source_at(file, &lines, chunk.start);
            read_macro(body, &at, chunk, &mut macros, diags);
        }
    }
    warn_duplicate_keys(&entries, diags);
    resolve_crossrefs(&mut entries);
    entries
}

/// One chunk that is not a `@string`: an entry, an error, or nothing for
/// `@comment` and `@preamble`.
fn read_chunk(
    file: &str,
    text: &str,
    lines: &Lines,
    chunk: &Chunk,
    macros: &mut Macros,
    diags: &mut Diagnostics,
) -> Option<BibEntry> {
    match chunk.kind.as_str() {
        "comment" | "preamble" => None,
        _ if !chunk.terminated => {
            let body = &text[chunk.start..chunk.end];
            diags
                .error(
                    &source_at(file, lines, chunk.start),
                    "entry is not terminated: a closing `}` is missing",
                )
                .key(guess_key(body))
                .hint("balance the braces of this entry; it is left out of the site");
            None
        }
        _ => parse_entry(file, lines, chunk, macros, diags),
    }
}

/// Keys are compared case-insensitively, as BibTeX does; every entry is kept.
fn warn_duplicate_keys(entries: &[BibEntry], diags: &mut Diagnostics) {
    let mut first: HashMap<String, usize> = HashMap::new();
    for entry in entries {
        match first.get(&entry.key.to_lowercase()) {
            Some(line) => {
                diags
                    .warning(
                        &entry.source,
                        format!("the key `{}` is used again (first on line {line}); both entries are kept, with different page addresses", entry.key),
                    )
                    .key(&entry.key)
                    .hint("give each entry its own key, or delete the copy");
            }
            None => {
                first.insert(entry.key.to_lowercase(), entry.source.line);
            }
        }
    }
}

/// Rewrites a parenthesis-delimited chunk, `@type( … )`, as `@type{ … }`,
/// which is the only form the parser reads.
fn braced(body: &str) -> String {
    match (body.find(['{', '(']), body.ends_with(')')) {
        (Some(open), true) if body.as_bytes()[open] == b'(' => {
            format!("{}{{{}}}", &body[..open], &body[open + 1..body.len() - 1])
        }
        _ => body.to_string(),
    }
}

fn describe(kind: &biblatex::ParseErrorKind) -> String {
    use biblatex::ParseErrorKind as K;
    match kind {
        K::UnexpectedEof => "the entry ends too early (a brace or quote is not closed)".into(),
        K::Expected(token) => format!("expected {token}"),
        K::Unexpected(token) => format!("unexpected {token}"),
        other => other.to_string(),
    }
}

/// The citation key of a chunk that failed to parse, when one can be seen.
fn guess_key(body: &str) -> &str {
    body.find(['{', '('])
        .map(|i| &body[i + 1..])
        .and_then(|rest| rest.split([',', '\n']).next())
        .map(str::trim)
        .filter(|k| {
            !k.is_empty() && !k.contains(['=', '{', '}', '"', ' ']) && !k.contains(char::is_control)
        })
        .unwrap_or("")
}

fn source_at(file: &str, lines: &Lines, offset: usize) -> Source {
    let (line, column) = lines.line_col(offset);
    Source {
        file: file.to_string(),
        line,
        column,
    }
}

/// Copies fields an entry lacks from the entry its `crossref` names.
///
/// As in biber, the parent's `title` becomes the child's `booktitle`.
fn resolve_crossrefs(entries: &mut [BibEntry]) {
    let by_key: HashMap<String, usize> = entries
        .iter()
        .enumerate()
        .rev()
        .map(|(i, e)| (e.key.to_lowercase(), i))
        .collect();
    let inherited: Vec<(usize, BibEntry)> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let parent = by_key.get(&e.get("crossref")?.to_lowercase())?;
            (*parent != i).then(|| (i, entries[*parent].clone()))
        })
        .collect();
    for (i, parent) in inherited {
        let child = &mut entries[i];
        for (name, field) in &parent.fields {
            let target = if name == "title" { "booktitle" } else { name };
            if matches!(name.as_str(), "crossref" | "ids" | "xdata") {
                continue;
            }
            child
                .fields
                .entry(target.to_string())
                .or_insert_with(|| field.clone());
        }
        if child.editors.is_empty() {
            child.editors = parent.editors.clone();
        }
    }
}

#[cfg(test)]
mod tests;
