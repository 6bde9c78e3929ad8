//! Stage 1, `load`: read the data folder and `dl4m.toml` ([`read`]) into raw
//! records with source positions ([`load()`]).
//!
//! Nothing here joins or normalises across files: BibTeX entries become
//! [`bibtex::BibEntry`], table rows become [`table::Row`], `taxonomy.toml`
//! becomes [`aliases::TaxonomyAliases`], `dl4m.toml` a
//! [`Config`](crate::config::Config), and every problem becomes a
//! [`Diagnostic`](crate::diag::Diagnostic) with file and line.

pub mod aliases;
pub mod bibtex;
mod config;
mod repair;
pub mod table;

use crate::diag::{Diagnostics, Source, SourceTexts};
use anyhow::{Context, Result};
use include_dir::{Dir, include_dir};
use std::path::Path;

/// The data shipped with the program, used when `./data` does not exist.
static EMBEDDED_DATA: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/data");

/// One input file: a display name (used in diagnostics) and its bytes.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// The name in diagnostics: the path as given, or `data/<file>` for embedded data.
    pub name: String,
    /// The file's contents, as read.
    pub bytes: Vec<u8>,
}

/// Everything read from a data folder, before joining.
#[derive(Debug, Default)]
pub struct Input {
    /// Every BibTeX entry, in file order.
    pub entries: Vec<bibtex::BibEntry>,
    /// Every table, in file order.
    pub tables: Vec<table::Table>,
    /// The home page introduction (`index.md`), as Markdown.
    pub intro: Option<String>,
    /// Aliases and descriptions of facet values (`taxonomy.toml`).
    pub aliases: aliases::TaxonomyAliases,
    /// The site's settings (`dl4m.toml` beside the data folder).
    pub config: crate::config::Config,
    /// The decoded text of every data file, for quoting in diagnostics.
    pub texts: SourceTexts,
}

/// The kind of a data file, decided by its extension.
fn kind_of(name: &str) -> Option<&'static str> {
    let ext = Path::new(name).extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "bib" => Some("bib"),
        "csv" | "tsv" => Some("table"),
        _ if name.ends_with("index.md") => Some("intro"),
        _ if name.ends_with("taxonomy.toml") => Some("taxonomy"),
        _ if name.ends_with(crate::config::FILE_NAME) => Some("config"),
        _ => None,
    }
}

/// Every input of a build: the data files of `data` (or the embedded ones
/// without it), then `dl4m.toml` from the folder that holds the data
/// folder (the current folder for the embedded data), when there is one.
pub fn read(data: Option<&Path>) -> Result<Vec<InputFile>> {
    let mut files = match data {
        Some(dir) => read_dir(dir)?,
        None => embedded(),
    };
    files.extend(read_settings(data)?);
    Ok(files)
}

/// `dl4m.toml` beside the data folder, when there is one.
fn read_settings(data: Option<&Path>) -> Result<Option<InputFile>> {
    let site_root = data.and_then(Path::parent).unwrap_or(Path::new(""));
    let path = site_root.join(crate::config::FILE_NAME);
    if !path.is_file() {
        return Ok(None);
    }
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Some(InputFile {
        name: path.display().to_string(),
        bytes,
    }))
}

