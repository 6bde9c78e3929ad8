//! Builds the shipped data and every snapshot of the upstream list, and
//! checks what a reader would: every article present once, every column
//! visible, task pages listing exactly their articles, no broken links.

mod common;

use common::{Built, broken_links, build, corpus, linked_articles, shipped_data, text};
use dl4m::load::table::{self, Column};
use dl4m::values::{facet_key, is_placeholder, match_key, split_links, split_values};
use std::collections::BTreeSet;

const SNAPSHOTS: [(&str, usize); 4] = [
    ("2017-08-15-seed", 30),
    ("2017-08-16", 60),
    ("2017-08-30", 85),
    ("latest", 167),
];

/// Titles of the seed README's "Contents" table and "Code without articles".
fn seed_titles() -> Vec<String> {
    let readme = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed/dl4m-README.md"),
    );
    let Ok(readme) = readme else {
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared/seed is missing under CI"
        );
        return Vec::new();
    };
    readme
        .lines()
        .filter(|l| l.starts_with("| [") || l.starts_with("- [Audio Classifier"))
        .filter_map(|l| {
            l.split_once('[')
                .and_then(|(_, r)| r.split_once(']'))
                .map(|(t, _)| t.to_string())
        })
        .collect()
}

#[test]
fn shipped_data_covers_the_seed_list() {
    let built = build(&shipped_data(), None);
    assert!(
        built.article_pages().len() >= 26,
        "{} pages",
        built.article_pages().len()
    );
    let home = text(built.page("index.html"));
    let titles = seed_titles();
    assert!(titles.len() == 26 || titles.is_empty(), "{titles:?}");
    let home_key = match_key(&home);
    for title in &titles {
        assert!(
            home_key.contains(&match_key(title)),
            "the home page lacks `{title}`"
        );
    }
    assert_eq!(built.checked.diagnostics.errors(), 0);
    assert_eq!(
        built.checked.diagnostics.warnings(),
        0,
        "the shipped data should be clean: {:?}",
        built.checked.diagnostics.sorted()
    );
}

#[test]
fn shipped_article_page_shows_everything_a_reader_needs() {
    let built = build(&shipped_data(), None);
    let page = built.page("articles/pons2017timbre/index.html");
    let t = text(page);
    for needle in [
        "Timbre Analysis of Music Audio Signals",
        "Jordi Pons",
        "BibTeX",
        "@inproceedings{pons2017timbre",
    ] {
        assert!(t.contains(needle), "missing {needle}");
    }
    let links = common::links(page);
    for code in [
        "https://github.com/jordipons/EUSIPCO2017",
        "https://github.com/ronggong/EUSIPCO2017",
        "https://github.com/Veleslavia/EUSIPCO2017",
    ] {
        assert!(links.iter().any(|l| l == code), "missing code link {code}");
    }
    assert!(links.iter().any(|l| l.starts_with("/authors/jordi-pons/")));
    assert!(links.iter().any(|l| l.starts_with("/tasks/")));
    assert!(links.iter().any(|l| l == "/architectures/cnn/"));
}

fn check_snapshot(name: &str, expected: usize) {
    let Some(dir) = corpus(name) else { return };
    let built = build(&dir, None);
    let articles = built.article_pages().len();
    assert_eq!(articles, expected, "{name}: article pages");
    assert_eq!(
        built.checked.site.articles.len(),
        expected,
        "{name}: articles in the model"
    );
    assert_eq!(
        built.checked.diagnostics.errors(),
        0,
        "{name}: {:?}",
        built.checked.diagnostics.sorted()
    );
    let home_rows = linked_articles(built.page("index.html"), "/");
    assert_eq!(
        home_rows.len(),
        expected,
        "{name}: every article is listed once on the home page"
    );
    let broken = broken_links(&built, "/");
    assert!(broken.is_empty(), "{name}: broken links: {broken:#?}");
    every_entry_has_a_page(name, &dir, &built);
    every_cell_is_visible(name, &dir, &built);
    term_pages_list_exactly_their_articles(name, &built);
}

