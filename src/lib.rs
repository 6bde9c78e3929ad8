//! dl4m: a static site generator for curated lists of research articles.
//!
//! The pipeline runs one way, one module per stage:
//!
//! 1. [`load`]: BibTeX and tables → raw records with source positions;
//! 2. [`index`]: join, normalise, taxonomies, slugs → one immutable [`model::Site`];
//! 3. [`render`]: Tera templates, the search index, statistics, feeds and
//!    citation exports → files in memory, a batch of pages at a time;
//! 4. [`write`](mod@write): minify, confine paths, swap the new site in atomically.
//!
//! Every stage reports problems as [`diag::Diagnostic`]s; only the command
//! line prints them. [`serve`] rebuilds with the same pipeline on every
//! change; [`starter`] writes the site `dl4m new` creates.

pub mod diag;
pub mod index;
pub mod load;
pub mod model;
pub mod render;
pub mod serve;
pub mod starter;
pub mod text;
pub mod write;

use anyhow::{Context, Result};
use diag::{Diagnostics, FileSummary, Severity, SourceTexts};
use include_dir::{Dir, include_dir};
use rayon::prelude::*;
use render::Output;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

static EMBEDDED_STATIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/static");

/// What to build from and where to.
#[derive(Debug, Clone)]
pub struct Options {
    /// The data folder; `None` uses the data embedded in the binary.
    pub data: Option<PathBuf>,
    pub out: PathBuf,
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
    pub site: model::Site,
    pub title: String,
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
    let mut input = timings.time("load", || -> Result<load::Input> {
        let mut files = match &options.data {
            Some(dir) => load::read_dir(dir)?,
            None => load::embedded(),
        };
        files.extend(read_config(options.data.as_deref())?);
        Ok(load::load(&files, &mut diagnostics))
    })?;
    let title = take_title(&mut input.intro);
    let title = input.config.title.clone().unwrap_or(title);
    let site = timings.time("index", || index::build(&input, &mut diagnostics));
    Ok(Checked {
        site,
        title,
        diagnostics,
        sources: input.texts,
        timings,
    })
}

/// Builds the site into `options.out`; returns the model and diagnostics.
pub fn build(options: &Options) -> Result<Checked> {
    write::check_out_dir(&options.out, options.data.as_deref())?;
    let templates = render::Templates::load(options.templates.as_deref())?;
    let mut checked = check(options)?;
    let config = &checked.site.config;
    let base_url = options.base_url.as_deref().or(config.base_url.as_deref());
    let urls = render::Urls::new(base_url)?;
    let page_size = options
        .page_size
        .or(config.page_size)
        .unwrap_or(DEFAULT_PAGE_SIZE);
    let timings = &mut checked.timings;
    let renderer = timings.time("render", || {
        render::pages::Renderer::new(&checked.site, &templates, &urls, &checked.title, page_size)
    })?;
    let mut writer = write::SiteWriter::start(&options.out)?;
    // Pages go through render, minify and write a batch at a time, so memory
    // holds one batch of pages, not the whole site.
    for batch in renderer.plan().chunks(PAGE_BATCH) {
        let pages = timings.time("render", || {
            batch
                .par_iter()
                .map(|page| renderer.render(page))
                .collect::<Result<Vec<_>>>()
        })?;
        let pages = timings.time("minify", || write::minify(pages));
        timings.time("write", || writer.write(&pages))?;
    }
    // The other outputs, one kind at a time for the same reason: at 100k
    // articles the search index and the exports are hundreds of MB each.
    let search = timings.time("search index", || {
        render::search::render(&checked.site, options.search_shard_bytes)
    });
    timings.time("write", || writer.write(&search))?;
    drop(search);
    let exports = timings.time("publish", || render::publish(&renderer));
    timings.time("write", || writer.write(&exports))?;
    drop(exports);
    let statics = timings.time("minify", || {
        static_files(options.static_dir.as_deref()).map(write::minify)
    })?;
    timings.time("write", || {
        writer.write(&statics)?;
        writer.finish()
    })?;
    Ok(checked)
}

/// How many pages are rendered, minified and written together.
const PAGE_BATCH: usize = 512;

/// `dl4m.toml` from the folder that holds the data folder (the current
/// folder for the built-in data), when there is one.
fn read_config(data: Option<&Path>) -> Result<Option<load::InputFile>> {
    let site_root = data.and_then(Path::parent).unwrap_or(Path::new(""));
    let path = site_root.join(load::config::FILE_NAME);
    if !path.is_file() {
        return Ok(None);
    }
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Some(load::InputFile {
        name: path.display().to_string(),
        bytes,
    }))
}

/// Takes a leading `# Title` line out of the introduction as the site title.
fn take_title(intro: &mut Option<String>) -> String {
    const DEFAULT: &str = "Research articles";
    let Some(text) = intro else {
        return DEFAULT.to_string();
    };
    let trimmed = text.trim_start();
    let Some(heading) = trimmed.strip_prefix("# ") else {
        return DEFAULT.to_string();
    };
    let (title, rest) = heading.split_once('\n').unwrap_or((heading, ""));
    let title = title.trim().to_string();
    *text = rest.to_string();
    title
}

/// The static files (CSS, JS, icons) under `static/` in the site.
fn static_files(dir: Option<&Path>) -> Result<Vec<Output>> {
    let Some(dir) = dir else {
        let mut files = Vec::new();
        collect_embedded(&EMBEDDED_STATIC, &mut files);
        return Ok(files);
    };
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let bytes = std::fs::read(entry.path())
                .with_context(|| format!("cannot read {}", entry.path().display()))?;
            files.push(Output::new(
                format!("static/{}", relative.to_string_lossy().replace('\\', "/")),
                bytes,
            ));
        }
    }
    Ok(files)
}

fn collect_embedded(dir: &Dir, into: &mut Vec<Output>) {
    for file in dir.files() {
        into.push(Output::new(
            format!("static/{}", file.path().display()),
            file.contents(),
        ));
    }
    for sub in dir.dirs() {
        collect_embedded(sub, into);
    }
}
