//! Build-speed benchmark (issue 5): dl4m against Hugo on the same site.
//!
//! ```sh
//! cargo run --release --example bench -- --sizes shipped,1k,10k,100k --runs 5
//! ```
//!
//! For each size it writes a synthetic data folder with `examples/synth.rs`
//! (or takes the shipped `data/`), writes the same articles as a Hugo site
//! (`content/articles/<slug>.md` with front matter and the same taxonomies,
//! minimal layouts that render the same pages: a paginated home page, one
//! page per article, one paginated page per task, architecture, dataset,
//! framework and author, the taxonomy indexes, a JSON search index and a
//! 404 page), then times, alternating, `dl4m build` and `hugo --quiet
//! --destination OUT`, each into a fresh output folder, and `cp -r` of
//! dl4m's output as a reference. Per run it records wall time, user + system
//! CPU time and peak RSS (from GNU `/usr/bin/time`), and dl4m's stage
//! timings (`--timings`); per output the file count, size and largest HTML
//! page. It prints a Markdown report (medians, ratios, growth, targets) on
//! standard output and writes it and the raw figures (JSON) under
//! `target/bench/`.
//!
//! A build that runs longer than `--timeout` or grows over `--mem-limit-gb`
//! is killed and that tool is skipped for this and every larger size.
//!
//! Needs: GNU time (`/usr/bin/time`, Debian package `time`) and, for the
//! Hugo side, Hugo 0.111 or later (`apt-get install hugo`).

use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::fmt::Write as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: bench [options]
  --sizes LIST        data sets: `shipped` (data/) and article counts (1000, 10k, …)
                      [default: shipped,1k,10k,100k]
  --runs N            timed runs per tool and size [default: 5; the shipped data
                      takes at least 11]
  --runs-large N      timed runs at 100k articles and more [default: 3]
  --warmup N          untimed runs per tool first [default: 1 below 50k articles, else 0]
  --tools LIST        dl4m, hugo or both [default: dl4m,hugo]; `cp -r` of dl4m's
                      output is timed with dl4m
  --page-size N       articles per list page, for both [default: dl4m's default]
  --timeout SECS      kill a build after this long and skip that tool from then
                      on [default: 1200]
  --mem-limit-gb GB   kill a build whose RSS grows over this [default: half the RAM]
  --hugo-minify       run Hugo with --minify (dl4m always minifies)
  --hugo-related      show 5 related articles on Hugo's article pages, as dl4m does
  --work DIR          where corpora, Hugo sites and outputs go [default: target/bench]
  --json FILE         the raw figures [default: WORK/results.json]
  --keep              keep the last outputs of each size
  --no-build          do not run `cargo build --release --bin dl4m --example synth`";

fn main() -> ExitCode {
    match Config::parse(std::env::args().skip(1)) {
        Ok(None) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Some(config)) => match run(&config) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("bench: {message}");
                ExitCode::FAILURE
            }
        },
        Err(message) => {
            eprintln!("bench: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

// ---------------------------------------------------------------------------
// Options

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Size {
    Shipped,
    Synth(usize),
}

impl Size {
    fn parse(text: &str) -> Result<Size, String> {
        let t = text.trim().to_ascii_lowercase();
        if t == "shipped" || t == "data" {
            return Ok(Size::Shipped);
        }
        let (digits, factor) = match t.strip_suffix('k') {
            Some(d) => (d, 1000),
            None => (t.as_str(), 1),
        };
        match digits.replace('_', "").parse::<usize>() {
            Ok(n) if n > 0 => Ok(Size::Synth(n * factor)),
            _ => Err(format!(
                "`{text}` is neither `shipped` nor an article count"
            )),
        }
    }

    fn label(self) -> String {
        match self {
            Size::Shipped => "shipped data".to_string(),
            Size::Synth(n) if n % 1000 == 0 => format!("{}k", n / 1000),
            Size::Synth(n) => n.to_string(),
        }
    }

    fn dir_name(self) -> String {
        match self {
            Size::Shipped => "shipped".to_string(),
            Size::Synth(n) => n.to_string(),
        }
    }

    fn articles_hint(self) -> usize {
        match self {
            Size::Shipped => 0,
            Size::Synth(n) => n,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tool {
    Dl4m,
    Hugo,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Dl4m => "dl4m",
            Tool::Hugo => "Hugo",
        }
    }
}

struct Config {
    sizes: Vec<Size>,
    runs: usize,
    runs_large: usize,
    warmup: Option<usize>,
    tools: Vec<Tool>,
    page_size: Option<usize>,
    timeout: Duration,
    mem_limit_kib: u64,
    hugo_minify: bool,
    hugo_related: bool,
    work: PathBuf,
    json: Option<PathBuf>,
    keep: bool,
    build: bool,
}

impl Config {
    fn parse(args: impl Iterator<Item = String>) -> Result<Option<Config>, String> {
        let mut config = Config {
            sizes: ["shipped", "1k", "10k", "100k"]
                .iter()
                .map(|s| Size::parse(s))
                .collect::<Result<_, _>>()?,
            runs: 5,
            runs_large: 3,
            warmup: None,
            tools: vec![Tool::Dl4m, Tool::Hugo],
            page_size: None,
            timeout: Duration::from_secs(1200),
            mem_limit_kib: mem_total_kib().map_or(8 << 20, |m| m / 2),
            hugo_minify: false,
            hugo_related: false,
            work: target_dir().join("bench"),
            json: None,
            keep: false,
            build: true,
        };
        let mut args = args;
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or(format!("{flag} needs a value"))
            };
            let number = |v: String| -> Result<usize, String> {
                v.parse().map_err(|_| format!("`{v}` is not a number"))
            };
            match flag.as_str() {
                "--sizes" => {
                    config.sizes = value()?
                        .split(',')
                        .filter(|s| !s.trim().is_empty())
                        .map(Size::parse)
                        .collect::<Result<_, _>>()?;
                }
                "--runs" => config.runs = number(value()?)?.max(1),
                "--runs-large" => config.runs_large = number(value()?)?.max(1),
                "--warmup" => config.warmup = Some(number(value()?)?),
                "--tools" => {
                    let mut tools = Vec::new();
                    for t in value()?.split(',') {
                        match t.trim().to_ascii_lowercase().as_str() {
                            "dl4m" => tools.push(Tool::Dl4m),
                            "hugo" => tools.push(Tool::Hugo),
                            "" => {}
                            other => return Err(format!("unknown tool `{other}`")),
                        }
                    }
                    config.tools = tools;
                }
                "--page-size" => config.page_size = Some(number(value()?)?.max(1)),
                "--timeout" => config.timeout = Duration::from_secs(number(value()?)? as u64),
                "--mem-limit-gb" => {
                    let v = value()?;
                    let gb: f64 = v.parse().map_err(|_| format!("`{v}` is not a number"))?;
                    config.mem_limit_kib = (gb * 1e9 / 1024.0) as u64;
                }
                "--hugo-minify" => config.hugo_minify = true,
                "--hugo-related" => config.hugo_related = true,
                "--work" => config.work = PathBuf::from(value()?),
                "--json" => config.json = Some(PathBuf::from(value()?)),
                "--keep" => config.keep = true,
                "--no-build" => config.build = false,
                "--help" | "-h" => return Ok(None),
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        if config.sizes.is_empty() {
            return Err("--sizes is empty".into());
        }
        if config.tools.is_empty() {
            return Err("--tools is empty".into());
        }
        config.sizes.sort();
        config.sizes.dedup();
        Ok(Some(config))
    }

    fn runs_for(&self, size: Size) -> usize {
        match size {
            Size::Shipped => self.runs.max(11),
            Size::Synth(n) if n >= 100_000 => self.runs_large,
            Size::Synth(_) => self.runs,
        }
    }

    fn warmup_for(&self, size: Size) -> usize {
        self.warmup.unwrap_or(match size {
            Size::Synth(n) if n >= 50_000 => 0,
            _ => 1,
        })
    }
}

/// The project root, where `data/` and `static/` are and dl4m runs.
fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Cargo's target folder: this program is `<target>/<profile>/examples/bench`.
fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| project_root().join("target"))
}

// ---------------------------------------------------------------------------
// Measuring one command

/// One measured run of a command.
#[derive(Serialize, Clone, Debug)]
struct Run {
    wall_s: f64,
    user_s: f64,
    sys_s: f64,
    max_rss_kib: u64,
    /// dl4m's `--timings` stages, in pipeline order.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "stages_as_map"
    )]
    stages_ms: Vec<(String, f64)>,
}

