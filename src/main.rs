//! The `dl4m` command line: parses arguments, runs the library, sets the exit code.

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use dl4m::Checked;
use dl4m::diag::{Diagnostic, FileSummary, Paint, plural};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Build a website from a curated list of research articles (BibTeX + CSV/TSV).
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colour the diagnostics: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, global = true, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    fn paint(self) -> Paint {
        let color = match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Paint { color }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder.
    Build {
        #[command(flatten)]
        data: DataArgs,
        /// Output folder (replaced atomically; must be empty or a previous dl4m site).
        #[arg(long, default_value = "site")]
        out: PathBuf,
        /// Where the site will be served, e.g. https://host/dl4m/ (links start with /dl4m/).
        #[arg(long)]
        base_url: Option<String>,
        /// Folder of Tera templates replacing the built-in ones of the same name.
        #[arg(long)]
        templates: Option<PathBuf>,
        /// Folder of static files (CSS, JS) [default: ./static if it exists, else built-in].
        #[arg(long = "static")]
        static_dir: Option<PathBuf>,
        /// Exit with status 1 when there are warnings.
        #[arg(long)]
        strict: bool,
        /// Print how long each stage took.
        #[arg(long)]
        timings: bool,
        /// Articles per page of the home page and of each term page [default: `page_size` in dl4m.toml, else 250].
        #[arg(long, value_parser = page_size)]
        page_size: Option<usize>,
        /// Shard the search index above this many bytes (for tests).
        #[arg(long, hide = true, default_value_t = dl4m::render::search::SHARD_THRESHOLD)]
        search_shard_bytes: usize,
    },
    /// Build, serve on 127.0.0.1 and rebuild whenever the data, templates or static files change; open pages reload by themselves.
    Serve {
        #[command(flatten)]
        data: DataArgs,
        /// The port to listen on (127.0.0.1 only).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Folder of Tera templates replacing the built-in ones of the same name (watched).
        #[arg(long)]
        templates: Option<PathBuf>,
        /// Folder of static files (CSS, JS) [default: ./static if it exists, else built-in] (watched).
        #[arg(long = "static")]
        static_dir: Option<PathBuf>,
        /// Articles per page of the home page and of each term page [default: `page_size` in dl4m.toml, else 250].
        #[arg(long, value_parser = page_size)]
        page_size: Option<usize>,
    },
    /// Create a new site: dl4m.toml, a data folder with one sample article, a README for curators and a GitHub Pages workflow.
    New {
        /// The folder to create (must not exist or be empty).
        dir: PathBuf,
    },
    /// Write the list as the upstream README's Markdown table (`readme`) or as a flat table of every field (`tsv`).
    Export {
        /// What to write: `readme` (year, linked title, code) or `tsv` (every field, one row per article).
        #[arg(value_enum)]
        format: ExportFormat,
        #[command(flatten)]
        data: DataArgs,
        /// The file to write [default: standard output].
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Load and validate the data; write nothing.
    Check {
        #[command(flatten)]
        data: DataArgs,
        /// How to print the diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit with status 1 when there are warnings.
        #[arg(long)]
        strict: bool,
    },
}

#[derive(clap::Args)]
struct DataArgs {
    /// Folder with *.bib, *.csv, *.tsv [default: ./data if it exists, else the built-in list].
    #[arg(long)]
    data: Option<PathBuf>,
}

impl DataArgs {
    fn folder(&self) -> Option<PathBuf> {
        self.data
            .clone()
            .or_else(|| existing(PathBuf::from("data")))
    }
}

fn existing(path: PathBuf) -> Option<PathBuf> {
    path.is_dir().then_some(path)
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Readme,
    Tsv,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Format {
    Human,
    Json,
}

/// Building a site allocates many short strings (template contexts, escaped
/// values, minified pages); mimalloc handles that pattern faster than glibc's
/// allocator (measured in BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command, cli.color.paint()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command, paint: Paint) -> anyhow::Result<ExitCode> {
    match command {
        Command::Build {
            data,
            out,
            base_url,
            templates,
            static_dir,
            strict,
            timings,
            page_size,
            search_shard_bytes,
        } => {
            let options = dl4m::Options {
                data: data.folder(),
                out,
                base_url,
                templates,
                static_dir: static_dir.or_else(|| existing(PathBuf::from("static"))),
                page_size,
                search_shard_bytes,
                on_stage: progress::start().then_some(progress::stage as fn(&'static str)),
            };
            build(&options, strict, timings, paint)
        }
        Command::Serve {
            data,
            port,
            open,
            templates,
            static_dir,
            page_size,
        } => {
            let options = dl4m::serve::ServeOptions {
                build: dl4m::Options {
                    data: data.folder(),
                    templates,
                    static_dir: static_dir.or_else(|| existing(PathBuf::from("static"))),
                    page_size,
                    ..dl4m::Options::default()
                },
                port,
                open,
            };
            serve(options, paint)
        }
        Command::New { dir } => new(&dir),
        Command::Export { format, data, out } => export(format, data, out.as_deref(), paint),
        Command::Check {
            data,
            format,
            strict,
        } => check(data, format, strict, paint),
    }
}

/// `dl4m build`: builds the site, prints the diagnostics and what was built.
fn build(
    options: &dl4m::Options,
    strict: bool,
    timings: bool,
    paint: Paint,
) -> anyhow::Result<ExitCode> {
    let built = dl4m::build(options);
    progress::finish();
    let built = built?;
    print_human(&built, paint);
    eprintln!(
        "built {} into {}",
        plural(built.site.articles.len(), "article"),
        options.out.display()
    );
    if timings {
        eprintln!("timings: {}", built.timings);
    }
    Ok(exit_code(&built, strict))
}

/// `dl4m serve`: builds, serves and rebuilds until Ctrl-C.
fn serve(options: dl4m::serve::ServeOptions, paint: Paint) -> anyhow::Result<ExitCode> {
    dl4m::serve::serve(
        options,
        |built| report_build(built, paint),
        |address| eprintln!("serving {address} (Ctrl-C to stop)"),
    )?;
    eprintln!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// `dl4m new DIR`: writes the starter site.
fn new(dir: &Path) -> anyhow::Result<ExitCode> {
    for file in dl4m::starter::create(dir)? {
        eprintln!("  created {}", dir.join(file).display());
    }
    eprintln!(
        "next: cd {} && dl4m serve --open  (then edit data/list.bib and data/list.csv)",
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `dl4m export`: writes the list as a README table or a flat table.
fn export(
    format: ExportFormat,
    data: DataArgs,
    out: Option<&Path>,
    paint: Paint,
) -> anyhow::Result<ExitCode> {
    let options = dl4m::Options {
        data: data.folder(),
        ..dl4m::Options::default()
    };
    let checked = dl4m::check(&options)?;
    print_human(&checked, paint);
    let format = match format {
        ExportFormat::Readme => dl4m::export::Format::Readme,
        ExportFormat::Tsv => dl4m::export::Format::Tsv,
    };
    let text = dl4m::export::render(&checked.site, format)?;
    match out {
        Some(path) => {
            std::fs::write(path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "exported {} into {}",
                plural(checked.site.articles.len(), "article"),
                path.display()
            );
        }
        None => std::io::stdout()
            .write_all(text.as_bytes())
            .context("cannot write to standard output")?,
    }
    Ok(exit_code(&checked, false))
}

/// `dl4m check`: loads the data and prints what is wrong with it.
fn check(data: DataArgs, format: Format, strict: bool, paint: Paint) -> anyhow::Result<ExitCode> {
    let options = dl4m::Options {
        data: data.folder(),
        ..dl4m::Options::default()
    };
    let checked = dl4m::check(&options)?;
    match format {
        Format::Human => {
            print_human(&checked, paint);
            eprintln!("checked {}", plural(checked.site.articles.len(), "article"));
        }
        Format::Json => print_json(&checked)?,
    }
    Ok(exit_code(&checked, strict))
}

/// What `serve` prints after each build.
fn report_build(built: dl4m::serve::Built, paint: Paint) {
    match built {
        dl4m::serve::Built::Done(checked, took) => {
            print_human(checked, paint);
            eprintln!(
                "built {} in {} ms",
                plural(checked.site.articles.len(), "article"),
                took.as_millis()
            );
        }
        dl4m::serve::Built::Failed(err) => {
            eprintln!("error: {err:#}");
            eprintln!("the build failed; still serving the last good site");
        }
    }
}

/// Every diagnostic with its source line, then one summary line per file.
fn print_human(checked: &Checked, paint: Paint) {
    let diags = &checked.diagnostics;
    for d in diags.sorted() {
        eprintln!("{}", d.render(&checked.sources, paint));
    }
    for file in checked.summary() {
        eprintln!("{file}");
    }
    if diags.errors() + diags.warnings() > 0 {
        eprintln!(
            "{}, {}",
            plural(diags.errors(), "error"),
            plural(diags.warnings(), "warning")
        );
    }
}

fn print_json(checked: &Checked) -> anyhow::Result<()> {
    #[derive(serde::Serialize)]
    struct Report {
        articles: usize,
        files: Vec<FileSummary>,
        diagnostics: Vec<Diagnostic>,
    }
    let report = Report {
        articles: checked.site.articles.len(),
        files: checked.summary(),
        diagnostics: checked.diagnostics.sorted(),
    };
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

/// A page size of at least one article.
fn page_size(value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("`{value}` is not a number of articles (1 or more)")),
    }
}

fn exit_code(checked: &Checked, strict: bool) -> ExitCode {
    let diags = &checked.diagnostics;
    if diags.errors() > 0 || (strict && diags.warnings() > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A spinner with the current stage on stderr, for builds that take more than
/// a second on a terminal; nothing at all otherwise.
mod progress {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use std::io::IsTerminal;
    use std::sync::OnceLock;
    use std::time::Duration;

    static BAR: OnceLock<ProgressBar> = OnceLock::new();

    /// Prepares the spinner when stderr is a terminal; it shows after a second.
    pub(super) fn start() -> bool {
        if !std::io::stderr().is_terminal() {
            return false;
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        let shown = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(1));
            if !shown.is_finished() {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(Duration::from_millis(120));
            }
        });
        BAR.set(bar).is_ok()
    }

    /// Shows the stage that has just started.
    pub(super) fn stage(name: &'static str) {
        if let Some(bar) = BAR.get() {
            bar.set_message(format!("{name}…"));
        }
    }

    /// Removes the spinner before the summary is printed.
    pub(super) fn finish() {
        if let Some(bar) = BAR.get() {
            bar.finish_and_clear();
        }
    }
}
