//! Joining BibTeX entries and table rows into one record per article.
//!
//! A row belongs to an entry by its `Key` column when it has one, else by
//! DOI, else by link, else by normalised title. BibTeX gives the bibliographic
//! fields, the table the curation fields; disagreements are warnings. Rows and
//! entries that match nothing still become articles.

use super::draft::{Draft, checked_doi, from_entry, parse_year, push_links};
use crate::config::TaxonomyKind;
use crate::diag::{Diagnostics, Source};
use crate::load::bibtex::{BibEntry, Name};
use crate::load::table::{Column, Row, Table};
use crate::values;
use std::collections::{BTreeMap, HashMap};

/// Joins entries and table rows into drafts, in data order.
pub(crate) fn join(entries: &[BibEntry], tables: &[Table], diags: &mut Diagnostics) -> Vec<Draft> {
    let mut drafts: Vec<Draft> = entries.iter().map(|e| from_entry(e, diags)).collect();
    let lookup = Lookup::new(&drafts);
    let have_bib = !entries.is_empty();
    let mut matched_by: HashMap<usize, usize> = HashMap::new();
    for table in tables {
        for row in &table.rows {
            let cells = RowCells::new(table, row);
            match lookup.find(&cells) {
                Some(i) => {
                    if let Some(first_line) = matched_by.insert(i, row.source.line) {
                        diags
                            .warning(
                                &row.source,
                                format!(
                                    "this row describes the same article as the row on line {first_line}; both are merged into it"
                                ),
                            )
                            .key(&cells.describe())
                            .hint("remove one of the two rows");
                    }
                    merge_row(&mut drafts[i], &cells, diags);
                }
                None => {
                    if have_bib && expects_entry(table, &cells) {
                        warn_unmatched(&cells, diags);
                    }
                    drafts.push(standalone(&cells, diags));
                }
            }
        }
    }
    if tables.iter().any(|t| !t.rows.is_empty()) {
        warn_without_rows(entries, &drafts, diags);
    }
    drafts
}

/// A row that matches no entry, when one was expected.
fn warn_unmatched(cells: &RowCells, diags: &mut Diagnostics) {
    let (message, hint) = match cells.first(&Column::Key) {
        Some(key) => (
            format!("no BibTeX entry has the key `{key}`; the row is listed on its own"),
            "check the key's spelling against the .bib file, or add the entry there",
        ),
        None => (
            "this row matches no BibTeX entry; it is listed on its own".to_string(),
            "add a `Key` column naming the entry, or make the title match the entry's title",
        ),
    };
    diags
        .warning(&cells.row.source, message)
        .key(&cells.describe())
        .hint(hint);
}

/// The draft of a row that stands alone. It keeps its key, so its page has
/// the same address as when an entry of that key existed (a TSV export read
/// back as the data, say).
fn standalone(cells: &RowCells, diags: &mut Diagnostics) -> Draft {
    let mut draft = Draft {
        key: cells.first(&Column::Key).map(str::to_string),
        ..Draft::default()
    };
    merge_row(&mut draft, cells, diags);
    draft
}

/// The entries (the first drafts) that no table row was joined into.
fn warn_without_rows(entries: &[BibEntry], drafts: &[Draft], diags: &mut Diagnostics) {
    for (entry, draft) in entries.iter().zip(drafts) {
        if !draft.has_row {
            diags
                .warning(
                    &entry.source,
                    "this entry has no row in the table; it is listed without curation data",
                )
                .key(&entry.key)
                .hint("add a row whose `Key` is this entry's key");
        }
    }
}

/// Whether an unmatched row is a mistake: a row with a key always names an
/// entry; in a table with a `Key` column, a row left without one is meant to
/// stand alone (code without an article, say).
fn expects_entry(table: &Table, cells: &RowCells) -> bool {
    cells.first(&Column::Key).is_some() || !table.columns.iter().any(|c| c.column == Column::Key)
}

/// A row's cells grouped by what their column holds.
struct RowCells<'a> {
    table: &'a Table,
    row: &'a Row,
}

impl<'a> RowCells<'a> {
    fn new(table: &'a Table, row: &'a Row) -> Self {
        RowCells { table, row }
    }

