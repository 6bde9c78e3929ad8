//! Tables (CSV/TSV): delimiter sniffing, header aliases, rows with line numbers.
//!
//! Header names are matched case- and punctuation-insensitively against the
//! aliases every era of the upstream list used; a header that matches nothing
//! becomes an [`Column::Extra`] column and is still shown on article pages.

use crate::config::TaxonomyKind;
use crate::diag::{Diagnostics, Source};
use crate::load::{Lines, printable};

/// What a table column holds, after resolving header aliases.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    /// The citation key of the row's BibTeX entry.
    Key,
    /// The article's title.
    Title,
    /// Its authors, `Family, Given and …`.
    Authors,
    /// Its year (or a date).
    Year,
    /// Links to the article itself.
    Link,
    /// Its DOI.
    Doi,
    /// Where it was published.
    Venue,
    /// The BibTeX entry type.
    EntryType,
    /// Its abstract.
    Abstract,
    /// Links to its code.
    Code,
    /// Whether the results can be reproduced.
    Reproducible,
    /// The values of one of the curated facets ([`TaxonomyKind::FACETS`]).
    Terms(TaxonomyKind),
    /// The number of layers of the model.
    Layers,
    /// The curator's notes (Markdown).
    Note,
    /// A column the program does not know, shown under its header.
    Extra(String),
}

/// A column of a table: its header as written and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnHead {
    /// The header as written.
    pub label: String,
    /// What the column holds.
    pub column: Column,
}

/// One non-empty cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Index into [`Table::columns`].
    pub column: usize,
    /// The value, trimmed.
    pub value: String,
}

/// One data row with the line it starts on.
#[derive(Debug, Clone)]
pub struct Row {
    /// The file and the line the row starts on.
    pub source: Source,
    /// Its non-empty cells.
    pub cells: Vec<Cell>,
}

/// A loaded table file.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file's name, as in diagnostics.
    pub file: String,
    /// The delimiter sniffed from the header (tab, `;` or `,`).
    pub delimiter: u8,
    /// The columns, as the header names them (and unnamed ones past it).
    pub columns: Vec<ColumnHead>,
    /// The data rows, in file order.
    pub rows: Vec<Row>,
}

impl Table {
    /// What the column of `cell` holds.
    pub fn column(&self, cell: &Cell) -> &Column {
        &self.columns[cell.column].column
    }
}

/// Lowercase letters and digits only: `Repro?` → `repro`, `Conv Type` → `convtype`.
fn normalise_header(h: &str) -> String {
    h.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Maps a header to the column it names; `article` needs the column's values.
pub fn column_for(header: &str, values: &[&str]) -> Column {
    match normalise_header(header).as_str() {
        "key" | "bibtexkey" | "citationkey" | "citekey" | "id" => Column::Key,
        "title" | "name" | "articlename" | "articletitle" | "papertitle" | "paper" => Column::Title,
        "article" if mostly_urls(values) => Column::Link,
        "article" => Column::Title,
        "author" | "authors" | "firstauthor" => Column::Authors,
        "year" | "date" => Column::Year,
        "link" | "pdflink" | "pdf" | "url" | "articlelink" => Column::Link,
        "doi" => Column::Doi,
        "source" | "venue" | "journal" | "booktitle" | "conference" => Column::Venue,
        "entrytype" | "type" | "bibtype" => Column::EntryType,
        "abstract" => Column::Abstract,
        "code" | "sourcecodelink" | "sourcecode" | "codelink" | "github" => Column::Code,
        "repro" | "reproducible" | "sourcecodereproducible" | "reproducibility" => {
            Column::Reproducible
        }
        "task" | "tasks" => Column::Terms(TaxonomyKind::Tasks),
        "dataset" | "datasets" => Column::Terms(TaxonomyKind::Datasets),
        "archi" | "architecture" | "architectures" => Column::Terms(TaxonomyKind::Architectures),
        "framework" | "frameworks" => Column::Terms(TaxonomyKind::Frameworks),
        "layers" | "numberoflayers" | "nblayers" => Column::Layers,
        "note" | "notes" | "additionalnotes" | "comment" | "comments" => Column::Note,
        _ => Column::Extra(header.trim().to_string()),
    }
}

fn mostly_urls(values: &[&str]) -> bool {
    let filled: Vec<_> = values.iter().filter(|v| !v.trim().is_empty()).collect();
    let urls = filled
        .iter()
        .filter(|v| v.trim_start().starts_with("http"))
        .count();
    !filled.is_empty() && urls * 2 >= filled.len()
}

/// Picks the delimiter (tab, semicolon or comma) most frequent in the header line.
pub fn sniff_delimiter(text: &str, file: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let count = |d: char| {
        let mut quoted = false;
        header
            .chars()
            .filter(|&c| {
                if c == '"' {
                    quoted = !quoted;
                }
                !quoted && c == d
            })
            .count()
    };
    let (tabs, semis, commas) = (count('\t'), count(';'), count(','));
    if tabs > 0 && (tabs >= semis.max(commas) || file.ends_with(".tsv")) {
        b'\t'
    } else if semis > commas {
        b';'
    } else {
        b','
    }
}

/// One record of a table file as read: its cells and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Record {
    line: usize,
    cells: Vec<String>,
}

