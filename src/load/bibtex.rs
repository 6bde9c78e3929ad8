//! BibTeX/BibLaTeX loading with per-entry recovery.
//!
//! The file is first split into top-level `@type{…}` chunks by [`split`], which
//! only counts braces, so one malformed entry cannot take the rest of the file
//! down with it. Each chunk is then parsed on its own by the `biblatex` crate,
//! with just the `@string` macros it uses prepended; field values come out
//! with LaTeX accents decoded to Unicode and braces removed.

use crate::diag::{Diagnostics, Source};
use crate::load::{Lines, printable, repair};
use biblatex::{Bibliography, ChunksExt, RawBibliography, RawChunk};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A person's name split into its BibTeX parts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Name {
    pub given: String,
    pub prefix: String,
    pub family: String,
    pub suffix: String,
}

/// One field of an entry, decoded to display text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BibField {
    pub value: String,
    /// 1-based line of the value in the file.
    pub line: usize,
}

/// One parsed bibliography entry with where it came from.
#[derive(Debug, Clone)]
pub struct BibEntry {
    pub source: Source,
    pub key: String,
    /// The entry type in lowercase (`article`, `inproceedings`, …).
    pub kind: String,
    /// Field name (lowercase) → decoded value; `author` and `editor` included.
    pub fields: BTreeMap<String, BibField>,
    pub authors: Vec<Name>,
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

/// A top-level `@type{…}` chunk of a BibTeX file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// The entry type in lowercase (`string`, `comment`, `article`, …).
    pub kind: String,
    /// Byte range of the chunk, from `@` to the closing delimiter.
    pub start: usize,
    pub end: usize,
    /// False when the file ended, or a new entry began, before the closing delimiter.
    pub terminated: bool,
}

/// Text outside any entry that looks like a mistake rather than a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stray {
    pub start: usize,
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

/// One part of a `@string` value: literal text or a reference to another macro.
#[derive(Clone)]
enum Part {
    Text(String),
    Ref(String),
}

/// A `@string` macro's value, by parts, as the file wrote it.
#[derive(Clone)]
struct Macro {
    parts: Vec<Part>,
}

