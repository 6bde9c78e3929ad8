//! Tables (CSV/TSV): delimiter sniffing, header aliases, rows with line numbers.
//!
//! Header names are matched case- and punctuation-insensitively against the
//! aliases every era of the upstream list used; a header that matches nothing
//! becomes an [`Column::Extra`] column and is still shown on article pages.

use crate::diag::{Diagnostics, Source};

/// What a table column holds, after resolving header aliases.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    Key,
    Title,
    Authors,
    Year,
    Link,
    Doi,
    Venue,
    EntryType,
    Abstract,
    Code,
    Reproducible,
    Task,
    Dataset,
    Architecture,
    Framework,
    Layers,
    Note,
    /// A column the program does not know, shown under its header.
    Extra(String),
}

/// A column of a table: its header as written and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnHead {
    pub label: String,
    pub column: Column,
}

/// One non-empty cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Index into [`Table::columns`].
    pub column: usize,
    pub value: String,
}

/// One data row with the line it starts on.
#[derive(Debug, Clone)]
pub struct Row {
    pub source: Source,
    pub cells: Vec<Cell>,
}

/// A loaded table file.
#[derive(Debug, Clone)]
pub struct Table {
    pub file: String,
    pub delimiter: u8,
    pub columns: Vec<ColumnHead>,
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
        "task" | "tasks" => Column::Task,
        "dataset" | "datasets" => Column::Dataset,
        "archi" | "architecture" | "architectures" => Column::Architecture,
        "framework" | "frameworks" => Column::Framework,
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

/// Parses a table file; the first non-blank line is the header.
pub fn parse(file: &str, text: &str, diags: &mut Diagnostics) -> Table {
    let delimiter = sniff_delimiter(text, file);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for result in reader.records() {
        match result {
            Ok(record) => records.push(record),
            Err(err) => {
                let line = err.position().map_or(1, |p| p.line() as usize);
                diags
                    .error(
                        &Source::line(file, line),
                        format!("cannot read this row: {err}"),
                    )
                    .hint("check the quotes of this row");
            }
        }
    }
    let mut records = records
        .into_iter()
        .filter(|r| r.iter().any(|c| !c.trim().is_empty()));
    let Some(header) = records.next() else {
        return Table {
            file: file.to_string(),
            delimiter,
            columns: Vec::new(),
            rows: Vec::new(),
        };
    };
    let body: Vec<csv::StringRecord> = records.collect();
    let columns = header_columns(file, &header, &body, diags);
    let mut table = Table {
        file: file.to_string(),
        delimiter,
        columns,
        rows: Vec::new(),
    };
    for record in &body {
        let line = record
            .position()
            .map_or(0, |p| line_at(text, p.byte() as usize));
        let row = read_row(&mut table, record, line, diags);
        table.rows.push(row);
    }
    table
}

/// The line a record starting at byte `offset` is on, past blank lines the
/// reader skipped.
fn line_at(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    let skipped = text[offset..].len() - text[offset..].trim_start_matches(['\r', '\n']).len();
    crate::load::line_col(text, offset + skipped).0
}

fn header_columns(
    file: &str,
    header: &csv::StringRecord,
    body: &[csv::StringRecord],
    diags: &mut Diagnostics,
) -> Vec<ColumnHead> {
    let line = header.position().map_or(1, |p| p.line() as usize);
    let mut columns: Vec<ColumnHead> = Vec::new();
    for (i, label) in header.iter().enumerate() {
        let label = label.trim();
        let values: Vec<&str> = body.iter().filter_map(|r| r.get(i)).collect();
        if label.is_empty() {
            columns.push(unnamed(i));
            continue;
        }
        let column = column_for(label, &values);
        if let Some(previous) = columns.iter().find(|c| c.column == column) {
            diags
                .warning(
                    &Source::line(file, line),
                    format!(
                        "column {} (`{label}`) holds the same field as `{}`; their values are combined",
                        i + 1,
                        previous.label
                    ),
                )
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

fn read_row(
    table: &mut Table,
    record: &csv::StringRecord,
    line: usize,
    diags: &mut Diagnostics,
) -> Row {
    let source = Source::line(&table.file, line);
    if record.len() > table.columns.len() {
        let extra = record
            .iter()
            .skip(table.columns.len())
            .any(|c| !c.trim().is_empty());
        if extra {
            diags
                .warning(
                    &source,
                    format!(
                        "row has {} cells but the header has {} columns; the extra cells are shown as unnamed columns",
                        record.len(),
                        table.columns.len()
                    ),
                )
                .key(&format!("row {line}"))
                .hint("add a header for the extra cells or move them into an existing column");
        }
        while table.columns.len() < record.len() {
            let index = table.columns.len();
            table.columns.push(unnamed(index));
        }
    }
    let cells = record
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(column, value)| Cell {
            column,
            value: value.trim().to_string(),
        })
        .collect();
    Row { source, cells }
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
            ("Archi", Column::Architecture),
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
            ("framework", Column::Framework),
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