impl Record {
    fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// Reads CSV/TSV records: cells split on the delimiter, `"…"` quoting with
/// `""` for a quote, cells spanning lines inside quotes, `\n` or `\r\n` line
/// ends, a leading BOM skipped. A quote left open is reported and read as a
/// plain character, so that it cannot swallow the rows after it.
struct Reader<'a> {
    text: &'a str,
    lines: Lines<'a>,
    delimiter: u8,
    pos: usize,
    /// Cells of the header, once read: a line inside a quoted cell with this
    /// many cells is taken for a row the quote swallowed.
    width: Option<usize>,
}

/// What reading one quoted cell found.
enum Quoted {
    /// The cell's text and the offset just past its closing quote.
    Closed(String, usize),
    /// The quote is never closed, or only after lines that look like rows.
    Open,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str, delimiter: u8) -> Self {
        let pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
        Reader {
            text,
            lines: Lines::new(text),
            delimiter,
            pos,
            width: None,
        }
    }

    /// The next record, skipping empty lines; `None` at the end.
    fn next(&mut self, file: &str, diags: &mut Diagnostics) -> Option<Record> {
        let bytes = self.text.as_bytes();
        while self.pos < bytes.len() && matches!(bytes[self.pos], b'\n' | b'\r') {
            self.pos += 1;
        }
        if self.pos >= bytes.len() {
            return None;
        }
        let line = self.lines.line(self.pos);
        let mut cells = Vec::new();
        loop {
            let (cell, end) = self.cell(file, diags);
            cells.push(cell);
            self.pos = end;
            match bytes.get(self.pos) {
                Some(&b) if b == self.delimiter => self.pos += 1,
                Some(b'\r') if bytes.get(self.pos + 1) == Some(&b'\n') => {
                    self.pos += 2;
                    break;
                }
                Some(b'\n') => {
                    self.pos += 1;
                    break;
                }
                _ => break,
            }
        }
        if self.width.is_none() {
            self.width = Some(cells.len());
        }
        Some(Record { line, cells })
    }

    /// Reads the cell at `self.pos`: its text and the offset of what ends it
    /// (a delimiter, a line end or the end of the text).
    fn cell(&self, file: &str, diags: &mut Diagnostics) -> (String, usize) {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut cell = String::new();
        let mut at = start;
        if bytes.get(start) == Some(&b'"') {
            match self.quoted(start + 1) {
                Quoted::Closed(text, end) => {
                    cell = text;
                    at = end;
                }
                Quoted::Open => {
                    let (line, column) = self.lines.line_col(start);
                    diags
                        .warning(
                            &Source {
                                file: file.to_string(),
                                line,
                                column,
                            },
                            "this quote `\"` is never closed (or only after lines that look like rows); it is read as a plain character",
                        )
                        .key(&format!("row {line}"))
                        .hint("close the quote at the end of the cell, or double it (`\"\"`) inside a quoted cell");
                }
            }
        }
        let rest = &self.text[at..];
        let len = rest
            .find([self.delimiter as char, '\n'])
            .unwrap_or(rest.len());
        let mut plain = &rest[..len];
        if rest[len..].starts_with('\n') {
            plain = plain.strip_suffix('\r').unwrap_or(plain);
        }
        cell.push_str(plain);
        (cell, at + len - (rest[..len].len() - plain.len()))
    }

    /// Reads a quoted cell whose text starts at `from` (just past the quote).
    fn quoted(&self, from: usize) -> Quoted {
        let bytes = self.text.as_bytes();
        let mut text = String::new();
        let mut i = from;
        let mut run = from;
        while i < bytes.len() {
            match bytes[i] {
                b'"' if bytes.get(i + 1) == Some(&b'"') => {
                    text.push_str(&self.text[run..=i]);
                    i += 2;
                    run = i;
                }
                b'"' => {
                    text.push_str(&self.text[run..i]);
                    return Quoted::Closed(text, i + 1);
                }
                b'\n' if self.looks_like_a_row(i + 1) => return Quoted::Open,
                _ => i += 1,
            }
        }
        Quoted::Open
    }

    /// Whether the line at `at` has as many delimiters as a full row (for a
    /// header of at least three columns): text in a quoted cell rarely does,
    /// the rows an unclosed quote swallows do.
    fn looks_like_a_row(&self, at: usize) -> bool {
        let Some(width) = self.width.filter(|&w| w >= 3) else {
            return false;
        };
        let line = self.text[at..].split('\n').next().unwrap_or("");
        line.bytes().filter(|&b| b == self.delimiter).count() + 1 >= width
    }
}

