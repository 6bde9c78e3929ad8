//! Runs the browser tests: `tests/browser/*.test.mjs` (Node's test runner,
//! playwright-core driving the system Chromium, axe-core for accessibility)
//! against sites built here into temporary folders: the shipped data, the
//! upstream list's latest snapshot, `tests/fixtures/hostile`, a synthetic
//! list longer than one batch of results (`tests/browser/large-data.mjs`),
//! and a synthetic list with abstracts (`tests/browser/sharded-data.mjs`)
//! built twice: with a sharded search index and with a single file; and
//! `dl4m serve` itself, on a copy of the latest snapshot (`serve.test.mjs`).
//!
//! They need Chromium (`apt-get install chromium`, or
//! `CHROMIUM=/path/to/chrome`) and Node.js 20 or later with npm; the Node
//! packages of `package-lock.json` are installed here when missing
//! ([`common::node`]). When something cannot be had the test prints one line
//! saying so and passes, except under CI (`CI` set), where it fails. The Node output is printed (shown by
//! `cargo test` on failure, or always with `-- --nocapture`).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long the whole Node suite may take before it is stopped.
const SUITE_TIMEOUT: Duration = Duration::from_secs(15 * 60);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The tools the suite needs, or why it cannot run.
struct Tools {
    node: PathBuf,
    chromium: PathBuf,
}

fn tools() -> Result<Tools, String> {
    let chromium =
        PathBuf::from(std::env::var_os("CHROMIUM").unwrap_or_else(|| "/usr/bin/chromium".into()));
    let runs = Command::new(&chromium)
        .arg("--version")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    if !runs {
        return Err(format!(
            "Chromium not found at {}; install it with 'apt-get install chromium' (or set CHROMIUM)",
            chromium.display()
        ));
    }
    let node = PathBuf::from(std::env::var_os("NODE").unwrap_or_else(|| "node".into()));
    let version = Command::new(&node)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .ok_or("Node.js not found; install Node.js 20 or later with npm")?;
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 20 {
        return Err(format!(
            "Node.js {version} is too old; install Node.js 20 or later"
        ));
    }
    common::node::ensure_packages(root())?;
    Ok(Tools { node, chromium })
}

/// The test files, in a stable order.
fn test_files() -> Vec<PathBuf> {
    let dir = root().join("tests/browser");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    files.sort();
    files
}

/// Prints each line of `from` as it comes (through the test harness's capture).
fn relay(from: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines().map_while(Result::ok) {
            println!("{line}");
        }
    })
}

#[test]
fn browser_suite() {
    let tools = match tools() {
        Ok(tools) => tools,
        Err(why) if std::env::var_os("CI").is_some() => {
            panic!("browser tests cannot run under CI: {why}")
        }
        Err(why) => {
            // Written past the harness's capture, so that it is seen.
            let _ = writeln!(std::io::stderr(), "browser tests skipped: {why}");
            return;
        }
    };

    let shipped = common::build(&common::shipped_data(), None);
    let latest = common::corpus("latest").map(|dir| common::build(&dir, None));
    let hostile = common::build(&root().join("tests/fixtures/hostile"), None);
    assert_eq!(
        hostile.checked.site.articles.len(),
        5,
        "the hostile fixture builds into five articles"
    );
    let large_data = tempfile::tempdir().expect("temp dir");
    let generated = Command::new(&tools.node)
        .current_dir(root())
        .arg("tests/browser/large-data.mjs")
        .arg(large_data.path())
        .status()
        .expect("node runs tests/browser/large-data.mjs");
    assert!(generated.success(), "tests/browser/large-data.mjs failed");
    let large = common::build(large_data.path(), None);
    let sharded_data = tempfile::tempdir().expect("temp dir");
    let generated = Command::new(&tools.node)
        .current_dir(root())
        .arg("tests/browser/sharded-data.mjs")
        .arg(sharded_data.path())
        .status()
        .expect("node runs tests/browser/sharded-data.mjs");
    assert!(generated.success(), "tests/browser/sharded-data.mjs failed");
    // As SHARD_BYTES in sharded-data.mjs.
    let sharded = common::build_with(sharded_data.path(), |o| o.search_shard_bytes = 100_000);
    let unsharded = common::build(sharded_data.path(), None);

    let files = test_files();
    assert!(!files.is_empty(), "no tests/browser/*.test.mjs");
    let mut command = Command::new(&tools.node);
    command
        .current_dir(root())
        .arg("--test")
        .arg("--test-reporter=spec")
        .args(&files)
        .env("DL4M_BROWSER_FROM_CARGO", "1")
        .env("CHROMIUM", &tools.chromium)
        .env("DL4M_SITE_SHIPPED", &shipped.out)
        .env("DL4M_SITE_HOSTILE", &hostile.out)
        .env("DL4M_SITE_LARGE", &large.out)
        .env("DL4M_BIN", env!("CARGO_BIN_EXE_dl4m"))
        .env("DL4M_SITE_SHARDED", &sharded.out)
        .env("DL4M_SITE_UNSHARDED", &unsharded.out)
        .env("FORCE_COLOR", "0")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match &latest {
        Some(built) => command.env("DL4M_SITE_LATEST", &built.out),
        None => command.env_remove("DL4M_SITE_LATEST"),
    };
    match common::corpus("latest") {
        Some(data) => command.env("DL4M_CORPUS_LATEST", data),
        None => command.env_remove("DL4M_CORPUS_LATEST"),
    };

    // Its own process group, so that a timeout stops the test files and
    // their browsers too.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);

    let started = Instant::now();
    let mut child = command.spawn().expect("node starts");
    let out = relay(child.stdout.take().expect("piped stdout"));
    let err = relay(child.stderr.take().expect("piped stderr"));
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for node") {
            break status;
        }
        if started.elapsed() > SUITE_TIMEOUT {
            #[cfg(unix)]
            let _ = Command::new("kill")
                .arg("-KILL")
                .arg(format!("-{}", child.id()))
                .status();
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the browser tests did not finish in {} s; stopped",
                SUITE_TIMEOUT.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = out.join();
    let _ = err.join();
    println!(
        "browser tests: {} in {:.1} s",
        if status.success() { "passed" } else { "FAILED" },
        started.elapsed().as_secs_f64()
    );
    assert!(
        status.success(),
        "the browser tests failed ({status}); their output is above"
    );
}