fn parts(field: &[biblatex::Spanned<RawChunk>]) -> Vec<Part> {
    field
        .iter()
        .map(|c| match c.v {
            RawChunk::Normal(text) => Part::Text(text.to_string()),
            RawChunk::Abbreviation(name) => Part::Ref(name.to_string()),
        })
        .collect()
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

fn read_macro(
    body: &str,
    at: &Source,
    chunk: &Chunk,
    macros: &mut Macros,
    diags: &mut Diagnostics,
) {
    if !chunk.terminated {
        diags
            .error(at, "@string is not terminated: a closing `}` is missing")
            .hint("balance the braces of this @string");
        return;
    }
    match RawBibliography::parse(&braced(body)) {
        Ok(raw) => {
            for pair in raw.abbreviations {
                macros.insert(pair.key.v, parts(&pair.value.v));
            }
        }
        Err(err) => {
            diags
                .error(
                    at,
                    format!("cannot read this @string: {}", describe(&err.kind)),
                )
                .hint("write it as @string{name = {value}}");
        }
    }
}

/// How deep `@string` macros may refer to one another. The parser resolves
/// them recursively, so without a bound a long chain overflows its stack.
const MAX_MACRO_DEPTH: usize = 32;

/// How long (in bytes of text) the macros of one entry may expand to: macros
/// that each use the previous one twice double at every step.
const MAX_MACRO_EXPANSION: usize = 1 << 20;

/// The `@string` macros read so far, and what is known about expanding them.
#[derive(Default, Clone)]
struct Macros {
    /// Lowercase name → value.
    defined: HashMap<String, Macro>,
    /// Lowercase name → its expansion, or why it cannot be expanded; cleared
    /// whenever a macro is (re)defined.
    measured: HashMap<String, Result<Expansion, Unusable>>,
}

/// The size of a macro once every macro it uses is substituted.
#[derive(Debug, Clone, Copy, Default)]
struct Expansion {
    /// Bytes of text plus one per part.
    size: usize,
    /// The longest chain of macros using macros, this one included.
    height: usize,
}

/// Why a macro is shown as its name instead of its value.
#[derive(Debug, Clone)]
enum Unusable {
    /// The macros, in order, of a chain that comes back to its first one.
    Cycle(Vec<String>),
    TooDeep,
    TooLarge,
}

impl Unusable {
    fn describe(&self, name: &str) -> (String, String) {
        match self {
            Unusable::Cycle(chain) => (
                format!(
                    "the @string `{name}` refers to itself ({}); it is shown as its name",
                    chain.join(" → ")
                ),
                "define each @string from text and @strings defined before it".to_string(),
            ),
            Unusable::TooDeep => (
                format!(
                    "the @string `{name}` is built from more than {MAX_MACRO_DEPTH} levels of other @strings; it is shown as its name"
                ),
                "write its value out in full".to_string(),
            ),
            Unusable::TooLarge => (
                format!(
                    "the @strings of this entry expand to more than {} MiB of text; `{name}` is shown as its name",
                    MAX_MACRO_EXPANSION >> 20
                ),
                "an @string that uses another one several times grows at every step; write the value out".to_string(),
            ),
        }
    }
}

impl Macros {
    fn insert(&mut self, name: &str, parts: Vec<Part>) {
        self.defined
            .insert(name.to_ascii_lowercase(), Macro { parts });
        self.measured.clear();
    }

    /// The expansion of macro `root`, found with an explicit stack (never
    /// recursion, whatever the input) and remembered.
    fn measure(&mut self, root: &str) -> Result<Expansion, Unusable> {
        let root = root.to_ascii_lowercase();
        if let Some(known) = self.measured.get(&root) {
            return known.clone();
        }
        if !self.defined.contains_key(&root) {
            return Ok(Expansion {
                size: root.len() + 1,
                height: 1,
            });
        }
        // (macro, index of its next part, expansion so far)
        let mut stack: Vec<(String, usize, Expansion)> = Vec::new();
        let mut on_stack: HashSet<String> = HashSet::new();
        let fresh = Expansion { size: 0, height: 1 };
        on_stack.insert(root.clone());
        stack.push((root.clone(), 0, fresh));
        while let Some((name, next, acc)) = stack.last_mut() {
            let parts = self
                .defined
                .get(name.as_str())
                .map_or(&[][..], |m| &m.parts);
            let Some(part) = parts.get(*next) else {
                // Every part is measured: this macro is done.
                let (name, _, mut done) = stack.pop().unwrap_or_default();
                on_stack.remove(&name);
                let result = if done.height > MAX_MACRO_DEPTH {
                    Err(Unusable::TooDeep)
                } else {
                    Ok(done)
                };
                self.measured.insert(name, result.clone());
                match (stack.last_mut(), result) {
                    (Some((_, _, parent)), Ok(_)) => {
                        parent.size = parent.size.saturating_add(done.size + 1);
                        done.height += 1;
                        parent.height = parent.height.max(done.height);
                    }
                    (Some(_), Err(why)) => {
                        return self.fail(&mut stack, why);
                    }
                    (None, result) => return result,
                }
                continue;
            };
            *next += 1;
            match part {
                Part::Text(text) => acc.size = acc.size.saturating_add(text.len() + 1),
                Part::Ref(other) => {
                    let other = other.to_ascii_lowercase();
                    if let Some(known) = self.measured.get(&other) {
                        match known.clone() {
                            Ok(e) => {
                                acc.size = acc.size.saturating_add(e.size + 1);
                                acc.height = acc.height.max(e.height + 1);
                            }
                            Err(why) => return self.fail(&mut stack, why),
                        }
                    } else if on_stack.contains(&other) {
                        let from = stack.iter().position(|(n, _, _)| *n == other).unwrap_or(0);
                        let mut chain: Vec<String> =
                            stack[from..].iter().map(|(n, _, _)| n.clone()).collect();
                        chain.push(other);
                        return self.fail(&mut stack, Unusable::Cycle(chain));
                    } else if self.defined.contains_key(&other) {
                        on_stack.insert(other.clone());
                        stack.push((other, 0, fresh));
                        continue;
                    } else {
                        acc.size = acc.size.saturating_add(other.len() + 1);
                    }
                }
            }
            if stack
                .last()
                .is_some_and(|(_, _, acc)| acc.size > MAX_MACRO_EXPANSION)
            {
                return self.fail(&mut stack, Unusable::TooLarge);
            }
        }
        Ok(fresh)
    }

    /// Marks every macro on the stack as unusable: each of them uses the one
    /// that failed.
    fn fail(
        &mut self,
        stack: &mut Vec<(String, usize, Expansion)>,
        why: Unusable,
    ) -> Result<Expansion, Unusable> {
        for (name, _, _) in stack.drain(..) {
            self.measured.insert(name, Err(why.clone()));
        }
        Err(why)
    }
}

/// `@string` definitions for the macros an entry uses, spelled as the entry
/// spells them (BibTeX ignores case, the parser does not). Undefined macros
/// are defined as their own name and named in the second list; macros that
/// cannot be expanded likewise, with the reason, in the third.
fn prelude(used: &[String], macros: &mut Macros) -> (String, Vec<String>, Vec<(String, Unusable)>) {
    let mut out = String::new();
    let mut done = HashSet::new();
    let mut missing = Vec::new();
    let mut unusable = Vec::new();
    let mut total = 0usize;
    for name in used {
        if !done.insert(name.clone()) {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        if !macros.defined.contains_key(&lower) {
            if !is_month(&lower) {
                missing.push(name.clone());
                out.push_str(&format!("@string{{{name} = {{{name}}}}}\n"));
            }
            continue;
        }
        let measured = macros.measure(name).and_then(|e| {
            total = total.saturating_add(e.size);
            if total > MAX_MACRO_EXPANSION {
                Err(Unusable::TooLarge)
            } else {
                Ok(e)
            }
        });
        match measured {
            Ok(_) => define(name, &macros.defined, &mut done, &mut missing, &mut out),
            Err(why) => {
                unusable.push((name.clone(), why));
                out.push_str(&format!("@string{{{name} = {{{name}}}}}\n"));
            }
        }
    }
    (out, missing, unusable)
}

/// Writes `@string` definitions for `name` and the macros it uses, those
/// first. Only called for macros [`Macros::measure`] accepted, so the
/// recursion is at most [`MAX_MACRO_DEPTH`] deep.
fn define(
    name: &str,
    macros: &HashMap<String, Macro>,
    done: &mut HashSet<String>,
    missing: &mut Vec<String>,
    out: &mut String,
) {
    done.insert(name.to_string());
    let Some(m) = macros.get(&name.to_ascii_lowercase()) else {
        return;
    };
    let mut value = Vec::new();
    for part in &m.parts {
        match part {
            Part::Text(text) => value.push(delimited(text)),
            Part::Ref(other) => {
                let lower = other.to_ascii_lowercase();
                if !done.contains(other.as_str()) {
                    if macros.contains_key(&lower) {
                        define(other, macros, done, missing, out);
                    } else if !is_month(&lower) {
                        done.insert(other.clone());
                        missing.push(other.clone());
                        out.push_str(&format!("@string{{{other} = {{{other}}}}}\n"));
                    }
                }
                value.push(other.clone());
            }
        }
    }
    out.push_str(&format!("@string{{{name} = {}}}\n", value.join(" # ")));
}

/// A macro's text in the delimiters the parser will read back: braces, or
/// quotes when its braces do not balance (a `"…"` value may hold `{`).
fn delimited(text: &str) -> String {
    let mut depth = 0usize;
    let mut balanced = true;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '{' => depth += 1,
            '}' if depth == 0 => balanced = false,
            '}' => depth -= 1,
            _ => {}
        }
    }
    let escaped_end = text.len() - text.trim_end_matches('\\').len();
    if balanced && depth == 0 && escaped_end % 2 == 0 {
        format!("{{{text}}}")
    } else {
        format!("\"{text}\"")
    }
}

