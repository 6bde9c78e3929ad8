//! The client-side search index, read by `static/js/engine.js`: one file,
//! `search-index.json` (format 2), or, once that file would be larger than
//! [`SHARD_THRESHOLD`] (1 MB), a small `search-index.json` manifest and
//! files under `search-index/` fetched as queries need them (format 3).
//!
//! Format, version 2 (compact: short keys, shared values by index):
//!
//! ```json
//! {
//!   "version": 2,
//!   "facets": {
//!     "task": [["Onset detection", "onset-detection"], …],
//!     "architecture": […], "dataset": […], "framework": […]
//!   },
//!   "authors": [["Jan Schlüter", "jan-schluter"], …],
//!   "articles": [
//!     {"s": "schluter2014improved", "t": "Improved musical onset detection …",
//!      "a": [0, 1], "y": 2014, "v": "ICASSP",
//!      "task": [0], "architecture": [2], "dataset": [], "framework": [],
//!      "c": "https://github.com/…", "x": "We present …"}
//!   ]
//! }
//! ```
//!
//! - `facets.<name>` lists `[name, slug]` pairs, most used first; the slug is
//!   the term's page (`tasks/<slug>/`) and its value in the page URL
//!   (`?task=<slug>`).
//! - `authors` lists `[display name, slug]` pairs (`authors/<slug>/`).
//! - Per article: `s` slug (the page is `articles/<s>/`), `t` title, `a`
//!   indices into `authors`, `y` year and `v` venue (absent when unknown),
//!   one list of indices into `facets.<name>` per facet, `c` the first code
//!   link (absent when there is none), `x` the abstract (absent when unknown).
//! - Articles are in site order (newest first), the order of the home page.
//!
//! A reader must check `version` and ignore keys it does not know. Version 1
//! had no `authors` table (`a` held names), `c` was 0 or 1 and there was no
//! `x`.
//!
//! Format, version 3 (sharded; written by [`sharded`]). `search-index.json`:
//!
//! ```json
//! {
//!   "version": 3,
//!   "count": 100000,
//!   "facets": {"task": [["Onset detection", "onset-detection"], …], …},
//!   "counts": {"task": [5210, …], "architecture": […], …},
//!   "code": 40112,
//!   "years": [[2026, 2950], [2025, 3120], …, [0, 17]],
//!   "words": {"title": ["a", "beat", …], "author": […], "other": […]},
//!   "prefixes": {"title": ["a", "b", "co", …], "author": […], "other": […]},
//!   "records": 16
//! }
//! ```
//!
//! - `count`: the number of articles; an article is known by its position
//!   in site order, `0..count`.
//! - `facets`: as in version 2; `counts.<name>[i]` is how many articles carry
//!   value `i`, `code` how many have a code link (the counts without a query
//!   or filter).
//! - `years`: the year of every article in site order, as `[year, run
//!   length]` pairs (0: unknown).
//! - `words.<group>`: the first word of each chunk of that group's word
//!   index; chunk `k` is `search-index/<group>-<k>.json` and holds the words
//!   from its first word up to (not including) the next chunk's, in
//!   JavaScript string order (UTF-16 code units). The groups are the fields
//!   a word was found in: `title`; `author` (the authors' names); `other`
//!   (facet values, venue, year, abstract).
//! - `prefixes.<group>`: the short query words (one or two UTF-16 units, in
//!   the same order) whose words span several chunks of the group; the one
//!   at position `k` has its own file, `search-index/<group>-p<k>.json`, to
//!   be read instead of those chunks: a chunk with the entries of the word
//!   itself and, under the word `<prefix>\u0000`, per field the union of the
//!   postings of the longer words that start with it.
//! - `records`: the number of articles per record shard: articles
//!   `k × records` to `(k + 1) × records - 1` are in
//!   `search-index/records-<k>.json`.
//!
//! A word chunk is a list of `[word, field, posting]`, sorted by word, then
//! field: the word as `words` in engine.js makes it (see [`words`]); the
//! field where it occurs, 1 title, 2 author, 4 task/architecture/dataset/
//! framework, 8 venue, 16 year, 32 abstract; the posting, the sorted
//! positions of the articles where it occurs there, as a string of the
//! characters `A–Z a–z 0–9 - _` (values 0 to 63): either the gaps between
//! positions (the first counted from -1, each gap `position - previous - 1`)
//! as numbers of 5-bit digits, most significant first, every digit but a
//! number's last with 32 added; or `~` and a bitmap, position `p` being bit
//! `p % 6` of the character `1 + p / 6`. Example: `["onset", 1, "AhB"]`: the
//! title word "onset" in articles 0 and 34.
//!
//! A record shard is a list of records as in version 2 without `x`, whose
//! `a` lists `[display name, slug]` pairs rather than indices.
//!
//! Filter data: `search-index/filter-<facet>.json` lists one posting per
//! value of `facets.<facet>` (its articles); `search-index/filter-code.json`
//! is the posting of the articles with a code link.

