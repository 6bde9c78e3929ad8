//! Diagnostics: what is wrong with the input, where, and how to fix it.
//!
//! Every stage collects [`Diagnostic`]s into a [`Diagnostics`] list instead of
//! printing; the command line decides how to show them (human text or JSON).

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// How serious a diagnostic is: errors drop the entry, warnings keep it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something to fix; what it is about is still used (`--strict` fails on it).
    Warning,
    /// What it is about cannot be used and is left out (an entry, a file).
    Error,
}

/// A position in an input file (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
pub struct Source {
    /// The file, as named in diagnostics.
    pub file: String,
    /// The 1-based line (0 when unknown).
    pub line: usize,
    /// The 1-based column in characters (0 when unknown).
    pub column: usize,
}

impl Source {
    /// A position at the start of `line` in `file`.
    pub fn line(file: &str, line: usize) -> Self {
        Source {
            file: file.to_string(),
            line,
            column: 1,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One message for the curator: severity, place, entry, problem and fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// The file it is in.
    pub file: String,
    /// The 1-based line.
    pub line: usize,
    /// The 1-based column, in characters.
    pub column: usize,
    /// The BibTeX key or a row description (`row 12`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    fn new(severity: Severity, at: &Source, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            file: at.file.clone(),
            line: at.line,
            column: at.column,
            key: None,
            message: message.into(),
            hint: None,
        }
    }

    /// Names the entry or row the diagnostic is about.
    pub fn key(&mut self, key: &str) -> &mut Self {
        if !key.is_empty() {
            self.key = Some(key.to_string());
        }
        self
    }

    /// Adds a suggestion for fixing the problem.
    pub fn hint(&mut self, hint: impl Into<String>) -> &mut Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}", self.message)?;
        write!(f, "\n  --> {}:{}:{}", self.file, self.line, self.column)?;
        if let Some(key) = &self.key {
            write!(f, " ({key})")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n   = hint: {hint}")?;
        }
        Ok(())
    }
}

/// The diagnostics of one run, in the order they were found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records an error at `at` and returns it for adding a key or hint.
    pub fn error(&mut self, at: &Source, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Diagnostic::new(Severity::Error, at, message))
    }

    /// Records a warning at `at` and returns it for adding a key or hint.
    pub fn warning(&mut self, at: &Source, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Diagnostic::new(Severity::Warning, at, message))
    }

    fn push(&mut self, d: Diagnostic) -> &mut Diagnostic {
        self.items.push(d);
        let last = self.items.len() - 1;
        &mut self.items[last]
    }

    /// Appends every diagnostic of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// All diagnostics, sorted by file, line and column for stable output.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut items = self.items.clone();
        items.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.severity).cmp(&(&b.file, b.line, b.column, b.severity))
        });
        items
    }

    /// Every diagnostic, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// How many errors there are.
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    /// How many warnings there are.
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    /// How many diagnostics of `severity` are about `file`.
    pub fn count_in(&self, file: &str, severity: Severity) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == severity && d.file == file)
            .count()
    }
}

/// The decoded text of every input file, so that diagnostics can quote the
/// offending line.
#[derive(Debug, Default, Clone)]
pub struct SourceTexts {
    /// Per file, its text and the byte offset where each line starts.
    texts: BTreeMap<String, (String, Vec<usize>)>,
}

impl SourceTexts {
    /// Remembers the text of `file`.
    pub fn insert(&mut self, file: &str, text: &str) {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        self.texts
            .insert(file.to_string(), (text.to_string(), starts));
    }

    /// Line `line` (1-based) of `file`, without its line ending.
    pub fn line(&self, file: &str, line: usize) -> Option<&str> {
        let (text, starts) = self.texts.get(file)?;
        let start = *starts.get(line.checked_sub(1)?)?;
        let end = starts.get(line).map_or(text.len(), |next| next - 1);
        let found = text.get(start..end)?;
        Some(found.strip_suffix('\r').unwrap_or(found))
    }

    /// The names of the files, in order.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.texts.keys().map(String::as_str)
    }
}

/// How many articles came from one input file, and what was found wrong in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileSummary {
    /// The data file.
    pub file: String,
    /// How many articles it contributed to.
    pub articles: usize,
    /// Its errors.
    pub errors: usize,
    /// Its warnings.
    pub warnings: usize,
}

impl fmt::Display for FileSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}, {}, {}",
            self.file,
            plural(self.articles, "article"),
            plural(self.errors, "error"),
            plural(self.warnings, "warning")
        )
    }
}

/// `1 article`, `2 articles`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// ANSI styles for a terminal, or none.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    /// Whether to colour the output with ANSI escapes.
    pub color: bool,
}

impl Paint {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity(self, severity: Severity) -> String {
        match severity {
            Severity::Error => self.paint("1;31", "error"),
            Severity::Warning => self.paint("1;33", "warning"),
        }
    }