fn is_month(name: &str) -> bool {
    matches!(
        name,
        "jan"
            | "feb"
            | "mar"
            | "apr"
            | "may"
            | "jun"
            | "jul"
            | "aug"
            | "sep"
            | "oct"
            | "nov"
            | "dec"
    )
}

/// Fields that name other entries. They are resolved across the file by
/// [`resolve_crossrefs`], never by the parser: it sees one entry at a time,
/// and an entry naming itself (or an alias of itself) would send it into
/// endless recursion.
fn is_link_field(name: &str) -> bool {
    ["crossref", "xdata", "ids"]
        .iter()
        .any(|f| f.eq_ignore_ascii_case(name))
}

/// What the raw parse of an entry gives, per field (lowercase name).
#[derive(Default)]
struct RawView {
    /// The macros the entry uses, spelled as written.
    used: Vec<String>,
    /// The literal text of each field (for URLs, which must not be typeset).
    literal: HashMap<String, String>,
    /// The byte offset of each field's name in the entry.
    offset: HashMap<String, usize>,
    /// Each `=` written inside a name: its offset in the entry, the name.
    name_equals: Vec<(usize, String)>,
    /// How many names the `author` field holds, as written.
    author_count: Option<usize>,
}

fn raw_view(body: &str) -> RawView {
    let Ok(raw) = RawBibliography::parse(body) else {
        return RawView::default();
    };
    let mut view = RawView::default();
    for field in raw.entries.iter().flat_map(|e| e.v.fields.iter()) {
        let mut text = String::new();
        for chunk in &field.value.v {
            match chunk.v {
                RawChunk::Abbreviation(name) => view.used.push(name.to_string()),
                RawChunk::Normal(part) => text.push_str(part),
            }
        }
        let name = field.key.v.to_ascii_lowercase();
        if is_name_list(&name) {
            view.name_equals
                .extend(equals_in_names(body, &field.value.v));
        }
        if name == "author" {
            view.author_count = Some(repair::name_count(&text));
        }
        view.offset.insert(name.clone(), field.key.span.start);
        view.literal.insert(name, text.replace(['{', '}'], ""));
    }
    view
}

/// Stands for an `=` inside a name while the parser reads it: the parser takes
/// any `=` in a name, even braced, for biblatex's `family=…` form. A Unicode
/// noncharacter, so it cannot clash with text.
const NAME_EQUALS: &str = "\u{FDD0}";

/// Fields that hold a list of people.
fn is_name_list(field: &str) -> bool {
    matches!(field, "author" | "editor" | "bookauthor" | "translator")
}

