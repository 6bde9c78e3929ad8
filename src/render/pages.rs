//! One function per page kind: home, article, taxonomy index, term,
//! statistics (its charts computed in [`super::stats`]), 404.
//!
//! Each builds a Tera context from borrowed model data and renders the
//! template of the same name (`index.html`, `article.html`, …).

use super::cite::{self, Citation};
use super::meta::{self, ArticleMeta, PageInfo};
use super::{Output, ROWS_MARKER, Templates, Urls, tera_error};
use crate::model::{Article, Person, Site, Stats, Taxonomy, TaxonomyKind, Term, TermRef};
use crate::write::minify_fragment;
use anyhow::{Result, anyhow};
use rayon::prelude::*;
use serde::Serialize;

/// What every page knows: the site's name, where it lives, and the nav.
#[derive(Serialize)]
struct Common<'a> {
    site_title: &'a str,
    /// `description`, `author` and `repository` from `dl4m.toml`.
    site_description: Option<&'a str>,
    author: Option<&'a str>,
    repository: Option<&'a str>,
    root: &'a str,
    base_url: Option<&'a str>,
    /// The page's own path relative to the root (`articles/x/`), for canonical links.
    path: String,
    nav: Vec<NavItem<'a>>,
    /// The optional columns of article lists.
    columns: Vec<ColumnInfo<'a>>,
    /// Whether the site has an Atom feed (only with an absolute base URL).
    feed: bool,
}

#[derive(Serialize)]
struct NavItem<'a> {
    title: &'a str,
    path: &'static str,
}

/// The fields an article list shows: one table row per article.
#[derive(Serialize)]
struct Row<'a> {
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
    fn of(a: &'a Article) -> Self {
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
struct ColumnInfo<'a> {
    /// The [`Row`] field and the taxonomy folder (`tasks`), or `code`.
    key: &'static str,
    /// The cell's class, which the stylesheet lays out by.
    class: &'static str,
    label: &'a str,
    /// The search index's facet, for rows built in the browser (`task`).
    facet: Option<&'static str>,
}

/// The columns article lists show after year and title.
fn columns(site: &Site) -> Vec<ColumnInfo<'_>> {
    use crate::load::config::{Column, DEFAULT_COLUMNS};
    let chosen = site.config.columns.as_deref().unwrap_or(&DEFAULT_COLUMNS);
    chosen
        .iter()
        .map(|column| {
            let (kind, class) = match column {
                Column::Tasks => (TaxonomyKind::Tasks, "c-tasks"),
                Column::Architectures => (TaxonomyKind::Architectures, "c-arch"),
                Column::Datasets => (TaxonomyKind::Datasets, "c-data"),
                Column::Frameworks => (TaxonomyKind::Frameworks, "c-frameworks"),
                Column::Code => {
                    return ColumnInfo {
                        key: "code",
                        class: "c-code",
                        label: "Code",
                        facet: None,
                    };
                }
            };
            ColumnInfo {
                key: kind.path(),
                class,
                label: site.label(kind),
                facet: kind.facet(),
            }
        })
        .collect()
}

/// A taxonomy as its index page and the nav describe it.
#[derive(Serialize)]
struct TaxonomyInfo<'a> {
    kind: TaxonomyKind,
    path: &'static str,
    title: &'a str,
    description: Option<&'a str>,
    singular: &'static str,
    /// The URL parameter that filters the home page by a term (`task`).
    facet: Option<&'static str>,
}