pub mod sharded;
pub mod words;

use super::RenderContext;
use crate::config::TaxonomyKind;
use crate::model::{Article, Site};
use crate::output::Output;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The version of the single-file format above; bump it when a reader would misread.
pub const VERSION: u32 = 2;

/// The size in bytes above which the single file (format 2) gives way to the
/// sharded format 3: no search file is ever much larger than this.
pub const SHARD_THRESHOLD: usize = 1_000_000;

#[derive(Serialize)]
struct Index<'a> {
    version: u32,
    facets: BTreeMap<&'static str, Vec<(&'a str, &'a str)>>,
    authors: Vec<(&'a str, &'a str)>,
    articles: Vec<Record<'a, Vec<usize>>>,
}

/// One article in the index: as format 2 writes it (`A`: its authors'
/// positions in the authors table, and the abstract) or as format 3's record
/// shards do (`A`: its authors' `[name, slug]`, no abstract).
#[derive(Serialize)]
struct Record<'a, A> {
    s: &'a str,
    t: &'a str,
    a: A,
    #[serde(skip_serializing_if = "Option::is_none")]
    y: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    v: Option<&'a str>,
    #[serde(flatten)]
    terms: BTreeMap<&'static str, Vec<usize>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    c: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    x: Option<&'a str>,
}

impl<'a, A> Record<'a, A> {
    /// The record of `a` with `authors`, without its abstract.
    fn of(a: &'a Article, authors: A, tables: &Tables<'a>) -> Self {
        Record {
            s: &a.slug,
            t: &a.title,
            a: authors,
            y: a.year,
            v: a.venue.as_deref(),
            terms: tables.terms(a),
            c: a.code.first().map(|l| l.url.as_str()),
            x: None,
        }
    }
}

/// The shared tables of the site: facets and authors, by slug.
struct Tables<'a> {
    facets: Vec<(&'static str, TaxonomyKind, Table<'a>)>,
    authors: Table<'a>,
}

impl<'a> Tables<'a> {
    fn new(site: &'a Site) -> Self {
        Tables {
            facets: TaxonomyKind::FACETS
                .iter()
                .filter_map(|&kind| Some((kind.facet()?, kind, Table::of_taxonomy(site, kind))))
                .collect(),
            authors: Table::of_taxonomy(site, TaxonomyKind::Authors),
        }
    }

    /// Per facet, the positions of the article's values in its table.
    fn terms(&self, a: &Article) -> BTreeMap<&'static str, Vec<usize>> {
        self.facets
            .iter()
            .map(|(name, kind, table)| {
                (
                    *name,
                    table.ids(a.terms(*kind).iter().map(|r| r.slug.as_str())),
                )
            })
            .collect()
    }

    /// The positions of the article's authors in the authors table.
    fn author_ids(&self, a: &Article) -> Vec<usize> {
        self.authors.ids(a.authors.iter().map(|p| p.slug.as_str()))
    }

    /// The article's authors as `[name, slug]`, named as in the authors table.
    fn authors(&self, a: &Article) -> Vec<(&'a str, &'a str)> {
        self.author_ids(a)
            .into_iter()
            .filter_map(|i| self.authors.entries.get(i).copied())
            .collect()
    }

    /// `facets` of the manifest: per facet, its `[name, slug]` pairs.
    fn facet_entries(&self) -> BTreeMap<&'static str, Vec<(&'a str, &'a str)>> {
        self.facets
            .iter()
            .map(|(name, _, table)| (*name, table.entries.clone()))
            .collect()
    }
}

/// Positions of values in one of the index's shared tables, by slug.
struct Table<'a> {
    entries: Vec<(&'a str, &'a str)>,
    position: HashMap<&'a str, usize>,
}

impl<'a> Table<'a> {
    fn new(entries: Vec<(&'a str, &'a str)>) -> Self {
        let position = entries
            .iter()
            .enumerate()
            .map(|(i, (_, slug))| (*slug, i))
            .collect();
        Table { entries, position }
    }

    fn of_taxonomy(site: &'a Site, kind: TaxonomyKind) -> Self {
        Table::new(
            site.taxonomy(kind)
                .terms
                .iter()
                .map(|t| (t.name.as_str(), t.slug.as_str()))
                .collect(),
        )
    }

