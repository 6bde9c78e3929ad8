//! dl4m: a static site generator for curated lists of research articles.
//!
//! The pipeline runs one way, one module per stage:
//!
//! 1. [`load`]: the data folder and `dl4m.toml` → raw records with source
//!    positions (BibTeX entries, table rows, aliases, settings);
//! 2. [`index`]: join, normalise, taxonomies, slugs and citation keys → one
//!    immutable [`model::Site`], which carries everything a renderer needs;
//! 3. [`render`]: one [`render::RenderContext`] → the pages (Tera), the
//!    search index, the feeds and the citation files, in memory, a batch of
//!    pages at a time;
//! 4. [`write`](mod@write): confine paths, swap the new site in atomically.
//!
//! Under every stage lies a ground floor that uses none of them:
//! [`config`] (the settings and [`config::TaxonomyKind`], the one name of a
//! facet), [`output`] (a file of the site, minifying and splicing), and the
//! shared rules of [`values`] (reading cell values) and [`diag`]
//! (diagnostics). [`theme`] holds the built-in templates and static files
//! and their overrides.
//!
//! Every stage reports problems as [`diag::Diagnostic`]s; only the command
//! line prints them. [`export`] writes the list for other places (`dl4m
//! export`), [`serve`] rebuilds with the same pipeline on every change, and
//! [`starter`] writes the site `dl4m new` creates.

pub mod config;
pub mod diag;
pub mod export;
pub mod index;
pub mod load;
pub mod model;
pub mod output;
pub mod render;
pub mod serve;
pub mod starter;
pub mod theme;
pub mod values;
pub mod write;

use anyhow::Result;
use diag::{Diagnostics, FileSummary, Severity, SourceTexts};
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What to build from and where to.
#[derive(Debug, Clone)]
pub struct Options {
    /// The data folder; `None` uses the data embedded in the binary.
    pub data: Option<PathBuf>,
    /// The output folder, replaced atomically.
    pub out: PathBuf,
    /// Where the site will be served (`--base-url`); `None` takes `base_url` from `dl4m.toml`.
    pub base_url: Option<String>,
    /// A folder whose templates replace the embedded ones by name.
    pub templates: Option<PathBuf>,
    /// A folder of static files copied to `static/`; `None` uses the embedded ones.
    pub static_dir: Option<PathBuf>,
    /// Articles per page of the home page and of each term page; `None`
    /// takes `page_size` from `dl4m.toml`, else [`DEFAULT_PAGE_SIZE`].
    pub page_size: Option<usize>,
    /// The size above which the search index is sharded (format 3 rather
    /// than one `search-index.json`); [`render::search::SHARD_THRESHOLD`] by default.
    pub search_shard_bytes: usize,
    /// Called with the name of each stage as it starts (for a progress display).
    pub on_stage: Option<fn(&'static str)>,
}

/// Articles per list page unless told otherwise: the upstream list (about 170
/// articles) fits on one page, and no page grows past a few hundred KB.
pub const DEFAULT_PAGE_SIZE: usize = 250;

impl Default for Options {
    fn default() -> Self {
        Options {
            data: None,
            out: PathBuf::from("site"),
            base_url: None,
            templates: None,
            static_dir: None,
            page_size: None,
            search_shard_bytes: render::search::SHARD_THRESHOLD,
            on_stage: None,
        }
    }
}

/// The result of loading and indexing: the model and what was found wrong.
pub struct Checked {
    /// The model of the site.
    pub site: model::Site,
    /// What was found wrong with the data, in the order it was found.
    pub diagnostics: Diagnostics,
    /// The data files as read, for quoting lines in diagnostics.
    pub sources: SourceTexts,
    /// How long each stage took.
    pub timings: Timings,
}

/// How long each stage of a run took, in pipeline order, for `--timings`
/// and the benchmarks.
#[derive(Debug, Default, Clone)]
pub struct Timings {
    /// Each stage and its total wall time, in pipeline order.
    pub stages: Vec<(&'static str, Duration)>,
    /// Told of each stage as it starts.
    on_stage: Option<fn(&'static str)>,
}

impl Timings {
    /// Runs `f` as the stage `name` and records its wall time. A stage run
    /// several times (render, minify and write go batch by batch) is listed
    /// once, at its first place, with the sum of its times.
    pub fn time<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        if let Some(on_stage) = self.on_stage {
            on_stage(name);
        }
        let started = Instant::now();
        let result = f();
        let took = started.elapsed();
        match self.stages.iter_mut().find(|(stage, _)| *stage == name) {
            Some((_, total)) => *total += took,
            None => self.stages.push((name, took)),
        }
        result
    }
}

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .stages
            .iter()
            .map(|(name, d)| format!("{name} {:.1} ms", d.as_secs_f64() * 1e3))
            .collect();
        write!(f, "{}", parts.join(", "))
    }
}