    /// Every value of columns that hold `column`, in order.
    fn all<'c>(&self, column: &'c Column) -> impl Iterator<Item = &'a str> + 'c
    where
        'a: 'c,
    {
        let table = self.table;
        self.row
            .cells
            .iter()
            .filter(move |c| table.column(c) == column)
            .map(|c| c.value.as_str())
    }

    fn first(&self, column: &Column) -> Option<&'a str> {
        self.all(column).find(|v| !values::is_placeholder(v))
    }

    /// `row 12 (Key)` or `row 12`, for diagnostics.
    fn describe(&self) -> String {
        match self.first(&Column::Key) {
            Some(key) => key.to_string(),
            None => format!("row {}", self.row.source.line),
        }
    }
}

/// Indices of drafts by key, DOI, link and title.
struct Lookup {
    by_key: HashMap<String, usize>,
    by_doi: HashMap<String, usize>,
    by_link: HashMap<String, usize>,
    by_title: HashMap<String, usize>,
}

impl Lookup {
    fn new(drafts: &[Draft]) -> Self {
        let mut lookup = Lookup {
            by_key: HashMap::new(),
            by_doi: HashMap::new(),
            by_link: HashMap::new(),
            by_title: HashMap::new(),
        };
        for (i, d) in drafts.iter().enumerate() {
            if let Some(key) = &d.key {
                lookup.by_key.entry(key.to_lowercase()).or_insert(i);
            }
            if let Some(doi) = &d.doi {
                lookup.by_doi.entry(doi.to_lowercase()).or_insert(i);
            }
            for link in &d.links {
                lookup.by_link.entry(values::link_key(link)).or_insert(i);
            }
            if let Some(title) = &d.title {
                lookup.by_title.entry(values::match_key(title)).or_insert(i);
            }
        }
        lookup
    }

    fn find(&self, cells: &RowCells) -> Option<usize> {
        if let Some(key) = cells.first(&Column::Key) {
            return self.by_key.get(&key.to_lowercase()).copied();
        }
        let by_doi = || {
            cells
                .all(&Column::Doi)
                .filter_map(values::doi)
                .find_map(|d| self.by_doi.get(&d.to_lowercase()).copied())
        };
        let by_link = || {
            cells
                .all(&Column::Link)
                .flat_map(values::split_links)
                .find_map(|l| self.by_link.get(&values::link_key(&l)).copied())
        };
        let by_title = || {
            cells
                .first(&Column::Title)
                .map(values::match_key)
                .filter(|t| !t.is_empty())
                .and_then(|t| self.by_title.get(&t).copied())
        };
        by_doi().or_else(by_link).or_else(by_title)
    }
}

/// Merges a row into a draft: table curation wins, BibTeX bibliography wins.
fn merge_row(draft: &mut Draft, cells: &RowCells, diags: &mut Diagnostics) {
    draft.has_row = true;
    draft.sources.push(cells.row.source.clone());
    merge_bibliography(draft, cells, diags);
    merge_links(draft, cells, diags);
    merge_facets(draft, cells, diags);
    merge_notes(draft, cells);
}

/// A warning that the table's `field` (`theirs`) differs from the BibTeX's
/// (`ours`), unless BibTeX has none or they are `same`.
fn warn_differs(
    diags: &mut Diagnostics,
    cells: &RowCells,
    field: &str,
    (ours, theirs): (Option<&str>, &str),
    same: bool,
) {
    if let Some(ours) = ours.filter(|_| !same) {
        diags
            .warning(
                &cells.row.source,
                format!(
                    "the table's {field} `{theirs}` differs from the BibTeX {field} `{ours}`; the BibTeX value is used"
                ),
            )
            .key(&cells.describe())
            .hint(format!("make the two {field}s agree, or leave the table's cell empty"));
    }
}

