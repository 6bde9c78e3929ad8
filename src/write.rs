//! Stage 4, `write`: confine paths to the output folder, and put the new
//! site in place without ever leaving a half-written one.
//!
//! [`SiteWriter`] takes the site in batches, so a large build never holds
//! every page in memory. A first build is written to a hidden sibling folder
//! and renamed into place by [`SiteWriter::finish`]. Later builds update the
//! previous site: changed files are written under temporary names beside the
//! old ones and renamed over them only once all are written, then files that
//! are gone from the site are removed; a build dropped before `finish`
//! removes what it wrote and leaves the previous site as it was. The marker
//! file doubles as a manifest (hash and length of every file), so unchanged
//! files are not touched: deleting and recreating the thousands of folders of
//! a large site costs more than rendering it.

use crate::output::Output;
use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::hash::Hasher;
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

/// Writes every output into `out`, replacing the previous site; see
/// [`SiteWriter`], which does the same a batch at a time.
pub fn write_site(outputs: &[Output], out: &Path) -> Result<()> {
    let mut writer = SiteWriter::start(out)?;
    writer.write(outputs)?;
    writer.finish()
}

/// Puts a new site into `out` batch by batch, so a large site never has to be
/// in memory at once, without the old site changing until [`finish`].
///
/// A first build writes a hidden sibling folder and renames it into place.
/// Later builds update the previous site in place: every changed file is
/// written next to its old version under a temporary name, and only when all
/// of them are written are they renamed over the old ones; then the files the
/// new site no longer has are removed. A failure while writing (a full disk),
/// or dropping the writer without `finish`, removes the temporary files and
/// leaves the previous site as it was. Files that did not change are not
/// touched at all, since deleting and recreating thousands of folders costs
/// more than rendering them.
///
/// [`finish`]: SiteWriter::finish
pub struct SiteWriter {
    out: PathBuf,
    /// Where files go: the staging folder, or `out` itself when updating.
    dir: PathBuf,
    fresh: bool,
    previous: Manifest,
    written: Manifest,
    folders: HashSet<PathBuf>,
    /// Temporary files written by an update, renamed into place by `finish`.
    pending: Vec<PathBuf>,
    done: bool,
}

impl SiteWriter {
    /// Starts a new site in `out` (which [`check_out_dir`] has accepted).
    pub fn start(out: &Path) -> Result<SiteWriter> {
        let fresh = !out.join(MARKER).is_file();
        let dir = if fresh {
            let parent = match out.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            let name = out
                .file_name()
                .and_then(|n| n.to_str())
                .context("the output folder needs a name")?;
            let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
            if staging.exists() {
                std::fs::remove_dir_all(&staging)
                    .with_context(|| format!("cannot clear {}", staging.display()))?;
            }
            std::fs::create_dir_all(&staging)
                .with_context(|| format!("cannot create {}", staging.display()))?;
            staging
        } else {
            out.to_path_buf()
        };
        Ok(SiteWriter {
            out: out.to_path_buf(),
            dir,
            fresh,
            previous: if fresh {
                Manifest::default()
            } else {
                Manifest::read(out)
            },
            written: Manifest::default(),
            folders: HashSet::new(),
            pending: Vec::new(),
            done: false,
        })
    }

    /// Writes one batch of files (every path at most once per site).
    pub fn write(&mut self, outputs: &[Output]) -> Result<()> {
        let paths: Vec<PathBuf> = outputs
            .iter()
            .map(|o| confined(&o.path))
            .collect::<Result<_>>()?;
        for (o, path) in outputs.iter().zip(&paths) {
            let entry = (content_hash(&o.bytes), o.bytes.len());
            if self.written.files.insert(o.path.clone(), entry).is_some() {
                bail!("two pages would be written to {}", path.display());
            }
        }
        self.create_folders(&paths)?;
        if self.fresh {
            return outputs
                .par_iter()
                .zip(paths.par_iter())
                .try_for_each(|(o, relative)| write_file(&self.dir.join(relative), &o.bytes));
        }
        let changed: Vec<(&Output, PathBuf)> = outputs
            .iter()
            .zip(&paths)
            .filter(|(o, relative)| {
                !self.previous.unchanged(o) || !self.dir.join(relative).is_file()
            })
            .map(|(o, relative)| (o, temporary(&self.dir.join(relative))))
            .collect();
        self.pending.extend(changed.iter().map(|(_, t)| t.clone()));
        changed
            .par_iter()
            .try_for_each(|(o, temp)| write_file(temp, &o.bytes))
    }

    fn create_folders(&mut self, paths: &[PathBuf]) -> Result<()> {
        for folder in paths.iter().filter_map(|p| p.parent()) {
            if !self.folders.contains(folder) {
                let at = self.dir.join(folder);
                std::fs::create_dir_all(&at)
                    .with_context(|| format!("cannot create {}", at.display()))?;
                self.folders.insert(folder.to_path_buf());
            }
        }
        Ok(())
    }