/// The `=` signs inside the names of one name-list field, located in `body`.
fn equals_in_names(body: &str, value: &[biblatex::Spanned<RawChunk>]) -> Vec<(usize, String)> {
    value
        .iter()
        .filter_map(|chunk| match chunk.v {
            RawChunk::Normal(text) if body.get(chunk.span.clone()) == Some(text) => {
                Some((chunk.span.start, text))
            }
            _ => None,
        })
        .flat_map(|(start, text)| {
            repair::name_equals(text)
                .into_iter()
                .map(move |(at, name)| (start + at, name))
        })
        .collect()
}

/// The entry as the parser should see it: accents on `\i` braced, and every
/// `=` inside a name replaced by [`NAME_EQUALS`] so that the name is kept.
fn repaired(body: &str, name_equals: &[(usize, String)]) -> Option<String> {
    let braced_equals = (!name_equals.is_empty()).then(|| {
        let mut out = body.to_string();
        for (at, _) in name_equals.iter().rev() {
            out.replace_range(*at..*at + 1, NAME_EQUALS);
        }
        out
    });
    let text = braced_equals.as_deref().unwrap_or(body);
    repair::dotless_accents(text).or(braced_equals)
}

fn parse_resolved(source: &str) -> Result<Bibliography, biblatex::ParseError> {
    RawBibliography::parse(source).and_then(|mut bib| {
        for entry in &mut bib.entries {
            entry.v.fields.retain(|f| !is_link_field(f.key.v));
        }
        Bibliography::from_raw(bib)
    })
}

fn parse_entry(
    file: &str,
    lines: &Lines,
    chunk: &Chunk,
    macros: &mut Macros,
    diags: &mut Diagnostics,
) -> Option<BibEntry> {
    let at = source_at(file, lines, chunk.start);
    let body = braced(&repair_doubled_quotes(file, lines, chunk, diags));
    let key = guess_key(&body).to_string();
    let key = key.as_str();
    let body = comma_after_bare_key(&body);
    let body = body.as_str();
    let raw = raw_view(body);
    let (prelude, missing, unusable) = prelude(&raw.used, macros);
    for name in &missing {
        diags
            .warning(
                &at,
                format!("`{name}` is not a defined @string; it is shown as written"),
            )
            .key(key)
            .hint(format!(
                "define it with @string{{{name} = {{…}}}} or put the value in braces"
            ));
    }
    for (name, why) in &unusable {
        let (message, hint) = why.describe(name);
        diags.warning(&at, message).key(key).hint(hint);
    }
    for (offset, name) in &raw.name_equals {
        diags
            .warning(
                &source_at(file, lines, chunk.start + offset),
                format!("the name `{}` contains `=`; it is kept as written", printable(name)),
            )
            .key(key)
            .hint("if this is biblatex's `family=…, given=…` form, label every part of the name; otherwise remove the `=`");
    }
    let parsed = match repaired(body, &raw.name_equals) {
        Some(fixed) => parse_resolved(&format!("{prelude}{fixed}"))
            // Report a syntax error where the file has it.
            .map_err(|_| parse_resolved(&format!("{prelude}{body}")).err()),
        None => parse_resolved(&format!("{prelude}{body}")).map_err(Some),
    };
    let bib = match parsed {
        Ok(bib) => bib,
        Err(None) => {
            diags
                .error(&at, "cannot read this entry")
                .key(key)
                .hint("fix the entry's syntax (`@type{key, field = {value}, …}`); it is left out of the site");
            return None;
        }
        Err(Some(err)) => {
            let in_body = err.span.start.saturating_sub(prelude.len());
            diags
                .error(
                    &source_at(file, lines, (chunk.start + in_body).min(chunk.end)),
                    parse_error_message(&err.kind, body, in_body),
                )
                .key(key)
                .hint("fix the entry's syntax (`@type{key, field = {value}, …}`); it is left out of the site");
            return None;
        }
    };
    let Some(entry) = bib.into_iter().next() else {
        diags
            .error(
                &at,
                "cannot read this entry: no key and fields were found in it",
            )
            .key(key)
            .hint("write it as `@type{key, field = {value}, …}`; it is left out of the site");
        return None;
    };
    let line_of = |name: &str| {
        raw.offset
            .get(name)
            .map_or(at.line, |&o| lines.line(chunk.start + o))
    };
    let mut fields: BTreeMap<String, BibField> = entry
        .fields
        .iter()
        .map(|(name, chunks)| {
            let value = match raw.literal.get(name) {
                Some(raw) if is_verbatim_field(name) => unescape_verbatim(&tidy(raw)),
                _ => typeset(&tidy(&chunks.format_verbatim())),
            };
            (
                name.clone(),
                BibField {
                    value,
                    line: line_of(name),
                },
            )
        })
        .collect();
    for (name, literal) in raw.literal.iter().filter(|(n, _)| is_link_field(n)) {
        fields.insert(
            name.clone(),
            BibField {
                value: tidy(literal),
                line: line_of(name),
            },
        );
    }
    let authors = names(entry.author().ok());
    if let Some(written) = raw.author_count
        && authors.len() < written
    {
        let field_at = raw.offset.get("author").map_or(0, |o| *o);
        diags
            .warning(
                &source_at(file, lines, chunk.start + field_at),
                format!(
                    "{} of the {written} names in `author` cannot be read and are left out",
                    written - authors.len()
                ),
            )
            .key(key)
            .hint("write each name as `Family, Given` or `Given Family`, separated by ` and `");
    }
    Some(BibEntry {
        source: at,
        key: entry.key.clone(),
        kind: entry.entry_type.to_string().to_ascii_lowercase(),
        fields,
        authors,
        editors: names(entry.editors().ok().map(|e| {
            e.into_iter()
                .flat_map(|(people, _)| people)
                .collect::<Vec<_>>()
        })),
        raw: body.to_string(),
    })
}