/// The stages as one JSON object, in pipeline order.
fn stages_as_map<S: serde::Serializer>(
    stages: &[(String, f64)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap as _;
    let mut map = serializer.serialize_map(Some(stages.len()))?;
    for (name, ms) in stages {
        map.serialize_entry(name, ms)?;
    }
    map.end()
}

impl Run {
    fn cpu_s(&self) -> f64 {
        self.user_s + self.sys_s
    }
}

enum Outcome {
    Done(Run),
    Failed(String),
    /// Killed: `reason` says which limit it crossed.
    Killed(String),
}

const KILL_NONE: u8 = 0;
const KILL_TIME: u8 = 1;
const KILL_MEMORY: u8 = 2;

/// Runs `program args` under GNU time in `cwd`, in its own process group so
/// that a watchdog can kill it (time and the command) when it runs longer
/// than `timeout` or its resident memory grows over `mem_limit_kib`.
fn measure(
    program: &Path,
    args: &[OsString],
    cwd: &Path,
    scratch: &Path,
    timeout: Duration,
    mem_limit_kib: u64,
) -> Result<(Outcome, String), String> {
    let time_file = scratch.join("time.txt");
    let err_file = scratch.join("stderr.txt");
    let _ = std::fs::remove_file(&time_file);
    let stderr = std::fs::File::create(&err_file)
        .map_err(|e| format!("cannot create {}: {e}", err_file.display()))?;
    let mut command = Command::new("/usr/bin/time");
    command
        .arg("-f")
        .arg("%e %U %S %M")
        .arg("-o")
        .arg(&time_file)
        .arg(program)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .process_group(0);
    let started = Instant::now();
    let mut child = command.spawn().map_err(|e| {
        format!("cannot run /usr/bin/time (Debian package `time`) with {program:?}: {e}")
    })?;
    let pid = child.id();
    let killed = Arc::new(AtomicU8::new(KILL_NONE));
    let (done, wait) = mpsc::channel::<()>();
    let watchdog = {
        let killed = Arc::clone(&killed);
        std::thread::spawn(move || {
            let deadline = started + timeout;
            loop {
                match wait.recv_timeout(Duration::from_millis(200)) {
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    _ => return,
                }
                let why = if Instant::now() >= deadline {
                    KILL_TIME
                } else if children_rss_kib(pid) > mem_limit_kib {
                    KILL_MEMORY
                } else {
                    continue;
                };
                killed.store(why, Ordering::SeqCst);
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{pid}")])
                    .status();
                return;
            }
        })
    };
    let status = child.wait().map_err(|e| format!("cannot wait: {e}"));
    let wall = started.elapsed();
    drop(done);
    let _ = watchdog.join();
    let status = status?;
    let stderr_text = std::fs::read_to_string(&err_file).unwrap_or_default();
    match killed.load(Ordering::SeqCst) {
        KILL_TIME => {
            return Ok((
                Outcome::Killed(format!("killed after {} s", timeout.as_secs())),
                stderr_text,
            ));
        }
        KILL_MEMORY => {
            return Ok((
                Outcome::Killed(format!(
                    "killed at {:.1} GB resident after {:.0} s",
                    mem_limit_kib as f64 * 1024.0 / 1e9,
                    wall.as_secs_f64()
                )),
                stderr_text,
            ));
        }
        _ => {}
    }
    if !status.success() {
        let tail: Vec<&str> = stderr_text.lines().rev().take(5).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Ok((
            Outcome::Failed(format!("{status}: {}", tail.join(" | "))),
            stderr_text,
        ));
    }
    let figures = std::fs::read_to_string(&time_file).unwrap_or_default();
    let last = figures.lines().rev().find(|l| !l.trim().is_empty());
    let fields: Vec<&str> = last.unwrap_or("").split_whitespace().collect();
    let [_, user, sys, rss] = fields[..] else {
        return Err(format!("unexpected /usr/bin/time output: {figures:?}"));
    };
    let f = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
    let run = Run {
        wall_s: wall.as_secs_f64(),
        user_s: f(user),
        sys_s: f(sys),
        max_rss_kib: rss.parse().unwrap_or(0),
        stages_ms: Vec::new(),
    };
    Ok((Outcome::Done(run), stderr_text))
}

/// The resident memory of the children of `pid` (GNU time's child: the
/// measured command), in KiB.
fn children_rss_kib(pid: u32) -> u64 {
    let list =
        std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
    list.split_whitespace()
        .filter_map(|child| std::fs::read_to_string(format!("/proc/{child}/statm")).ok())
        .filter_map(|statm| statm.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map(|pages| pages * 4)
        .sum()
}

/// The stages of dl4m's last `timings: load 1.2 ms, index 3.4 ms, …` line.
fn parse_timings(stderr: &str) -> Vec<(String, f64)> {
    let Some(line) = stderr
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("timings:"))
    else {
        return Vec::new();
    };
    line.split(',')
        .filter_map(|part| {
            let part = part.trim();
            let rest = part.strip_suffix("ms")?.trim_end();
            let (name, number) = rest.rsplit_once(' ')?;
            Some((name.trim().to_string(), number.parse().ok()?))
        })
        .collect()
}

/// Files, bytes and the largest `.html` file under `dir`.
#[derive(Serialize, Clone, Copy, Default, Debug)]
struct TreeStats {
    files: u64,
    bytes: u64,
    largest_html: u64,
}

fn tree_stats(dir: &Path) -> TreeStats {
    let mut stats = TreeStats::default();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                stats.files += 1;
                stats.bytes += meta.len();
                if entry.file_name().to_string_lossy().ends_with(".html") {
                    stats.largest_html = stats.largest_html.max(meta.len());
                }
            }
        }
    }
    stats
}

fn clear(dir: &Path) -> Result<(), String> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("cannot remove {}: {e}", dir.display())),
    }
}