impl<'a> TaxonomyInfo<'a> {
    fn of(site: &'a Site, kind: TaxonomyKind) -> Self {
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
struct EditLink {
    /// The file and line, e.g. `data/dl4m.bib:12`.
    label: String,
    url: String,
}

/// The edit links of an article, one per data file line it was read from.
fn edit_links(site: &Site, article: &Article) -> Vec<EditLink> {
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
struct TermSummary<'a> {
    name: &'a str,
    slug: &'a str,
    description: Option<&'a str>,
    link: Option<&'a str>,
    count: usize,
}

impl<'a> TermSummary<'a> {
    fn of(term: &'a Term) -> Self {
        TermSummary {
            name: &term.name,
            slug: &term.slug,
            description: term.description.as_deref(),
            link: term.link.as_deref(),
            count: term.articles.len(),
        }
    }
}

/// Renders the home page, the search page, article pages, taxonomy pages and
/// the 404 page, all at once; [`Renderer`] does the same a batch at a time.
pub fn render_all(
    site: &Site,
    templates: &Templates,
    urls: &Urls,
    title: &str,
    page_size: usize,
) -> Result<Vec<Output>> {
    let renderer = Renderer::new(site, templates, urls, title, page_size)?;
    renderer
        .plan()
        .par_iter()
        .map(|page| renderer.render(page))
        .collect()
}

/// One page of the site, planned but not rendered yet; see [`Renderer::plan`].
pub struct Page(PageKind);

enum PageKind {
    Home(List),
    Search,
    /// The statistics page, `stats/`.
    Stats,
    NotFound,
    Article(usize),
    /// A taxonomy (index into `site.taxonomies`) and one page of its terms.
    TaxonomyIndex(usize, List),
    /// A taxonomy, one of its terms, and one page of the term's articles.
    Term(usize, usize, List),
}

/// Renders the pages of one site: plans every page first (cheap), so a
/// caller can render, minify and write them in batches of bounded memory.
pub struct Renderer<'a> {
    site: &'a Site,
    templates: &'a Templates,
    urls: &'a Urls,
    title: &'a str,
    page_size: usize,
    /// Every article's table row, minified; see [`article_rows`].
    rows: Vec<String>,
    /// Every article's citation key; see [`cite::cite_keys`].
    keys: Vec<String>,
}

impl<'a> Renderer<'a> {
    /// Renders the article rows every list page is made of.
    pub fn new(
        site: &'a Site,
        templates: &'a Templates,
        urls: &'a Urls,
        title: &'a str,
        page_size: usize,
    ) -> Result<Self> {
        Ok(Renderer {
            rows: article_rows(site, templates, &urls.root)?,
            keys: cite::cite_keys(site),
            site,
            templates,
            urls,
            title,
            page_size: page_size.max(1),
        })
    }

    /// Every page of the site, in a fixed order.
    pub fn plan(&self) -> Vec<Page> {
        let (site, root, size) = (self.site, &self.urls.root, self.page_size);
        let all: Vec<usize> = (0..site.articles.len()).collect();
        let mut pages: Vec<Page> = paginate("", &all, size, root)
            .into_iter()
            .map(|list| Page(PageKind::Home(list)))
            .collect();
        pages.push(Page(PageKind::Search));
        pages.push(Page(PageKind::Stats));
        pages.push(Page(PageKind::NotFound));
        pages.extend((0..site.articles.len()).map(|i| Page(PageKind::Article(i))));
        for (t, taxonomy) in site.taxonomies.iter().enumerate() {
            let dir = format!("{}/", taxonomy.kind.path());
            let terms: Vec<usize> = (0..taxonomy.terms.len()).collect();
            pages.extend(
                paginate(&dir, &terms, size * TERMS_PER_ROW_PAGE, root)
                    .into_iter()
                    .map(|list| Page(PageKind::TaxonomyIndex(t, list))),
            );
            for (i, term) in taxonomy.terms.iter().enumerate() {
                let dir = format!("{}/{}/", taxonomy.kind.path(), term.slug);
                pages.extend(
                    paginate(&dir, &term.articles, size, root)
                        .into_iter()
                        .map(|list| Page(PageKind::Term(t, i, list))),
                );
            }
        }
        pages
    }