/// Reads the data files of `dir` (not recursive), sorted by name.
pub fn read_dir(dir: &Path) -> Result<Vec<InputFile>> {
    let mut files = Vec::new();
    let listing = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the data folder {}", dir.display()))?;
    for entry in listing {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        // Settings live beside the data folder, not in it; see `read_settings`.
        if !path.is_file() || matches!(kind_of(name), None | Some("config")) {
            continue;
        }
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        files.push(InputFile {
            name: path.display().to_string(),
            bytes,
        });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

/// The data files embedded in the binary, named `data/<file>`.
pub fn embedded() -> Vec<InputFile> {
    let mut files: Vec<InputFile> = EMBEDDED_DATA
        .files()
        .map(|f| InputFile {
            name: format!("data/{}", f.path().display()),
            bytes: f.contents().to_vec(),
        })
        .filter(|f| kind_of(&f.name).is_some())
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

/// Parses every input file into raw records, collecting diagnostics.
pub fn load(files: &[InputFile], diags: &mut Diagnostics) -> Input {
    let mut input = Input::default();
    for file in files {
        let text = decode(file, diags);
        input.texts.insert(&file.name, &text);
        match kind_of(&file.name) {
            Some("bib") => input
                .entries
                .extend(bibtex::parse(&file.name, &text, diags)),
            Some("table") => input.tables.push(table::parse(&file.name, &text, diags)),
            Some("intro") => input.intro = Some(text),
            Some("taxonomy") => input.aliases = aliases::parse(&file.name, &text, diags),
            Some("config") => input.config = config::parse(&file.name, &text, diags),
            _ => {}
        }
    }
    input
}

/// Decodes a file as UTF-8 (dropping a BOM), falling back to Windows-1252.
pub fn decode(file: &InputFile, diags: &mut Diagnostics) -> String {
    let bytes = file
        .bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&file.bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(err) => {
            let offset = err.valid_up_to();
            let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
            diags
                .warning(
                    &Source::line(&file.name, line),
                    "the file is not valid UTF-8; it was read as Windows-1252 (Latin-1)",
                )
                .hint("save the file as UTF-8 so that accented names come out as written");
            bytes.iter().map(|&b| windows_1252(b)).collect()
        }
    }
}

/// Maps one Windows-1252 byte to its character (Latin-1 outside 0x80..0xA0).
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// Text from the data for a diagnostic: control characters (an escape
/// sequence could repaint the curator's terminal) are shown escaped, `\u{1b}`.
pub(crate) fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Where a TOML parse error points in `file`: its span's start, or line 1.
pub fn toml_error_source(file: &str, text: &str, span: Option<std::ops::Range<usize>>) -> Source {
    let (line, column) = span.map_or((1, 1), |span| line_col(text, span.start));
    Source {
        file: file.to_string(),
        line,
        column,
    }
}

/// 1-based line and column of byte `offset` in `text`.
///
/// This scans `text` up to `offset`; to look up many offsets in one text,
/// build a [`Lines`] once instead.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    Lines::new(text).line_col(offset)
}

/// The line starts of a text, for turning many byte offsets into lines and
/// columns without rescanning the text each time.
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    text: &'a str,
    /// Byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    /// The line starts of `text`.
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// The text the lines are of.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The 1-based line of byte `offset` (clamped to the text).
    pub fn line(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.starts.partition_point(|&start| start <= offset)
    }

    /// The 1-based line and column (in characters) of byte `offset`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.line(offset);
        let start = self.starts[line - 1];
        (line, 1 + self.text[start..offset].chars().count())
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_bytes_are_decoded_with_a_warning() {
        let file = InputFile {
            name: "x.bib".into(),
            bytes: b"Schl\xfcter \x93q\x94".to_vec(),
        };
        let mut diags = Diagnostics::default();
        assert_eq!(decode(&file, &mut diags), "Schlüter “q”");
        assert_eq!(diags.warnings(), 1);
    }

    #[test]
    fn bom_is_dropped() {
        let file = InputFile {
            name: "x.csv".into(),
            bytes: b"\xEF\xBB\xBFKey".to_vec(),
        };
        assert_eq!(decode(&file, &mut Diagnostics::default()), "Key");
    }

    #[test]
    fn printable_escapes_control_characters() {
        assert_eq!(printable("a\u{1b}[2J\tb\0ü"), "a\\u{1b}[2J\tb\\u{0}ü");
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncü d", 6), (2, 3));
        assert_eq!(line_col("ab", 0), (1, 1));
    }

    #[test]
    fn lines_agree_with_a_plain_count_everywhere() {
        let text = "ab\r\ncü d\n\n€\nlast";
        let lines = Lines::new(text);
        for offset in 0..=text.len() + 2 {
            let before = &text[..floor_char_boundary(text, offset.min(text.len()))];
            let line = 1 + before.matches('\n').count();
            let col = 1 + before.rsplit('\n').next().map_or(0, |l| l.chars().count());
            assert_eq!(lines.line_col(offset), (line, col), "offset {offset}");
            assert_eq!(lines.line(offset), line, "offset {offset}");
        }
        assert_eq!(Lines::new("").line_col(0), (1, 1));
    }
}
