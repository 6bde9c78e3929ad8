//! Ground floor: the site's settings (`dl4m.toml`) and the facet kinds.
//!
//! Every stage may use these types and they use none of the stages:
//! [`crate::load`] parses and validates `dl4m.toml` into a [`Config`], the
//! model carries it, and the renderers read it. [`TaxonomyKind`] is the one
//! name of a facet everywhere: a table column, a BibTeX field, a key of the
//! settings, of `taxonomy.toml` and of the model, a folder of the site.
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

use serde::{Deserialize, Serialize};
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
    pub columns: Option<Vec<ListColumn>>,
    /// Labels and descriptions of the taxonomies, by their folder name.
    #[serde(default)]
    pub taxonomies: BTreeMap<TaxonomyKind, TaxonomyLabel>,
}

/// The optional columns of an article list: the terms of a facet, or the code link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ListColumn {
    /// The article's tasks.
    Tasks,
    /// The article's architectures.
    Architectures,
    /// The article's datasets.
    Datasets,
    /// The article's frameworks.
    Frameworks,
    /// The article's first code link.
    Code,
}

impl ListColumn {
    /// The facet whose terms the column shows; `None` for the code column.
    pub fn terms(self) -> Option<TaxonomyKind> {
        match self {
            ListColumn::Tasks => Some(TaxonomyKind::Tasks),
            ListColumn::Architectures => Some(TaxonomyKind::Architectures),
            ListColumn::Datasets => Some(TaxonomyKind::Datasets),
            ListColumn::Frameworks => Some(TaxonomyKind::Frameworks),
            ListColumn::Code => None,
        }
    }
}

/// The columns shown when `columns` is not set.
pub const DEFAULT_COLUMNS: [ListColumn; 4] = [
    ListColumn::Tasks,
    ListColumn::Architectures,
    ListColumn::Datasets,
    ListColumn::Code,
];

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

/// The facets a reader can browse by: four curated in the data, and the
/// authors, which come from the names.
///
/// Written in lowercase (`tasks`) wherever the curator names one: settings,
/// `taxonomy.toml`, `columns`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum TaxonomyKind {
    /// What the models are trained to do.
    Tasks,
    /// The data they are trained and evaluated on.
    Datasets,
    /// The kind of network.
    Architectures,
    /// The software they are built with.
    Frameworks,
    /// The people who wrote the articles.
    Authors,
}

impl TaxonomyKind {
    /// Every taxonomy, in the order the site shows them (navigation, pages,
    /// sitemap).
    pub const ALL: [TaxonomyKind; 5] = [
        TaxonomyKind::Tasks,
        TaxonomyKind::Architectures,
        TaxonomyKind::Datasets,
        TaxonomyKind::Frameworks,
        TaxonomyKind::Authors,
    ];

    /// The four facets curated in the data (table columns, BibTeX fields,
    /// `taxonomy.toml` sections, search filters), in the order the site
    /// shows them.
    pub const FACETS: [TaxonomyKind; 4] = [
        TaxonomyKind::Tasks,
        TaxonomyKind::Architectures,
        TaxonomyKind::Datasets,
        TaxonomyKind::Frameworks,
    ];

    /// The URL folder of this taxonomy (`tasks`, `authors`, …), which is
    /// also how settings name it.
    pub fn path(self) -> &'static str {
        match self {
            TaxonomyKind::Tasks => "tasks",
            TaxonomyKind::Datasets => "datasets",
            TaxonomyKind::Architectures => "architectures",
            TaxonomyKind::Frameworks => "frameworks",
            TaxonomyKind::Authors => "authors",
        }
    }

    /// Heading for the taxonomy's index page.
    pub fn title(self) -> &'static str {
        match self {
            TaxonomyKind::Tasks => "Tasks",
            TaxonomyKind::Datasets => "Datasets",
            TaxonomyKind::Architectures => "Architectures",
            TaxonomyKind::Frameworks => "Frameworks",
            TaxonomyKind::Authors => "Authors",
        }
    }

    /// The singular noun, for "Articles with task X"; also the BibTeX field
    /// of a facet (`task = {…}`).
    pub fn singular(self) -> &'static str {
        match self {
            TaxonomyKind::Tasks => "task",
            TaxonomyKind::Datasets => "dataset",
            TaxonomyKind::Architectures => "architecture",
            TaxonomyKind::Frameworks => "framework",
            TaxonomyKind::Authors => "author",
        }
    }

    /// The name of this taxonomy as a search facet and URL parameter
    /// (`?task=onset-detection`); authors are searched by name, not faceted.
    pub fn facet(self) -> Option<&'static str> {
        (self != TaxonomyKind::Authors).then(|| self.singular())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