fn name_part(part: &str) -> String {
    tidy(&part.replace(NAME_EQUALS, "="))
}

fn names(people: Option<Vec<biblatex::Person>>) -> Vec<Name> {
    people
        .unwrap_or_default()
        .into_iter()
        .map(|p| Name {
            given: name_part(&p.given_name),
            prefix: name_part(&p.prefix),
            family: name_part(&p.name),
            suffix: name_part(&p.suffix),
        })
        .filter(|n| !(n.family.is_empty() && n.given.is_empty()))
        // `and others` marks a list cut short; it is nobody's name.
        .filter(|n| !(n.given.is_empty() && n.prefix.is_empty() && n.family == "others"))
        .collect()
}

/// `@misc{key}`, an entry without fields, is valid BibTeX the parser
/// refuses: it wants a comma after the key. Other bodies are left alone.
fn comma_after_bare_key(body: &str) -> String {
    if let Err(err) = RawBibliography::parse(body) {
        let at = err.span.start.min(body.len());
        let expects_comma = matches!(
            err.kind,
            biblatex::ParseErrorKind::Expected(biblatex::Token::Comma)
        );
        if expects_comma && body[at..].trim_end() == "}" {
            return format!("{},{}", &body[..at], &body[at..]);
        }
    }
    body.to_string()
}

/// The message for a parse error at `offset` of `body`: a missing comma
/// before a field is named as such.
fn parse_error_message(kind: &biblatex::ParseErrorKind, body: &str, offset: usize) -> String {
    if matches!(
        kind,
        biblatex::ParseErrorKind::Expected(biblatex::Token::Comma)
    ) {
        let rest = body.get(offset..).unwrap_or("");
        let ident = rest
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '.')))
            .unwrap_or(rest.len());
        if ident > 0 && rest[ident..].trim_start().starts_with('=') {
            return format!(
                "cannot read this entry: a comma is missing before the field `{}`",
                &rest[..ident]
            );
        }
    }
    format!("cannot read this entry: {}", describe(kind))
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

/// Reads `\""u` (a quote doubled by a CSV export) as the umlaut `\"u`.
fn repair_doubled_quotes(
    file: &str,
    lines: &Lines,
    chunk: &Chunk,
    diags: &mut Diagnostics,
) -> String {
    let body = &lines.text()[chunk.start..chunk.end];
    if let Some(i) = body.find("\\\"\"") {
        diags
            .warning(
                &source_at(file, lines, chunk.start + i),
                "`\\\"\"` looks like a doubled quote; it is read as the umlaut accent `\\\"`",
            )
            .key(guess_key(body))
            .hint("write `{\\\"u}` for ü");
        return body.replace("\\\"\"", "\\\"");
    }
    body.to_string()
}

/// Fields whose value is an address or identifier, never typeset prose.
fn is_verbatim_field(name: &str) -> bool {
    matches!(
        name,
        "url" | "link" | "pdf" | "doi" | "code" | "file" | "eprint"
    )
}

/// Removes the backslash of `\_`, `\%`, `\&`, `\#` and `\$`, which reference
/// managers (Mendeley, JabRef) write into URLs to escape them for LaTeX.
fn unescape_verbatim(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(&next @ ('_' | '%' | '&' | '#' | '$'))) => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// TeX ligatures for quotes and dashes: ``x'' → “x”, -- → –, --- → —.
fn typeset(value: &str) -> String {
    value
        .replace("``", "\u{201c}")
        .replace("''", "\u{201d}")
        .replace("---", "\u{2014}")
        .replace("--", "\u{2013}")
}

