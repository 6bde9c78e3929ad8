//! The HTML pages: home, search, statistics (its charts computed in
//! `charts.rs`), 404, one per article, taxonomy index and term, as
//! [`super::plan`] lists them.
//!
//! Each page kind builds a Tera context from borrowed model data (its shared
//! parts are in `context.rs`) and renders the template of the same name
//! (`index.html`, `article.html`, …). The article rows of list pages are
//! rendered and minified once per article and spliced into every list page
//! after it is minified ([`Output::splice`]).

mod context;

use super::RenderContext;
use super::cite::{self, Citation};
use super::head_meta::{self, HeadMeta, PageInfo};
use super::plan::{self, List, Page, PageKind, Pagination};
use crate::config::TaxonomyKind;
use crate::model::{Article, Stats};
use crate::output::{Output, ROWS_MARKER, minify_fragment};
use crate::theme::tera_error;
use anyhow::{Result, anyhow};
use context::{ColumnInfo, Common, EditLink, Row, TaxonomyInfo, TermSummary};
use rayon::prelude::*;
use serde::Serialize;

/// Renders every page of the site at once; [`Renderer`] does the same a
/// batch at a time.
pub fn render_all(ctx: &RenderContext) -> Result<Vec<Output>> {
    let renderer = Renderer::new(ctx)?;
    plan::plan(ctx)
        .par_iter()
        .map(|page| renderer.render(page))
        .collect()
}

/// Renders the pages of one site: [`plan::plan`] lists every page first
/// (cheap), so a caller can render, minify and write them in batches of
/// bounded memory.
pub struct Renderer<'a> {
    ctx: &'a RenderContext<'a>,
    /// Every article's table row, minified; see [`article_rows`].
    rows: Vec<String>,
}

impl<'a> Renderer<'a> {
    /// Renders the article rows every list page is made of.
    pub fn new(ctx: &'a RenderContext<'a>) -> Result<Self> {
        Ok(Renderer {
            rows: article_rows(ctx)?,
            ctx,
        })
    }

    /// Renders one planned page.
    pub fn render(&self, page: &Page) -> Result<Output> {
        let site = self.ctx.site;
        match &page.0 {
            PageKind::Home(list) => self.home(list),
            PageKind::Search => self.render_page(
                "search.html",
                "search/index.html",
                SearchPage {
                    total: site.articles.len(),
                },
            ),
            PageKind::Stats => self.render_page(
                "stats.html",
                "stats/index.html",
                super::charts::stats_page(site),
            ),
            PageKind::NotFound => self.render_page("404.html", "404.html", ()),
            PageKind::Article(i) => self.article(*i),
            PageKind::TaxonomyIndex(kind, list) => self.taxonomy_index(*kind, list),
            PageKind::Term(kind, i, list) => self.term_page(*kind, *i, list),
        }
    }

    /// Renders `template` into `path` with the common context and `page_data`.
    fn render_page<T: Serialize>(
        &self,
        template: &str,
        path: &str,
        page_data: T,
    ) -> Result<Output> {
        let dir = path.trim_end_matches("index.html");
        self.page(template, path, &self.context(dir, page_data))
    }

