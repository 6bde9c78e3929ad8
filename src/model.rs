//! The site model: one immutable, ordered [`Site`] that every renderer reads.
//!
//! Built by [`crate::index`] from the raw records of [`crate::load`]; nothing
//! here knows about files, tables or BibTeX syntax any more.

use crate::config::{Config, TaxonomyKind, TaxonomyLabel};
use crate::diag::Source;
use serde::Serialize;
use std::collections::BTreeMap;

/// A person (author or editor) with a stable slug for their page.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Person {
    /// Given names (`Jordi`).
    pub given: String,
    /// The family name with its `von` part (`van Gogh`).
    pub family: String,
    /// "Given prefix Family, Suffix", as a reader writes the name.
    pub display: String,
    /// The author page's folder under `authors/`.
    pub slug: String,
}

/// A hyperlink with a short label (`arXiv`, `GitHub`, `ieeexplore.ieee.org`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Link {
    /// An absolute http(s) URL.
    pub url: String,
    /// What the link is shown as.
    pub label: String,
}

/// A reference from an article to one term of a taxonomy.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TermRef {
    /// The term's name, as its page shows it.
    pub name: String,
    /// The term's folder under its taxonomy's.
    pub slug: String,
}

/// A labelled value shown in an article's details (extra columns and fields).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Detail {
    /// The field or column name, first letter capitalised.
    pub label: String,
    /// The value as written.
    pub value: String,
}

/// One article of the list, with its bibliographic and curation data.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Article {
    /// The article's folder under `articles/`: unique, stable, URL-safe.
    pub slug: String,
    /// The BibTeX key as the data wrote it, if any.
    pub key: Option<String>,
    /// The key the site's citation files use: unique, and valid BibTeX.
    pub cite_key: String,
    /// The BibTeX entry type (`article`, `inproceedings`, …), `misc` for table-only rows.
    pub entry_type: String,
    /// The title, LaTeX decoded.
    pub title: String,
    /// The authors, in order.
    pub authors: Vec<Person>,
    /// The editors (of the book or proceedings), in order.
    pub editors: Vec<Person>,
    /// The year of publication, when known.
    pub year: Option<i32>,
    /// The journal, proceedings, school or the like.
    pub venue: Option<String>,
    /// The venue's homepage, when the data links it.
    pub venue_url: Option<String>,
    /// The volume.
    pub volume: Option<String>,
    /// The issue number.
    pub number: Option<String>,
    /// The page range, as written.
    pub pages: Option<String>,
    /// The publisher.
    pub publisher: Option<String>,
    /// The bare DOI (`10.…`).
    pub doi: Option<String>,
    /// The abstract.
    #[serde(rename = "abstract")]
    pub abstract_text: Option<String>,
    /// Links to the article itself (PDF, landing page), DOI first.
    pub links: Vec<Link>,
    /// Links to the article's code.
    pub code: Vec<Link>,
    /// What the models are trained to do.
    pub tasks: Vec<TermRef>,
    /// The data they are trained and evaluated on.
    pub datasets: Vec<TermRef>,
    /// The kinds of network.
    pub architectures: Vec<TermRef>,
    /// The software they are built with.
    pub frameworks: Vec<TermRef>,
    /// Whether, and how, the results can be reproduced.
    pub reproducible: Option<String>,
    /// The number of layers of the model.
    pub layers: Option<String>,
    /// The curator's notes, rendered from Markdown and sanitised.
    pub notes_html: Option<String>,
    /// Every other field or column, under its original name.
    pub details: Vec<Detail>,
    /// The BibTeX entry as written in the data, if the article has one.
    pub bibtex: Option<String>,
    /// Where the article was read from (BibTeX entry and/or table row).
    pub sources: Vec<Source>,
    /// The article's place in the data (0 = first): later entries are newer
    /// additions to the list, which is what the Atom feed follows.
    pub position: usize,
    /// Indices of articles sharing a task or dataset, most shared first.
    #[serde(skip)]
    pub related: Vec<usize>,
}

impl Article {
    /// The terms of one taxonomy kind (none for authors: see [`Article::authors`]).
    pub fn terms(&self, kind: TaxonomyKind) -> &[TermRef] {
        match kind {
            TaxonomyKind::Tasks => &self.tasks,
            TaxonomyKind::Datasets => &self.datasets,
            TaxonomyKind::Architectures => &self.architectures,
            TaxonomyKind::Frameworks => &self.frameworks,
            TaxonomyKind::Authors => &[],
        }
    }

