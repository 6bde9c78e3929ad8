//! BibTeX/BibLaTeX loading with per-entry recovery.
//!
//! The file is first split into top-level `@type{…}` chunks by [`split`], which
//! only counts braces, so one malformed entry cannot take the rest of the file
//! down with it. Each chunk is then parsed on its own by the `biblatex` crate,
//! with just the `@string` macros it uses prepended; field values come out
//! with LaTeX accents decoded to Unicode and braces removed.

use crate::diag::{Diagnostics, Source};
use crate::load::line_col;
use biblatex::{Bibliography, ChunksExt, RawBibliography, RawChunk};
use std::collections::{BTreeMap, HashMap};

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
enum Part {
    Text(String),
    Ref(String),
}

/// A `@string` macro's value, by parts, as the file wrote it.
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

/// Parses every entry of a BibTeX file; broken entries become errors.
pub fn parse(file: &str, text: &str, diags: &mut Diagnostics) -> Vec<BibEntry> {
    let (chunks, strays) = split(text);
    for stray in &strays {
        let at = source_at(file, text, stray.start);
        diags
            .warning(
                &at,
                format!("stray `{}` between entries is ignored", stray.text),
            )
            .hint("delete it; text outside `@type{…}` entries is not part of any entry");
    }
    let mut macros: HashMap<String, Macro> = HashMap::new();
    let mut entries = Vec::new();
    for chunk in &chunks {
        let body = &text[chunk.start..chunk.end];
        let at = source_at(file, text, chunk.start);
        match chunk.kind.as_str() {
            "comment" | "preamble" => {}
            "string" => read_macro(body, &at, chunk, &mut macros, diags),
            _ if !chunk.terminated => {
                diags
                    .error(&at, "entry is not terminated: a closing `}` is missing")
                    .key(guess_key(body))
                    .hint("balance the braces of this entry; it is left out of the site");
            }
            _ => {
                if let Some(entry) = parse_entry(file, text, chunk, &macros, diags) {
                    entries.push(entry);
                }
            }
        }
    }
    warn_duplicate_keys(&entries, diags);
    resolve_crossrefs(&mut entries);
    entries
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
    macros: &mut HashMap<String, Macro>,
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
                let parts = parts(&pair.value.v);
                macros.insert(pair.key.v.to_ascii_lowercase(), Macro { parts });
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

/// `@string` definitions for the macros an entry uses, spelled as the entry
/// spells them (BibTeX ignores case, the parser does not); undefined ones are
/// defined as their own name and returned.
fn prelude(used: &[String], macros: &HashMap<String, Macro>) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut done = Vec::new();
    let mut missing = Vec::new();
    for name in used {
        define(name, macros, &mut done, &mut missing, &mut out);
    }
    (out, missing)
}

fn define(
    name: &str,
    macros: &HashMap<String, Macro>,
    done: &mut Vec<String>,
    missing: &mut Vec<String>,
    out: &mut String,
) {
    if done.iter().any(|d| d == name) {
        return;
    }
    done.push(name.to_string());
    let value = match macros.get(&name.to_ascii_lowercase()) {
        Some(m) => {
            let mut value = Vec::new();
            for part in &m.parts {
                match part {
                    Part::Text(text) => value.push(format!("{{{text}}}")),
                    Part::Ref(other) => {
                        define(other, macros, done, missing, out);
                        value.push(other.clone());
                    }
                }
            }
            value.join(" # ")
        }
        None if is_month(&name.to_ascii_lowercase()) => return,
        None => {
            missing.push(name.to_string());
            format!("{{{name}}}")
        }
    };
    out.push_str(&format!("@string{{{name} = {value}}}\n"));
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

/// What the raw parse of an entry gives, per field (lowercase name).
#[derive(Default)]
struct RawView {
    /// The macros the entry uses, spelled as written.
    used: Vec<String>,
    /// The literal text of each field (for URLs, which must not be typeset).
    literal: HashMap<String, String>,
    /// The byte offset of each field's name in the entry.
    offset: HashMap<String, usize>,
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
        view.offset.insert(name.clone(), field.key.span.start);
        view.literal.insert(name, text.replace(['{', '}'], ""));
    }
    view
}