/// Each BibTeX entry's title is the title of exactly one article page.
fn every_entry_has_a_page(name: &str, dir: &std::path::Path, built: &Built) {
    let Ok(bib) = std::fs::read_to_string(dir.join("dl4m.bib")) else {
        return;
    };
    let titles: Vec<String> = built
        .checked
        .site
        .articles
        .iter()
        .map(|a| match_key(&a.title))
        .collect();
    let entries = bib.matches("\n@").count()
        + usize::from(bib.starts_with('@'))
        + bib.matches("\n\"@").count();
    let with_bibtex = built
        .checked
        .site
        .articles
        .iter()
        .filter(|a| a.bibtex.is_some())
        .count();
    assert_eq!(with_bibtex, entries, "{name}: one article per BibTeX entry");
    for line in bib.lines().filter(|l| l.trim_start().starts_with("title")) {
        let value = line.split_once('=').map_or("", |(_, v)| v);
        let key = match_key(&value.replace("\\\"", "").replace(['{', '}', '\\'], ""));
        let found = titles
            .iter()
            .filter(|t| t.contains(&key) || key.contains(t.as_str()))
            .count();
        assert!(found >= 1, "{name}: no article titled like {value}");
    }
}

/// Every non-empty cell of every table row shows up in the site.
fn every_cell_is_visible(name: &str, dir: &std::path::Path, built: &Built) {
    let pages: String = built
        .article_pages()
        .iter()
        .map(|p| built.page(p))
        .collect::<Vec<_>>()
        .join("\n");
    let visible = facet_key(&text(&pages));
    let hrefs: BTreeSet<String> = common::links(&pages).into_iter().collect();
    for entry in std::fs::read_dir(dir).expect("corpus folder") {
        let path = entry.expect("entry").path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext != "csv" && ext != "tsv" {
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("table is UTF-8");
        let t = table::parse("t", &source, &mut Default::default());
        let mut labels_seen = BTreeSet::new();
        for row in &t.rows {
            for cell in &row.cells {
                let column = t.column(cell);
                labels_seen.insert(t.columns[cell.column].label.clone());
                let parts: Vec<String> = match column {
                    Column::Link | Column::Code => {
                        for link in split_links(&cell.value)
                            .iter()
                            .filter(|l| l.starts_with("http"))
                        {
                            assert!(
                                hrefs.contains(link.as_str()),
                                "{name}: link {link} (line {}) is not on any page",
                                row.source.line
                            );
                        }
                        continue;
                    }
                    Column::Authors => cell
                        .value
                        .split(" and ")
                        .map(|a| a.split(',').next().unwrap_or("").to_string())
                        .collect(),
                    Column::Terms(_) => split_values(&cell.value),
                    _ if is_placeholder(&cell.value) => continue,
                    _ => vec![cell.value.clone()],
                };
                for part in parts {
                    let key = facet_key(&part);
                    assert!(
                        visible.contains(&key),
                        "{name}: `{part}` ({}, line {}) is not shown on any article page",
                        t.columns[cell.column].label,
                        row.source.line
                    );
                }
            }
        }
        for head in &t.columns {
            if let Column::Extra(label) = &head.column {
                if labels_seen.contains(label) {
                    assert!(
                        visible.contains(&facet_key(label)),
                        "{name}: column `{label}` has no label on any page"
                    );
                }
            }
        }
    }
}

/// A term page lists exactly the articles whose search record has the term.
fn term_pages_list_exactly_their_articles(name: &str, built: &Built) {
    let index = built.search_index();
    let records = index["articles"].as_array().expect("articles");
    for (facet, folder) in [
        ("task", "tasks"),
        ("architecture", "architectures"),
        ("dataset", "datasets"),
    ] {
        let terms = index["facets"][facet].as_array().expect("facet list");
        for (i, term) in terms.iter().enumerate() {
            let slug = term[1].as_str().expect("slug");
            let expected: BTreeSet<String> = records
                .iter()
                .filter(|r| {
                    r[facet]
                        .as_array()
                        .is_some_and(|ids| ids.iter().any(|id| id.as_u64() == Some(i as u64)))
                })
                .map(|r| r["s"].as_str().unwrap_or("").to_string())
                .collect();
            let page = built.page(&format!("{folder}/{slug}/index.html"));
            assert_eq!(
                linked_articles(page, "/"),
                expected,
                "{name}: {folder}/{slug}"
            );
            assert!(
                !expected.is_empty(),
                "{name}: {folder}/{slug} has no articles"
            );
        }
        let listing = built.page(&format!("{folder}/index.html"));
        assert_eq!(
            common::links(listing)
                .iter()
                .filter(|l| l.starts_with(&format!("/{folder}/")) && l.len() > folder.len() + 2)
                .count(),
            terms.len(),
            "{name}: {folder}/ lists every term"
        );
    }
}

#[test]
fn snapshot_seed_builds() {
    check_snapshot(SNAPSHOTS[0].0, SNAPSHOTS[0].1);
}

#[test]
fn snapshot_2017_08_16_builds() {
    check_snapshot(SNAPSHOTS[1].0, SNAPSHOTS[1].1);
}

#[test]
fn snapshot_2017_08_30_builds() {
    check_snapshot(SNAPSHOTS[2].0, SNAPSHOTS[2].1);
}

#[test]
fn snapshot_latest_builds() {
    check_snapshot(SNAPSHOTS[3].0, SNAPSHOTS[3].1);
}

#[test]
fn shipped_data_has_no_broken_links() {
    let built = build(&shipped_data(), None);
    let broken = broken_links(&built, "/");
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn base_url_prefixes_every_root_relative_link() {
    let Some(dir) = corpus("latest") else { return };
    let built = build(&dir, Some("https://example.org/dl4m/"));
    for (path, html) in built.files.iter().filter(|(p, _)| p.ends_with(".html")) {
        for link in common::links(html) {
            if link.starts_with('/') {
                assert!(link.starts_with("/dl4m/"), "{path}: {link}");
            }
        }
    }
    let broken = broken_links(&built, "/dl4m/");
    assert!(broken.is_empty(), "{broken:#?}");
    assert!(
        built
            .page("index.html")
            .contains("https://example.org/dl4m/"),
        "canonical link uses the base URL"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let Some(dir) = corpus("latest") else { return };
    let a = build(&dir, None);
    let b = build(&dir, None);
    assert_eq!(a.files, b.files);
}

#[test]
fn long_lists_are_paginated_with_every_article_on_exactly_one_page() {
    let Some(dir) = corpus("latest") else { return };
    let built = common::build_with(&dir, |options| options.page_size = Some(40));
    let index = built.search_index();
    let site_order: Vec<String> = index["articles"]
        .as_array()
        .expect("articles")
        .iter()
        .map(|a| a["s"].as_str().unwrap_or_default().to_string())
        .collect();
    let pages = site_order.len().div_ceil(40);
    assert_eq!(pages, 5);
    let mut shown = Vec::new();
    for n in 1..=pages {
        let path = if n == 1 {
            "index.html".to_string()
        } else {
            format!("page/{n}/index.html")
        };
        let html = built.page(&path);
        let rows = common::row_slugs(html);
        assert!(rows.len() <= 40, "{path} has {} rows", rows.len());
        shown.extend(rows);
        let links = common::links(html);
        for other in 2..=pages {
            assert!(
                links.contains(&format!("/page/{other}/")),
                "{path} links to page {other}"
            );
        }
        assert!(links.contains(&"/".to_string()), "{path} links to page 1");
        assert!(
            !html.contains("dl4m-rows"),
            "{path} still has the rows marker"
        );
    }
    assert_eq!(
        shown, site_order,
        "every article once, in site order, across the pages"
    );
    assert!(!built.files.contains_key("page/6/index.html"));

    let cnn = common::row_slugs(built.page("architectures/cnn/index.html"));
    let cnn_2 = common::row_slugs(built.page("architectures/cnn/page/2/index.html"));
    assert_eq!(cnn.len(), 40);
    let all: std::collections::BTreeSet<String> = cnn.iter().chain(&cnn_2).cloned().collect();
    assert_eq!(
        all.len(),
        cnn.len() + cnn_2.len(),
        "no article on both pages"
    );
    let expected = site_order
        .iter()
        .zip(index["articles"].as_array().expect("articles"))
        .filter(|(_, a)| {
            let cnn_id = index["facets"]["architecture"]
                .as_array()
                .and_then(|l| l.iter().position(|t| t[1] == "cnn"));
            a["architecture"].as_array().is_some_and(|ids| {
                ids.iter()
                    .any(|id| id.as_u64().map(|v| v as usize) == cnn_id)
            })
        })
        .count();
    assert_eq!(all.len(), expected);
}