    /// The terms of one of the curated facets, to fill in; `None` for authors.
    pub fn terms_mut(&mut self, kind: TaxonomyKind) -> Option<&mut Vec<TermRef>> {
        match kind {
            TaxonomyKind::Tasks => Some(&mut self.tasks),
            TaxonomyKind::Datasets => Some(&mut self.datasets),
            TaxonomyKind::Architectures => Some(&mut self.architectures),
            TaxonomyKind::Frameworks => Some(&mut self.frameworks),
            TaxonomyKind::Authors => None,
        }
    }
}

/// One value of a taxonomy and the articles that carry it.
#[derive(Debug, Clone, Serialize)]
pub struct Term {
    /// The term's name: its canonical name in `taxonomy.toml`, else its most frequent spelling.
    pub name: String,
    /// The term page's folder under its taxonomy's; unique, stable.
    pub slug: String,
    /// A paragraph for the term's page, from `taxonomy.toml`.
    pub description: Option<String>,
    /// The term's own homepage (a dataset's download page), when the data gave one.
    pub link: Option<String>,
    /// Indices into [`Site::articles`], in site order (newest first).
    pub articles: Vec<usize>,
}

/// All terms of one kind, in [`Taxonomy::order`].
#[derive(Debug, Clone, Serialize)]
pub struct Taxonomy {
    /// Which taxonomy this is.
    pub kind: TaxonomyKind,
    /// Its terms, in [`Taxonomy::order`].
    pub terms: Vec<Term>,
}

impl Taxonomy {
    /// The order of a taxonomy's terms, wherever they are listed: most
    /// articles first, then by name (case ignored), then by slug.
    pub fn order(a: &Term, b: &Term) -> std::cmp::Ordering {
        b.articles
            .len()
            .cmp(&a.articles.len())
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then_with(|| a.slug.cmp(&b.slug))
    }
}

/// Headline figures shown on the home page.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Stats {
    /// How many articles there are.
    pub articles: usize,
    /// How many have at least one code link.
    pub with_code: usize,
    /// Share of articles with at least one code link, in whole percent.
    pub code_percent: usize,
    /// How many tasks there are.
    pub tasks: usize,
    /// How many datasets there are.
    pub datasets: usize,
    /// How many architectures there are.
    pub architectures: usize,
    /// How many authors there are.
    pub authors: usize,
    /// The earliest year of publication.
    pub first_year: Option<i32>,
    /// The latest year of publication.
    pub last_year: Option<i32>,
}

/// The whole site: articles in display order (newest first) and taxonomies.
#[derive(Debug, Clone)]
pub struct Site {
    /// The site's name: `title` in `dl4m.toml`, else the heading of
    /// `index.md`, else "Research articles".
    pub title: String,
    /// Every article, newest first (then by title).
    pub articles: Vec<Article>,
    /// One taxonomy of every kind; [`TaxonomyKind::ALL`] gives the order
    /// the site shows them in.
    pub taxonomies: BTreeMap<TaxonomyKind, Taxonomy>,
    /// The home page introduction, rendered from Markdown and sanitised.
    pub intro_html: String,
    /// The headline figures.
    pub stats: Stats,
    /// The site's settings from `dl4m.toml` (all defaults when there is none).
    pub config: Config,
}

impl Default for Site {
    /// An empty site: no articles, an empty taxonomy of every kind, the
    /// default settings.
    fn default() -> Self {
        Site {
            title: String::new(),
            articles: Vec::new(),
            taxonomies: TaxonomyKind::ALL
                .into_iter()
                .map(|kind| {
                    let terms = Vec::new();
                    (kind, Taxonomy { kind, terms })
                })
                .collect(),
            intro_html: String::new(),
            stats: Stats::default(),
            config: Config::default(),
        }
    }
}

impl Site {
    /// The heading of a taxonomy: its `label` in `dl4m.toml`, else the built-in one.
    pub fn label(&self, kind: TaxonomyKind) -> &str {
        self.taxonomy_settings(kind)
            .and_then(|t| t.label.as_deref())
            .unwrap_or(kind.title())
    }

    /// The introduction of a taxonomy's index page, from `dl4m.toml`.
    pub fn taxonomy_description(&self, kind: TaxonomyKind) -> Option<&str> {
        self.taxonomy_settings(kind)
            .and_then(|t| t.description.as_deref())
    }

    fn taxonomy_settings(&self, kind: TaxonomyKind) -> Option<&TaxonomyLabel> {
        self.config.taxonomies.get(&kind)
    }

    /// The taxonomy of one kind.
    pub fn taxonomy(&self, kind: TaxonomyKind) -> &Taxonomy {
        self.taxonomies
            .get(&kind)
            .unwrap_or_else(|| unreachable!("every kind has a taxonomy"))
    }
}
