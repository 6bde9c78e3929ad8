//! A draft: one article as the data gives it, before the table rows are
//! joined in ([`super::join`]) and the taxonomies normalised. A BibTeX
//! entry becomes a draft here, its year, DOI and links checked.

use crate::config::TaxonomyKind;
use crate::diag::{Diagnostics, Source};
use crate::load::bibtex::{BibEntry, Name};
use crate::values;
use std::collections::BTreeMap;

/// One article as joined from its sources, before taxonomy normalisation.
#[derive(Debug, Clone, Default)]
pub(crate) struct Draft {
    pub(crate) key: Option<String>,
    pub(crate) entry_type: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) authors: Vec<Name>,
    pub(crate) editors: Vec<Name>,
    pub(crate) year: Option<i32>,
    pub(crate) venue: Option<String>,
    pub(crate) venue_url: Option<String>,
    pub(crate) volume: Option<String>,
    pub(crate) number: Option<String>,
    pub(crate) pages: Option<String>,
    pub(crate) publisher: Option<String>,
    pub(crate) doi: Option<String>,
    pub(crate) abstract_text: Option<String>,
    pub(crate) links: Vec<String>,
    pub(crate) code: Vec<String>,
    /// Raw values of the curated facets ([`TaxonomyKind::FACETS`]).
    pub(crate) facets: BTreeMap<TaxonomyKind, Vec<String>>,
    pub(crate) reproducible: Option<String>,
    pub(crate) layers: Option<String>,
    /// Notes in Markdown, one per source.
    pub(crate) notes: Vec<String>,
    /// Extra fields and columns as (label, value).
    pub(crate) details: Vec<(String, String)>,
    pub(crate) bibtex: Option<String>,
    pub(crate) sources: Vec<Source>,
    /// Whether a table row has been joined into this draft.
    pub(crate) has_row: bool,
}

impl Draft {
    /// The raw values of one facet.
    pub(crate) fn facet(&self, kind: TaxonomyKind) -> &[String] {
        self.facets.get(&kind).map_or(&[], Vec::as_slice)
    }
}

/// BibTeX fields shown in their own place on the page (not as details).
const SHOWN_FIELDS: [&str; 22] = [
    "title",
    "author",
    "editor",
    "year",
    "date",
    "journal",
    "journaltitle",
    "booktitle",
    "volume",
    "number",
    "pages",
    "publisher",
    "doi",
    "abstract",
    "url",
    "link",
    "pdf",
    "task",
    "dataset",
    "architecture",
    "framework",
    "code",
];

/// Fields that only steer BibTeX itself and mean nothing to a reader.
const HIDDEN_FIELDS: [&str; 4] = ["crossref", "xdata", "ids", "file"];

/// Parses the year from `2017`, `2017-05-01` or `{2017}`.
pub(crate) fn parse_year(value: &str) -> Option<i32> {
    let digits: String = value
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    (digits.len() == 4).then(|| digits.parse().ok()).flatten()
}

/// The year of an entry, with a warning when it is missing, unreadable or
/// outside 1900 to next year (a typo such as 2107 or 1017).
fn checked_year(
    value: Option<&str>,
    at: &Source,
    key: &str,
    diags: &mut Diagnostics,
) -> Option<i32> {
    let Some(value) = value else {
        diags
            .warning(at, "this entry has no year; it is listed as undated")
            .key(key)
            .hint("add `year = {2017}` (the year of publication) to the entry");
        return None;
    };
    let Some(year) = parse_year(value) else {
        diags
            .warning(
                at,
                format!("`{value}` is not a year; the article is listed as undated"),
            )
            .key(key)
            .hint("write the year as four digits, e.g. `year = {2017}`");
        return None;
    };
    let last = next_year();
    if !(1900..=last).contains(&year) {
        diags
            .warning(
                at,
                format!("the year {year} is not between 1900 and {last}"),
            )
            .key(key)
            .hint("check the year for a typo");
    }
    Some(year)
}

/// The calendar year after the current one (by the system clock).
fn next_year() -> i32 {
    const SECONDS_PER_YEAR: u64 = 31_556_952;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    1970 + i32::try_from(now / SECONDS_PER_YEAR).unwrap_or(0) + 1
}