fn parse_entry(
    file: &str,
    text: &str,
    chunk: &Chunk,
    macros: &HashMap<String, Macro>,
    diags: &mut Diagnostics,
) -> Option<BibEntry> {
    let at = source_at(file, text, chunk.start);
    let body = braced(&repair_doubled_quotes(file, text, chunk, diags));
    let body = body.as_str();
    let raw = raw_view(body);
    let (prelude, missing) = prelude(&raw.used, macros);
    for name in &missing {
        diags
            .warning(
                &at,
                format!("`{name}` is not a defined @string; it is shown as written"),
            )
            .key(guess_key(body))
            .hint(format!(
                "define it with @string{{{name} = {{…}}}} or put the value in braces"
            ));
    }
    let source = format!("{prelude}{body}");
    let bib = match Bibliography::parse(&source) {
        Ok(bib) => bib,
        Err(err) => {
            let offset = chunk.start + err.span.start.saturating_sub(prelude.len());
            diags
                .error(
                    &source_at(file, text, offset),
                    format!("cannot read this entry: {}", describe(&err.kind)),
                )
                .key(guess_key(body))
                .hint("fix the entry's syntax (`@type{key, field = {value}, …}`); it is left out of the site");
            return None;
        }
    };
    let entry = bib.into_iter().next()?;
    let fields = entry
        .fields
        .iter()
        .map(|(name, chunks)| {
            let line = raw
                .offset
                .get(name)
                .map_or(at.line, |&o| line_col(text, chunk.start + o).0);
            let value = match raw.literal.get(name) {
                Some(raw) if is_verbatim_field(name) => tidy(raw),
                _ => typeset(&tidy(&chunks.format_verbatim())),
            };
            (name.clone(), BibField { value, line })
        })
        .collect();
    Some(BibEntry {
        source: at,
        key: entry.key.clone(),
        kind: entry.entry_type.to_string().to_ascii_lowercase(),
        fields,
        authors: names(entry.author().ok()),
        editors: names(entry.editors().ok().map(|e| {
            e.into_iter()
                .flat_map(|(people, _)| people)
                .collect::<Vec<_>>()
        })),
        raw: body.to_string(),
    })
}

fn names(people: Option<Vec<biblatex::Person>>) -> Vec<Name> {
    people
        .unwrap_or_default()
        .into_iter()
        .map(|p| Name {
            given: tidy(&p.given_name),
            prefix: tidy(&p.prefix),
            family: tidy(&p.name),
            suffix: tidy(&p.suffix),
        })
        .filter(|n| !(n.family.is_empty() && n.given.is_empty()))
        .collect()
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
fn repair_doubled_quotes(file: &str, text: &str, chunk: &Chunk, diags: &mut Diagnostics) -> String {
    let body = &text[chunk.start..chunk.end];
    if let Some(i) = body.find("\\\"\"") {
        diags
            .warning(
                &source_at(file, text, chunk.start + i),
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
        .filter(|k| !k.is_empty() && !k.contains(['=', '{', '}', '"', ' ']))
        .unwrap_or("")
}

fn source_at(file: &str, text: &str, offset: usize) -> Source {
    let (line, column) = line_col(text, offset);
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
    fn crossref_fills_missing_fields() {
        let text = "@inproceedings{p, crossref = {proc}, title = {Paper}}\n@proceedings{proc, title = {Big Conf}, year = 2001, publisher = {ACM}}\n";
        let (entries, _) = load(text);
        let p = &entries[0];
        assert_eq!(p.get("booktitle"), Some("Big Conf"));
        assert_eq!(p.get("year"), Some("2001"));
        assert_eq!(p.get("title"), Some("Paper"));
    }
}
