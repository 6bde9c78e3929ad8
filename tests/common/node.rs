//! The Node packages the browser tests need (`package-lock.json`), installed
//! by the tests themselves, so that `cargo test` alone runs the whole suite.
//!
//! `npm ci` runs at most once per change of `package-lock.json`: a stamp in
//! `node_modules/` holds the lock file it installed, and an exclusive file
//! lock keeps test binaries that start together from installing at once.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What `npm ci` leaves in `node_modules/`: a copy of the `package-lock.json`
/// it installed from.
const STAMP: &str = ".dl4m-installed-lock.json";

/// The modules every browser test file imports.
const REQUIRED: [&str; 2] = ["playwright-core/package.json", "axe-core/axe.min.js"];

/// Makes `root/node_modules` match `root/package-lock.json`, running
/// `npm ci --no-audit --no-fund` when it does not. Its output is shown only
/// when it fails. `Err` says why the packages cannot be had.
pub(crate) fn ensure_packages(root: &Path) -> Result<(), String> {
    let lock_path = root.join("package-lock.json");
    let wanted = std::fs::read(&lock_path)
        .map_err(|e| format!("cannot read {}: {e}", lock_path.display()))?;
    if installed(root, &wanted) {
        return Ok(());
    }
    let _guard = exclusive_lock()?;
    // Another test binary may have installed them while this one waited.
    if installed(root, &wanted) {
        return Ok(());
    }
    let output = Command::new(npm())
        .current_dir(root)
        .args(["ci", "--no-audit", "--no-fund"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            format!(
                "npm not found ({e}); install Node.js 20 or later with npm (apt-get install npm)"
            )
        })?;
    if !output.status.success() {
        return Err(format!(
            "`npm ci` failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let stamp = root.join("node_modules").join(STAMP);
    std::fs::write(&stamp, &wanted)
        .map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    if installed(root, &wanted) {
        Ok(())
    } else {
        Err("`npm ci` finished but node_modules/ still lacks playwright-core or axe-core".into())
    }
}

/// Whether `node_modules/` holds the required modules, installed from this
/// very `package-lock.json`.
fn installed(root: &Path, wanted: &[u8]) -> bool {
    let modules = root.join("node_modules");
    REQUIRED.iter().all(|m| modules.join(m).is_file())
        && std::fs::read(modules.join(STAMP)).is_ok_and(|stamp| stamp == wanted)
}

/// The `npm` to run: `$NPM`, else the one on the `PATH`.
fn npm() -> PathBuf {
    PathBuf::from(std::env::var_os("NPM").unwrap_or_else(|| "npm".into()))
}

/// An exclusive lock held while installing, released when dropped. It lives
/// in the target folder, which every test binary of this checkout shares.
fn exclusive_lock() -> Result<File, String> {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("npm-ci.lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    fs4::fs_std::FileExt::lock_exclusive(&file)
        .map_err(|e| format!("cannot lock {}: {e}", path.display()))?;
    Ok(file)
}
