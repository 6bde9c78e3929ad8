//! Ground floor: one file of the site ([`Output`]) and what is done to the
//! files between rendering and writing (minifying HTML, splicing the rows of
//! a list page in).
//!
//! Every renderer returns [`Output`]s and [`crate::write`](mod@crate::write)
//! puts them on disk; this module uses neither, so the two stages never
//! import each other.

use rayon::prelude::*;

/// One file of the site: a path relative to the output folder and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The path relative to the output folder, `/`-separated.
    pub path: String,
    /// The file's contents.
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
    /// A file at `path` (relative to the output folder) with `bytes`, nothing to splice.
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Output {
            path: path.into(),
            bytes: bytes.into(),
            splice: None,
        }
    }
}

fn minify_config() -> minify_html::Cfg {
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    cfg
}

/// Minifies a piece of HTML that is later spliced into pages (a table row).
pub fn minify_fragment(html: &str) -> String {
    String::from_utf8_lossy(&minify_html::minify(html.as_bytes(), &minify_config())).into_owned()
}

/// Minifies HTML pages (other files pass through unchanged), then puts each
/// page's pre-minified splice in place of its rows marker.
pub fn minify(outputs: Vec<Output>) -> Vec<Output> {
    let cfg = minify_config();
    outputs
        .into_par_iter()
        .map(|o| {
            if !o.path.ends_with(".html") {
                return o;
            }
            let minified = minify_html::minify(&o.bytes, &cfg);
            let bytes = match &o.splice {
                Some(rows) => splice(&minified, rows.as_bytes()),
                None => minified,
            };
            Output::new(o.path, bytes)
        })
        .collect()
}

/// `page` with its first [`ROWS_MARKER`] replaced by `rows`.
fn splice(page: &[u8], rows: &[u8]) -> Vec<u8> {
    let marker = ROWS_MARKER.as_bytes();
    match page.windows(marker.len()).position(|w| w == marker) {
        Some(at) => [&page[..at], rows, &page[at + marker.len()..]].concat(),
        None => page.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_minified_and_their_rows_spliced_in() {
        let mut page = Output::new(
            "index.html",
            format!("<p>\n  a   list\n</p>\n<table>{ROWS_MARKER}</table>"),
        );
        page.splice = Some("<tr><td>row</td></tr>".into());
        let json = Output::new("x.json", "{ \"a\" :  1 }");
        let out = minify(vec![page, json.clone()]);
        assert_eq!(
            String::from_utf8_lossy(&out[0].bytes),
            "<p>a list</p><table><tr><td>row</td></tr></table>"
        );
        assert_eq!(out[0].splice, None);
        assert_eq!(out[1], json, "only HTML is minified");
    }
}
