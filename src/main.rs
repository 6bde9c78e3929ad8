//! The `dl4m` command line: parses arguments, runs the library, sets the exit code.

use clap::{Parser, Subcommand, ValueEnum};
use dl4m::diag::{Diagnostic, Diagnostics};
use std::path::PathBuf;
use std::process::ExitCode;

/// Build a website from a curated list of research articles (BibTeX + CSV/TSV).
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Format {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Build {
            data,
            out,
            base_url,
            templates,
            static_dir,
            strict,
        } => {
            let options = dl4m::Options {
                data: data.folder(),
                out: out.clone(),
                base_url,
                templates,
                static_dir: static_dir.or_else(|| existing(PathBuf::from("static"))),
            };
            let built = dl4m::build(&options)?;
            print_human(&built.diagnostics);
            eprintln!(
                "built {} articles into {}",
                built.site.articles.len(),
                out.display()
            );
            Ok(exit_code(&built.diagnostics, strict))
        }
        Command::Check {
            data,
            format,
            strict,
        } => {
            let options = dl4m::Options {
                data: data.folder(),
                ..dl4m::Options::default()
            };
            let checked = dl4m::check(&options)?;
            match format {
                Format::Human => {
                    print_human(&checked.diagnostics);
                    eprintln!("checked {} articles", checked.site.articles.len());
                }
                Format::Json => print_json(checked.site.articles.len(), &checked.diagnostics)?,
            }
            Ok(exit_code(&checked.diagnostics, strict))
        }
    }
}

fn print_human(diags: &Diagnostics) {
    for d in diags.sorted() {
        eprintln!("{d}\n");
    }
    if diags.errors() + diags.warnings() > 0 {
        eprintln!("{} errors, {} warnings", diags.errors(), diags.warnings());
    }
}

fn print_json(articles: usize, diags: &Diagnostics) -> anyhow::Result<()> {
    #[derive(serde::Serialize)]
    struct Report {
        articles: usize,
        diagnostics: Vec<Diagnostic>,
    }
    let report = Report {
        articles,
        diagnostics: diags.sorted(),
    };
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

fn exit_code(diags: &Diagnostics, strict: bool) -> ExitCode {
    if diags.errors() > 0 || (strict && diags.warnings() > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
