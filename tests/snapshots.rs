//! Snapshot tests of the fixture site in the repository
//! (`tests/fixtures/site/`: six articles, `dl4m.toml`, `taxonomy.toml`):
//! every kind of page and publishing file, compared with the reviewed copies
//! in `tests/snapshots/`. They need nothing outside the repository, so a
//! clone without `../shared` still tests the HTML.
//!
//! After a deliberate change to what the site looks like, review the new
//! snapshots with `cargo insta review` (or accept them all with
//! `INSTA_UPDATE=always cargo test --test snapshots`) and commit them.

mod common;

use dl4m::diag::Paint;
use std::path::Path;
use std::sync::OnceLock;

/// The fixture's data folder, relative to the crate (so that diagnostics
/// name it the same way on every machine).
const FIXTURE: &str = "tests/fixtures/site/data";

/// The fixture site, built once for every test of this file.
fn site() -> &'static common::Built {
    static SITE: OnceLock<common::Built> = OnceLock::new();
    SITE.get_or_init(|| common::build(Path::new(FIXTURE), None))
}

/// Minified HTML with one tag a line, so that a snapshot's diff shows what changed.
fn tags(html: &str) -> String {
    html.replace("><", ">\n<")
}

/// Asserts the snapshot `name` of the HTML page at `path`.
fn page(name: &str, path: &str) {
    insta::assert_snapshot!(name, tags(site().page(path)));
}

/// Asserts the snapshot `name` of the file at `path`, as written.
fn file(name: &str, path: &str) {
    insta::assert_snapshot!(name, site().page(path));
}

#[test]
fn home_pages() {
    page("home", "index.html");
    page("home_page_2", "page/2/index.html");
}

#[test]
fn article_pages() {
    page(
        "article_with_entry_and_row",
        "articles/schluter2014improved/index.html",
    );
    page("article_with_row_only", "articles/beat/index.html");
    page(
        "article_with_entry_only",
        "articles/vandenoord2013deep/index.html",
    );
}

#[test]
fn taxonomy_and_term_pages() {
    page("tasks", "tasks/index.html");
    page("task_onset_detection", "tasks/onset-detection/index.html");
    page("dataset_bock", "datasets/bock/index.html");
    page("authors", "authors/index.html");
    page("author_jan_schluter", "authors/jan-schluter/index.html");
}

#[test]
fn statistics_search_and_missing_pages() {
    page("stats", "stats/index.html");
    page("search", "search/index.html");
    page("not_found", "404.html");
}

#[test]
fn publishing_files() {
    file("atom", "atom.xml");
    file("sitemap", "sitemap.xml");
    file("robots", "robots.txt");
    file("bibliography", "dl4m.bib");
    file("csl_json", "dl4m.json");
    file(
        "article_bib",
        "articles/schluter2014improved/schluter2014improved.bib",
    );
    file("search_index", "search-index.json");
}

#[test]
fn diagnostics() {
    let checked = &site().checked;
    let paint = Paint { color: false };
    let text: Vec<String> = checked
        .diagnostics
        .sorted()
        .iter()
        .map(|d| d.render(&checked.sources, paint))
        .chain(checked.summary().iter().map(ToString::to_string))
        .collect();
    insta::assert_snapshot!("diagnostics", text.join("\n"));
}