pub(super) fn from_entry(entry: &BibEntry, diags: &mut Diagnostics) -> Draft {
    let get = |f: &str| entry.get(f).map(str::to_string);
    let (venue, venue_url) = venue_of(entry);
    let mut draft = Draft {
        key: Some(entry.key.clone()),
        entry_type: Some(entry.kind.clone()),
        title: get("title"),
        authors: entry.authors.clone(),
        editors: entry.editors.clone(),
        venue,
        venue_url,
        volume: get("volume"),
        number: get("number"),
        pages: get("pages"),
        publisher: get("publisher"),
        abstract_text: get("abstract"),
        reproducible: get("reproducible").filter(|v| !values::is_placeholder(v)),
        layers: get("layers").filter(|v| !values::is_placeholder(v)),
        notes: get("note").into_iter().collect(),
        bibtex: Some(entry.raw.clone()),
        sources: vec![entry.source.clone()],
        ..Draft::default()
    };
    checked_fields(&mut draft, entry, diags);
    for kind in TaxonomyKind::FACETS {
        if let Some(value) = entry.get(kind.singular()) {
            draft.facets.insert(kind, values::split_values(value));
        }
    }
    draft.details = details(entry);
    draft
}

/// The year, DOI, links and code links of an entry, each checked, with a
/// warning at the field's line when it is not usable.
fn checked_fields(draft: &mut Draft, entry: &BibEntry, diags: &mut Diagnostics) {
    let at = |field: &str| {
        Source::line(
            &entry.source.file,
            entry
                .fields
                .get(field)
                .map_or(entry.source.line, |f| f.line),
        )
    };
    let year_field = if entry.get("year").is_some() {
        "year"
    } else {
        "date"
    };
    draft.year = checked_year(entry.get(year_field), &at(year_field), &entry.key, diags);
    if let Some(doi) = entry.get("doi") {
        draft.doi = checked_doi(doi, &at("doi"), &entry.key, diags);
    }
    for field in ["url", "link", "pdf"] {
        if let Some(value) = entry.get(field) {
            push_links(&mut draft.links, value, &at(field), &entry.key, diags);
        }
    }
    if let Some(value) = entry.get("code") {
        push_links(&mut draft.code, value, &at("code"), &entry.key, diags);
    }
}

/// The fields shown as details: every non-empty one that has no place of
/// its own on the page.
fn details(entry: &BibEntry) -> Vec<(String, String)> {
    entry
        .fields
        .iter()
        .filter(|(name, field)| {
            let consumed = SHOWN_FIELDS.contains(&name.as_str())
                || HIDDEN_FIELDS.contains(&name.as_str())
                || matches!(name.as_str(), "reproducible" | "layers" | "note");
            !consumed && !field.value.trim().is_empty()
        })
        .map(|(name, field)| (name.clone(), field.value.clone()))
        .collect()
}

/// The venue (journal, book title, school, …) and a link when written as `[name](url)`.
fn venue_of(entry: &BibEntry) -> (Option<String>, Option<String>) {
    let raw = [
        "journal",
        "journaltitle",
        "booktitle",
        "school",
        "institution",
        "howpublished",
        "organization",
    ]
    .iter()
    .find_map(|f| entry.get(f));
    match raw {
        Some(v) => match values::markdown_link(v) {
            Some((name, url)) => (Some(name), values::http_url(&url)),
            None => (Some(v.to_string()), None),
        },
        None => (None, None),
    }
}

pub(super) fn checked_doi(
    value: &str,
    at: &Source,
    key: &str,
    diags: &mut Diagnostics,
) -> Option<String> {
    let doi = values::doi(value);
    if doi.is_none() && !values::is_placeholder(value) {
        diags
            .warning(at, format!("`{value}` is not a DOI; it is ignored"))
            .key(key)
            .hint("a DOI starts with `10.` and has a `/`, e.g. 10.1109/ICASSP.2017.7952585");
    }
    doi
}

pub(super) fn push_links(
    into: &mut Vec<String>,
    value: &str,
    at: &Source,
    key: &str,
    diags: &mut Diagnostics,
) {
    for part in values::split_links(value) {
        let target = values::markdown_link(&part).map_or(part.clone(), |(_, url)| url);
        match values::http_url(&target) {
            Some(url) => {
                if !into
                    .iter()
                    .any(|u| values::link_key(u) == values::link_key(&url))
                {
                    into.push(url);
                }
            }
            None => {
                diags
                    .warning(
                        at,
                        format!("`{part}` is not an absolute http(s) URL; it is not linked"),
                    )
                    .key(key)
                    .hint("write the full address, starting with https://");
            }
        }
    }
}
