//! `dl4m.toml`, the site's settings, read from the folder that holds `data/`.
//! Every key is optional; an unknown key is a warning, a syntax error is
//! reported and the file ignored.
//!
//! ```toml
//! title = "Deep Learning for Music"
//! description = "Articles on deep learning applied to music"
//! base_url = "https://example.org/dl4m/"
//! author = "Yann Bayle"
//! repository = "https://github.com/ybayle/awesome-deep-learning-music"
//! branch = "main"
//! page_size = 250
//! columns = ["tasks", "architectures", "datasets", "code"]
//!
//! [taxonomies.tasks]
//! label = "Tasks"
//! description = "What the models are trained to do."
//! ```

use crate::diag::{Diagnostics, Source};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The name of the settings file, next to the data folder.
pub const FILE_NAME: &str = "dl4m.toml";

/// The site's settings; `None` and empty values mean "use the default".
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Config {
    /// The site's name; otherwise the first `# Heading` of `data/index.md`.
    pub title: Option<String>,
    /// One sentence for the home page's meta description and feeds.
    pub description: Option<String>,
    /// Where the site is published; `--base-url` takes precedence.
    pub base_url: Option<String>,
    /// Who maintains the list, shown in the footer and page metadata.
    pub author: Option<String>,
    /// The repository holding the data; linked from the footer, and the
    /// source of "edit this entry" links on GitHub, GitLab or Codeberg.
    pub repository: Option<String>,
    /// The branch edit links point at (default `main`).
    pub branch: Option<String>,
    /// The edit link of a data file line, overriding the one derived from
    /// `repository`: `{path}` is replaced by the file's path relative to the
    /// folder of `dl4m.toml`, `{line}` by the line number.
    pub edit_url: Option<String>,
    /// Articles per list page; `--page-size` takes precedence.
    pub page_size: Option<usize>,
    /// Which columns article lists show after year and title, in order.
    pub columns: Option<Vec<Column>>,
    /// Labels and descriptions of the taxonomies, by their folder name.
    #[serde(default)]
    pub taxonomies: BTreeMap<TaxonomyName, TaxonomyLabel>,
}

/// The optional columns of an article list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Column {
    Tasks,
    Architectures,
    Datasets,
    Frameworks,
    Code,
}

/// The columns shown when `columns` is not set.
pub const DEFAULT_COLUMNS: [Column; 4] = [
    Column::Tasks,
    Column::Architectures,
    Column::Datasets,
    Column::Code,
];

/// A taxonomy that settings can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaxonomyName {
    Tasks,
    Datasets,
    Architectures,
    Frameworks,
    Authors,
}

/// How a taxonomy is named and introduced on its pages.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TaxonomyLabel {
    /// The plural heading, e.g. "Tasks" or "Problems addressed".
    pub label: Option<String>,
    /// A paragraph shown on the taxonomy's index page.
    pub description: Option<String>,
}

impl Config {
    /// The edit link of `line` in the data file `path` (relative to the
    /// folder of `dl4m.toml`), when the settings allow one.
    pub fn edit_link(&self, path: &str, line: usize) -> Option<String> {
        let template = match &self.edit_url {
            Some(template) => template.clone(),
            None => self.derived_edit_url()?,
        };
        Some(
            template
                .replace("{path}", path)
                .replace("{line}", &line.to_string()),
        )
    }

    /// `edit_url` for the hosts whose URL layout is known.
    fn derived_edit_url(&self) -> Option<String> {
        let repository = self.repository.as_deref()?.trim_end_matches('/');
        let branch = self.branch.as_deref().unwrap_or("main");
        let host = repository.split("://").nth(1)?.split('/').next()?;
        match host {
            "github.com" => Some(format!("{repository}/blob/{branch}/{{path}}#L{{line}}")),
            "codeberg.org" => Some(format!(
                "{repository}/src/branch/{branch}/{{path}}#L{{line}}"
            )),
            "gitlab.com" => Some(format!("{repository}/-/blob/{branch}/{{path}}#L{{line}}")),
            _ => None,
        }
    }
}

/// Parses `dl4m.toml`, warning about every key it does not know.
pub fn parse(file: &str, text: &str, diags: &mut Diagnostics) -> Config {
    let mut unknown = Vec::new();
    let parsed = toml::Deserializer::parse(text)
        .map_err(|err| (err.span(), err.message().to_string()))
        .and_then(|deserializer| {
            serde_ignored::deserialize(deserializer, |path| unknown.push(path.to_string()))
                .map_err(|err: toml::de::Error| (err.span(), err.message().to_string()))
        });
    match parsed {
        Ok(config) => {
            for key in unknown {
                diags
                    .warning(
                        &key_source(file, text, &key),
                        format!("unknown setting `{key}`"),
                    )
                    .hint(
                        "known settings: title, description, base_url, author, repository, branch, \
                         edit_url, page_size, columns and [taxonomies.<name>] label/description",
                    );
            }
            validate(file, text, config, diags)
        }
        Err((span, message)) => {
            diags
                .error(
                    &crate::load::toml_error_source(file, text, span),
                    format!("cannot read the settings: {message}"),
                )
                .hint("the file is ignored until it is fixed; see the README for every setting");
            Config::default()
        }
    }
}

