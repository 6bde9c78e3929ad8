//! The client-side search index, `search-index.json`.
//!
//! Format, version 1 (compact: short keys, facet values by index):
//!
//! ```json
//! {
//!   "version": 1,
//!   "facets": {
//!     "task": [["Onset detection", "onset-detection"], …],
//!     "architecture": […], "dataset": […], "framework": […]
//!   },
//!   "articles": [
//!     {"s": "schluter2014improved", "t": "Improved musical onset detection …",
//!      "a": ["Jan Schlüter", "Sebastian Böck"], "y": 2014, "v": "ICASSP",
//!      "task": [0], "architecture": [2], "dataset": [], "framework": [], "c": 1}
//!   ]
//! }
//! ```
//!
//! `s` slug (the page is `articles/<s>/`), `t` title, `a` authors, `y` year
//! (absent when unknown), `v` venue (absent when unknown), facet lists index
//! into `facets.<name>` (`[name, slug]` pairs), `c` is 1 when the article has
//! code. Articles are in site order (newest first). A reader must check
//! `version` and ignore unknown keys.

use super::Output;
use crate::model::{Article, Site, TaxonomyKind, TermRef};
use serde::Serialize;
use std::collections::HashMap;

/// The version of the format above; bump it when a reader would misread.
pub const VERSION: u32 = 1;

const FACETS: [(TaxonomyKind, &str); 4] = [
    (TaxonomyKind::Tasks, "task"),
    (TaxonomyKind::Architectures, "architecture"),
    (TaxonomyKind::Datasets, "dataset"),
    (TaxonomyKind::Frameworks, "framework"),
];

#[derive(Serialize)]
struct Index<'a> {
    version: u32,
    facets: Facets<'a>,
    articles: Vec<Record<'a>>,
}

#[derive(Serialize)]
struct Facets<'a> {
    task: Vec<(&'a str, &'a str)>,
    architecture: Vec<(&'a str, &'a str)>,
    dataset: Vec<(&'a str, &'a str)>,
    framework: Vec<(&'a str, &'a str)>,
}

#[derive(Serialize)]
struct Record<'a> {
    s: &'a str,
    t: &'a str,
    a: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    y: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    v: Option<&'a str>,
    task: Vec<usize>,
    architecture: Vec<usize>,
    dataset: Vec<usize>,
    framework: Vec<usize>,
    c: u8,
}

/// Renders `search-index.json` for the whole site.
pub fn render<'a>(site: &'a Site) -> Output {
    let lists: Vec<Vec<(&str, &str)>> = FACETS
        .iter()
        .map(|(kind, _)| {
            site.taxonomy(*kind)
                .terms
                .iter()
                .map(|t| (t.name.as_str(), t.slug.as_str()))
                .collect()
        })
        .collect();
    let positions: Vec<HashMap<&str, usize>> = lists
        .iter()
        .map(|l| {
            l.iter()
                .enumerate()
                .map(|(i, (_, slug))| (*slug, i))
                .collect()
        })
        .collect();
    let ids = |refs: &[TermRef], facet: usize| -> Vec<usize> {
        refs.iter()
            .filter_map(|r| positions[facet].get(r.slug.as_str()).copied())
            .collect()
    };
    let record = |a: &'a Article| Record {
        s: &a.slug,
        t: &a.title,
        a: a.authors.iter().map(|p| p.display.as_str()).collect(),
        y: a.year,
        v: a.venue.as_deref(),
        task: ids(&a.tasks, 0),
        architecture: ids(&a.architectures, 1),
        dataset: ids(&a.datasets, 2),
        framework: ids(&a.frameworks, 3),
        c: u8::from(!a.code.is_empty()),
    };
    let mut lists = lists.into_iter();
    let mut next = || lists.next().unwrap_or_default();
    let index = Index {
        version: VERSION,
        facets: Facets {
            task: next(),
            architecture: next(),
            dataset: next(),
            framework: next(),
        },
        articles: site.articles.iter().map(record).collect(),
    };
    let json = serde_json::to_vec(&index).unwrap_or_else(|_| b"{}".to_vec());
    Output::new("search-index.json", json)
}