/// Title, year, authors, venue, entry type, abstract and DOI: the table's
/// fill what BibTeX lacks.
fn merge_bibliography(draft: &mut Draft, cells: &RowCells, diags: &mut Diagnostics) {
    if let Some(title) = cells.first(&Column::Title) {
        let same = draft.title.as_deref().map(values::match_key) == Some(values::match_key(title));
        warn_differs(diags, cells, "title", (draft.title.as_deref(), title), same);
        draft.title.get_or_insert_with(|| title.to_string());
    }
    if let Some(year) = cells.first(&Column::Year) {
        let parsed = parse_year(year);
        let ours = draft.year.map(|y| y.to_string());
        warn_differs(
            diags,
            cells,
            "year",
            (ours.as_deref(), year),
            parsed == draft.year,
        );
        if draft.year.is_none() {
            draft.year = parsed;
        }
    }
    if let Some(authors) = cells.first(&Column::Authors) {
        merge_authors(draft, cells, authors, diags);
    }
    if let Some(venue) = cells.first(&Column::Venue) {
        match &draft.venue {
            None => draft.venue = Some(venue.to_string()),
            Some(v) if values::match_key(v) != values::match_key(venue) => merge_detail(
                &mut draft.details,
                &cells_label(cells, &Column::Venue),
                venue,
            ),
            Some(_) => {}
        }
    }
    if let Some(kind) = cells.first(&Column::EntryType) {
        draft.entry_type.get_or_insert_with(|| kind.to_lowercase());
    }
    if let Some(abstract_text) = cells.first(&Column::Abstract) {
        draft
            .abstract_text
            .get_or_insert_with(|| abstract_text.to_string());
    }
    for value in cells.all(&Column::Doi) {
        if draft.doi.is_none() {
            draft.doi = checked_doi(value, &cells.row.source, &cells.describe(), diags);
        }
    }
}

