//! One function per page kind: home, article, taxonomy index, term, 404.
//!
//! Each builds a Tera context from borrowed model data and renders the
//! template of the same name (`index.html`, `article.html`, …).

use super::{Output, Templates, Urls, tera_error};
use crate::model::{Article, Person, Site, Stats, Taxonomy, TaxonomyKind, Term, TermRef};
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
/// the 404 page.
pub fn render_all(
    site: &Site,
    templates: &Templates,
    urls: &Urls,
    title: &str,
) -> Result<Vec<Output>> {
    let nav = || {
        [
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
        .collect()
    };
    let common = |path: String| Common {
        site_title: title,
        root: &urls.root,
        base_url: urls.base_url.as_deref(),
        path,
        nav: nav(),
    };
    let mut outputs = vec![home(site, templates, common(String::new()))?];
    outputs.push(page(
        templates,
        "search.html",
        "search/index.html",
        &PageContext {
            common: common("search/".into()),
            page: SearchPage {
                total: site.articles.len(),
            },
        },
    )?);
    outputs.push(page(
        templates,
        "404.html",
        "404.html",
        &PageContext {
            common: common("404.html".into()),
            page: (),
        },
    )?);
    let articles: Result<Vec<Output>> = (0..site.articles.len())
        .into_par_iter()
        .map(|i| {
            article(
                site,
                i,
                templates,
                common(format!("articles/{}/", site.articles[i].slug)),
            )
        })
        .collect();
    outputs.extend(articles?);
    for taxonomy in &site.taxonomies {
        outputs.push(taxonomy_index(
            taxonomy,
            templates,
            common(format!("{}/", taxonomy.kind.path())),
        )?);
        let terms: Result<Vec<Output>> = taxonomy
            .terms
            .par_iter()
            .map(|term| {
                let path = format!("{}/{}/", taxonomy.kind.path(), term.slug);
                term_page(site, taxonomy.kind, term, templates, common(path))
            })
            .collect();
        outputs.extend(terms?);
    }
    Ok(outputs)
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
    articles: Vec<Row<'a>>,
}

fn home(site: &Site, templates: &Templates, common: Common) -> Result<Output> {
    let context = PageContext {
        common,
        page: HomePage {
            intro_html: &site.intro_html,
            stats: &site.stats,
            articles: site.articles.iter().map(Row::of).collect(),
        },
    };
    page(templates, "index.html", "index.html", &context)
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
}

fn taxonomy_index(taxonomy: &Taxonomy, templates: &Templates, common: Common) -> Result<Output> {
    let path = index_path(&common.path);
    let context = PageContext {
        common,
        page: TaxonomyPage {
            taxonomy: TaxonomyInfo::of(taxonomy.kind),
            terms: taxonomy.terms.iter().map(TermSummary::of).collect(),
        },
    };
    page(templates, "taxonomy.html", &path, &context)
}

#[derive(Serialize)]
struct TermPage<'a> {
    taxonomy: TaxonomyInfo,
    term: TermSummary<'a>,
    articles: Vec<Row<'a>>,
}

fn term_page(
    site: &Site,
    kind: TaxonomyKind,
    term: &Term,
    templates: &Templates,
    common: Common,
) -> Result<Output> {
    let path = index_path(&common.path);
    let context = PageContext {
        common,
        page: TermPage {
            taxonomy: TaxonomyInfo::of(kind),
            term: TermSummary::of(term),
            articles: term
                .articles
                .iter()
                .map(|&i| Row::of(&site.articles[i]))
                .collect(),
        },
    };
    page(templates, "term.html", &path, &context)
}
