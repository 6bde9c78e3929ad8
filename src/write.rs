//! Stage 4, `write`: minify, confine paths to the output folder, and swap the
//! new site in atomically.
//!
//! The site is written to a hidden sibling folder first; only when every file
//! is written is the old site moved aside and the new one renamed into place,
//! so a failed build leaves the previous site exactly as it was.

use crate::render::{Output, ROWS_MARKER};
use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::path::{Component, Path, PathBuf};

/// The file that marks a folder as a site written by this program.
pub const MARKER: &str = ".dl4m-site";

/// Checks that `path` is a plain relative path inside the output folder.
pub fn confined(path: &str) -> Result<PathBuf> {
    let p = Path::new(path);
    let safe = !path.is_empty()
        && !path.contains('\0')
        && p.components().all(|c| matches!(c, Component::Normal(_)));
    if !safe {
        bail!("refusing to write `{path}`: it would leave the output folder");
    }
    Ok(p.to_path_buf())
}

/// Refuses output folders whose replacement would destroy something else:
/// `/`, the home folder, the data folder, an ancestor of the current folder,
/// or a non-empty folder this program did not write.
pub fn check_out_dir(out: &Path, data: Option<&Path>) -> Result<()> {
    let absolute = absolute(out)?;
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let protected = absolute.parent().is_none()
        || home.as_deref().is_some_and(|h| absolute == absolute_or(h))
        || data
            .is_some_and(|d| absolute == absolute_or(d) || absolute_or(d).starts_with(&absolute))
        || cwd.starts_with(&absolute);
    if protected {
        bail!(
            "refusing to use {} as the output folder: replacing it would delete the data, the home folder or the current folder; choose an empty folder with --out",
            out.display()
        );
    }
    if absolute.is_dir() && !absolute.join(MARKER).exists() {
        let empty = std::fs::read_dir(&absolute)
            .with_context(|| format!("cannot read {}", out.display()))?
            .next()
            .is_none();
        if !empty {
            bail!(
                "refusing to replace {}: it is not empty and was not written by dl4m (no {MARKER} file); choose another --out or empty it",
                out.display()
            );
        }
    }
    Ok(())
}

fn absolute(path: &Path) -> Result<PathBuf> {
    let joined = std::env::current_dir()
        .context("cannot read the current folder")?
        .join(path);
    let mut clean = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    Ok(std::fs::canonicalize(&clean).unwrap_or(clean))
}

fn absolute_or(path: &Path) -> PathBuf {
    absolute(path).unwrap_or_else(|_| path.to_path_buf())
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

/// Writes every output into `out`, replacing the previous site atomically.
pub fn write_site(outputs: &[Output], out: &Path) -> Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .and_then(|n| n.to_str())
        .context("the output folder needs a name")?;
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.old-{}", std::process::id()));
    let result = write_all(outputs, &staging);
    if let Err(err) = result {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(err);
    }
    if out.exists() {
        std::fs::rename(out, &retired)
            .with_context(|| format!("cannot move the old site {} aside", out.display()))?;
    }
    if let Err(err) = std::fs::rename(&staging, out) {
        let _ = std::fs::rename(&retired, out);
        let _ = std::fs::remove_dir_all(&staging);
        return Err(err)
            .with_context(|| format!("cannot move the new site into {}", out.display()));
    }
    if retired.exists() {
        std::fs::remove_dir_all(&retired)
            .with_context(|| format!("cannot remove the old site {}", retired.display()))?;
    }
    Ok(())
}

fn write_all(outputs: &[Output], dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::write(
        dir.join(MARKER),
        "This folder is written by dl4m; it is replaced on every build.\n",
    )
    .with_context(|| format!("cannot write into {}", dir.display()))?;
    let paths: Vec<PathBuf> = outputs
        .iter()
        .map(|o| confined(&o.path).map(|p| dir.join(p)))
        .collect::<Result<_>>()?;
    let mut folders: Vec<&Path> = paths.iter().filter_map(|p| p.parent()).collect();
    folders.sort();
    folders.dedup();
    for folder in folders {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
    }
    outputs
        .par_iter()
        .zip(paths.par_iter())
        .try_for_each(|(o, path)| {
            std::fs::write(path, &o.bytes)
                .with_context(|| format!("cannot write {}", path.display()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_output_folder() {
        assert!(confined("articles/a/index.html").is_ok());
        for bad in ["../x", "/etc/passwd", "a/../../b", "", "a\0b", "./a"] {
            assert!(confined(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_failed_write_leaves_the_old_site() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        write_site(&[Output::new("index.html", "old")], &out).unwrap();
        let err = write_site(
            &[
                Output::new("index.html", "new"),
                Output::new("../evil", "x"),
            ],
            &out,
        );
        assert!(err.is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "old"
        );
        let leftovers = std::fs::read_dir(tmp.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no staging folder is left behind");
    }

    #[test]
    fn refuses_foreign_folders() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("thesis.tex"), "x").unwrap();
        assert!(check_out_dir(tmp.path(), None).is_err());
        std::fs::write(tmp.path().join(MARKER), "").unwrap();
        assert!(check_out_dir(tmp.path(), None).is_ok());
        assert!(check_out_dir(Path::new("/"), None).is_err());
        assert!(check_out_dir(Path::new("."), None).is_err());
        let data = tmp.path().join("data");
        assert!(check_out_dir(tmp.path(), Some(&data)).is_err());
    }
}