fn create(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

// ---------------------------------------------------------------------------
// The benchmark

/// Every run of one tool at one size.
#[derive(Serialize, Default)]
struct Series {
    runs: Vec<Run>,
    /// Why the tool stopped or never ran at this size.
    #[serde(skip_serializing_if = "Option::is_none")]
    stopped: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<TreeStats>,
}

impl Series {
    fn median(&self, f: impl Fn(&Run) -> f64) -> Option<f64> {
        median(self.runs.iter().map(f).collect())
    }

    fn wall(&self) -> Option<f64> {
        self.median(|r| r.wall_s)
    }

    fn cpu(&self) -> Option<f64> {
        self.median(Run::cpu_s)
    }

    fn rss_kib(&self) -> Option<f64> {
        self.median(|r| r.max_rss_kib as f64)
    }

    /// Median time per stage, in the order dl4m printed them.
    fn stages(&self) -> Vec<(String, f64)> {
        let mut names: Vec<String> = Vec::new();
        for run in &self.runs {
            for (name, _) in &run.stages_ms {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
        names
            .into_iter()
            .filter_map(|name| {
                let values = self
                    .runs
                    .iter()
                    .filter_map(|r| r.stages_ms.iter().find(|(n, _)| *n == name).map(|s| s.1))
                    .collect();
                Some((name, median(values)?))
            })
            .collect()
    }
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

#[derive(Serialize)]
struct SizeResult {
    label: String,
    articles: usize,
    data: PathBuf,
    runs: usize,
    /// How long this size took in all: preparation, runs, clean-up.
    elapsed_s: f64,
    synth_s: Option<f64>,
    hugo_site_s: Option<f64>,
    dl4m: Series,
    hugo: Series,
    copy: Series,
}

#[derive(Serialize)]
struct Machine {
    cores: usize,
    cpu: String,
    ram_kib: u64,
    os: String,
    hugo: Option<String>,
    dl4m_commit: String,
    load_average_start: String,
    load_average_end: String,
    date: String,
}

#[derive(Serialize)]
struct Report {
    command: String,
    machine: Machine,
    page_size: usize,
    hugo_minify: bool,
    hugo_related: bool,
    sizes: Vec<SizeResult>,
}

fn run(config: &Config) -> Result<(), String> {
    let root = project_root();
    let release = target_dir().join("release");
    if config.build {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        eprintln!("bench: cargo build --release --bin dl4m --example synth");
        let status = Command::new(cargo)
            .args(["build", "--release", "--bin", "dl4m", "--example", "synth"])
            .current_dir(&root)
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err("cargo build failed".into());
        }
    }
    let dl4m = release.join("dl4m");
    let synth = release.join("examples").join("synth");
    for binary in [&dl4m, &synth] {
        if !binary.is_file() {
            return Err(format!(
                "{} is missing: run `cargo build --release --bin dl4m --example synth`",
                binary.display()
            ));
        }
    }
    if !Path::new("/usr/bin/time").is_file() {
        return Err("/usr/bin/time is missing: apt-get install time".into());
    }
    let hugo_version = if config.tools.contains(&Tool::Hugo) {
        let out = Command::new("hugo")
            .arg("version")
            .output()
            .map_err(|e| format!("cannot run hugo ({e}): apt-get install -y hugo"))?;
        Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        None
    };
    let page_size = config.page_size.unwrap_or(dl4m::DEFAULT_PAGE_SIZE);
    let work = &config.work;
    let scratch = work.join("scratch");
    let out_dl4m = work.join("out").join("dl4m");
    let out_copy = work.join("out").join("copy");
    let out_hugo = work.join("out").join("hugo");
    create(&scratch)?;
    create(&work.join("out"))?;

    let mut report = Report {
        command: std::iter::once("cargo run --release --example bench --".to_string())
            .chain(std::env::args().skip(1))
            .collect::<Vec<_>>()
            .join(" "),
        machine: machine(hugo_version),
        page_size,
        hugo_minify: config.hugo_minify,
        hugo_related: config.hugo_related,
        sizes: Vec::new(),
    };
    // A tool that crossed a limit is not tried at larger sizes.
    let mut given_up: HashMap<&'static str, String> = HashMap::new();

    for &size in &config.sizes {
        let label = size.label();
        let size_started = Instant::now();
        eprintln!("\n== {label} ==");
        let mut result = SizeResult {
            label: label.clone(),
            articles: size.articles_hint(),
            data: root.join("data"),
            runs: config.runs_for(size),
            elapsed_s: 0.0,
            synth_s: None,
            hugo_site_s: None,
            dl4m: Series::default(),
            hugo: Series::default(),
            copy: Series::default(),
        };
        if let Size::Synth(n) = size {
            let dir = work.join("corpus").join(size.dir_name());
            let started = Instant::now();
            let status = Command::new(&synth)
                .arg("--articles")
                .arg(n.to_string())
                .arg("--out")
                .arg(&dir)
                .stderr(Stdio::null())
                .status()
                .map_err(|e| format!("cannot run {}: {e}", synth.display()))?;
            if !status.success() {
                return Err(format!("synth --articles {n} failed"));
            }
            result.synth_s = Some(started.elapsed().as_secs_f64());
            eprintln!(
                "synth: {n} articles in {:.1} s → {}",
                started.elapsed().as_secs_f64(),
                dir.display()
            );
            result.data = dir;
        }
        let mut tools: Vec<Tool> = Vec::new();
        for &tool in &config.tools {
            let series = match tool {
                Tool::Dl4m => &mut result.dl4m,
                Tool::Hugo => &mut result.hugo,
            };
            if let Some(why) = given_up.get(tool.name()) {
                series.stopped = Some(why.clone());
                eprintln!("{}: skipped ({why})", tool.name());
            } else {
                tools.push(tool);
            }
        }
        let site = work.join("hugo").join(size.dir_name());
        if tools.contains(&Tool::Hugo) {
            let started = Instant::now();
            let articles = hugo_site(
                &result.data,
                &site,
                &root.join("static"),
                page_size,
                config.hugo_related,
            )?;
            result.articles = articles;
            result.hugo_site_s = Some(started.elapsed().as_secs_f64());
            eprintln!(
                "Hugo site: {articles} articles in {:.1} s → {}",
                started.elapsed().as_secs_f64(),
                site.display()
            );
        } else if size == Size::Shipped {
            result.articles = dl4m::check(&dl4m::Options {
                data: Some(result.data.clone()),
                ..Default::default()
            })
            .map(|c| c.site.articles.len())
            .unwrap_or(0);
        }

        let dl4m_args = |out: &Path| -> Vec<OsString> {
            let mut args: Vec<OsString> = vec![
                "build".into(),
                "--data".into(),
                result.data.clone().into(),
                "--out".into(),
                out.into(),
                "--timings".into(),
            ];
            if let Some(n) = config.page_size {
                args.extend(["--page-size".into(), n.to_string().into()]);
            }
            args
        };
        let hugo_args = |out: &Path| -> Vec<OsString> {
            let mut args: Vec<OsString> =
                vec!["--quiet".into(), "--destination".into(), out.into()];
            if config.hugo_minify {
                args.push("--minify".into());
            }
            args
        };
        let hugo_program = PathBuf::from("hugo");
        let limits = (config.timeout, config.mem_limit_kib);
        // One build of `tool` into a fresh folder.
        let build = |tool: Tool| -> Result<(Outcome, String), String> {
            match tool {
                Tool::Dl4m => {
                    clear(&out_dl4m)?;
                    measure(
                        &dl4m,
                        &dl4m_args(&out_dl4m),
                        &root,
                        &scratch,
                        limits.0,
                        limits.1,
                    )
                }
                Tool::Hugo => {
                    clear(&out_hugo)?;
                    measure(
                        &hugo_program,
                        &hugo_args(&out_hugo),
                        &site,
                        &scratch,
                        limits.0,
                        limits.1,
                    )
                }
            }
        };

        let warmup = config.warmup_for(size);
        for _ in 0..warmup {
            for &tool in &tools {
                if let (Outcome::Failed(why) | Outcome::Killed(why), _) = build(tool)? {
                    eprintln!("{} warm-up: {why}", tool.name());
                }
            }
        }
        let runs = config.runs_for(size);
        for round in 0..runs {
            let mut order = tools.clone();
            if round % 2 == 1 {
                order.reverse();
            }
            let mut line = format!("{label} run {}/{runs}:", round + 1);
            for tool in order {
                let series = match tool {
                    Tool::Dl4m => &mut result.dl4m,
                    Tool::Hugo => &mut result.hugo,
                };
                if series.stopped.is_some() {
                    continue;
                }
                let (outcome, stderr) = build(tool)?;
                match outcome {
                    Outcome::Done(mut run) => {
                        let _ = write!(line, " {} {}", tool.name(), secs(run.wall_s));
                        let out = match tool {
                            Tool::Dl4m => &out_dl4m,
                            Tool::Hugo => &out_hugo,
                        };
                        if series.output.is_none() {
                            series.output = Some(tree_stats(out));
                        }
                        if tool == Tool::Dl4m {
                            run.stages_ms = parse_timings(&stderr);
                            clear(&out_copy)?;
                            let cp = [out_dl4m.clone().into(), out_copy.clone().into()];
                            let cp_args: Vec<OsString> =
                                std::iter::once(OsString::from("-r")).chain(cp).collect();
                            let (copied, _) = measure(
                                Path::new("/bin/cp"),
                                &cp_args,
                                &root,
                                &scratch,
                                limits.0,
                                limits.1,
                            )?;
                            if let Outcome::Done(c) = copied {
                                let _ = write!(line, " (copy {})", secs(c.wall_s));
                                result.copy.runs.push(c);
                            }
                            clear(&out_copy)?;
                        }
                        series.runs.push(run);
                    }
                    Outcome::Failed(why) => {
                        let _ = write!(line, " {} failed", tool.name());
                        eprintln!("{}: {why}", tool.name());
                        series.stopped = Some(format!("failed: {why}"));
                    }
                    Outcome::Killed(why) => {
                        let _ = write!(line, " {} {why}", tool.name());
                        series.stopped = Some(format!("{why} at {label}"));
                        given_up.insert(tool.name(), format!("{why} at {label}"));
                    }
                }
            }
            eprintln!("{line}");
        }
        if !config.keep {
            for dir in [&out_dl4m, &out_hugo, &out_copy] {
                clear(dir)?;
            }
        }
        result.elapsed_s = size_started.elapsed().as_secs_f64();
        eprintln!("{label}: {} in all", duration(result.elapsed_s));
        report.sizes.push(result);
    }
    report.machine.load_average_end = load_average();

    let markdown = markdown(&report);
    println!("{markdown}");
    let json_path = config
        .json
        .clone()
        .unwrap_or_else(|| work.join("results.json"));
    let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    write(&json_path, &json)?;
    write(&work.join("results.md"), &markdown)?;
    eprintln!(
        "bench: wrote {} and {}",
        json_path.display(),
        work.join("results.md").display()
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// The machine

fn mem_total_kib() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn command_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(project_root())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn machine(hugo: Option<String>) -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name")?.split_once(':').map(|x| x.1))
        .unwrap_or("unknown")
        .trim()
        .to_string();
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("PRETTY_NAME=")
                    .map(|v| v.trim_matches('"').to_string())
            })
        })
        .unwrap_or_default();
    let commit = command_line("git", &["rev-parse", "--short", "HEAD"]).unwrap_or_default();
    let dirty = command_line("git", &["status", "--porcelain", "--", "src", "templates"])
        .is_some_and(|s| !s.is_empty());
    Machine {
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        cpu,
        ram_kib: mem_total_kib().unwrap_or(0),
        os,
        hugo,
        dl4m_commit: if dirty {
            format!("{commit} + uncommitted changes")
        } else {
            commit
        },
        load_average_start: load_average(),
        load_average_end: String::new(),
        date: command_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_default(),
    }
}

