//! The theme: Tera templates ([`Templates`]) and static files (CSS, JS,
//! icons: [`static_files`]), built into the binary and overridable file by
//! file.
//!
//! A `--templates` folder replaces the built-in templates of the same name;
//! a `--static` folder replaces the built-in static files.

use crate::output::Output;
use anyhow::{Context, Result};
use include_dir::{Dir, include_dir};
use std::path::Path;

static EMBEDDED_TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");
static EMBEDDED_STATIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/static");

/// The compiled templates: the embedded defaults, replaced by name by the
/// files of an optional override folder.
pub struct Templates {
    /// Every template, autoescaping `.html` and `.xml`.
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
            for (name, path) in folder_files(dir)? {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read template {}", path.display()))?;
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

/// The static files of the site, under `static/`: the files of `dir`, or
/// the built-in ones without it.
pub fn static_files(dir: Option<&Path>) -> Result<Vec<Output>> {
    let Some(dir) = dir else {
        let mut files = Vec::new();
        collect_embedded(&EMBEDDED_STATIC, &mut files);
        return Ok(files);
    };
    let mut files = Vec::new();
    for (name, path) in folder_files(dir)? {
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        files.push(Output::new(format!("static/{name}"), bytes));
    }
    Ok(files)
}

/// Every file under `dir`: its `/`-separated path relative to `dir`, and
/// where it is on disk; sorted by name.
fn folder_files(dir: &Path) -> Result<Vec<(String, std::path::PathBuf)>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let name = relative.to_string_lossy().replace('\\', "/");
            files.push((name, entry.into_path()));
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
