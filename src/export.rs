//! Exports of the [`Site`] model for the other places a list lives:
//! `dl4m export readme` and `dl4m export tsv`.
//!
//! **README table** ([`readme`]): the Markdown table the upstream list kept
//! in its README, in its format: a header
//! `| Year |  Articles, Thesis and Reports | Code |`, then one row per
//! article, oldest first (undated last, titles in site order within a year):
//! `| 2016 | [Title](link) | [GitHub](url) |`. The title is plain when the
//! article has no link; the link is the first one that is not the DOI, else
//! the DOI. Code links are `GitHub` for github.com and `Website` otherwise,
//! numbered when there are several of one kind (`[GitHub](a) [GitHub 2](b)`);
//! an article without code says `No`. Markdown characters in titles are
//! escaped with `\`, and characters that would end a link or a table cell
//! (spaces, `(`, `)`, `<`, `>`, `|`) are percent-encoded in URLs.
//!
//! **Flat table** ([`tsv`]): one row per article, in site order (newest
//! first), tab-separated, with these columns in this order:
//!
//! `Key`, `Slug`, `Entrytype`, `Title`, `Authors`, `Year`, `Venue`,
//! `Venue URL`, `Volume`, `Number`, `Pages`, `Publisher`, `DOI`, `Link`,
//! `Code`, `Task`, `Dataset`, `Architecture`, `Framework`, `Reproducible`,
//! `Layers`, `Abstract`, `Notes`, then one column per other field or column
//! of the data (the article pages' extra details), in the order they are
//! first met in site order.
//!
//! - Multi-valued cells (links, code links, tasks, datasets, architectures,
//!   frameworks) join their values with [`SEPARATOR`] (` & `); authors are
//!   `Family, Given` joined with ` and `, as in BibTeX. Both are what dl4m's
//!   table loader splits on, so the file can be read back as a data table.
//! - `Notes` holds the notes as the site shows them (sanitised HTML, which
//!   is valid Markdown).
//! - Tabs, line breaks and runs of spaces inside a value become one space.
//! - A cell holding a `"` is quoted, its quotes doubled (`"say ""hi"""`), as
//!   CSV readers (and dl4m's loader) expect; no other cell is quoted.
//! - The header names are ones dl4m's table loader understands, so a TSV
//!   export is itself a valid data table.

use crate::model::{Article, Link, Person, Site, TermRef};
use anyhow::{Context, Result};

/// What joins the values of a multi-valued TSV cell.
pub const SEPARATOR: &str = " & ";

/// The header row of the README table, as the upstream list wrote it.
pub const README_HEADER: &str = "| Year |  Articles, Thesis and Reports | Code |\n|------|-------------------------------|------|\n";

/// The formats `dl4m export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The upstream README's Markdown table; see [`readme`].
    Readme,
    /// One row per article with every field; see [`tsv`].
    Tsv,
}

/// Renders `site` in `format`.
pub fn render(site: &Site, format: Format) -> Result<String> {
    match format {
        Format::Readme => Ok(readme(site)),
        Format::Tsv => tsv(site),
    }
}

/// The upstream README's table of articles: year, linked title, code links.
pub fn readme(site: &Site) -> String {
    let mut articles: Vec<&Article> = site.articles.iter().collect();
    // Site order is newest first, titles in order within a year; a stable
    // sort on the year alone keeps that order within each year.
    articles.sort_by_key(|a| (a.year.is_none(), a.year));
    let mut out = String::from(README_HEADER);
    for a in articles {
        let year = a.year.map(|y| y.to_string()).unwrap_or_default();
        let title = markdown_text(&a.title);
        let title = match main_link(a) {
            Some(url) => format!("[{title}]({})", markdown_url(url)),
            None => title,
        };
        out.push_str(&format!("| {year} | {title} | {} |\n", code_cell(&a.code)));
    }
    out
}

/// The link the README title points to: the first that is not the DOI, else the DOI.
fn main_link(a: &Article) -> Option<&str> {
    let doi = a.doi.as_ref().map(|d| format!("https://doi.org/{d}"));
    a.links
        .iter()
        .find(|l| Some(&l.url) != doi.as_ref())
        .or(a.links.first())
        .map(|l| l.url.as_str())
}