/// Drops values that cannot be used, with a warning each.
fn validate(file: &str, text: &str, mut config: Config, diags: &mut Diagnostics) -> Config {
    if config.page_size == Some(0) {
        diags
            .warning(
                &key_source(file, text, "page_size"),
                "`page_size` must be 1 or more",
            )
            .hint("remove it to use the default of 250 articles per page");
        config.page_size = None;
    }
    config.repository = http_url_or_warn(
        config.repository.take(),
        "repository",
        "write the repository's web address, e.g. https://github.com/owner/list",
        (file, text, diags),
    );
    config.edit_url = http_url_or_warn(
        config.edit_url.take(),
        "edit_url",
        "e.g. https://github.com/owner/list/blob/main/{path}#L{line}",
        (file, text, diags),
    );
    config
}

/// `url` when it is an absolute http(s) URL; otherwise `None`, with a
/// warning at the line of the setting `key`.
fn http_url_or_warn(
    url: Option<String>,
    key: &str,
    hint: &str,
    (file, text, diags): (&str, &str, &mut Diagnostics),
) -> Option<String> {
    let url = url?;
    if url.starts_with("https://") || url.starts_with("http://") {
        return Some(url);
    }
    diags
        .warning(
            &key_source(file, text, key),
            format!("`{key}` is not an http(s) URL: `{url}`"),
        )
        .hint(hint);
    None
}

/// The line where the setting `key` (a dotted path) is written, or line 1.
fn key_source(file: &str, text: &str, key: &str) -> Source {
    let last = key.rsplit('.').next().unwrap_or(key);
    let line = text
        .lines()
        .position(|line| {
            let line = line.trim_start();
            line.strip_prefix(last)
                .or_else(|| line.strip_prefix(&format!("\"{last}\"")))
                .is_some_and(|rest| rest.trim_start().starts_with('='))
                || (line.starts_with('[') && line.contains(last))
        })
        .map_or(1, |i| i + 1);
    Source::line(file, line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Config, Diagnostics) {
        let mut diags = Diagnostics::default();
        let config = parse("dl4m.toml", text, &mut diags);
        (config, diags)
    }

    #[test]
    fn every_setting_is_read() {
        let (config, diags) = read(
            "title = \"DL4M\"\npage_size = 100\ncolumns = [\"tasks\", \"code\"]\n\
             repository = \"https://github.com/o/r\"\n\
             [taxonomies.tasks]\nlabel = \"Problems\"\ndescription = \"What is solved.\"\n",
        );
        assert_eq!(diags.errors() + diags.warnings(), 0);
        assert_eq!(config.title.as_deref(), Some("DL4M"));
        assert_eq!(config.page_size, Some(100));
        assert_eq!(config.columns, Some(vec![Column::Tasks, Column::Code]));
        let tasks = &config.taxonomies[&TaxonomyName::Tasks];
        assert_eq!(tasks.label.as_deref(), Some("Problems"));
    }

    #[test]
    fn unknown_keys_are_warnings_at_their_line() {
        let (config, diags) =
            read("title = \"x\"\n\ntitel = \"y\"\n[taxonomies.tasks]\nlabl = \"z\"\n");
        assert_eq!(config.title.as_deref(), Some("x"));
        let found: Vec<_> = diags
            .sorted()
            .into_iter()
            .map(|d| (d.line, d.message))
            .collect();
        assert_eq!(
            found,
            vec![
                (3, "unknown setting `titel`".to_string()),
                (5, "unknown setting `taxonomies.tasks.labl`".to_string())
            ]
        );
    }

    #[test]
    fn a_syntax_error_is_reported_with_its_line() {
        let (config, diags) = read("title = \"x\"\npage_size = \n");
        assert!(config.title.is_none(), "the file is ignored");
        let d = &diags.sorted()[0];
        assert_eq!((d.line, d.severity), (2, crate::diag::Severity::Error));
    }

    #[test]
    fn wrong_types_and_values_are_reported() {
        let (_, diags) = read("page_size = \"many\"\n");
        assert_eq!(diags.errors(), 1);
        let (config, diags) = read("page_size = 0\nrepository = \"github.com/o/r\"\n");
        assert_eq!(diags.warnings(), 2);
        assert!(config.page_size.is_none() && config.repository.is_none());
    }

    #[test]
    fn edit_links_follow_the_host() {
        let config = |repository: &str| Config {
            repository: Some(repository.into()),
            ..Config::default()
        };
        assert_eq!(
            config("https://github.com/o/r/")
                .edit_link("data/a.bib", 12)
                .as_deref(),
            Some("https://github.com/o/r/blob/main/data/a.bib#L12")
        );
        assert_eq!(
            config("https://gitlab.com/o/r")
                .edit_link("data/a.csv", 3)
                .as_deref(),
            Some("https://gitlab.com/o/r/-/blob/main/data/a.csv#L3")
        );
        assert_eq!(
            config("https://codeberg.org/o/r")
                .edit_link("data/a.csv", 3)
                .as_deref(),
            Some("https://codeberg.org/o/r/src/branch/main/data/a.csv#L3")
        );
        assert_eq!(config("https://example.org/r").edit_link("x", 1), None);
        let custom = Config {
            edit_url: Some("https://host/edit/{path}?line={line}".into()),
            branch: Some("dev".into()),
            ..config("https://github.com/o/r")
        };
        assert_eq!(
            custom.edit_link("data/a.bib", 7).as_deref(),
            Some("https://host/edit/data/a.bib?line=7")
        );
    }
}