    /// The folder of every page but the 404 page, relative to the root
    /// (`""` for the home page, `articles/x/`), in plan order: what a sitemap lists.
    pub fn page_dirs(&self) -> Vec<String> {
        self.plan()
            .iter()
            .filter_map(|page| match &page.0 {
                PageKind::Home(list)
                | PageKind::TaxonomyIndex(_, list)
                | PageKind::Term(_, _, list) => Some(list.dir.clone()),
                PageKind::Search => Some("search/".into()),
                PageKind::Stats => Some("stats/".into()),
                PageKind::NotFound => None,
                PageKind::Article(i) => Some(format!("articles/{}/", self.site.articles[*i].slug)),
            })
            .collect()
    }

    /// The site this renderer renders.
    pub fn site(&self) -> &'a Site {
        self.site
    }

    /// Where the site is served from.
    pub fn urls(&self) -> &'a Urls {
        self.urls
    }

    /// The site's title.
    pub fn title(&self) -> &'a str {
        self.title
    }

    /// The citation key of each article, by index into the site's articles.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// Renders one planned page.
    pub fn render(&self, page: &Page) -> Result<Output> {
        let (site, templates, rows) = (self.site, self.templates, &self.rows);
        match &page.0 {
            PageKind::Home(list) => home(site, templates, self.common(&list.dir), rows, list),
            PageKind::Search => self.render_page(
                "search.html",
                "search/index.html",
                SearchPage {
                    total: site.articles.len(),
                },
            ),
            PageKind::Stats => {
                self.render_page("stats.html", "stats/index.html", super::stats::page(site))
            }
            PageKind::NotFound => self.render_page("404.html", "404.html", ()),
            PageKind::Article(i) => article(
                site,
                *i,
                &self.keys[*i],
                templates,
                self.common(&format!("articles/{}/", site.articles[*i].slug)),
            ),
            PageKind::TaxonomyIndex(t, list) => taxonomy_index(
                site,
                &site.taxonomies[*t],
                templates,
                self.common(&list.dir),
                list,
            ),
            PageKind::Term(t, i, list) => {
                let taxonomy = &site.taxonomies[*t];
                let term = &taxonomy.terms[*i];
                term_page(
                    site,
                    taxonomy.kind,
                    term,
                    templates,
                    self.common(&list.dir),
                    rows,
                    list,
                )
            }
        }
    }

    fn render_page<T: Serialize>(
        &self,
        template: &str,
        path: &str,
        page_data: T,
    ) -> Result<Output> {
        let dir = path.trim_end_matches("index.html");
        page(
            self.templates,
            template,
            path,
            &PageContext {
                common: self.common(dir),
                page: page_data,
            },
        )
    }

    /// What every page knows, for the page at `path`.
    fn common(&self, path: &str) -> Common<'a> {
        let config = &self.site.config;
        Common {
            site_title: self.title,
            site_description: config.description.as_deref(),
            author: config.author.as_deref(),
            repository: config.repository.as_deref(),
            root: &self.urls.root,
            base_url: self.urls.base_url.as_deref(),
            path: path.to_string(),
            nav: [
                TaxonomyKind::Tasks,
                TaxonomyKind::Architectures,
                TaxonomyKind::Datasets,
                TaxonomyKind::Authors,
            ]
            .iter()
            .map(|&k| NavItem {
                title: self.site.label(k),
                path: k.path(),
            })
            .chain([NavItem {
                title: "Statistics",
                path: "stats",
            }])
            .collect(),
            columns: columns(self.site),
            feed: self.urls.base_url.is_some(),
        }
    }
}

/// A taxonomy index page lists this many times more terms than a list page
/// lists articles (a term is one short line, an article a table row).
const TERMS_PER_ROW_PAGE: usize = 4;

/// Every article's table row, rendered with `row.html` and minified once, to
/// be spliced into each list page it appears on.
fn article_rows(site: &Site, templates: &Templates, root: &str) -> Result<Vec<String>> {
    #[derive(Serialize)]
    struct RowContext<'a> {
        a: Row<'a>,
        root: &'a str,
        columns: &'a [ColumnInfo<'a>],
    }
    let columns = columns(site);
    site.articles
        .par_iter()
        .map(|article| {
            let context = RowContext {
                a: Row::of(article),
                root,
                columns: &columns,
            };
            let html = page(templates, "row.html", "row.html", &context)?;
            Ok(minify_fragment(&String::from_utf8_lossy(&html.bytes)))
        })
        .collect()
}

