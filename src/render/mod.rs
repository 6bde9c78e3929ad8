//! Stage 3, `render`: the [`Site`](crate::model::Site) model → pages in memory (no I/O).
//!
//! Pages are Tera templates embedded in the binary ([`Templates`]), any of
//! which a `--templates` folder can replace by name. Every renderer (pages,
//! search index, statistics, citation exports, feeds) returns [`Output`]s
//! that [`crate::write`](mod@crate::write) puts on disk. `lib.rs` plans the pages with
//! [`pages::Renderer`] and renders them in batches, then calls
//! [`search::render`] and [`publish`], each a timed stage.

pub mod cite;
pub mod export;
pub mod feeds;
pub mod meta;
pub mod pages;
pub mod search;
pub mod stats;

use anyhow::{Context, Result};
use include_dir::{Dir, include_dir};
use std::path::Path;

static EMBEDDED_TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// One file of the site: a path relative to the output folder and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub path: String,
    pub bytes: Vec<u8>,
    /// Already minified HTML that takes the place of [`ROWS_MARKER`] once the
    /// page itself is minified: the article rows of a list page, rendered and
    /// minified once per article rather than once per page they appear on.
    pub splice: Option<String>,
}

/// Where a list page's rows go; see [`Output::splice`]. Data can never
/// produce it, since every value is escaped.
pub const ROWS_MARKER: &str = "<dl4m-rows></dl4m-rows>";

impl Output {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Output {
            path: path.into(),
            bytes: bytes.into(),
            splice: None,
        }
    }
}

/// The publishing outputs: `robots.txt`, and with an absolute base URL
/// `sitemap.xml` and `atom.xml` ([`feeds`]); every article's `.bib`, the
/// whole bibliography and its CSL-JSON export ([`cite`]).
pub fn publish(renderer: &pages::Renderer) -> Vec<Output> {
    let (site, urls, keys) = (renderer.site(), renderer.urls(), renderer.keys());
    let mut out = vec![feeds::robots(urls.base_url.as_deref())];
    if let Some(base) = &urls.base_url {
        out.extend(feeds::sitemap(base, &renderer.page_dirs()));
        out.push(feeds::atom(site, base, renderer.title(), |i| {
            cite::citation(&site.articles[i])
        }));
    }
    let page_url = |a: &crate::model::Article| {
        let base = urls.base_url.as_deref().unwrap_or(&urls.root);
        format!("{base}articles/{}/", a.slug)
    };
    out.extend(cite::exports(site, keys, page_url));
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

/// The compiled templates: the embedded defaults, replaced by name by the
/// files of an optional override folder.
pub struct Templates {
    pub tera: tera::Tera,
}

impl Templates {
    /// Compiles the embedded templates and the overrides of `dir`.
    pub fn load(dir: Option<&Path>) -> Result<Self> {
        let mut sources: Vec<(String, String)> = EMBEDDED_TEMPLATES
            .files()
            .filter_map(|f| {
                let text = f.contents_utf8()?;
                Some((f.path().display().to_string(), text.to_string()))
            })
            .collect();
        if let Some(dir) = dir {
            for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
                let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let name = entry
                    .path()
                    .strip_prefix(dir)
                    .unwrap_or(entry.path())
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(entry.path())
                    .with_context(|| format!("cannot read template {}", entry.path().display()))?;
                sources.retain(|(n, _)| n != &name);
                sources.push((name, text));
            }
        }
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.add_raw_templates(sources)
            .map_err(|e| anyhow::anyhow!("{}", tera_error(&e)))?;
        Ok(Templates { tera })
    }
}

/// A Tera error with all its causes, which Tera keeps in the source chain.
pub fn tera_error(err: &tera::Error) -> String {
    let mut message = err.to_string();
    let mut cause = std::error::Error::source(err);
    while let Some(c) = cause {
        message.push_str(": ");
        message.push_str(&c.to_string());
        cause = c.source();
    }
    message
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