// ---------------------------------------------------------------------------
// The report

fn secs(s: f64) -> String {
    if s < 1.0 {
        format!("{:.0} ms", s * 1e3)
    } else if s < 10.0 {
        format!("{s:.2} s")
    } else {
        format!("{s:.1} s")
    }
}

/// Seconds below two minutes, else minutes.
fn duration(s: f64) -> String {
    if s < 120.0 {
        secs(s)
    } else {
        format!("{:.1} min", s / 60.0)
    }
}

fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

fn mib(kib: f64) -> String {
    if kib >= 1024.0 * 1024.0 {
        format!("{:.2} GiB", kib / 1024.0 / 1024.0)
    } else {
        format!("{:.0} MiB", kib / 1024.0)
    }
}

fn bytes(b: u64) -> String {
    let b = b as f64;
    if b >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.2} GiB", b / 1024.0 / 1024.0 / 1024.0)
    } else if b >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", b / 1024.0 / 1024.0)
    } else {
        format!("{:.0} KiB", b / 1024.0)
    }
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
        _ => "–".into(),
    }
}

fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map_or_else(|| "–".to_string(), f)
}

fn stopped_note(series: &Series) -> String {
    series
        .stopped
        .as_deref()
        .map(|s| format!(" ({s})"))
        .unwrap_or_default()
}

fn markdown(report: &Report) -> String {
    let m = &report.machine;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Machine: {} cores ({}), {:.1} GiB RAM, {}; {}; dl4m {}; {}. \
         Load average {} at the start, {} at the end.",
        m.cores,
        m.cpu,
        m.ram_kib as f64 / 1024.0 / 1024.0,
        m.os,
        m.hugo.as_deref().unwrap_or("Hugo not run"),
        m.dl4m_commit,
        m.date,
        m.load_average_start,
        m.load_average_end
    );
    let _ = writeln!(out, "\nCommand: `{}`", report.command);
    let _ = writeln!(
        out,
        "\nMedians of the runs (alternating dl4m and Hugo, fresh output folder each time); \
         CPU is user + system time; RSS is the peak resident memory. \
         Page size {}{}{}.\n",
        report.page_size,
        if report.hugo_minify {
            "; Hugo with --minify"
        } else {
            ""
        },
        if report.hugo_related {
            "; Hugo shows related articles"
        } else {
            ""
        }
    );
    out.push_str(
        "| data | articles | runs | dl4m wall | dl4m CPU | dl4m peak RSS | Hugo wall | Hugo CPU | Hugo peak RSS | dl4m / Hugo | copy | dl4m / copy |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for s in &report.sizes {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {}{} | {} | {} | {}{} | {} | {} | {} | {} | {} |",
            s.label,
            s.articles,
            s.runs,
            opt(s.dl4m.wall(), secs),
            stopped_note(&s.dl4m),
            opt(s.dl4m.cpu(), secs),
            opt(s.dl4m.rss_kib(), mib),
            opt(s.hugo.wall(), secs),
            stopped_note(&s.hugo),
            opt(s.hugo.cpu(), secs),
            opt(s.hugo.rss_kib(), mib),
            ratio(s.dl4m.wall(), s.hugo.wall()),
            opt(s.copy.wall(), secs),
            ratio(s.dl4m.wall(), s.copy.wall()),
        );
    }

    // dl4m's stages.
    let mut names: Vec<String> = Vec::new();
    for s in &report.sizes {
        for (name, _) in s.dl4m.stages() {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    if !names.is_empty() {
        let _ = writeln!(
            out,
            "\ndl4m's stages (median ms, from `--timings`; the rest of the wall time is \
             process start, template loading and the output folder checks):\n"
        );
        let _ = writeln!(out, "| data | {} | sum | wall |", names.join(" | "));
        let _ = writeln!(
            out,
            "| --- |{} ---: | ---: |",
            " ---: |".repeat(names.len())
        );
        for s in &report.sizes {
            let stages = s.dl4m.stages();
            if stages.is_empty() {
                continue;
            }
            let cells: Vec<String> = names
                .iter()
                .map(|n| {
                    stages
                        .iter()
                        .find(|(name, _)| name == n)
                        .map_or("–".to_string(), |(_, v)| ms(*v))
                })
                .collect();
            let sum: f64 = stages.iter().map(|(_, v)| v).sum();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                s.label,
                cells.join(" | "),
                ms(sum),
                opt(s.dl4m.wall(), |w| ms(w * 1e3)),
            );
        }
    }

    // Outputs.
    let _ = writeln!(out, "\nOutputs:\n");
    out.push_str(
        "| data | dl4m files | dl4m size | largest dl4m page | Hugo files | Hugo size | largest Hugo page |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for s in &report.sizes {
        let cells = |series: &Series| match series.output {
            Some(t) => format!(
                "{} | {} | {}",
                t.files,
                bytes(t.bytes),
                bytes(t.largest_html)
            ),
            None => "– | – | –".to_string(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            s.label,
            cells(&s.dl4m),
            cells(&s.hugo)
        );
    }

    // Growth between consecutive synthetic sizes.
    let synth: Vec<&SizeResult> = report.sizes.iter().filter(|s| s.articles > 0).collect();
    let mut growth = String::new();
    for pair in synth.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if a.label == "shipped data" {
            continue;
        }
        let _ = writeln!(
            growth,
            "- {} / {} ({:.0}× the articles): dl4m wall {}, CPU {}, RSS {}; Hugo wall {}, CPU {}, RSS {}.",
            b.label,
            a.label,
            b.articles as f64 / a.articles.max(1) as f64,
            ratio(b.dl4m.wall(), a.dl4m.wall()),
            ratio(b.dl4m.cpu(), a.dl4m.cpu()),
            ratio(b.dl4m.rss_kib(), a.dl4m.rss_kib()),
            ratio(b.hugo.wall(), a.hugo.wall()),
            ratio(b.hugo.cpu(), a.hugo.cpu()),
            ratio(b.hugo.rss_kib(), a.hugo.rss_kib()),
        );
    }
    if !growth.is_empty() {
        let _ = writeln!(out, "\nGrowth:\n\n{growth}");
    }

    let took: Vec<String> = report
        .sizes
        .iter()
        .map(|s| format!("{} {}", s.label, duration(s.elapsed_s)))
        .collect();
    let _ = writeln!(
        out,
        "\nTime taken per size (preparation, runs and clean-up): {}.",
        took.join(", ")
    );

    // The targets of issue 5.
    let _ = writeln!(out, "\nTargets (issue 5):\n");
    let find = |label: &str| report.sizes.iter().find(|s| s.label == label);
    let verdict = |ok: Option<bool>| match ok {
        Some(true) => "met",
        Some(false) => "**not met**",
        None => "not measured",
    };
    let k10 = find("10k");
    let k100 = find("100k");
    let shipped = find("shipped data");
    let r10 = k10.and_then(|s| Some(s.dl4m.wall()? / s.hugo.wall()?));
    let _ = writeln!(
        out,
        "- 10k articles at most 0.2 × Hugo's wall time: {} ({}).",
        verdict(r10.map(|r| r <= 0.2)),
        opt(r10, |r| format!("{r:.2}×"))
    );
    let w100 = k100.and_then(|s| s.dl4m.wall());
    let _ = writeln!(
        out,
        "- 100k articles under 20 s wall: {} ({}).",
        verdict(w100.map(|w| w < 20.0)),
        opt(w100, secs)
    );
    let m100 = k100.and_then(|s| s.dl4m.rss_kib());
    let _ = writeln!(
        out,
        "- 100k articles under 2 GB peak memory: {} ({}).",
        verdict(m100.map(|k| k * 1024.0 < 2e9)),
        opt(m100, |k| format!("{:.2} GB", k * 1024.0 / 1e9))
    );
    let g = k100
        .zip(k10)
        .and_then(|(a, b)| Some(a.dl4m.wall()? / b.dl4m.wall()?));
    let _ = writeln!(
        out,
        "- 100k at most 12 × the 10k time: {} ({}).",
        verdict(g.map(|g| g <= 12.0)),
        opt(g, |g| format!("{g:.1}×"))
    );
    let ws = shipped.and_then(|s| s.dl4m.wall());
    let _ = writeln!(
        out,
        "- The shipped data under 50 ms: {} ({}).",
        verdict(ws.map(|w| w < 0.05)),
        opt(ws, secs)
    );
    for s in &report.sizes {
        let r = s.dl4m.wall().zip(s.copy.wall()).map(|(a, b)| a / b);
        let _ = writeln!(
            out,
            "- {}: within 3 × the time to copy the output: {} ({}).",
            s.label,
            verdict(r.map(|r| r <= 3.0)),
            opt(r, |r| format!("{r:.1}×"))
        );
    }
    out
}

