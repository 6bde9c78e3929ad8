//! One function per page kind: home, article, taxonomy index, term,
//! statistics (its charts computed in [`super::stats`]), 404.
//!
//! Each builds a Tera context from borrowed model data and renders the
//! template of the same name (`index.html`, `article.html`, …).

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
    root: &'a str,
    base_url: Option<&'a str>,
    /// The page's own path relative to the root (`articles/x/`), for canonical links.
    path: String,
    nav: Vec<NavItem>,
}

#[derive(Serialize)]
struct NavItem {
    title: &'static str,
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
            code: a.code.first().map(|l| l.url.as_str()),
        }
    }
}

/// A taxonomy as its index page and the nav describe it.
#[derive(Serialize)]
struct TaxonomyInfo {
    kind: TaxonomyKind,
    path: &'static str,
    title: &'static str,
    singular: &'static str,
    /// The URL parameter that filters the home page by a term (`task`).
    facet: Option<&'static str>,
}

impl TaxonomyInfo {
    fn of(kind: TaxonomyKind) -> Self {
        TaxonomyInfo {
            kind,
            path: kind.path(),
            title: kind.title(),
            singular: kind.singular(),
            facet: kind.facet(),
        }
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
                templates,
                self.common(&format!("articles/{}/", site.articles[*i].slug)),
            ),
            PageKind::TaxonomyIndex(t, list) => taxonomy_index(
                &site.taxonomies[*t],
                templates,
                self.common(&list.dir),
                list,
            ),
            PageKind::Term(t, i, list) => {
                let taxonomy = &site.taxonomies[*t];
                let term = &taxonomy.terms[*i];
                term_page(
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
        Common {
            site_title: self.title,
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
            .map(|k| NavItem {
                title: k.title(),
                path: k.path(),
            })
            .chain([NavItem {
                title: "Statistics",
                path: "stats",
            }])
            .collect(),
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
    }
    site.articles
        .par_iter()
        .map(|article| {
            let context = RowContext {
                a: Row::of(article),
                root,
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
    previous: Option<Row<'a>>,
    next: Option<Row<'a>>,
    related: Vec<Row<'a>>,
}

fn article(site: &Site, i: usize, templates: &Templates, common: Common) -> Result<Output> {
    let a = &site.articles[i];
    let path = index_path(&common.path);
    let context = PageContext {
        common,
        page: ArticlePage {
            article: a,
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
    taxonomy: TaxonomyInfo,
    terms: Vec<TermSummary<'a>>,
    pagination: &'a Pagination,
}

fn taxonomy_index(
    taxonomy: &Taxonomy,
    templates: &Templates,
    common: Common,
    list: &List,
) -> Result<Output> {
    let path = index_path(&common.path);
    let context = PageContext {
        common,
        page: TaxonomyPage {
            taxonomy: TaxonomyInfo::of(taxonomy.kind),
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
    taxonomy: TaxonomyInfo,
    term: TermSummary<'a>,
    /// The rows marker; the rows themselves are spliced in after minifying.
    rows: &'static str,
    pagination: &'a Pagination,
}

fn term_page(
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
            taxonomy: TaxonomyInfo::of(kind),
            term: TermSummary::of(term),
            rows: ROWS_MARKER,
            pagination: &list.pagination,
        },
    };
    let mut output = page(templates, "term.html", &path, &context)?;
    output.splice = Some(joined_rows(rows, &list.items));
    Ok(output)
}