impl Checked {
    /// Per BibTeX or table file: the articles it contributed to, and its
    /// errors and warnings.
    pub fn summary(&self) -> Vec<FileSummary> {
        self.sources
            .files()
            .filter(|file| {
                file.ends_with(".bib") || file.ends_with(".csv") || file.ends_with(".tsv")
            })
            .map(|file| FileSummary {
                file: file.to_string(),
                articles: self
                    .site
                    .articles
                    .iter()
                    .filter(|a| a.sources.iter().any(|s| s.file == file))
                    .count(),
                errors: self.diagnostics.count_in(file, Severity::Error),
                warnings: self.diagnostics.count_in(file, Severity::Warning),
            })
            .collect()
    }
}

/// Loads and indexes the data without writing anything.
pub fn check(options: &Options) -> Result<Checked> {
    let mut timings = Timings {
        on_stage: options.on_stage,
        ..Timings::default()
    };
    let mut diagnostics = Diagnostics::default();
    let input = timings.time("load", || -> Result<load::Input> {
        let files = load::read(options.data.as_deref())?;
        Ok(load::load(&files, &mut diagnostics))
    })?;
    let site = timings.time("index", || index::build(&input, &mut diagnostics));
    Ok(Checked {
        site,
        diagnostics,
        sources: input.texts,
        timings,
    })
}

/// Builds the site into `options.out`; returns the model and diagnostics.
pub fn build(options: &Options) -> Result<Checked> {
    write::check_out_dir(&options.out, options.data.as_deref())?;
    let templates = theme::Templates::load(options.templates.as_deref())?;
    let mut checked = check(options)?;
    let config = &checked.site.config;
    let base_url = options.base_url.as_deref().or(config.base_url.as_deref());
    let page_size = options
        .page_size
        .or(config.page_size)
        .unwrap_or(DEFAULT_PAGE_SIZE);
    let mut ctx = render::RenderContext::new(&checked.site, &templates, base_url, page_size)?;
    ctx.search_shard_bytes = options.search_shard_bytes;
    let timings = &mut checked.timings;
    let renderer = timings.time("render", || render::pages::Renderer::new(&ctx))?;
    let mut writer = write::SiteWriter::start(&options.out)?;
    // Pages go through render, minify and write a batch at a time, so memory
    // holds one batch of pages, not the whole site.
    for batch in render::plan::plan(&ctx).chunks(PAGE_BATCH) {
        let pages = timings.time("render", || {
            batch
                .par_iter()
                .map(|page| renderer.render(page))
                .collect::<Result<Vec<_>>>()
        })?;
        let pages = timings.time("minify", || output::minify(pages));
        timings.time("write", || writer.write(&pages))?;
    }
    // The other outputs, one kind at a time for the same reason: at 100k
    // articles the search index and the exports are hundreds of MB each.
    let search = timings.time("search index", || render::search::render(&ctx));
    timings.time("write", || writer.write(&search))?;
    drop(search);
    let exports = timings.time("publish", || render::publish(&ctx));
    timings.time("write", || writer.write(&exports))?;
    drop(exports);
    let statics = timings.time("minify", || {
        theme::static_files(options.static_dir.as_deref()).map(output::minify)
    })?;
    timings.time("write", || {
        writer.write(&statics)?;
        writer.finish()
    })?;
    Ok(checked)
}

/// How many pages are rendered, minified and written together.
const PAGE_BATCH: usize = 512;