/// Parses a table file; the first non-blank line is the header.
pub fn parse(file: &str, text: &str, diags: &mut Diagnostics) -> Table {
    let delimiter = sniff_delimiter(text.trim_start_matches('\u{feff}'), file);
    let mut reader = Reader::new(text, delimiter);
    let mut records = Vec::new();
    while let Some(record) = reader.next(file, diags) {
        if record.is_blank() {
            // A line of empty cells is as good as a blank line.
            if records.is_empty() {
                reader.width = None;
            }
            continue;
        }
        records.push(record);
    }
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        return Table {
            file: file.to_string(),
            delimiter,
            columns: Vec::new(),
            rows: Vec::new(),
        };
    };
    let body: Vec<Record> = records.collect();
    let columns = header_columns(file, &header, &body, diags);
    let mut table = Table {
        file: file.to_string(),
        delimiter,
        columns,
        rows: Vec::new(),
    };
    let width = table.columns.len();
    for record in &body {
        let row = read_row(&mut table, width, record, diags);
        table.rows.push(row);
    }
    table
}

fn header_columns(
    file: &str,
    header: &Record,
    body: &[Record],
    diags: &mut Diagnostics,
) -> Vec<ColumnHead> {
    let mut columns: Vec<ColumnHead> = Vec::new();
    for (i, label) in header.cells.iter().enumerate() {
        let label = label.trim();
        let values: Vec<&str> = body
            .iter()
            .filter_map(|r| r.cells.get(i).map(String::as_str))
            .collect();
        if label.is_empty() {
            columns.push(unnamed(i));
            continue;
        }
        let column = column_for(label, &values);
        if let Some(previous) = columns.iter().find(|c| c.column == column) {
            diags
                .warning(
                    &Source::line(file, header.line),
                    format!(
                        "column {} (`{}`) holds the same field as `{}`; their values are combined",
                        i + 1,
                        printable(label),
                        printable(&previous.label)
                    ),
                )
                .key("header")
                .hint("rename or remove one of the two columns");
        }
        columns.push(ColumnHead {
            label: label.to_string(),
            column,
        });
    }
    columns
}