/// `[GitHub](a) [GitHub 2](b) [Website](c)`, or `No`.
fn code_cell(code: &[Link]) -> String {
    if code.is_empty() {
        return "No".into();
    }
    let (mut github, mut website) = (0, 0);
    code.iter()
        .map(|l| {
            let (kind, n) = if l.label == "GitHub" {
                github += 1;
                ("GitHub", github)
            } else {
                website += 1;
                ("Website", website)
            };
            let label = if n == 1 {
                kind.to_string()
            } else {
                format!("{kind} {n}")
            };
            format!("[{label}]({})", markdown_url(&l.url))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text for a Markdown table cell: one line, Markdown characters escaped.
pub fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s).chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A URL as a Markdown link destination inside a table cell.
pub fn markdown_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '|' => out.push_str("%7C"),
            '\\' => out.push_str("%5C"),
            c if c.is_whitespace() || c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The fixed columns of the TSV export, before the extra details.
pub const TSV_COLUMNS: [&str; 23] = [
    "Key",
    "Slug",
    "Entrytype",
    "Title",
    "Authors",
    "Year",
    "Venue",
    "Venue URL",
    "Volume",
    "Number",
    "Pages",
    "Publisher",
    "DOI",
    "Link",
    "Code",
    "Task",
    "Dataset",
    "Architecture",
    "Framework",
    "Reproducible",
    "Layers",
    "Abstract",
    "Notes",
];

/// Every article with every field, one tab-separated row each.
pub fn tsv(site: &Site) -> Result<String> {
    let mut extra: Vec<&str> = Vec::new();
    for a in &site.articles {
        for d in &a.details {
            if !extra.contains(&d.label.as_str()) {
                extra.push(&d.label);
            }
        }
    }
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .quote_style(csv::QuoteStyle::Necessary)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer.write_record(TSV_COLUMNS.iter().copied().chain(extra.iter().copied()))?;
    for a in &site.articles {
        let mut row = fixed_cells(a);
        row.extend(extra.iter().map(|label| {
            a.details
                .iter()
                .filter(|d| d.label == *label)
                .map(|d| d.value.as_str())
                .collect::<Vec<_>>()
                .join(SEPARATOR)
        }));
        writer.write_record(row.iter().map(|cell| one_line(cell)))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("cannot write the table: {e}"))?;
    String::from_utf8(bytes).context("the table is not UTF-8")
}

fn fixed_cells(a: &Article) -> Vec<String> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let doi = a.doi.as_ref().map(|d| format!("https://doi.org/{d}"));
    let links: Vec<&str> = a
        .links
        .iter()
        .filter(|l| Some(&l.url) != doi.as_ref())
        .map(|l| l.url.as_str())
        .collect();
    let terms = |list: &[TermRef]| {
        list.iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(SEPARATOR)
    };
    vec![
        opt(&a.key),
        a.slug.clone(),
        a.entry_type.clone(),
        a.title.clone(),
        a.authors
            .iter()
            .map(bibtex_name)
            .collect::<Vec<_>>()
            .join(" and "),
        a.year.map(|y| y.to_string()).unwrap_or_default(),
        opt(&a.venue),
        opt(&a.venue_url),
        opt(&a.volume),
        opt(&a.number),
        opt(&a.pages),
        opt(&a.publisher),
        opt(&a.doi),
        links.join(SEPARATOR),
        a.code
            .iter()
            .map(|l| l.url.as_str())
            .collect::<Vec<_>>()
            .join(SEPARATOR),
        terms(&a.tasks),
        terms(&a.datasets),
        terms(&a.architectures),
        terms(&a.frameworks),
        opt(&a.reproducible),
        opt(&a.layers),
        opt(&a.abstract_text),
        opt(&a.notes_html),
    ]
}

/// `Family, Given` (or just the family name), as BibTeX writes names.
fn bibtex_name(p: &Person) -> String {
    if p.given.is_empty() {
        p.family.clone()
    } else {
        format!("{}, {}", p.family, p.given)
    }
}

/// Tabs, line breaks and runs of whitespace become one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Detail;

    fn article(slug: &str, title: &str, year: Option<i32>) -> Article {
        Article {
            slug: slug.into(),
            key: Some(slug.into()),
            entry_type: "inproceedings".into(),
            title: title.into(),
            authors: vec![Person {
                given: "Jan".into(),
                family: "Schlüter".into(),
                display: "Jan Schlüter".into(),
                slug: "jan-schluter".into(),
            }],
            year,
            ..Article::default()
        }
    }

    fn site(articles: Vec<Article>) -> Site {
        Site {
            articles,
            ..Site::default()
        }
    }

    fn link(url: &str, label: &str) -> Link {
        Link {
            url: url.into(),
            label: label.into(),
        }
    }

    #[test]
    fn readme_rows_match_the_upstream_format_oldest_first() {
        let mut a = article("a", "Deep learning and music adversaries", Some(2015));
        a.doi = Some("10.1/x".into());
        a.links = vec![
            link("https://doi.org/10.1/x", "DOI"),
            link("https://arxiv.org/pdf/1507.04761.pdf", "PDF (arXiv)"),
        ];
        a.code = vec![
            link("https://github.com/coreyker/dnn-mgr", "GitHub"),
            link("https://github.com/other/fork", "GitHub"),
            link("http://cvssp.org/projects/maruss/", "cvssp.org"),
        ];
        let b = article("b", "Neural net modeling of music", Some(1988));
        let c = article("c", "Undated", None);
        let mut d = article("d", "Only a DOI", Some(2015));
        d.doi = Some("10.2/y".into());
        d.links = vec![link("https://doi.org/10.2/y", "DOI")];
        let table = readme(&site(vec![a, d, c, b]));
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], "| Year |  Articles, Thesis and Reports | Code |");
        assert_eq!(lines[1], "|------|-------------------------------|------|");
        assert_eq!(lines[2], "| 1988 | Neural net modeling of music | No |");
        assert_eq!(
            lines[3],
            "| 2015 | [Deep learning and music adversaries](https://arxiv.org/pdf/1507.04761.pdf) \
             | [GitHub](https://github.com/coreyker/dnn-mgr) [GitHub 2](https://github.com/other/fork) \
             [Website](http://cvssp.org/projects/maruss/) |"
        );
        assert_eq!(
            lines[4],
            "| 2015 | [Only a DOI](https://doi.org/10.2/y) | No |"
        );
        assert_eq!(lines[5], "|  | Undated | No |");
        assert_eq!(lines.len(), 6);
    }

    #[test]
    fn readme_escapes_what_would_break_the_table_or_the_link() {
        let mut a = article("a", "A | B [C] *D* <i>e</i>\nf", Some(2020));
        a.links = vec![link("https://x.org/a b(c)|d", "x.org")];
        let table = readme(&site(vec![a]));
        let row = table.lines().nth(2).unwrap();
        assert_eq!(
            row,
            r"| 2020 | [A \| B \[C\] \*D\* \<i\>e\</i\> f](https://x.org/a%20b%28c%29%7Cd) | No |"
        );
        // Exactly the four cell borders are unescaped pipes.
        let unescaped = row
            .char_indices()
            .filter(|&(i, c)| c == '|' && !row[..i].ends_with('\\'))
            .count();
        assert_eq!(unescaped, 4);
    }

    #[test]
    fn tsv_has_a_stable_header_and_one_line_per_article() {
        let mut a = article("a", "Say \"hi\"\tnow", Some(2017));
        a.tasks = vec![
            TermRef {
                name: "Onset detection".into(),
                slug: "onset-detection".into(),
            },
            TermRef {
                name: "Beat".into(),
                slug: "beat".into(),
            },
        ];
        a.details = vec![Detail {
            label: "Dropout".into(),
            value: "0.5".into(),
        }];
        a.abstract_text = Some("Line one.\nLine two.".into());
        let mut b = article("b", "Second", None);
        b.details = vec![
            Detail {
                label: "Batch".into(),
                value: "32".into(),
            },
            Detail {
                label: "Dropout".into(),
                value: "0.2".into(),
            },
        ];
        let text = tsv(&site(vec![a, b])).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        let header: Vec<&str> = lines[0].split('\t').collect();
        assert_eq!(&header[..TSV_COLUMNS.len()], TSV_COLUMNS);
        assert_eq!(&header[TSV_COLUMNS.len()..], ["Dropout", "Batch"]);
        let cells: Vec<&str> = lines[1].split('\t').collect();
        assert_eq!(cells.len(), header.len());
        assert_eq!(cells[3], "\"Say \"\"hi\"\" now\"");
        assert_eq!(cells[4], "Schlüter, Jan");
        assert_eq!(cells[15], "Onset detection & Beat");
        assert_eq!(cells[21], "Line one. Line two.");
        assert_eq!(&cells[TSV_COLUMNS.len()..], ["0.5", ""]);
        let cells: Vec<&str> = lines[2].split('\t').collect();
        assert_eq!(&cells[TSV_COLUMNS.len()..], ["0.2", "32"]);
        assert_eq!(cells[5], "", "no year");
    }
}