/// Collapses runs of whitespace and trims.
fn tidy(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
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
mod tests {
    use super::*;
    use crate::diag::Severity;

    fn load(text: &str) -> (Vec<BibEntry>, Diagnostics) {
        let mut diags = Diagnostics::default();
        let entries = parse("t.bib", text, &mut diags);
        (entries, diags)
    }

    #[test]
    fn splits_entries_and_ignores_comments() {
        let (chunks, strays) =
            split("% c\n@string{a = {b}}\n@article{k, title = {T {x}}}\n@misc(k2, title=\"y\")\n");
        let kinds: Vec<_> = chunks.iter().map(|c| c.kind.as_str()).collect();
        assert_eq!(kinds, ["string", "article", "misc"]);
        assert!(chunks.iter().all(|c| c.terminated));
        assert!(strays.is_empty());
    }

    #[test]
    fn unterminated_entry_is_cut_at_the_next_entry_line() {
        let text = "@article{a, title = {Open\n\n@article{b, title = {Fine}}\n";
        let (entries, diags) = load(text);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].key, "b");
        let err = diags.iter().next().unwrap();
        assert_eq!((err.line, err.key.as_deref()), (1, Some("a")));
        assert!(err.message.contains("not terminated"));
    }

    #[test]
    fn stray_quote_between_entries_is_a_warning() {
        let (entries, diags) = load("@misc{a, title={A}}\n\"@misc{b, title={B}}\n");
        assert_eq!(entries.len(), 2);
        assert_eq!(diags.warnings(), 1);
        assert_eq!(diags.iter().next().unwrap().line, 2);
    }

    #[test]
    fn decodes_latex_and_macros() {
        let text = "@string{ismir = {Proc. ISMIR}}\n@inproceedings{s,\n author = {Schl{\\\"u}ter, Jan and van den Oord, A{\\\"a}ron},\n title = {{CNN}s \\& {RNN}s},\n booktitle = ismir # { 2014},\n month = jan}\n";
        let (entries, diags) = load(text);
        assert_eq!(diags.errors() + diags.warnings(), 0, "{diags:?}");
        let e = &entries[0];
        assert_eq!(e.get("title"), Some("CNNs & RNNs"));
        assert_eq!(e.get("booktitle"), Some("Proc. ISMIR 2014"));
        assert_eq!(e.authors[0].family, "Schlüter");
        assert_eq!(e.authors[1].prefix, "van den");
        assert_eq!(e.authors[1].given, "Aäron");
        assert_eq!(e.fields["booktitle"].line, 5);
    }

    #[test]
    fn accents_on_dotless_i_decode_to_one_letter() {
        let text = "@misc{k,\n title = {Mart{\\'\\i}nez \\^\\j},\n author = {Mart\\'\\i nez, Ana and Mart\\'{\\i}nez, Bo}}\n";
        let (entries, diags) = load(text);
        assert_eq!(diags.errors() + diags.warnings(), 0, "{diags:?}");
        assert_eq!(entries[0].get("title"), Some("Martínez ĵ"));
        let families: Vec<_> = entries[0]
            .authors
            .iter()
            .map(|a| a.family.as_str())
            .collect();
        assert_eq!(families, ["Martínez", "Martínez"]);
    }

    #[test]
    fn equals_sign_in_a_name_keeps_the_name_with_a_warning() {
        let text =
            "@misc{k,\n title = {T},\n author = {Mallory, Eve=x and family=Knuth, given=Donald}}\n";
        let (entries, diags) = load(text);
        let names: Vec<_> = entries[0]
            .authors
            .iter()
            .map(|a| format!("{} {}", a.given, a.family))
            .collect();
        assert_eq!(names, ["Eve=x Mallory", "Donald Knuth"]);
        assert_eq!(diags.warnings(), 1);
        let warning = diags.iter().next().unwrap();
        assert_eq!((warning.line, warning.key.as_deref()), (3, Some("k")));
        assert!(
            warning.message.contains("Mallory, Eve=x"),
            "{}",
            warning.message
        );
    }

    #[test]
    fn unreadable_names_are_reported() {
        let text = "@misc{k,\n title = {T},\n author = {Ann Lee and {} and {Team and Co}}}\n";
        let (entries, diags) = load(text);
        assert_eq!(entries[0].authors.len(), 2, "{:?}", entries[0].authors);
        let warning = diags.iter().next().unwrap();
        assert_eq!(warning.line, 3);
        assert!(
            warning.message.starts_with("1 of the 3 names"),
            "{}",
            warning.message
        );
    }

    #[test]
    fn syntax_error_after_a_repair_is_reported_where_the_file_has_it() {
        let text = "@misc{k,\n author = {Mallory, Eve=x},\n title = {T} year = 2020}\n";
        let (entries, diags) = load(text);
        assert!(entries.is_empty());
        let error = diags
            .iter()
            .find(|d| d.severity == crate::diag::Severity::Error)
            .unwrap();
        assert_eq!(error.line, 3, "{}", error.message);
    }

    #[test]
    fn tex_quotes_and_dashes_are_typeset_outside_urls() {
        let (entries, _) = load(
            "@misc{a, title = {The ``Emotion'' task -- part one}, url = {https://x.org/a--b}}",
        );
        assert_eq!(
            entries[0].get("title"),
            Some("The \u{201c}Emotion\u{201d} task \u{2013} part one")
        );
        assert_eq!(entries[0].get("url"), Some("https://x.org/a--b"));
    }

    #[test]
    fn duplicate_keys_are_kept_with_a_warning() {
        let (entries, diags) = load("@misc{a, title={A}}\n@misc{A, title={B}}\n");
        assert_eq!(entries.len(), 2);
        let w = diags.iter().next().unwrap();
        assert_eq!((w.line, w.key.as_deref()), (2, Some("A")));
    }

    #[test]
    fn doubled_umlaut_quote_is_repaired() {
        let (entries, diags) = load("@misc{s, author = {Schl{\\\"\"u}ter, Jan}, title = {T}}");
        assert_eq!(entries[0].authors[0].family, "Schlüter");
        assert_eq!(diags.warnings(), 1);
    }

    #[test]
    fn parenthesis_delimited_entries_load() {
        let (entries, diags) =
            load("@string(j = {Cell})\n@article(tes,\n title = {T (x)},\n journal = j\n)\n");
        assert_eq!(diags.errors(), 0, "{diags:?}");
        assert_eq!(entries[0].get("title"), Some("T (x)"));
        assert_eq!(entries[0].get("journal"), Some("Cell"));
    }

    #[test]
    fn undefined_macro_is_kept_as_written_with_a_warning() {
        let (entries, diags) = load("@misc{a, publisher = IEEE, title = {T}}");
        assert_eq!(entries[0].get("publisher"), Some("IEEE"));
        assert_eq!(diags.warnings(), 1);
    }

    #[test]
    fn broken_entry_is_reported_and_others_load() {
        let text =
            "@misc{a, title = {A}}\n@misc{b, title = {B} year = 2000}\n@misc{c, title = {C}}\n";
        let (entries, diags) = load(text);
        let keys: Vec<_> = entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["a", "c"]);
        let err = diags.iter().next().unwrap();
        assert_eq!((err.line, err.key.as_deref()), (2, Some("b")));
    }

    #[test]
    fn macros_that_refer_to_themselves_are_shown_as_their_name() {
        // The parser resolves macros recursively: a cycle used to overflow its stack.
        let text = "@string{a = b # {x}}\n@string{b = a}\n@string{c = c}\n@misc{k, title = a, note = c, year = 2000}\n@misc{after, title = {Fine}}\n";
        let (entries, diags) = load(text);
        let keys: Vec<_> = entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["k", "after"]);
        assert_eq!(entries[0].get("title"), Some("a"));
        assert_eq!(entries[0].get("note"), Some("c"));
        let messages: Vec<_> = diags.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages[0].contains("`a` refers to itself (a → b → a)"),
            "{messages:?}"
        );
        assert!(
            messages[1].contains("`c` refers to itself (c → c)"),
            "{messages:?}"
        );
        assert!(
            diags
                .iter()
                .all(|d| d.line == 4 && d.key.as_deref() == Some("k"))
        );
    }

    #[test]
    fn macros_that_double_at_each_step_are_not_expanded() {
        // m40 would expand to 2^40 copies of `xx`: a "billion laughs".
        let mut text = String::from("@string{m0 = {xx}}\n");
        for i in 1..=40 {
            text.push_str(&format!("@string{{m{i} = m{} # m{}}}\n", i - 1, i - 1));
        }
        text.push_str("@misc{k, title = m40, note = m3}\n");
        let (entries, diags) = load(&text);
        assert_eq!(entries[0].get("title"), Some("m40"));
        assert_eq!(entries[0].get("note"), Some("xxxxxxxxxxxxxxxx"));
        assert_eq!(diags.warnings(), 1);
        assert!(
            diags
                .iter()
                .next()
                .unwrap()
                .message
                .contains("more than 1 MiB")
        );
    }

    #[test]
    fn long_runs_are_parsed_in_parallel_with_the_macros_of_their_place() {
        let mut text = String::from("@string{v = {A}}\n");
        for i in 0..300 {
            if i == 150 {
                text.push_str("@string{v = {B}}\n");
            }
            if i % 50 == 7 {
                text.push_str(&format!("@misc{{k{i}, title = {{T}} year = 1}}\n"));
            } else {
                text.push_str(&format!("@misc{{k{i}, title = v}}\n"));
            }
        }
        let (entries, diags) = load(&text);
        assert_eq!(entries.len(), 294);
        assert_eq!(entries[0].key, "k0");
        assert_eq!(entries[293].key, "k299");
        assert!(entries.iter().all(|e| {
            let n: usize = e.key[1..].parse().unwrap();
            e.get("title") == Some(if n < 150 { "A" } else { "B" })
        }));
        let lines: Vec<usize> = diags.iter().map(|d| d.line).collect();
        assert_eq!(lines.len(), 6);
        assert!(lines.windows(2).all(|w| w[0] < w[1]), "{lines:?}");
    }

    #[test]
    fn long_chains_of_macros_are_not_expanded() {
        let mut text = String::from("@string{m0 = {x}}\n");
        for i in 1..=5000 {
            text.push_str(&format!("@string{{m{i} = m{} # {{.}}}}\n", i - 1));
        }
        text.push_str("@misc{k, title = m5000, note = m20}\n");
        let (entries, diags) = load(&text);
        assert_eq!(entries[0].get("title"), Some("m5000"));
        assert_eq!(
            entries[0].get("note"),
            Some(&*format!("x{}", ".".repeat(20)))
        );
        assert_eq!(diags.warnings(), 1, "{diags:?}");
        assert!(
            diags
                .iter()
                .next()
                .unwrap()
                .message
                .contains("more than 32 levels")
        );
    }

    #[test]
    fn an_entry_that_is_its_own_crossref_loads() {
        // The parser followed `crossref`, `xdata` and `ids` within the entry
        // and recursed forever when they named the entry itself.
        let text = "@misc{a, crossref = {a}, title = {A}}\n@misc{b, ids = {c}, crossref = {c}, title = {B}}\n@misc{d, xdata = {d}, title = {D}}\n";
        let (entries, diags) = load(text);
        let keys: Vec<_> = entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["a", "b", "d"]);
        assert_eq!(diags.errors(), 0, "{diags:?}");
        assert_eq!(entries[0].get("crossref"), Some("a"));
        assert_eq!(entries[1].get("ids"), Some("c"));
        assert_eq!(entries[1].fields["crossref"].line, 2);
    }

    #[test]
    fn a_quoted_macro_with_an_unbalanced_brace_expands() {
        // The braces balance over the whole @string, so the splitter keeps it.
        let (entries, diags) =
            load("@string{o = \"x { y\" # {}}}\n@misc{k, title = {T}, note = o}\n");
        assert_eq!(diags.errors(), 0, "{diags:?}");
        assert_eq!(entries[0].get("note"), Some("x y"));
    }

    #[test]
    fn and_others_is_not_an_author() {
        let (entries, _) = load("@article{s, author = {Smith, John and others}, title = {T}}");
        let families: Vec<_> = entries[0]
            .authors
            .iter()
            .map(|n| n.family.as_str())
            .collect();
        assert_eq!(families, ["Smith"]);
    }

    #[test]
    fn latex_escapes_in_urls_are_removed() {
        let (entries, _) = load(
            "@misc{m, url = {http://x.org/a{\\_}b\\%20c\\#d}, doi = {10.1/a\\_b}, title = {T}}",
        );
        assert_eq!(entries[0].get("url"), Some("http://x.org/a_b%20c#d"));
        assert_eq!(entries[0].get("doi"), Some("10.1/a_b"));
    }

    #[test]
    fn control_characters_never_reach_a_diagnostic_key() {
        let (entries, diags) = load("@misc{a\u{1b}[2J, title = {T}}\n");
        assert!(entries.is_empty());
        let err = diags.iter().next().unwrap();
        assert_eq!((err.line, err.key.as_deref()), (1, None));
    }

    #[test]
    fn a_missing_comma_is_named_and_an_entry_without_fields_loads() {
        let text = "@misc{a,\n title = {T}\n year = 2000}\n@misc{b}\n@misc{c, title = {C}}\n";
        let (entries, diags) = load(text);
        let keys: Vec<_> = entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["b", "c"]);
        assert!(entries[0].fields.is_empty());
        let err = diags.iter().next().unwrap();
        assert_eq!(
            (err.line, err.column, err.key.as_deref()),
            (3, 2, Some("a"))
        );
        assert_eq!(
            err.message,
            "cannot read this entry: a comma is missing before the field `year`"
        );
        assert_eq!(diags.errors() + diags.warnings(), 1);
    }

    #[test]
    fn a_value_that_is_not_a_field_is_still_an_error() {
        let (entries, diags) = load("@misc{a, year = 20 17}\n@misc{b{c}d, title = {T}}\n");
        assert!(entries.is_empty());
        let errors: Vec<_> = diags.iter().map(|d| (d.line, d.severity)).collect();
        assert_eq!(errors, [(1, Severity::Error), (2, Severity::Error)]);
    }

    #[test]
    fn crossref_fills_missing_fields() {
        let text = "@inproceedings{p, crossref = {proc}, title = {Paper}}\n@proceedings{proc, title = {Big Conf}, year = 2001, publisher = {ACM}}\n";
        let (entries, _) = load(text);
        let p = &entries[0];
        assert_eq!(p.get("booktitle"), Some("Big Conf"));
        assert_eq!(p.get("year"), Some("2001"));
        assert_eq!(p.get("title"), Some("Paper"));
    }
}