fn unnamed(index: usize) -> ColumnHead {
    let label = format!("Column {}", index + 1);
    ColumnHead {
        column: Column::Extra(label.clone()),
        label,
    }
}

/// Turns a record into a row: cells beyond the header get unnamed columns, a
/// short row is read with empty cells, and a row that is only a URL in a
/// column that holds no URLs gets it as its link.
fn read_row(table: &mut Table, width: usize, record: &Record, diags: &mut Diagnostics) -> Row {
    let line = record.line;
    let source = Source::line(&table.file, line);
    let row_key = format!("row {line}");
    if record.cells.len() > width {
        let extra = record
            .cells
            .iter()
            .skip(width)
            .any(|c| !c.trim().is_empty());
        if extra {
            diags
                .warning(
                    &source,
                    format!(
                        "row has {} cells but the header has {} columns; the extra cells are shown as unnamed columns",
                        record.cells.len(),
                        width
                    ),
                )
                .key(&row_key)
                .hint("add a header for the extra cells or move them into an existing column");
        }
        while table.columns.len() < record.cells.len() {
            let index = table.columns.len();
            table.columns.push(unnamed(index));
        }
    }
    let mut cells: Vec<Cell> = record
        .cells
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(column, value)| Cell {
            column,
            value: value.trim().to_string(),
        })
        .collect();
    let only_a_url = match cells.as_mut_slice() {
        [only] => move_lone_url(table, only, &source, &row_key, diags),
        _ => false,
    };
    if record.cells.len() < width && !only_a_url {
        diags
            .warning(
                &source,
                format!(
                    "row has {} of the header's {} cells; the missing cells at the end are read as empty",
                    record.cells.len(),
                    width
                ),
            )
            .key(&row_key)
            .hint("check the row for a missing delimiter: its values may sit in the wrong columns");
    }
    Row { source, cells }
}

