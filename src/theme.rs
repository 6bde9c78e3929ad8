//! The theme: Tera templates ([`Templates`]) and static files (CSS, JS,
//! icons: [`static_files`]), built into the binary and overridable file by
//! file.
//!
//! As with mdBook's theme folder, a `--templates` or `--static` folder
//! replaces the built-in files of the same relative path and adds the ones
//! it has beyond them; every built-in file it does not have is kept.

use crate::output::Output;
use anyhow::{Context, Result};
use include_dir::{Dir, include_dir};
use std::collections::BTreeMap;
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

/// The static files of the site, under `static/`: the built-in ones, each
/// replaced by the file of the same relative path in `dir`, and the other
/// files of `dir`; in the order of their paths.
pub fn static_files(dir: Option<&Path>) -> Result<Vec<Output>> {
    let mut files = BTreeMap::new();
    collect_embedded(&EMBEDDED_STATIC, &mut files);
    if let Some(dir) = dir {
        for (name, path) in folder_files(dir)? {
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            files.insert(format!("static/{name}"), bytes);
        }
    }
    Ok(files
        .into_iter()
        .map(|(path, bytes)| Output::new(path, bytes))
        .collect())
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

fn collect_embedded(dir: &Dir, into: &mut BTreeMap<String, Vec<u8>>) {
    for file in dir.files() {
        let path = format!("static/{}", file.path().display());
        into.insert(path, file.contents().to_vec());
    }
    for sub in dir.dirs() {
        collect_embedded(sub, into);
    }
}