    /// A page's context: what every page knows about the page in `dir`, and
    /// `page_data`.
    fn context<T: Serialize>(&self, dir: &str, page_data: T) -> PageContext<'a, T> {
        PageContext {
            common: Common::new(self.ctx, dir),
            page: page_data,
        }
    }

    fn page<T: Serialize>(&self, template: &str, path: &str, context: &T) -> Result<Output> {
        render_template(self.ctx, template, path, context)
    }

    /// A list page: rendered with the rows marker, the rows of `list`
    /// spliced in after minifying.
    fn list_page<T: Serialize>(&self, template: &str, list: &List, page_data: T) -> Result<Output> {
        let context = self.context(&list.dir, page_data);
        let mut output = self.page(template, &index_path(&list.dir), &context)?;
        output.splice = Some(list.items.iter().map(|&i| self.rows[i].as_str()).collect());
        Ok(output)
    }

    fn home(&self, list: &List) -> Result<Output> {
        let site = self.ctx.site;
        let page = HomePage {
            intro_html: &site.intro_html,
            stats: &site.stats,
            rows: ROWS_MARKER,
            pagination: &list.pagination,
        };
        self.list_page("index.html", list, page)
    }

    fn article(&self, i: usize) -> Result<Output> {
        let site = self.ctx.site;
        let a = &site.articles[i];
        let dir = format!("articles/{}/", a.slug);
        let url = self
            .ctx
            .urls
            .base_url
            .as_ref()
            .map(|base| format!("{base}{dir}"));
        let description = describe(a);
        let meta = head_meta::head_meta(
            a,
            &PageInfo {
                url: url.as_deref(),
                site_title: &site.title,
                description: &description,
            },
        );
        let page = ArticlePage {
            cite: ArticleCite::of(a),
            meta,
            article: a,
            edit_links: context::edit_links(site, a),
            previous: i.checked_sub(1).map(|p| Row::of(&site.articles[p])),
            next: site.articles.get(i + 1).map(Row::of),
            related: a
                .related
                .iter()
                .map(|&r| Row::of(&site.articles[r]))
                .collect(),
        };
        self.page("article.html", &index_path(&dir), &self.context(&dir, page))
    }

    fn taxonomy_index(&self, kind: TaxonomyKind, list: &List) -> Result<Output> {
        let site = self.ctx.site;
        let taxonomy = site.taxonomy(kind);
        let page = TaxonomyPage {
            taxonomy: TaxonomyInfo::of(site, kind),
            terms: list
                .items
                .iter()
                .map(|&i| TermSummary::of(&taxonomy.terms[i]))
                .collect(),
            pagination: &list.pagination,
        };
        let context = self.context(&list.dir, page);
        self.page("taxonomy.html", &index_path(&list.dir), &context)
    }

    fn term_page(&self, kind: TaxonomyKind, term: usize, list: &List) -> Result<Output> {
        let site = self.ctx.site;
        let page = TermPage {
            taxonomy: TaxonomyInfo::of(site, kind),
            term: TermSummary::of(&site.taxonomy(kind).terms[term]),
            rows: ROWS_MARKER,
            pagination: &list.pagination,
        };
        self.list_page("term.html", list, page)
    }
}

/// Every article's table row, rendered with `row.html` and minified once, to
/// be spliced into each list page it appears on.
fn article_rows(ctx: &RenderContext) -> Result<Vec<String>> {
    #[derive(Serialize)]
    struct RowContext<'a> {
        a: Row<'a>,
        root: &'a str,
        columns: &'a [ColumnInfo<'a>],
    }
    let columns = context::columns(ctx.site);
    ctx.site
        .articles
        .par_iter()
        .map(|article| {
            let context = RowContext {
                a: Row::of(article),
                root: &ctx.urls.root,
                columns: &columns,
            };
            let html = render_template(ctx, "row.html", "row.html", &context)?;
            Ok(minify_fragment(&String::from_utf8_lossy(&html.bytes)))
        })
        .collect()
}

/// Renders `template` with `context` into the file at `path`.
fn render_template<T: Serialize>(
    ctx: &RenderContext,
    template: &str,
    path: &str,
    context: &T,
) -> Result<Output> {
    let context =
        tera::Context::from_serialize(context).map_err(|e| anyhow!("{}", tera_error(&e)))?;
    let html = ctx.templates.tera.render(template, &context).map_err(|e| {
        anyhow!(
            "cannot render {path} with template {template}: {}",
            tera_error(&e)
        )
    })?;
    Ok(Output::new(path, html))
}

/// A page's context: the common part flattened next to the page's own fields.
#[derive(Serialize)]
struct PageContext<'a, T: Serialize> {
    #[serde(flatten)]
    common: Common<'a>,
    #[serde(flatten)]
    page: T,
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
    meta: HeadMeta,
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

impl ArticleCite {
    fn of(a: &Article) -> Self {
        ArticleCite {
            key: a.cite_key.clone(),
            bib_file: format!("{}.bib", a.slug),
            bibtex: cite::bibtex(a),
            citation: cite::citation(a),
        }
    }
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

#[derive(Serialize)]
struct TaxonomyPage<'a> {
    taxonomy: TaxonomyInfo<'a>,
    terms: Vec<TermSummary<'a>>,
    pagination: &'a Pagination,
}

#[derive(Serialize)]
struct TermPage<'a> {
    taxonomy: TaxonomyInfo<'a>,
    term: TermSummary<'a>,
    /// The rows marker; the rows themselves are spliced in after minifying.
    rows: &'static str,
    pagination: &'a Pagination,
}