    /// Puts the new site in place: renames the staging folder, or the
    /// updated files over the old ones; writes the manifest; removes what
    /// the new site no longer has.
    pub fn finish(mut self) -> Result<()> {
        self.done = true;
        let manifest = self.written.render();
        if self.fresh {
            let out = &self.out;
            let result = write_file(&self.dir.join(MARKER), manifest.as_bytes()).and_then(|()| {
                if out.exists() {
                    // An empty folder (check_out_dir refuses anything else
                    // without a marker).
                    std::fs::remove_dir(out)
                        .with_context(|| format!("cannot replace {}", out.display()))?;
                }
                std::fs::rename(&self.dir, out)
                    .with_context(|| format!("cannot move the new site into {}", out.display()))
            });
            if result.is_err() {
                let _ = std::fs::remove_dir_all(&self.dir);
            }
            return result;
        }
        let renamed = self.pending.par_iter().try_for_each(|temp| {
            let path = final_path(temp);
            std::fs::rename(temp, &path)
                .with_context(|| format!("cannot move the new {} into place", path.display()))
        });
        if let Err(err) = renamed {
            self.discard();
            return Err(err);
        }
        let marker = self.out.join(MARKER);
        write_file(&temporary(&marker), manifest.as_bytes())?;
        std::fs::rename(temporary(&marker), &marker)
            .with_context(|| format!("cannot update {}", marker.display()))?;
        remove_stale(&self.previous, &self.written, &self.out);
        Ok(())
    }

    /// Removes whatever a build that did not finish wrote.
    fn discard(&self) {
        if self.fresh {
            let _ = std::fs::remove_dir_all(&self.dir);
        } else {
            for temp in &self.pending {
                let _ = std::fs::remove_file(temp);
            }
        }
    }
}

impl Drop for SiteWriter {
    fn drop(&mut self) {
        if !self.done {
            self.discard();
        }
    }
}

/// The suffix of a file written by an update before it is renamed into place.
fn temporary_suffix() -> String {
    format!(".dl4m-new-{}", std::process::id())
}

fn temporary(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(temporary_suffix());
    path.with_file_name(name)
}

/// The file a [`temporary`] one replaces.
fn final_path(temp: &Path) -> PathBuf {
    let name = temp.file_name().unwrap_or_default().to_string_lossy();
    let name = name.strip_suffix(&temporary_suffix()).unwrap_or(&name);
    temp.with_file_name(name)
}

/// Removes the files of the previous site that the new one does not have,
/// and the folders that leaves empty. Files the manifest does not list are
/// someone else's and stay.
fn remove_stale(previous: &Manifest, current: &Manifest, out: &Path) {
    let mut stale: Vec<&String> = previous
        .files
        .keys()
        .filter(|p| !current.files.contains_key(p.as_str()))
        .collect();
    stale.sort();
    for path in stale {
        let Ok(relative) = confined(path) else {
            continue;
        };
        let _ = std::fs::remove_file(out.join(&relative));
        let mut folder = relative.parent();
        while let Some(f) = folder.filter(|f| !f.as_os_str().is_empty()) {
            if std::fs::remove_dir(out.join(f)).is_err() {
                break;
            }
            folder = f.parent();
        }
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// What the marker file of a site records: per file, a hash of its bytes and
/// its length, so the next build can tell which files did not change.
#[derive(Debug, Default)]
struct Manifest {
    files: HashMap<String, (u64, usize)>,
}

const MANIFEST_HEADER: &str =
    "This folder is written by dl4m; it is replaced on every build.\n# hash length path\n";

impl Manifest {
    /// The manifest of the site in `out`, or an empty one.
    fn read(out: &Path) -> Manifest {
        let text = std::fs::read_to_string(out.join(MARKER)).unwrap_or_default();
        let files = text
            .lines()
            .filter_map(|line| {
                let mut parts = line.splitn(3, ' ');
                let hash = u64::from_str_radix(parts.next()?, 16).ok()?;
                let len = parts.next()?.parse().ok()?;
                Some((parts.next()?.to_string(), (hash, len)))
            })
            .collect();
        Manifest { files }
    }

    fn render(&self) -> String {
        let mut lines: Vec<String> = self
            .files
            .iter()
            .map(|(path, (hash, len))| format!("{hash:016x} {len} {path}"))
            .collect();
        lines.sort();
        format!("{MANIFEST_HEADER}{}\n", lines.join("\n"))
    }

    fn unchanged(&self, output: &Output) -> bool {
        self.files.get(&output.path) == Some(&(content_hash(&output.bytes), output.bytes.len()))
    }
}

fn content_hash(bytes: &[u8]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    hasher.write(bytes);
    hasher.finish()
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
    fn a_write_that_fails_halfway_leaves_the_old_site() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        write_site(&[Output::new("a/index.html", "old")], &out).unwrap();
        // `a/index.html/x` cannot be written: `a/index.html` is a file.
        let err = write_site(
            &[
                Output::new("a/index.html", "new"),
                Output::new("a/index.html/x", "x"),
            ],
            &out,
        );
        assert!(err.is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "old"
        );
        let names: Vec<String> = std::fs::read_dir(out.join("a"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["index.html"], "no temporary file is left");
    }

    #[test]
    fn a_rebuild_touches_only_what_changed() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let site = |page: &str| {
            vec![
                Output::new("index.html", "home"),
                Output::new("a/index.html", page),
            ]
        };
        write_site(&site("one"), &out).unwrap();
        let inode = |p: &str| std::fs::metadata(out.join(p)).unwrap().ino();
        let (home, page) = (inode("index.html"), inode("a/index.html"));
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        write_site(&site("two"), &out).unwrap();
        assert_eq!(
            inode("index.html"),
            home,
            "the unchanged page is not rewritten"
        );
        assert_ne!(inode("a/index.html"), page, "the changed page is replaced");
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "two"
        );
        let manifest = std::fs::read_to_string(out.join(MARKER)).unwrap();
        assert!(manifest.contains(" 3 a/index.html"), "{manifest}");
        write_site(&[Output::new("index.html", "home")], &out).unwrap();
        assert!(
            !out.join("a").exists(),
            "a page the site no longer has is removed"
        );
        assert!(
            out.join("notes.txt").exists(),
            "files dl4m did not write stay"
        );
        let names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.contains("dl4m-new")), "{names:?}");
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
