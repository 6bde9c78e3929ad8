//! The parts of a page's Tera context that several page kinds share: what
//! every page knows ([`Common`]), an article's row in a list ([`Row`]), the
//! list columns, a taxonomy and a term as their pages show them, and the
//! links that edit an article's data.

use crate::config::{DEFAULT_COLUMNS, ListColumn, TaxonomyKind};
use crate::model::{Article, Person, Site, Term, TermRef};
use crate::render::RenderContext;
use serde::Serialize;

/// What every page knows: the site's name, where it lives, and the nav.
#[derive(Serialize)]
pub(super) struct Common<'a> {
    pub(super) site_title: &'a str,
    /// `description`, `author` and `repository` from `dl4m.toml`.
    site_description: Option<&'a str>,
    author: Option<&'a str>,
    repository: Option<&'a str>,
    root: &'a str,
    pub(super) base_url: Option<&'a str>,
    /// The page's own path relative to the root (`articles/x/`), for canonical links.
    pub(super) path: String,
    nav: Vec<NavItem<'a>>,
    /// The optional columns of article lists.
    columns: Vec<ColumnInfo<'a>>,
    /// Whether the site has an Atom feed (only with an absolute base URL).
    feed: bool,
}

impl<'a> Common<'a> {
    /// What every page knows, for the page at `path`.
    pub(super) fn new(ctx: &'a RenderContext<'_>, path: &str) -> Self {
        let (site, urls) = (ctx.site, &ctx.urls);
        let config = &site.config;
        Common {
            site_title: &site.title,
            site_description: config.description.as_deref(),
            author: config.author.as_deref(),
            repository: config.repository.as_deref(),
            root: &urls.root,
            base_url: urls.base_url.as_deref(),
            path: path.to_string(),
            nav: TaxonomyKind::ALL
                .into_iter()
                .filter(|&kind| kind != NOT_IN_NAV)
                .map(|kind| NavItem {
                    title: site.label(kind),
                    path: kind.path(),
                })
                .chain([NavItem {
                    title: "Statistics",
                    path: "stats",
                }])
                .collect(),
            columns: columns(site),
            feed: urls.base_url.is_some(),
        }
    }
}

/// The one taxonomy the navigation leaves out: frameworks are few, and
/// reached from the statistics page and every article.
const NOT_IN_NAV: TaxonomyKind = TaxonomyKind::Frameworks;

#[derive(Serialize)]
pub(super) struct NavItem<'a> {
    title: &'a str,
    path: &'static str,
}

/// The fields an article list shows: one table row per article.
#[derive(Serialize)]
pub(super) struct Row<'a> {
    slug: &'a str,
    title: &'a str,
    year: Option<i32>,
    authors: &'a [Person],
    venue: Option<&'a str>,
    tasks: &'a [TermRef],
    architectures: &'a [TermRef],
    datasets: &'a [TermRef],
    frameworks: &'a [TermRef],
    code: Option<&'a str>,
}

impl<'a> Row<'a> {
    pub(super) fn of(a: &'a Article) -> Self {
        Row {
            slug: &a.slug,
            title: &a.title,
            year: a.year,
            authors: &a.authors,
            venue: a.venue.as_deref(),
            tasks: &a.tasks,
            architectures: &a.architectures,
            datasets: &a.datasets,
            frameworks: &a.frameworks,
            code: a.code.first().map(|l| l.url.as_str()),
        }
    }
}

/// One optional column of the article lists (`columns` in `dl4m.toml`).
#[derive(Serialize)]
pub(super) struct ColumnInfo<'a> {
    /// The [`Row`] field and the taxonomy folder (`tasks`), or `code`.
    key: &'static str,
    /// The cell's class, which the stylesheet lays out by.
    class: &'static str,
    label: &'a str,
    /// The search index's facet, for rows built in the browser (`task`).
    facet: Option<&'static str>,
}

/// The columns article lists show after year and title.
pub(super) fn columns(site: &Site) -> Vec<ColumnInfo<'_>> {
    let chosen = site.config.columns.as_deref().unwrap_or(&DEFAULT_COLUMNS);
    chosen
        .iter()
        .map(|column| match column.terms() {
            Some(kind) => ColumnInfo {
                key: kind.path(),
                class: column_class(*column),
                label: site.label(kind),
                facet: kind.facet(),
            },
            None => ColumnInfo {
                key: "code",
                class: column_class(*column),
                label: "Code",
                facet: None,
            },
        })
        .collect()
}

/// The class of a column's cells, which the stylesheet lays out by.
fn column_class(column: ListColumn) -> &'static str {
    match column {
        ListColumn::Tasks => "c-tasks",
        ListColumn::Architectures => "c-arch",
        ListColumn::Datasets => "c-data",
        ListColumn::Frameworks => "c-frameworks",
        ListColumn::Code => "c-code",
    }
}

/// A taxonomy as its index page and the nav describe it.
#[derive(Serialize)]
pub(super) struct TaxonomyInfo<'a> {
    kind: TaxonomyKind,
    path: &'static str,
    title: &'a str,
    description: Option<&'a str>,
    singular: &'static str,
    /// The URL parameter that filters the home page by a term (`task`).
    facet: Option<&'static str>,
}

impl<'a> TaxonomyInfo<'a> {
    pub(super) fn of(site: &'a Site, kind: TaxonomyKind) -> Self {
        TaxonomyInfo {
            kind,
            path: kind.path(),
            title: site.label(kind),
            description: site.taxonomy_description(kind),
            singular: kind.singular(),
            facet: kind.facet(),
        }
    }
}

/// A link to the line of a data file an article comes from, on the
/// repository's host (`repository` or `edit_url` in `dl4m.toml`).
#[derive(Serialize)]
pub(super) struct EditLink {
    /// The file and line, e.g. `data/dl4m.bib:12`.
    label: String,
    url: String,
}

/// The edit links of an article, one per data file line it was read from.
pub(super) fn edit_links(site: &Site, article: &Article) -> Vec<EditLink> {
    article
        .sources
        .iter()
        .filter_map(|source| {
            let path = repository_path(&source.file);
            let url = site.config.edit_link(&path, source.line)?;
            Some(EditLink {
                label: format!("{path}:{}", source.line),
                url,
            })
        })
        .collect()
}

/// A data file's path relative to the folder of `dl4m.toml`: the data
/// folder's name and the file's (`data/dl4m.bib`).
fn repository_path(file: &str) -> String {
    let path = std::path::Path::new(file);
    let name = |p: Option<&std::path::Path>| {
        p.and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
    };
    match (name(path.parent()), name(Some(path))) {
        (Some(folder), Some(file)) => format!("{folder}/{file}"),
        (None, Some(file)) => file,
        _ => file.to_string(),
    }
}

#[derive(Serialize)]
pub(super) struct TermSummary<'a> {
    name: &'a str,
    slug: &'a str,
    description: Option<&'a str>,
    link: Option<&'a str>,
    count: usize,
}

impl<'a> TermSummary<'a> {
    pub(super) fn of(term: &'a Term) -> Self {
        TermSummary {
            name: &term.name,
            slug: &term.slug,
            description: term.description.as_deref(),
            link: term.link.as_deref(),
            count: term.articles.len(),
        }
    }
}