    fn gutter(self, text: &str) -> String {
        self.paint("1;34", text)
    }
}

impl Diagnostic {
    /// The diagnostic as a compiler prints it: the message, the place, the
    /// quoted source line with a caret under the column, and the hint.
    pub fn render(&self, texts: &SourceTexts, paint: Paint) -> String {
        let mut out = format!(
            "{}{}\n",
            paint.severity(self.severity),
            paint.paint("1", &format!(": {}", self.message))
        );
        let key = self
            .key
            .as_deref()
            .map_or(String::new(), |k| format!(" ({k})"));
        let number = self.line.to_string();
        let pad = " ".repeat(number.len());
        out.push_str(&format!(
            "{pad}{} {}:{}:{}{key}\n",
            paint.gutter("-->"),
            self.file,
            self.line,
            self.column
        ));
        if let Some(line) = texts.line(&self.file, self.line) {
            let (shown, caret_at, width) = excerpt(line, self.column);
            let bar = paint.gutter("|");
            out.push_str(&format!("{pad} {bar}\n"));
            out.push_str(&format!("{} {bar} {shown}\n", paint.gutter(&number)));
            let caret = paint.paint(
                match self.severity {
                    Severity::Error => "1;31",
                    Severity::Warning => "1;33",
                },
                &"^".repeat(width),
            );
            out.push_str(&format!("{pad} {bar} {}{caret}\n", " ".repeat(caret_at)));
        }
        if let Some(hint) = &self.hint {
            out.push_str(&format!("{pad} {} {hint}\n", paint.gutter("= hint:")));
        }
        out
    }
}

/// The part of a long line around 1-based `column` (at most about 100
/// characters, tabs as spaces), the caret's offset in it and the caret's width:
/// the token at the column, up to the next separator.
fn excerpt(line: &str, column: usize) -> (String, usize, usize) {
    const WIDTH: usize = 100;
    let chars: Vec<char> = line
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let at = column.saturating_sub(1).min(chars.len());
    let start = at.saturating_sub(WIDTH / 2);
    let end = (start + WIDTH).min(chars.len());
    let mut shown: String = chars[start..end].iter().collect();
    let mut caret_at = at - start;
    if start > 0 {
        shown.insert(0, '…');
        caret_at += 1;
    }
    if end < chars.len() {
        shown.push('…');
    }
    let width = chars[at..end]
        .iter()
        .take_while(|c| !matches!(c, ',' | '\t' | ' ' | '{' | '}' | '(' | ')' | '=' | '"'))
        .count()
        .max(1);
    (shown, caret_at, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts() -> SourceTexts {
        let mut t = SourceTexts::default();
        t.insert("list.bib", "@article{a,\r\n  year = {20x4},\r\n}\n");
        t
    }

    #[test]
    fn renders_the_source_line_with_a_caret_under_the_column() {
        let mut diags = Diagnostics::default();
        diags
            .warning(
                &Source {
                    file: "list.bib".into(),
                    line: 2,
                    column: 11,
                },
                "the year `20x4` is not a number",
            )
            .key("a")
            .hint("write the year as four digits");
        let text = diags.sorted()[0].render(&texts(), Paint { color: false });
        assert_eq!(
            text,
            "warning: the year `20x4` is not a number\n \
             --> list.bib:2:11 (a)\n  \
             |\n\
             2 |   year = {20x4},\n  \
             |           ^^^^\n  \
             = hint: write the year as four digits\n"
        );
    }

    #[test]
    fn lines_are_found_by_number() {
        let t = texts();
        assert_eq!(t.line("list.bib", 1), Some("@article{a,"));
        assert_eq!(t.line("list.bib", 3), Some("}"));
        assert_eq!(t.line("list.bib", 4), Some(""));
        assert_eq!(t.line("list.bib", 5), None);
        assert_eq!(t.line("list.bib", 0), None);
    }

    #[test]
    fn colour_only_when_asked() {
        let mut diags = Diagnostics::default();
        diags.error(&Source::line("list.bib", 1), "bad");
        let d = &diags.sorted()[0];
        assert!(!d.render(&texts(), Paint { color: false }).contains('\x1b'));
        assert!(
            d.render(&texts(), Paint { color: true })
                .contains("\x1b[1;31merror")
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line = format!("{}X{}", "a,".repeat(200), "b,".repeat(200));
        let (shown, caret_at, width) = excerpt(&line, 401);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(shown.chars().nth(caret_at), Some('X'));
        assert_eq!(width, 2);
    }

    #[test]
    fn missing_files_or_lines_render_without_a_quote() {
        let mut diags = Diagnostics::default();
        diags.error(&Source::line("other.csv", 9), "bad row");
        let text = diags.sorted()[0].render(&texts(), Paint { color: false });
        assert_eq!(text, "error: bad row\n --> other.csv:9:1\n");
    }
}