/// One page of a paginated list: which items it shows and how to reach the
/// other pages.
struct List {
    /// The page's folder relative to the site root (`tasks/x/page/2/`).
    dir: String,
    items: Vec<usize>,
    pagination: Pagination,
}

/// What a template needs to show "page 2 of 5" and links to every page.
#[derive(Serialize)]
struct Pagination {
    current: usize,
    total: usize,
    /// 1-based positions of the first and last item shown, and the item count.
    first: usize,
    last: usize,
    count: usize,
    pages: Vec<PageLink>,
    previous: Option<String>,
    next: Option<String>,
}

#[derive(Serialize)]
struct PageLink {
    number: usize,
    href: String,
}

/// Splits `items` into pages of `size`: the first at `dir`, the others at
/// `dir/page/N/`. An empty list still has one page.
fn paginate(dir: &str, items: &[usize], size: usize, root: &str) -> Vec<List> {
    let total = items.len().div_ceil(size).max(1);
    let dir_of = |n: usize| {
        if n == 1 {
            dir.to_string()
        } else {
            format!("{dir}page/{n}/")
        }
    };
    let pages: Vec<PageLink> = (1..=total)
        .map(|number| PageLink {
            number,
            href: format!("{root}{}", dir_of(number)),
        })
        .collect();
    (1..=total)
        .map(|n| {
            let start = (n - 1) * size;
            let shown = &items[start.min(items.len())..(start + size).min(items.len())];
            List {
                dir: dir_of(n),
                items: shown.to_vec(),
                pagination: Pagination {
                    current: n,
                    total,
                    first: start + 1,
                    last: start + shown.len(),
                    count: items.len(),
                    pages: pages
                        .iter()
                        .map(|p| PageLink {
                            number: p.number,
                            href: p.href.clone(),
                        })
                        .collect(),
                    previous: (n > 1).then(|| pages[n - 2].href.clone()),
                    next: (n < total).then(|| pages[n].href.clone()),
                },
            }
        })
        .collect()
}

/// The rows of `items`, joined, for [`Output::splice`].
fn joined_rows(rows: &[String], items: &[usize]) -> String {
    items.iter().map(|&i| rows[i].as_str()).collect()
}

/// A page's context: the common part flattened next to the page's own fields.
#[derive(Serialize)]
struct PageContext<'a, T: Serialize> {
    #[serde(flatten)]
    common: Common<'a>,
    #[serde(flatten)]
    page: T,
}

fn page<T: Serialize>(
    templates: &Templates,
    template: &str,
    path: &str,
    context: &T,
) -> Result<Output> {
    let context =
        tera::Context::from_serialize(context).map_err(|e| anyhow!("{}", tera_error(&e)))?;
    let html = templates.tera.render(template, &context).map_err(|e| {
        anyhow!(
            "cannot render {path} with template {template}: {}",
            tera_error(&e)
        )
    })?;
    Ok(Output::new(path, html))
}

fn index_path(dir: &str) -> String {
    format!("{dir}index.html")
}

#[derive(Serialize)]
struct HomePage<'a> {
    intro_html: &'a str,
    stats: &'a Stats,
    /// The rows marker; the rows themselves are spliced in after minifying.
    rows: &'static str,
    pagination: &'a Pagination,
}

fn home(
    site: &Site,
    templates: &Templates,
    common: Common,
    rows: &[String],
    list: &List,
) -> Result<Output> {
    let path = index_path(&common.path);
    let context = PageContext {
        common,
        page: HomePage {
            intro_html: &site.intro_html,
            stats: &site.stats,
            rows: ROWS_MARKER,
            pagination: &list.pagination,
        },
    };
    let mut output = page(templates, "index.html", &path, &context)?;
    output.splice = Some(joined_rows(rows, &list.items));
    Ok(output)
}