/// The table's authors fill in BibTeX's when it has none; otherwise every
/// family name of the cell must be among BibTeX's.
fn merge_authors(draft: &mut Draft, cells: &RowCells, authors: &str, diags: &mut Diagnostics) {
    let names = parse_names(authors);
    let same = names.iter().all(|n| {
        draft
            .authors
            .iter()
            .any(|k| values::same_name(&k.family, &n.family))
    });
    let ours = (!draft.authors.is_empty()).then(|| {
        draft
            .authors
            .iter()
            .map(|n| n.family.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    });
    warn_differs(diags, cells, "author", (ours.as_deref(), authors), same);
    if draft.authors.is_empty() {
        draft.authors = names;
    }
}

/// Links add to BibTeX's; code links replace them.
fn merge_links(draft: &mut Draft, cells: &RowCells, diags: &mut Diagnostics) {
    let (at, who) = (&cells.row.source, cells.describe());
    for value in cells.all(&Column::Link) {
        push_links(&mut draft.links, value, at, &who, diags);
    }
    let mut code = Vec::new();
    for value in cells.all(&Column::Code) {
        push_links(&mut code, value, at, &who, diags);
    }
    merge_curation(&mut draft.code, code, "code links", at, &who, diags);
}

/// The table's values of each facet replace BibTeX's.
fn merge_facets(draft: &mut Draft, cells: &RowCells, diags: &mut Diagnostics) {
    let (at, who) = (&cells.row.source, cells.describe());
    let facets: BTreeMap<TaxonomyKind, Vec<String>> = TaxonomyKind::FACETS
        .into_iter()
        .map(|kind| {
            let column = Column::Terms(kind);
            let terms = cells.all(&column).flat_map(values::split_values).collect();
            (kind, terms)
        })
        .collect();
    // In the map's order, so that a row's warnings come in one fixed order.
    for (kind, terms) in facets {
        let label = cells_label(cells, &Column::Terms(kind)).to_lowercase();
        let ours = draft.facets.entry(kind).or_default();
        merge_curation(ours, terms, &label, at, &who, diags);
    }
}

/// Reproducibility, layers, notes (each new one added) and extra columns.
fn merge_notes(draft: &mut Draft, cells: &RowCells) {
    if let Some(v) = cells.first(&Column::Reproducible) {
        draft.reproducible = Some(v.to_string());
    }
    if let Some(v) = cells.first(&Column::Layers) {
        draft.layers = Some(v.to_string());
    }
    for note in cells.all(&Column::Note) {
        if !draft
            .notes
            .iter()
            .any(|n| values::match_key(n) == values::match_key(note))
        {
            draft.notes.push(note.to_string());
        }
    }
    for cell in &cells.row.cells {
        let head = &cells.table.columns[cell.column];
        if let Column::Extra(label) = &head.column {
            merge_detail(&mut draft.details, label, &cell.value);
        }
    }
}

/// The header a row's column was written under (for messages and labels).
fn cells_label(cells: &RowCells, column: &Column) -> String {
    cells
        .table
        .columns
        .iter()
        .find(|c| &c.column == column)
        .map_or_else(String::new, |c| c.label.clone())
}

/// Table curation replaces BibTeX curation; a different non-empty set is a warning.
fn merge_curation(
    ours: &mut Vec<String>,
    theirs: Vec<String>,
    what: &str,
    at: &Source,
    who: &str,
    diags: &mut Diagnostics,
) {
    if theirs.is_empty() {
        return;
    }
    let key = |v: &Vec<String>| {
        let mut k: Vec<String> = v.iter().map(|s| values::match_key(s)).collect();
        k.sort();
        k
    };
    if !ours.is_empty() && key(ours) != key(&theirs) {
        diags
            .warning(
                at,
                format!(
                    "the table's {what} `{}` differ from the BibTeX's `{}`; the table's are used",
                    theirs.join(" & "),
                    ours.join(" & ")
                ),
            )
            .key(who)
            .hint("keep curation fields in one place, or make them agree");
    }
    *ours = theirs;
}

/// Adds an extra column's value unless the BibTeX gave the same field already.
fn merge_detail(details: &mut Vec<(String, String)>, label: &str, value: &str) {
    let label_key = values::match_key(label);
    match details
        .iter_mut()
        .find(|(l, _)| values::match_key(l) == label_key)
    {
        Some((l, v)) if values::match_key(v) == values::match_key(value) => *l = label.to_string(),
        _ => details.push((label.to_string(), value.to_string())),
    }
}

/// Parses an author cell: `Family, Given and Family, Given`, or just a family name.
pub(crate) fn parse_names(cell: &str) -> Vec<Name> {
    use biblatex::{Chunk, Spanned};
    cell.split(" and ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            // A real span, not `Spanned::detached`: biblatex adds offsets to
            // the span while splitting, which overflows `usize::MAX`.
            let chunks = vec![Spanned::new(Chunk::Normal(s.to_string()), 0..s.len())];
            let p = biblatex::Person::parse(&chunks);
            Name {
                given: p.given_name,
                prefix: p.prefix,
                family: p.name,
                suffix: p.suffix,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{bibtex, table};

    /// Found by the `pipeline` fuzz target: biblatex adds offsets to the
    /// chunk's span, which overflowed for a detached span (`usize::MAX`)
    /// when a table's author cell held a comma after other text.
    #[test]
    fn table_author_cells_with_commas_parse() {
        let cell = "cal Engineering and Systems Science - Audio and Speech Processing},\n\tpages = \
                    {2744--2748},\n\tfile = {arXiv Fulltext PDF:/home/curator/Zotero/storage/ABCD1234/\
                    Pons et al. - 2017 - Timbre analysis.pdf:application/pdf;arXiv.org Snapshot:\
                    /home/curator/Zotero/wtorage/EFGH5678/1Smith, \"JJ\"";
        let names = parse_names(cell);
        assert_eq!(names.len(), 3, "three names, however odd, and no panic");
        assert_eq!(names[1].family, "Audio");
        let names = parse_names("Doe, Jane and van Roe, Jr., Richard");
        assert_eq!(names[0].family, "Doe");
        assert_eq!(names[1].prefix, "van");
        assert_eq!(names[1].suffix, "Jr.");
    }

    fn run(bib: &str, csv: &str) -> (Vec<Draft>, Diagnostics) {
        let mut diags = Diagnostics::default();
        let entries = bibtex::parse("t.bib", bib, &mut diags);
        let table = table::parse("t.csv", csv, &mut diags);
        let drafts = join(&entries, &[table], &mut diags);
        (drafts, diags)
    }

    const BIB: &str = "@article{pons2017, title = {Timbre Analysis}, author = {Pons, Jordi}, year = 2017, doi = {10.1/x}, url = {https://arxiv.org/pdf/1703.06697.pdf}}\n@article{choi2016, title = {Automatic Tagging}, author = {Choi, Keunwoo}, year = 2016}\n";

    #[test]
    fn joins_by_key_doi_link_and_title() {
        for csv in [
            "Key,Task\npons2017,Genre\n",
            "DOI,Task\nhttps://doi.org/10.1/X,Genre\n",
            "Link,Task\nhttp://www.arxiv.org/pdf/1703.06697.pdf/,Genre\n",
            "Title,Task\n\"timbre analysis.\",Genre\n",
        ] {
            let (drafts, diags) = run(BIB, csv);
            assert_eq!(drafts.len(), 2, "{csv}");
            assert_eq!(drafts[0].facet(TaxonomyKind::Tasks), ["Genre"], "{csv}");
            assert!(drafts[0].has_row);
            assert_eq!(
                diags.warnings(),
                1,
                "only choi2016 lacks a row: {csv} {diags:?}"
            );
        }
    }

    #[test]
    fn key_column_wins_over_title() {
        let (drafts, _) = run(BIB, "Key,Title,Task\nchoi2016,Timbre Analysis,Tagging\n");
        assert_eq!(drafts[1].facet(TaxonomyKind::Tasks), ["Tagging"]);
        assert!(drafts[0].facet(TaxonomyKind::Tasks).is_empty());
    }

    #[test]
    fn unmatched_rows_and_entries_are_both_articles() {
        let (drafts, diags) = run(BIB, "Title,Code\nSomething else,https://github.com/a/b\n");
        assert_eq!(drafts.len(), 3);
        assert_eq!(drafts[2].title.as_deref(), Some("Something else"));
        assert_eq!(drafts[2].code, ["https://github.com/a/b"]);
        assert_eq!(diags.warnings(), 3);
    }

    #[test]
    fn conflicts_warn_and_bibtex_wins() {
        let (drafts, diags) = run(BIB, "Key,Year,Author\npons2017,2018,Pons\n");
        assert_eq!(drafts[0].year, Some(2017));
        let msgs: Vec<_> = diags.iter().map(|d| d.message.clone()).collect();
        assert!(msgs.iter().any(|m| m.contains("year `2018`")), "{msgs:?}");
        assert!(!msgs.iter().any(|m| m.contains("author")), "{msgs:?}");
    }

    #[test]
    fn placeholders_are_not_links() {
        let (drafts, diags) = run("", "Author,Article,Code\nVrysis,Lien,Non\n");
        assert!(drafts[0].links.is_empty() && drafts[0].code.is_empty());
        assert_eq!(diags.warnings(), 0);
    }

    #[test]
    fn extra_columns_are_kept() {
        let (drafts, _) = run(BIB, "Key,Conv Type,Dropout\npons2017,2D,0.5\n");
        assert_eq!(
            drafts[0].details,
            [
                ("Conv Type".to_string(), "2D".to_string()),
                ("Dropout".into(), "0.5".into())
            ]
        );
    }

    #[test]
    fn missing_unreadable_and_unlikely_years_are_warned_about() {
        let bib = "@article{a, title={A}}\n@article{b, title={B}, year={20x4}}\n@article{c, title={C}, year={2107}}\n@article{d, title={D}, date={2016-05-01}}\n";
        let (drafts, diags) = run(bib, "Key\na\nb\nc\nd\n");
        let msgs: Vec<String> = diags
            .iter()
            .map(|d| format!("{} {}", d.line, d.message))
            .collect();
        assert!(
            msgs.iter()
                .any(|m| m == "1 this entry has no year; it is listed as undated"),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.starts_with("2 `20x4` is not a year")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("3 the year 2107 is not between 1900 and")),
            "{msgs:?}"
        );
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        let years: Vec<Option<i32>> = drafts.iter().map(|d| d.year).collect();
        assert_eq!(years, [None, None, Some(2107), Some(2016)]);
    }

    #[test]
    fn years_parse_from_dates() {
        assert_eq!(parse_year("2017-05-01"), Some(2017));
        assert_eq!(parse_year("{2017}"), Some(2017));
        assert_eq!(parse_year("17"), None);
    }
}