// ---------------------------------------------------------------------------
// The Hugo site

/// One article as the Hugo site's front matter; the abstract is the body.
#[derive(Serialize, Default)]
struct Record {
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    /// The site order of dl4m (newest first), which Hugo sorts by.
    weight: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<i32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tasks: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    architectures: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    datasets: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    frameworks: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    venue: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    links: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    doi: Option<String>,
    entrytype: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    bibtex: Option<String>,
    #[serde(skip)]
    slug: String,
    #[serde(skip)]
    abstract_text: Option<String>,
}

/// Writes `data` as a Hugo site into `site` (replacing it); returns the
/// number of articles.
fn hugo_site(
    data: &Path,
    site: &Path,
    static_dir: &Path,
    page_size: usize,
    related: bool,
) -> Result<usize, String> {
    let (title, intro, mut records) = if data.join("synth.csv").is_file() {
        read_synth(data)?
    } else {
        read_dl4m(data)?
    };
    for (i, r) in records.iter_mut().enumerate() {
        r.weight = i + 1;
    }
    clear(site)?;
    let articles = site.join("content").join("articles");
    let layouts = site.join("layouts");
    create(&articles)?;
    create(&layouts.join("_default"))?;
    create(&layouts.join("partials"))?;
    let config = HUGO_CONFIG
        .replace("@TITLE@", &toml_string(&title))
        .replace("@PAGE_SIZE@", &page_size.to_string())
        .replace("@RELATED@", if related { "true" } else { "false" });
    write(&site.join("config.toml"), &config)?;
    for (path, text) in HUGO_LAYOUTS {
        write(&layouts.join(path), text)?;
    }
    write(
        &site.join("content").join("_index.md"),
        &format!("+++\ntitle = {}\n+++\n{intro}\n", toml_string(&title)),
    )?;
    // The section itself has no page in dl4m.
    write(
        &articles.join("_index.md"),
        "+++\ntitle = \"Articles\"\n[_build]\nrender = \"never\"\n+++\n",
    )?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in &records {
        let front = toml::to_string(r).map_err(|e| format!("front matter of {}: {e}", r.slug))?;
        let n = seen.entry(r.slug.clone()).or_default();
        *n += 1;
        let name = if *n == 1 {
            format!("{}.md", r.slug)
        } else {
            format!("{}-{n}.md", r.slug)
        };
        let body = r.abstract_text.as_deref().unwrap_or("");
        write(&articles.join(name), &format!("+++\n{front}+++\n{body}\n"))?;
    }
    if static_dir.is_dir() {
        copy_tree(static_dir, &site.join("static").join("static"))?;
    }
    Ok(records.len())
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    create(to)?;
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries.flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .map_err(|e| format!("cannot copy {}: {e}", entry.path().display()))?;
        }
    }
    Ok(())
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Any data folder, read by dl4m itself (used for the shipped data).
fn read_dl4m(data: &Path) -> Result<(String, String, Vec<Record>), String> {
    let checked = dl4m::check(&dl4m::Options {
        data: Some(data.to_path_buf()),
        ..Default::default()
    })
    .map_err(|e| format!("cannot read {}: {e:#}", data.display()))?;
    let names = |terms: &[dl4m::model::TermRef]| terms.iter().map(|t| t.name.clone()).collect();
    let records = checked
        .site
        .articles
        .iter()
        .map(|a| Record {
            title: a.title.clone(),
            date: a
                .year
                .filter(|y| (1..=9999).contains(y))
                .map(|y| format!("{y:04}-01-01")),
            year: a.year,
            authors: a.authors.iter().map(|p| p.display.clone()).collect(),
            tasks: names(&a.tasks),
            architectures: names(&a.architectures),
            datasets: names(&a.datasets),
            frameworks: names(&a.frameworks),
            venue: a.venue.clone(),
            code: a.code.first().map(|l| l.url.clone()),
            links: a.links.iter().map(|l| l.url.clone()).collect(),
            doi: a.doi.clone(),
            entrytype: a.entry_type.clone(),
            bibtex: a.bibtex.clone(),
            slug: a.slug.clone(),
            abstract_text: a.abstract_text.clone(),
            ..Default::default()
        })
        .collect();
    let intro = intro_md(data).1;
    Ok((checked.site.title, intro, records))
}

/// `index.md` split into its `# Title` and the rest.
fn intro_md(data: &Path) -> (String, String) {
    let text = std::fs::read_to_string(data.join("index.md")).unwrap_or_default();
    let trimmed = text.trim_start();
    match trimmed.strip_prefix("# ") {
        Some(rest) => {
            let (title, body) = rest.split_once('\n').unwrap_or((rest, ""));
            (title.trim().to_string(), body.to_string())
        }
        None => ("Research articles".to_string(), text),
    }
}