/// A row that is only a URL, in a column that holds no URLs (a link pasted on
/// a line of its own): the URL becomes the row's link, with a warning.
/// Returns whether the row was such a row.
fn move_lone_url(
    table: &Table,
    only: &mut Cell,
    source: &Source,
    row_key: &str,
    diags: &mut Diagnostics,
) -> bool {
    let holds_urls = matches!(
        table.columns[only.column].column,
        Column::Link | Column::Code | Column::Doi | Column::Extra(_)
    );
    if holds_urls || crate::values::http_url(&only.value).is_none() {
        return false;
    }
    let label = printable(&table.columns[only.column].label);
    let link = table.columns.iter().position(|c| c.column == Column::Link);
    let (message, hint) = match link {
        Some(link) => (
            format!(
                "this row is only a URL, in the `{label}` column; it is read as the article's link"
            ),
            format!(
                "move the URL to the `{}` column and add the article's title",
                printable(&table.columns[link].label)
            ),
        ),
        None => (
            format!("this row is only a URL, in the `{label}` column"),
            "add a `Link` column for the URL and fill in the article's title".to_string(),
        ),
    };
    diags.warning(source, message).key(row_key).hint(hint);
    if let Some(link) = link {
        only.column = link;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_delimiter() {
        assert_eq!(sniff_delimiter("a,b,c\n", "x.csv"), b',');
        assert_eq!(sniff_delimiter("Name;Author;Year\n", "x.csv"), b';');
        assert_eq!(sniff_delimiter("Year\tTitle\tAuthor, J.\n", "x.csv"), b'\t');
        assert_eq!(sniff_delimiter("\"a;b\",c\n", "x.csv"), b',');
    }

    #[test]
    fn header_aliases_of_every_era() {
        let none: &[&str] = &[];
        for (h, c) in [
            ("Repro?", Column::Reproducible),
            ("Archi", Column::Terms(TaxonomyKind::Architectures)),
            ("Article name", Column::Title),
            ("PDF link", Column::Link),
            ("Source code link", Column::Code),
            ("Source code reproducible", Column::Reproducible),
            ("Number of layers", Column::Layers),
            ("Additional notes", Column::Note),
            ("KEY", Column::Key),
            ("Name", Column::Title),
            ("Source", Column::Venue),
            ("Entrytype", Column::EntryType),
            ("framework", Column::Terms(TaxonomyKind::Frameworks)),
        ] {
            assert_eq!(column_for(h, none), c, "{h}");
        }
        assert_eq!(
            column_for("Conv Type", none),
            Column::Extra("Conv Type".into())
        );
    }

    #[test]
    fn article_column_is_a_link_when_it_holds_urls() {
        assert_eq!(
            column_for("Article", &["https://x.org/a.pdf", "Lien", ""]),
            Column::Link
        );
        assert_eq!(
            column_for("Article", &["Deep nets", "More nets"]),
            Column::Title
        );
    }

    fn load(text: &str) -> (Table, Diagnostics) {
        let mut diags = Diagnostics::default();
        let table = parse("t.csv", text, &mut diags);
        (table, diags)
    }

    /// Each row's line and its cells' values, by header label.
    fn rows(table: &Table) -> Vec<(usize, Vec<(String, String)>)> {
        table
            .rows
            .iter()
            .map(|r| {
                let cells = r
                    .cells
                    .iter()
                    .map(|c| (table.columns[c.column].label.clone(), c.value.clone()))
                    .collect();
                (r.source.line, cells)
            })
            .collect()
    }

    fn cells(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(l, v)| (l.to_string(), v.to_string()))
            .collect()
    }

    /// (line, message start) of each diagnostic.
    fn said(diags: &Diagnostics) -> Vec<(usize, String)> {
        diags
            .iter()
            .map(|d| (d.line, d.message.chars().take(30).collect()))
            .collect()
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        let (t, diags) = load(
            "Title,Note,Year\r\n\"A, \"\"quoted\"\" title\",\"two\r\nlines\",2017\r\n\"x\"y,5\" disk,2018\r\n",
        );
        assert_eq!(said(&diags), []);
        assert_eq!(
            rows(&t),
            [
                (
                    2,
                    cells(&[
                        ("Title", "A, \"quoted\" title"),
                        ("Note", "two\r\nlines"),
                        ("Year", "2017")
                    ])
                ),
                (
                    4,
                    cells(&[("Title", "xy"), ("Note", "5\" disk"), ("Year", "2018")])
                ),
            ]
        );
    }

    #[test]
    fn an_unclosed_quote_does_not_swallow_the_rows_after_it() {
        let text = "Key,Title,Year\na,\"Open quote,2017\nb,Fine,2018\nc,\"Also fine\",2019\n";
        let (t, diags) = load(text);
        assert_eq!(
            rows(&t),
            [
                (
                    2,
                    cells(&[("Key", "a"), ("Title", "\"Open quote"), ("Year", "2017")])
                ),
                (
                    3,
                    cells(&[("Key", "b"), ("Title", "Fine"), ("Year", "2018")])
                ),
                (
                    4,
                    cells(&[("Key", "c"), ("Title", "Also fine"), ("Year", "2019")])
                ),
            ]
        );
        let d = diags.iter().next().unwrap();
        assert_eq!((d.line, d.column, d.key.as_deref()), (2, 3, Some("row 2")));
        assert!(d.message.contains("never closed"), "{}", d.message);
        assert_eq!(diags.warnings(), 1);
    }

    #[test]
    fn an_unclosed_quote_on_the_last_row_is_reported() {
        let (t, diags) = load("Key\tTitle\na\t\"Open\n");
        assert_eq!(rows(&t), [(2, cells(&[("Key", "a"), ("Title", "\"Open")]))]);
        assert_eq!(
            said(&diags),
            [(2, "this quote `\"` is never closed".into())]
        );
    }

    #[test]
    fn quoted_notes_over_several_lines_still_load() {
        let text = "Key,Title,Year,Note\na,T,2017,\"First line, and more\nsecond line\n\nthird, line\"\nb,U,2018,\n";
        let (t, diags) = load(text);
        assert_eq!(said(&diags), []);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].source.line, 6);
        assert_eq!(
            t.rows[0].cells[3].value,
            "First line, and more\nsecond line\n\nthird, line"
        );
    }

    #[test]
    fn bom_blank_lines_and_empty_rows_keep_line_numbers() {
        let text = "\u{feff}\n\nKey;Title\r\n\r\n;\r\n  ;  \r\na;A\r\n\r\nb;B";
        let (t, diags) = load(text);
        assert_eq!(said(&diags), []);
        assert_eq!(t.columns[0].column, Column::Key);
        assert_eq!(t.columns[0].label, "Key");
        assert_eq!(
            rows(&t),
            [
                (7, cells(&[("Key", "a"), ("Title", "A")])),
                (9, cells(&[("Key", "b"), ("Title", "B")])),
            ]
        );
    }

    #[test]
    fn short_rows_are_reported_and_load() {
        let (t, diags) = load("Key,Title,Year,Task\na,A,2017\nb,B,2018,Tagging\n");
        assert_eq!(t.rows.len(), 2);
        assert_eq!(said(&diags), [(2, "row has 3 of the header's 4 ce".into())]);
        assert_eq!(diags.iter().next().unwrap().key.as_deref(), Some("row 2"));
    }

    #[test]
    fn duplicate_header_names_are_reported() {
        let (t, diags) = load("\nTitle,Input,Input,Name\nA,x,y,B\n");
        assert_eq!(
            said(&diags),
            [
                (2, "column 3 (`Input`) holds the s".into()),
                (2, "column 4 (`Name`) holds the sa".into())
            ]
        );
        assert_eq!(t.rows[0].cells.len(), 4);
    }

    #[test]
    fn a_row_that_is_only_a_url_becomes_a_link() {
        let text = "Year,Title,Link\nhttps://arxiv.org/abs/1703.06697\n2017,T,https://x.org/a\n,,https://x.org/b\n";
        let (t, diags) = load(text);
        assert_eq!(
            rows(&t),
            [
                (2, cells(&[("Link", "https://arxiv.org/abs/1703.06697")])),
                (
                    3,
                    cells(&[
                        ("Year", "2017"),
                        ("Title", "T"),
                        ("Link", "https://x.org/a")
                    ])
                ),
                (4, cells(&[("Link", "https://x.org/b")])),
            ]
        );
        assert_eq!(said(&diags), [(2, "this row is only a URL, in the".into())]);
        let (_, diags) = load("Year,Title\nhttps://x.org/a\n");
        assert!(
            diags
                .iter()
                .next()
                .unwrap()
                .hint
                .as_deref()
                .unwrap()
                .contains("`Link` column")
        );
    }

    #[test]
    fn empty_and_header_only_tables_have_no_rows() {
        for text in ["", "\u{feff}", "\n\r\n", "Key,Title\n", ",,\n"] {
            let (t, diags) = load(text);
            assert!(t.rows.is_empty(), "{text:?}");
            assert_eq!(diags.warnings() + diags.errors(), 0, "{text:?}");
        }
    }

    #[test]
    fn rows_keep_line_numbers_and_overflow_cells() {
        let mut diags = Diagnostics::default();
        let t = parse(
            "t.csv",
            "Author,Year,Note,\n\nPons,2017,\"a, b\",,https://x\n",
            &mut diags,
        );
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].source.line, 3);
        let labels: Vec<_> = t.columns.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["Author", "Year", "Note", "Column 4", "Column 5"]);
        assert_eq!(t.rows[0].cells[2].value, "a, b");
        assert_eq!(diags.warnings(), 1);
    }
}