    fn ids<'s>(&self, slugs: impl Iterator<Item = &'s str>) -> Vec<usize> {
        slugs
            .filter_map(|slug| self.position.get(slug).copied())
            .collect()
    }
}

/// Renders the search index of the whole site: `search-index.json` in format
/// 2 when it fits in the context's `search_shard_bytes`, else the sharded format 3 (a manifest and
/// the files under `search-index/`).
pub fn render(ctx: &RenderContext) -> Vec<Output> {
    files(ctx.site, ctx.search_shard_bytes)
}

/// The search index of `site`: format 2 when it fits in `shard_bytes`, else
/// format 3.
pub fn files(site: &Site, shard_bytes: usize) -> Vec<Output> {
    match single_file(site, shard_bytes) {
        Some(json) => vec![Output::new("search-index.json", json)],
        None => sharded::render(site, shard_bytes),
    }
}

/// Format 2 as JSON, or `None` when it would be larger than `limit` bytes.
fn single_file(site: &Site, limit: usize) -> Option<Vec<u8>> {
    let mut out = Limited {
        bytes: Vec::new(),
        limit,
    };
    serde_json::to_writer(&mut out, &single_index(site)).ok()?;
    Some(out.bytes)
}

/// A writer that fails once more than `limit` bytes are written to it, so
/// that a large index is not serialised in full only to be thrown away.
struct Limited {
    bytes: Vec<u8>,
    limit: usize,
}

impl std::io::Write for Limited {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > self.limit {
            return Err(std::io::Error::other("over the limit"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The whole index in format 2.
fn single_index<'a>(site: &'a Site) -> Index<'a> {
    let tables = Tables::new(site);
    let articles = site
        .articles
        .iter()
        .map(|a| Record {
            x: a.abstract_text.as_deref(),
            ..Record::of(a, tables.author_ids(a), &tables)
        })
        .collect();
    Index {
        version: VERSION,
        facets: tables.facet_entries(),
        authors: tables.authors.entries.clone(),
        articles,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load;

    /// The site of a BibTeX file and a table (for the tests of this module).
    pub(super) fn site_of(bib: &str, csv: &str) -> Site {
        let file = |name: &str, text: &str| load::InputFile {
            name: name.into(),
            bytes: text.as_bytes().to_vec(),
        };
        let files = [file("t.bib", bib), file("t.csv", csv)];
        let mut diagnostics = crate::diag::Diagnostics::default();
        let loaded = load::load(&files, &mut diagnostics);
        crate::index::build(&loaded, &mut diagnostics)
    }

    fn index_of(bib: &str, csv: &str) -> serde_json::Value {
        let site = site_of(bib, csv);
        let out = files(&site, SHARD_THRESHOLD);
        assert_eq!(out.len(), 1, "a small site has one search file");
        serde_json::from_slice(&out[0].bytes).expect("JSON")
    }

    #[test]
    fn records_point_into_shared_tables() {
        let index = index_of(
            "@article{a1, title={Onset detection with CNNs}, author={Schl{\\\"u}ter, Jan and B{\\\"o}ck, Sebastian}, year={2014}, abstract={We detect onsets.}}\n\
             @article{a2, title={Tagging}, author={Schl{\\\"u}ter, Jan}, year={2016}}\n",
            "Key,Task,Architecture,Code\na1,Onset detection,CNN,https://github.com/x/y\na2,Tagging,CNN,\n",
        );
        assert_eq!(index["version"], 2);
        let authors = index["authors"].as_array().expect("authors");
        let names: Vec<&str> = authors.iter().filter_map(|p| p[0].as_str()).collect();
        assert!(names.contains(&"Jan Schlüter"), "{names:?}");
        let articles = index["articles"].as_array().expect("articles");
        let onset = articles.iter().find(|a| a["s"] == "a1").expect("a1");
        let first_author = onset["a"][0].as_u64().expect("author id") as usize;
        assert_eq!(authors[first_author][0], "Jan Schlüter");
        assert_eq!(onset["c"], "https://github.com/x/y");
        assert_eq!(onset["x"], "We detect onsets.");
        let task = onset["task"][0].as_u64().expect("task id") as usize;
        assert_eq!(index["facets"]["task"][task][1], "onset-detection");
        let cnn = onset["architecture"][0].as_u64().expect("arch id") as usize;
        assert_eq!(index["facets"]["architecture"][cnn][0], "CNN");
        let tagging = articles.iter().find(|a| a["s"] == "a2").expect("a2");
        assert!(tagging.get("c").is_none() && tagging.get("x").is_none());
        assert_eq!(tagging["architecture"][0], onset["architecture"][0]);
    }
}