/// A folder written by `examples/synth.rs`, read directly: its BibTeX has one
/// field per line, its table is keyed by BibTeX key, and its facet values are
/// already canonical. This keeps the Hugo side independent of dl4m's loader
/// (and of its speed at 100k articles).
fn read_synth(data: &Path) -> Result<(String, String, Vec<Record>), String> {
    let (title, intro) = intro_md(data);
    let mut bib_files: Vec<PathBuf> = std::fs::read_dir(data)
        .map_err(|e| format!("cannot read {}: {e}", data.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "bib"))
        .collect();
    bib_files.sort();
    let mut strings: HashMap<String, String> = HashMap::new();
    let mut records = Vec::new();
    for file in &bib_files {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        parse_synth_bib(&text, &mut strings, &mut records);
    }
    let csv_path = data.join("synth.csv");
    let mut reader = csv::Reader::from_path(&csv_path)
        .map_err(|e| format!("cannot read {}: {e}", csv_path.display()))?;
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let key = column("Key").ok_or("synth.csv has no Key column")?;
    let columns = ["Code", "Task", "Architecture", "Dataset", "Framework"].map(column);
    let mut curation: HashMap<String, [Vec<String>; 5]> = HashMap::new();
    for row in reader.records() {
        let row = row.map_err(|e| format!("{}: {e}", csv_path.display()))?;
        let values = columns.map(|c| {
            c.and_then(|c| row.get(c))
                .unwrap_or("")
                .split('&')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        });
        curation.insert(row.get(key).unwrap_or("").to_string(), values);
    }
    for r in &mut records {
        if let Some([code, tasks, architectures, datasets, frameworks]) = curation.remove(&r.slug) {
            r.code = code.into_iter().next();
            r.tasks = tasks;
            r.architectures = architectures;
            r.datasets = datasets;
            r.frameworks = frameworks;
        }
        r.slug = r.slug.to_ascii_lowercase();
    }
    // dl4m's order: newest first, then by title.
    records.sort_by(|a, b| {
        b.year
            .unwrap_or(i32::MIN)
            .cmp(&a.year.unwrap_or(i32::MIN))
            .then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
            .then_with(|| a.slug.cmp(&b.slug))
    });
    Ok((title, intro, records))
}

/// Parses the BibTeX that `examples/synth.rs` writes (`@string{x = "…"}`
/// lines, entries with one `name = {value},` or `name = macro,` per line).
fn parse_synth_bib(text: &str, strings: &mut HashMap<String, String>, into: &mut Vec<Record>) {
    let mut current: Option<(Record, BTreeMap<String, String>, String)> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("@string{") {
            if let Some((name, value)) = rest.trim_end_matches('}').split_once('=') {
                strings.insert(
                    name.trim().to_ascii_lowercase(),
                    value.trim().trim_matches('"').to_string(),
                );
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix('@') {
            if let Some((kind, key)) = rest.split_once('{') {
                let record = Record {
                    slug: key.trim().trim_end_matches(',').to_string(),
                    entrytype: kind.trim().to_ascii_lowercase(),
                    ..Default::default()
                };
                current = Some((record, BTreeMap::new(), format!("{line}\n")));
            }
            continue;
        }
        let Some((_, fields, raw)) = current.as_mut() else {
            continue;
        };
        raw.push_str(line);
        raw.push('\n');
        if line.trim() == "}" {
            let (mut record, fields, raw) = current.take().unwrap_or_default();
            finish_record(&mut record, &fields);
            record.bibtex = Some(raw.trim_end().to_string());
            into.push(record);
            continue;
        }
        if let Some((name, value)) = line.trim().split_once(" = ") {
            let value = value.strip_suffix(',').unwrap_or(value).trim();
            let value = if let Some(inner) = value.strip_prefix('{') {
                inner.strip_suffix('}').unwrap_or(inner).to_string()
            } else if let Some(inner) = value.strip_prefix('"') {
                inner.strip_suffix('"').unwrap_or(inner).to_string()
            } else if value.chars().all(|c| c.is_ascii_digit()) {
                value.to_string()
            } else {
                strings
                    .get(&value.to_ascii_lowercase())
                    .cloned()
                    .unwrap_or_else(|| value.to_string())
            };
            fields.insert(name.trim().to_ascii_lowercase(), value);
        }
    }
}

fn finish_record(r: &mut Record, fields: &BTreeMap<String, String>) {
    let get = |name: &str| fields.get(name).map(|v| decode_latex(v));
    r.title = get("title").unwrap_or_default();
    r.year = fields.get("year").and_then(|y| y.trim().parse().ok());
    r.date = r
        .year
        .filter(|y| (1..=9999).contains(y))
        .map(|y| format!("{y:04}-01-01"));
    r.authors = fields
        .get("author")
        .map(|a| {
            split_top_level(a, " and ")
                .into_iter()
                .map(display_name)
                .collect()
        })
        .unwrap_or_default();
    r.venue = get("journal")
        .or_else(|| get("booktitle"))
        .or_else(|| get("howpublished"));
    r.doi = fields.get("doi").cloned();
    r.links = r
        .doi
        .iter()
        .map(|d| format!("https://doi.org/{d}"))
        .chain(fields.get("url").cloned())
        .collect();
    r.abstract_text = get("abstract");
}

/// "Family, Given" or "Given Family" → "Given Family".
fn display_name(name: &str) -> String {
    let parts = split_top_level(name, ",");
    let text = match parts.as_slice() {
        [family, given] => format!("{} {}", given.trim(), family.trim()),
        [family, suffix, given] => {
            format!("{} {}, {}", given.trim(), family.trim(), suffix.trim())
        }
        _ => name.trim().to_string(),
    };
    decode_latex(&text)
}

/// Splits at `separator` outside braces.
fn split_top_level<'a>(text: &'a str, separator: &str) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => depth -= 1,
            _ if depth == 0 && bytes[i..].starts_with(separator.as_bytes()) => {
                parts.push(&text[start..i]);
                i += separator.len();
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&text[start..]);
    parts
}

