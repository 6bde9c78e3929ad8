//! `dl4m new DIR`: a starter site (settings, one sample article, a README for
//! curators and a GitHub Pages workflow) from the `starter/` folder, embedded
//! in the binary.

use anyhow::{Context, Result, bail};
use include_dir::{Dir, include_dir};
use std::path::{Path, PathBuf};

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/starter");

/// Writes the starter site into `dir`, which must not exist or be empty;
/// returns the files written, relative to `dir`, in a fixed order.
pub fn create(dir: &Path) -> Result<Vec<PathBuf>> {
    if dir.exists() {
        let mut entries =
            std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        if entries.next().is_some() {
            bail!(
                "{} is not empty; choose a new folder for the site",
                dir.display()
            );
        }
    }
    let mut written = Vec::new();
    write_dir(&STARTER, dir, &mut written)?;
    written.sort();
    Ok(written)
}

fn write_dir(from: &Dir, to: &Path, written: &mut Vec<PathBuf>) -> Result<()> {
    for file in from.files() {
        let path = to.join(file.path());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, file.contents())
            .with_context(|| format!("cannot write {}", path.display()))?;
        written.push(file.path().to_path_buf());
    }
    for sub in from.dirs() {
        write_dir(sub, to, written)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_every_starter_file_and_refuses_a_used_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("list");
        let written = create(&site).unwrap();
        for expected in [
            "dl4m.toml",
            "README.md",
            ".gitignore",
            ".github/workflows/pages.yml",
            "data/list.bib",
            "data/list.csv",
            "data/index.md",
            "data/taxonomy.toml",
        ] {
            assert!(written.contains(&PathBuf::from(expected)), "{expected}");
            assert!(site.join(expected).is_file(), "{expected}");
        }
        let again = create(&site).unwrap_err().to_string();
        assert!(again.contains("is not empty"), "{again}");
    }
}
