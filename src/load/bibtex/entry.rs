//! Parsing one entry: its raw view (macros used, literal fields, where each
//! field is), the repairs the parser needs, and its decoded fields and names.

use super::macros::{Macros, Unusable, prelude};
use super::{BibEntry, BibField, Chunk, Name, braced, describe, guess_key, source_at};
use crate::diag::{Diagnostics, Source};
use crate::load::{Lines, printable, repair};
use biblatex::{Bibliography, ChunksExt, RawBibliography, RawChunk};
use std::collections::{BTreeMap, HashMap};

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

/// Parses the entry of `chunk`, with the `@string` macros it uses; a broken
/// entry is an error and `None`.
pub(super) fn parse_entry(
    file: &str,
    lines: &Lines,
    chunk: &Chunk,
    macros: &mut Macros,
    diags: &mut Diagnostics,
) -> Option<BibEntry> {
    let as_written = braced(&repair_doubled_quotes(file, lines, chunk, diags));
    let found = Found {
        file,
        lines,
        chunk,
        key: guess_key(&as_written),
        at: source_at(file, lines, chunk.start),
    };
    let body = comma_after_bare_key(&as_written);
    let raw = raw_view(&body);
    let (prelude, missing, unusable) = prelude(&raw.used, macros);
    found.warn_about_macros(&missing, &unusable, diags);
    found.warn_about_equals_in_names(&raw.name_equals, diags);
    let entry = found.parse(&body, &prelude, &raw.name_equals, diags)?;
    let fields = found.fields(&entry, &raw);
    let authors = found.authors(&entry, &raw, diags);
    Some(BibEntry {
        source: found.at,
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

/// Where an entry is, for its diagnostics: the file, the chunk, and the
/// key it seems to have.
struct Found<'a> {
    file: &'a str,
    lines: &'a Lines<'a>,
    chunk: &'a Chunk,
    key: &'a str,
    /// The start of the entry.
    at: Source,
}

impl Found<'_> {
    /// Where byte `offset` of the entry is.
    fn source(&self, offset: usize) -> Source {
        source_at(self.file, self.lines, self.chunk.start + offset)
    }

    /// Warns about macros that are not defined or cannot be expanded (both
    /// are shown as their names).
    fn warn_about_macros(
        &self,
        missing: &[String],
        unusable: &[(String, Unusable)],
        diags: &mut Diagnostics,
    ) {
        for name in missing {
            diags
                .warning(
                    &self.at,
                    format!("`{name}` is not a defined @string; it is shown as written"),
                )
                .key(self.key)
                .hint(format!(
                    "define it with @string{{{name} = {{…}}}} or put the value in braces"
                ));
        }
        for (name, why) in unusable {
            let (message, hint) = why.describe(name);
            diags.warning(&self.at, message).key(self.key).hint(hint);
        }
    }

    fn warn_about_equals_in_names(&self, name_equals: &[(usize, String)], diags: &mut Diagnostics) {
        for (offset, name) in name_equals {
            diags
                .warning(
                    &self.source(*offset),
                    format!("the name `{}` contains `=`; it is kept as written", printable(name)),
                )
                .key(self.key)
                .hint("if this is biblatex's `family=…, given=…` form, label every part of the name; otherwise remove the `=`");
        }
    }

    /// The entry as the parser reads it (repaired, after `prelude`), or an
    /// error where the file has it.
    fn parse(
        &self,
        body: &str,
        prelude: &str,
        name_equals: &[(usize, String)],
        diags: &mut Diagnostics,
    ) -> Option<biblatex::Entry> {
        const HINT: &str =
            "fix the entry's syntax (`@type{key, field = {value}, …}`); it is left out of the site";
        let parsed = match repaired(body, name_equals) {
            Some(fixed) => parse_resolved(&format!("{prelude}{fixed}"))
                // Report a syntax error where the file has it.
                .map_err(|_| parse_resolved(&format!("{prelude}{body}")).err()),
            None => parse_resolved(&format!("{prelude}{body}")).map_err(Some),
        };
        let bib = match parsed {
            Ok(bib) => bib,
            Err(None) => {
                diags
                    .error(&self.at, "cannot read this entry")
                    .key(self.key)
                    .hint(HINT);
                return None;
            }
            Err(Some(err)) => {
                let in_body = err.span.start.saturating_sub(prelude.len());
                let at = (self.chunk.start + in_body).min(self.chunk.end);
                diags
                    .error(
                        &source_at(self.file, self.lines, at),
                        parse_error_message(&err.kind, body, in_body),
                    )
                    .key(self.key)
                    .hint(HINT);
                return None;
            }
        };
        let entry = bib.into_iter().next();
        if entry.is_none() {
            diags
                .error(
                    &self.at,
                    "cannot read this entry: no key and fields were found in it",
                )
                .key(self.key)
                .hint("write it as `@type{key, field = {value}, …}`; it is left out of the site");
        }
        entry
    }

    /// Every field, decoded (addresses kept verbatim), with its line.
    fn fields(&self, entry: &biblatex::Entry, raw: &RawView) -> BTreeMap<String, BibField> {
        let line_of = |name: &str| {
            raw.offset
                .get(name)
                .map_or(self.at.line, |&o| self.lines.line(self.chunk.start + o))
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
        fields
    }

    /// The authors, with a warning when fewer could be read than written.
    fn authors(
        &self,
        entry: &biblatex::Entry,
        raw: &RawView,
        diags: &mut Diagnostics,
    ) -> Vec<Name> {
        let authors = names(entry.author().ok());
        if let Some(written) = raw.author_count
            && authors.len() < written
        {
            let field_at = raw.offset.get("author").map_or(0, |o| *o);
            diags
                .warning(
                    &self.source(field_at),
                    format!(
                        "{} of the {written} names in `author` cannot be read and are left out",
                        written - authors.len()
                    ),
                )
                .key(self.key)
                .hint("write each name as `Family, Given` or `Given Family`, separated by ` and `");
        }
        authors
    }
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