/// LaTeX accents and escapes → Unicode, braces removed, `--` → –.
fn decode_latex(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    // The argument of an accent at `i`: `{x}`, `{\i}`, `\i` or `x`.
    let argument = |i: &mut usize| -> Option<char> {
        let mut j = *i;
        while chars.get(j) == Some(&' ') {
            j += 1;
        }
        let braced = chars.get(j) == Some(&'{');
        if braced {
            j += 1;
        }
        let c = match chars.get(j)? {
            '\\' => {
                let start = j + 1;
                let mut end = start;
                while chars.get(end).is_some_and(char::is_ascii_alphabetic) {
                    end += 1;
                }
                let name: String = chars[start..end].iter().collect();
                j = end;
                match name.as_str() {
                    "i" => 'i',
                    "j" => 'j',
                    _ => return None,
                }
            }
            &c => {
                j += 1;
                c
            }
        };
        if braced && chars.get(j) == Some(&'}') {
            j += 1;
        }
        *i = j;
        Some(c)
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '{' | '}' => i += 1,
            '-' if chars.get(i + 1) == Some(&'-') => {
                if chars.get(i + 2) == Some(&'-') {
                    out.push('—');
                    i += 3;
                } else {
                    out.push('–');
                    i += 2;
                }
            }
            '~' => {
                out.push('\u{a0}');
                i += 1;
            }
            '\\' => {
                let Some(&next) = chars.get(i + 1) else {
                    i += 1;
                    continue;
                };
                if "'\"`^~=.".contains(next) {
                    i += 2;
                    if let Some(base) = argument(&mut i) {
                        out.push(accent(next, base));
                    }
                } else if next.is_ascii_alphabetic() {
                    let start = i + 1;
                    let mut end = start;
                    while chars.get(end).is_some_and(char::is_ascii_alphabetic) {
                        end += 1;
                    }
                    let name: String = chars[start..end].iter().collect();
                    i = end;
                    if let Some(s) = special(&name) {
                        out.push_str(s);
                        // `\o` ends at the first non-letter; a following space is eaten.
                        if chars.get(i) == Some(&' ') {
                            i += 1;
                        }
                    } else if name.len() == 1 && "cvuHkrdbt".contains(name.as_str()) {
                        if let Some(base) = argument(&mut i) {
                            out.push(accent(name.chars().next().unwrap_or('c'), base));
                        }
                    }
                } else {
                    out.push(next);
                    i += 2;
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn special(name: &str) -> Option<&'static str> {
    Some(match name {
        "o" => "ø",
        "O" => "Ø",
        "aa" => "å",
        "AA" => "Å",
        "l" => "ł",
        "L" => "Ł",
        "i" => "ı",
        "j" => "ȷ",
        "ss" => "ß",
        "ae" => "æ",
        "AE" => "Æ",
        "oe" => "œ",
        "OE" => "Œ",
        _ => return None,
    })
}

/// A base letter with an accent, precomposed (the letters the synthetic
/// corpus uses and their usual neighbours); other pairs keep the letter.
fn accent(mark: char, base: char) -> char {
    const TABLE: &[(char, &str, &str)] = &[
        ('\'', "aeiouyAEIOUYcnszCNSZ", "áéíóúýÁÉÍÓÚÝćńśźĆŃŚŹ"),
        ('"', "aeiouyAEIOU", "äëïöüÿÄËÏÖÜ"),
        ('`', "aeiouAEIOU", "àèìòùÀÈÌÒÙ"),
        ('^', "aeiouAEIOU", "âêîôûÂÊÎÔÛ"),
        ('~', "anoANO", "ãñõÃÑÕ"),
        ('c', "csCS", "çşÇŞ"),
        ('v', "csrzeCSRZE", "čšřžěČŠŘŽĚ"),
        ('u', "gaGA", "ğăĞĂ"),
        ('H', "oOuU", "őŐűŰ"),
        ('r', "uU", "ůŮ"),
        ('k', "aeAE", "ąęĄĘ"),
        ('.', "zZ", "żŻ"),
        ('=', "aeAE", "āēĀĒ"),
    ];
    TABLE
        .iter()
        .find(|(m, _, _)| *m == mark)
        .and_then(|(_, from, to)| {
            let i = from.chars().position(|c| c == base)?;
            to.chars().nth(i)
        })
        .unwrap_or(base)
}

const HUGO_CONFIG: &str = r##"# Written by examples/bench.rs: the dl4m pages, nothing more.
baseURL = "/"
languageCode = "en"
title = @TITLE@
# dl4m writes no feeds, sitemap or robots.txt, and no /page/1/ aliases.
disableKinds = ["RSS", "sitemap", "robotsTXT"]
disableAliases = true
disableHugoGeneratorInject = true
paginate = @PAGE_SIZE@
# The search index of a large site takes longer than the default 30 s.
timeout = "3600s"

[taxonomies]
  author = "authors"
  task = "tasks"
  architecture = "architectures"
  dataset = "datasets"
  framework = "frameworks"

[outputs]
  home = ["HTML", "JSON"]
  section = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML"]

[params]
  related = @RELATED@

[related]
  threshold = 1
  includeNewer = true
  toLower = true
  [[related.indices]]
    name = "tasks"
    weight = 100
  [[related.indices]]
    name = "datasets"
    weight = 100
"##;

/// The layouts, each doing what the dl4m template of the same role does.
const HUGO_LAYOUTS: [(&str, &str); 10] = [
    (
        "_default/baseof.html",
        r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ block "description" . }}{{ site.Title }}: a curated list of research articles{{ end }}">
<meta name="color-scheme" content="light dark">
<link rel="stylesheet" href="/static/style.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<script type="module" src="/static/js/search.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
  <div class="wrap header-inner">
    <a class="brand" href="/">{{ site.Title }}</a>
    <form class="site-search" role="search" aria-label="Articles" action="/search/" method="get">
      <label for="site-q" class="visually-hidden">Search articles</label>
      <input type="search" id="site-q" name="q" placeholder="Search articles" autocomplete="off">
    </form>
    <nav aria-label="Browse">
      <ul>
        {{ $here := .RelPermalink }}{{ range slice "tasks" "architectures" "datasets" "authors" }}<li><a href="/{{ . }}/"{{ if hasPrefix $here (printf "/%s/" .) }} aria-current="page"{{ end }}>{{ humanize . }}</a></li>{{ end }}
      </ul>
    </nav>
  </div>
</header>
<main id="main" class="wrap">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer">
  <div class="wrap">
    <p>{{ site.Title }} · generated by Hugo from a BibTeX file and a table.</p>
    <p><a href="/">All articles</a> · <a href="/index.json">Search index (JSON)</a></p>
  </div>
</footer>
</body>
</html>
"##,
    ),
    (
        "partials/row.html",
        r##"<tr data-slug="{{ .File.ContentBaseName }}">
  <td class="c-year">{{ with .Params.year }}{{ . }}{{ else }}<span class="muted">n.d.</span>{{ end }}</td>
  <td class="c-article">
    <a class="title" href="{{ .RelPermalink }}">{{ .Title }}</a>
    {{ with .Params.authors }}<div class="byline">{{ range $i, $a := first 4 . }}{{ if $i }}, {{ end }}<a href="/authors/{{ urlize $a }}/">{{ $a }}</a>{{ end }}{{ if gt (len .) 4 }}<span class="more">et al.</span>{{ end }}</div>{{ end }}
    {{ with .Params.venue }}<div class="venue">{{ . }}</div>{{ end }}
  </td>
  <td class="c-tasks" data-label="Tasks">{{ range .Params.tasks }}<a class="chip" href="/tasks/{{ urlize . }}/">{{ . }}</a>{{ end }}</td>
  <td class="c-arch" data-label="Architectures">{{ range .Params.architectures }}<a class="chip" href="/architectures/{{ urlize . }}/">{{ . }}</a>{{ end }}</td>
  <td class="c-data" data-label="Datasets">{{ range .Params.datasets }}<a class="chip" href="/datasets/{{ urlize . }}/">{{ . }}</a>{{ end }}</td>
  <td class="c-code">{{ with .Params.code }}<a class="code-link" href="{{ . }}" rel="noopener">Code<span class="visually-hidden"> for {{ $.Title }}</span></a>{{ else }}<span class="muted"><span aria-hidden="true">–</span><span class="visually-hidden">No code</span></span>{{ end }}</td>
</tr>
"##,
    ),
    (
        "partials/table.html",
        r##"<div class="table-scroll">
<table class="articles">
  <caption>{{ .caption }}</caption>
  <thead>
    <tr><th scope="col" class="c-year">Year</th><th scope="col" class="c-article">Article</th><th scope="col" class="c-tasks">Tasks</th><th scope="col" class="c-arch">Architectures</th><th scope="col" class="c-data">Datasets</th><th scope="col" class="c-code">Code</th></tr>
  </thead>
  <tbody>
  {{ range .pages }}{{ partialCached "row.html" . .RelPermalink }}{{ end }}
  </tbody>
</table>
</div>
"##,
    ),
    (
        "partials/pager.html",
        r##"{{ $p := . }}{{ if gt $p.TotalPages 1 }}<nav class="pagination" aria-label="Pages">
<p>Page {{ $p.PageNumber }} of {{ $p.TotalPages }} ({{ $p.TotalNumberOfElements }} articles)</p>
{{ with $p.Prev }}<a rel="prev" href="{{ .URL }}">Previous</a>{{ end }}
<ol>{{ range $p.Pagers }}<li>{{ if eq .PageNumber $p.PageNumber }}<span aria-current="page">{{ .PageNumber }}</span>{{ else }}<a href="{{ .URL }}">{{ .PageNumber }}</a>{{ end }}</li>{{ end }}</ol>
{{ with $p.Next }}<a rel="next" href="{{ .URL }}">Next</a>{{ end }}
</nav>{{ end }}"##,
    ),
    (
        "index.html",
        r##"{{ define "main" }}
<section class="intro" aria-labelledby="intro-title">
  <h1 id="intro-title">{{ site.Title }}</h1>
  <div class="prose">{{ .Content }}</div>
  <dl class="figures">
    <div><dt>Articles</dt><dd>{{ len site.RegularPages }}</dd></div>
    <div><dt><a href="/tasks/">Tasks</a></dt><dd>{{ len site.Taxonomies.tasks }}</dd></div>
    <div><dt><a href="/datasets/">Datasets</a></dt><dd>{{ len site.Taxonomies.datasets }}</dd></div>
    <div><dt><a href="/architectures/">Architectures</a></dt><dd>{{ len site.Taxonomies.architectures }}</dd></div>
    <div><dt><a href="/authors/">Authors</a></dt><dd>{{ len site.Taxonomies.authors }}</dd></div>
  </dl>
</section>
<section class="finder-layout" aria-labelledby="all-title">
  <h2 id="all-title">All articles</h2>
  {{ $pager := .Paginate site.RegularPages }}
  {{ partial "pager.html" $pager }}
  {{ partial "table.html" (dict "pages" $pager.Pages "caption" (printf "%d articles, newest first" (len site.RegularPages))) }}
  {{ partial "pager.html" $pager }}
</section>
{{ end }}
"##,
    ),
    (
        "index.json",
        r##"{"version":2,"articles":[{{ range $i, $p := site.RegularPages }}{{ if $i }},{{ end }}{{ dict "s" $p.File.ContentBaseName "t" $p.Title "a" $p.Params.authors "y" $p.Params.year "v" $p.Params.venue "task" $p.Params.tasks "architecture" $p.Params.architectures "dataset" $p.Params.datasets "framework" $p.Params.frameworks "c" $p.Params.code "x" $p.Plain | jsonify }}{{ end }}]}
"##,
    ),
    (
        "_default/single.html",
        r##"{{ define "title" }}{{ .Title }} · {{ site.Title }}{{ end }}
{{ define "description" }}{{ .Title }}{{ with .Params.authors }} by {{ delimit . ", " }}{{ end }}{{ with .Params.year }} ({{ . }}){{ end }}{{ end }}
{{ define "main" }}
<article class="article" aria-labelledby="article-title">
  <div class="article-head">
    <p class="kicker">{{ with .Params.year }}<span class="kicker-year">{{ . }}</span>{{ end }}{{ with .Params.venue }} · {{ . }}{{ end }}</p>
    <h1 id="article-title">{{ .Title }}</h1>
    {{ with .Params.authors }}<p class="authors">{{ range $i, $a := . }}{{ if $i }}, {{ end }}<a href="/authors/{{ urlize $a }}/">{{ $a }}</a>{{ end }}</p>{{ end }}
    <ul class="actions" aria-label="Links">
      {{ range .Params.links }}<li><a class="button" href="{{ . }}" rel="noopener">{{ (urls.Parse .).Host }}</a></li>{{ end }}
      {{ with .Params.code }}<li><a class="button code" href="{{ . }}" rel="noopener">Code</a></li>{{ end }}
    </ul>
    {{ with .Content }}<section aria-labelledby="abstract-title"><h2 id="abstract-title">Abstract</h2><div class="abstract">{{ . }}</div></section>{{ end }}
  </div>
  <div class="article-layout has-main">
    <section class="article-facts" aria-labelledby="facts-title">
      <h2 id="facts-title">About this article</h2>
      <dl class="facts">
        {{ with .Params.tasks }}<dt>Tasks</dt><dd>{{ range . }}<a class="chip" href="/tasks/{{ urlize . }}/">{{ . }}</a>{{ end }}</dd>{{ end }}
        {{ with .Params.architectures }}<dt>Architectures</dt><dd>{{ range . }}<a class="chip" href="/architectures/{{ urlize . }}/">{{ . }}</a>{{ end }}</dd>{{ end }}
        {{ with .Params.datasets }}<dt>Datasets</dt><dd>{{ range . }}<a class="chip" href="/datasets/{{ urlize . }}/">{{ . }}</a>{{ end }}</dd>{{ end }}
        {{ with .Params.frameworks }}<dt>Frameworks</dt><dd>{{ range . }}<a class="chip" href="/frameworks/{{ urlize . }}/">{{ . }}</a>{{ end }}</dd>{{ end }}
        {{ with .Params.venue }}<dt>Published in</dt><dd>{{ . }}</dd>{{ end }}
        {{ with .Params.doi }}<dt>DOI</dt><dd><a href="https://doi.org/{{ . }}" rel="noopener">{{ . }}</a></dd>{{ end }}
        <dt>Type</dt><dd>{{ .Params.entrytype }}</dd>
      </dl>
    </section>
    <div class="article-main">
      {{ with .Params.bibtex }}<section aria-labelledby="bibtex-title"><h2 id="bibtex-title">BibTeX</h2><pre class="bibtex" tabindex="0"><code>{{ . }}</code></pre></section>{{ end }}
      {{ if site.Params.related }}{{ with first 5 (site.RegularPages.Related .) }}<section aria-labelledby="related-title"><h2 id="related-title">Related articles</h2><ul class="related">{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Params.year }} <span class="muted">({{ . }})</span>{{ end }}</li>{{ end }}</ul></section>{{ end }}{{ end }}
    </div>
  </div>
  <nav class="pager" aria-label="Previous and next article">
    {{ with .NextInSection }}<a rel="prev" href="{{ .RelPermalink }}"><span class="dir">← Newer</span> {{ .Title }}</a>{{ else }}<span></span>{{ end }}
    {{ with .PrevInSection }}<a rel="next" href="{{ .RelPermalink }}"><span class="dir">Older →</span> {{ .Title }}</a>{{ end }}
  </nav>
</article>
{{ end }}
"##,
    ),
    (
        "_default/taxonomy.html",
        r##"{{ define "title" }}{{ .Title }} · {{ site.Title }}{{ end }}
{{ define "main" }}
<nav class="crumbs" aria-label="Breadcrumb"><a href="/">Home</a> <span aria-hidden="true">/</span> {{ .Title }}</nav>
<h1>{{ .Title }}</h1>
<p class="lead">{{ len .Data.Terms }} {{ lower .Title }}, most articles first.</p>
<ul class="term-list">
  {{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> <span class="count"><span class="visually-hidden">: </span>{{ .Count }}<span class="visually-hidden"> articles</span></span></li>
  {{ end }}
</ul>
{{ end }}
"##,
    ),
    (
        "_default/term.html",
        r##"{{ define "title" }}{{ .Title }} · {{ .Parent.Title }} · {{ site.Title }}{{ end }}
{{ define "description" }}{{ len .Pages }} articles with {{ .Data.Singular }} {{ .Title }}{{ end }}
{{ define "main" }}
<nav class="crumbs" aria-label="Breadcrumb"><a href="/">Home</a> <span aria-hidden="true">/</span> <a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a> <span aria-hidden="true">/</span> {{ .Title }}</nav>
<h1>{{ .Title }}</h1>
<p class="muted">{{ len .Pages }} article{{ if ne (len .Pages) 1 }}s{{ end }} with this {{ .Data.Singular }}.</p>
{{ $pager := .Paginate .Pages }}
{{ partial "pager.html" $pager }}
{{ partial "table.html" (dict "pages" $pager.Pages "caption" (printf "Articles with %s %s" .Data.Singular .Title)) }}
{{ partial "pager.html" $pager }}
{{ end }}
"##,
    ),
    (
        "404.html",
        r##"{{ define "main" }}<h1>Page not found</h1><p><a href="/">All articles</a></p>{{ end }}
"##,
    ),
];
