//! Diagnostics: what is wrong with the input, where, and how to fix it.
//!
//! Every stage collects [`Diagnostic`]s into a [`Diagnostics`] list instead of
//! printing; the command line decides how to show them (human text or JSON).

use serde::Serialize;
use std::fmt;

/// How serious a diagnostic is: errors drop the entry, warnings keep it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A position in an input file (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
pub struct Source {
    pub file: String,
    pub line: usize,
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
    pub severity: Severity,
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The BibTeX key or a row description (`row 12`), when there is one.
    pub key: Option<String>,
    pub message: String,
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

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }
}