/// The search page: the form and an empty result table, filled in the browser.
#[derive(Serialize)]
struct SearchPage {
    total: usize,
}

#[derive(Serialize)]
struct ArticlePage<'a> {
    article: &'a Article,
    edit_links: Vec<EditLink>,
    previous: Option<Row<'a>>,
    next: Option<Row<'a>>,
    related: Vec<Row<'a>>,
    cite: ArticleCite,
    meta: ArticleMeta,
}

/// How to cite an article: its normalised BibTeX, where to download it,
/// and a formatted reference.
#[derive(Serialize)]
struct ArticleCite {
    key: String,
    /// The `.bib` file's name, next to the page.
    bib_file: String,
    bibtex: String,
    citation: Citation,
}

/// "Title by A, B (2017)": the page's description.
fn describe(a: &Article) -> String {
    let mut s = a.title.clone();
    if !a.authors.is_empty() {
        let names: Vec<&str> = a.authors.iter().map(|p| p.display.as_str()).collect();
        s.push_str(" by ");
        s.push_str(&names.join(", "));
    }
    if let Some(year) = a.year {
        s.push_str(&format!(" ({year})"));
    }
    s
}

fn article(
    site: &Site,
    i: usize,
    key: &str,
    templates: &Templates,
    common: Common,
) -> Result<Output> {
    let a = &site.articles[i];
    let path = index_path(&common.path);
    let url = common.base_url.map(|base| format!("{base}{}", common.path));
    let description = describe(a);
    let meta = meta::article_meta(
        a,
        &PageInfo {
            url: url.as_deref(),
            site_title: common.site_title,
            description: &description,
        },
    );
    let cite = ArticleCite {
        key: key.to_string(),
        bib_file: format!("{}.bib", a.slug),
        bibtex: cite::bibtex(a, key),
        citation: cite::citation(a),
    };
    let context = PageContext {
        common,
        page: ArticlePage {
            cite,
            meta,
            article: a,
            edit_links: edit_links(site, a),
            previous: i.checked_sub(1).map(|p| Row::of(&site.articles[p])),
            next: site.articles.get(i + 1).map(Row::of),
            related: a
                .related
                .iter()
                .map(|&r| Row::of(&site.articles[r]))
                .collect(),
        },
    };
    page(templates, "article.html", &path, &context)
}

#[derive(Serialize)]
struct TaxonomyPage<'a> {
    taxonomy: TaxonomyInfo<'a>,
    terms: Vec<TermSummary<'a>>,
    pagination: &'a Pagination,
}

fn taxonomy_index(
    site: &Site,
    taxonomy: &Taxonomy,
    templates: &Templates,
    common: Common,
    list: &List,
) -> Result<Output> {
    let path = index_path(&common.path);
    let context = PageContext {
        common,
        page: TaxonomyPage {
            taxonomy: TaxonomyInfo::of(site, taxonomy.kind),
            terms: list
                .items
                .iter()
                .map(|&i| TermSummary::of(&taxonomy.terms[i]))
                .collect(),
            pagination: &list.pagination,
        },
    };
    page(templates, "taxonomy.html", &path, &context)
}

#[derive(Serialize)]
struct TermPage<'a> {
    taxonomy: TaxonomyInfo<'a>,
    term: TermSummary<'a>,
    /// The rows marker; the rows themselves are spliced in after minifying.
    rows: &'static str,
    pagination: &'a Pagination,
}

fn term_page(
    site: &Site,
    kind: TaxonomyKind,
    term: &Term,
    templates: &Templates,
    common: Common,
    rows: &[String],
    list: &List,
) -> Result<Output> {
    let path = index_path(&common.path);
    let context = PageContext {
        common,
        page: TermPage {
            taxonomy: TaxonomyInfo::of(site, kind),
            term: TermSummary::of(term),
            rows: ROWS_MARKER,
            pagination: &list.pagination,
        },
    };
    let mut output = page(templates, "term.html", &path, &context)?;
    output.splice = Some(joined_rows(rows, &list.items));
    Ok(output)
}
