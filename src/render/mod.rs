//! Stage 3, `render`: the [`Site`] model → files in memory (no I/O).
//!
//! Every renderer takes one [`RenderContext`] (the site, where it is served,
//! the templates, the page size) and returns [`Output`]s that
//! [`crate::write`](mod@crate::write) puts on disk, in the way mdBook hands one
//! `RenderContext` to each renderer (dl4m's outputs are fixed, so there is no
//! renderer trait):
//!
//! - [`pages`]: every HTML page, planned by [`plan`] and rendered a batch at
//!   a time through the Tera [`Templates`] of [`crate::theme`]; the
//!   statistics page's charts are computed by `charts.rs`, an article page's
//!   machine-readable `<head>` by `head_meta.rs`;
//! - [`search::render`]: the client-side search index, one file or sharded;
//! - [`publish`]: `robots.txt`, the sitemap and the Atom feed (`feeds.rs`),
//!   and the citation files (`cite.rs`).

mod charts;
mod cite;
mod feeds;
mod head_meta;
pub mod pages;
pub mod plan;
pub mod search;

use crate::model::{Article, Site};
use crate::output::Output;
use crate::theme::Templates;
use anyhow::Result;

/// What every renderer is given.
pub struct RenderContext<'a> {
    /// The model to render.
    pub site: &'a Site,
    /// The compiled templates.
    pub templates: &'a Templates,
    /// Where the site is served from.
    pub urls: Urls,
    /// Articles per page of the home page and of each term page (at least 1).
    pub page_size: usize,
    /// The size above which the search index is sharded; see [`search::render`].
    pub search_shard_bytes: usize,
}

impl<'a> RenderContext<'a> {
    /// The context for rendering `site` with `templates`, served from
    /// `base_url`, lists cut into pages of `page_size` articles.
    pub fn new(
        site: &'a Site,
        templates: &'a Templates,
        base_url: Option<&str>,
        page_size: usize,
    ) -> Result<Self> {
        Ok(RenderContext {
            site,
            templates,
            urls: Urls::new(base_url)?,
            page_size: page_size.max(1),
            search_shard_bytes: search::SHARD_THRESHOLD,
        })
    }

    /// The address of an article's page: absolute with a base URL, else
    /// from the root.
    pub fn article_url(&self, a: &Article) -> String {
        let base = self.urls.base_url.as_deref().unwrap_or(&self.urls.root);
        format!("{base}articles/{}/", a.slug)
    }
}

/// The publishing outputs: `robots.txt`, and with an absolute base URL
/// `sitemap.xml` and `atom.xml` (`feeds.rs`); every article's `.bib`, the
/// whole bibliography and its CSL-JSON export (`cite.rs`).
pub fn publish(ctx: &RenderContext) -> Vec<Output> {
    let (site, urls) = (ctx.site, &ctx.urls);
    let mut out = vec![feeds::robots(urls.base_url.as_deref())];
    if let Some(base) = &urls.base_url {
        out.extend(feeds::sitemap(base, &plan::page_dirs(ctx)));
        out.push(feeds::atom(site, base));
    }
    out.extend(cite::files(site, |a| ctx.article_url(a)));
    out
}

/// Where the site will be served from.
#[derive(Debug, Clone)]
pub struct Urls {
    /// The path every root-relative link starts with (`/` or `/dl4m/`).
    pub root: String,
    /// The absolute base URL, when one was given (`https://host/dl4m/`).
    pub base_url: Option<String>,
}

impl Urls {
    /// Parses `--base-url`: an absolute http(s) URL or a path.
    pub fn new(base_url: Option<&str>) -> Result<Self> {
        let Some(base) = base_url.map(str::trim).filter(|b| !b.is_empty()) else {
            return Ok(Urls {
                root: "/".into(),
                base_url: None,
            });
        };
        let (absolute, path) = match base.find("://") {
            Some(i) => {
                let scheme = &base[..i];
                anyhow::ensure!(
                    scheme == "http" || scheme == "https",
                    "--base-url must start with http:// or https:// (got `{base}`)"
                );
                let after = &base[i + 3..];
                let path = after.find('/').map_or("/", |j| &after[j..]);
                (true, path)
            }
            None => (false, base),
        };
        anyhow::ensure!(
            !path.contains(['?', '#', '"', '<', '>', ' ', ':', '\\']),
            "--base-url must be a plain URL or path (got `{base}`)"
        );
        let root = format!("/{}/", path.trim_matches('/')).replace("//", "/");
        let base_url = absolute.then(|| {
            let trimmed = base.trim_end_matches('/');
            let host_end = trimmed.len() - (path.trim_end_matches('/').len());
            format!("{}{}", &trimmed[..host_end], root)
        });
        Ok(Urls { root, base_url })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_give_a_root_path() {
        let u = Urls::new(Some("https://host/dl4m/")).unwrap();
        assert_eq!(u.root, "/dl4m/");
        assert_eq!(u.base_url.as_deref(), Some("https://host/dl4m/"));
        let u = Urls::new(Some("https://host")).unwrap();
        assert_eq!(
            (u.root.as_str(), u.base_url.as_deref()),
            ("/", Some("https://host/"))
        );
        assert_eq!(Urls::new(Some("/a/b")).unwrap().root, "/a/b/");
        assert_eq!(Urls::new(None).unwrap().root, "/");
        assert!(Urls::new(Some("javascript:alert(1)//x")).is_err());
    }
}
