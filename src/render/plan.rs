//! Which pages the site has and at which addresses: the home page and every
//! list cut into pages of the page size, the article pages, the taxonomy
//! indexes and the term pages, in one fixed order.
//!
//! [`pages`](super::pages) renders the plan; the sitemap lists it
//! ([`page_dirs`]).

use super::RenderContext;
use crate::config::TaxonomyKind;
use serde::Serialize;

/// One page of the site, planned but not rendered yet; see [`plan`].
pub struct Page(pub(super) PageKind);

pub(super) enum PageKind {
    Home(List),
    Search,
    /// The statistics page, `stats/`.
    Stats,
    NotFound,
    Article(usize),
    /// A taxonomy and one page of its terms.
    TaxonomyIndex(TaxonomyKind, List),
    /// A taxonomy, one of its terms (an index into its terms), and one page
    /// of the term's articles.
    Term(TaxonomyKind, usize, List),
}

/// A taxonomy index page lists this many times more terms than a list page
/// lists articles (a term is one short line, an article a table row).
const TERMS_PER_ROW_PAGE: usize = 4;

/// Every page of the site, in a fixed order.
pub fn plan(ctx: &RenderContext) -> Vec<Page> {
    let (site, root, size) = (ctx.site, &ctx.urls.root, ctx.page_size);
    let all: Vec<usize> = (0..site.articles.len()).collect();
    let mut pages: Vec<Page> = paginate("", &all, size, root)
        .into_iter()
        .map(|list| Page(PageKind::Home(list)))
        .collect();
    pages.push(Page(PageKind::Search));
    pages.push(Page(PageKind::Stats));
    pages.push(Page(PageKind::NotFound));
    pages.extend((0..site.articles.len()).map(|i| Page(PageKind::Article(i))));
    for kind in TaxonomyKind::ALL {
        let taxonomy = site.taxonomy(kind);
        let dir = format!("{}/", kind.path());
        let terms: Vec<usize> = (0..taxonomy.terms.len()).collect();
        pages.extend(
            paginate(&dir, &terms, size * TERMS_PER_ROW_PAGE, root)
                .into_iter()
                .map(|list| Page(PageKind::TaxonomyIndex(kind, list))),
        );
        for (i, term) in taxonomy.terms.iter().enumerate() {
            let dir = format!("{}/{}/", kind.path(), term.slug);
            pages.extend(
                paginate(&dir, &term.articles, size, root)
                    .into_iter()
                    .map(|list| Page(PageKind::Term(kind, i, list))),
            );
        }
    }
    pages
}

/// The folder of every page but the 404 page, relative to the root
/// (`""` for the home page, `articles/x/`), in plan order: what a sitemap lists.
pub fn page_dirs(ctx: &RenderContext) -> Vec<String> {
    plan(ctx)
        .iter()
        .filter_map(|page| match &page.0 {
            PageKind::Home(list)
            | PageKind::TaxonomyIndex(_, list)
            | PageKind::Term(_, _, list) => Some(list.dir.clone()),
            PageKind::Search => Some("search/".into()),
            PageKind::Stats => Some("stats/".into()),
            PageKind::NotFound => None,
            PageKind::Article(i) => Some(format!("articles/{}/", ctx.site.articles[*i].slug)),
        })
        .collect()
}

/// One page of a paginated list: which items it shows and how to reach the
/// other pages.
pub(super) struct List {
    /// The page's folder relative to the site root (`tasks/x/page/2/`).
    pub(super) dir: String,
    pub(super) items: Vec<usize>,
    pub(super) pagination: Pagination,
}

/// What a template needs to show "page 2 of 5" and links to every page.
#[derive(Serialize)]
pub(super) struct Pagination {
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

#[derive(Serialize, Clone)]
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
                    pages: pages.clone(),
                    previous: (n > 1).then(|| pages[n - 2].href.clone()),
                    next: (n < total).then(|| pages[n].href.clone()),
                },
            }
        })
        .collect()
}
