//! `taxonomy.toml`: aliases and descriptions for facet values.
//!
//! ```toml
//! [tasks."Instrument recognition"]
//! aliases = ["instru"]
//! description = "Identifying which instruments play in a recording."
//! ```

use crate::diag::Diagnostics;
use serde::Deserialize;
use std::collections::BTreeMap;

/// One canonical facet value with its aliases and description.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermConfig {
    #[serde(default)]
    pub aliases: Vec<String>,
    pub description: Option<String>,
}

/// Canonical names per facet (`tasks`, `datasets`, `architectures`, `frameworks`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyConfig {
    #[serde(default)]
    pub tasks: BTreeMap<String, TermConfig>,
    #[serde(default)]
    pub datasets: BTreeMap<String, TermConfig>,
    #[serde(default)]
    pub architectures: BTreeMap<String, TermConfig>,
    #[serde(default)]
    pub frameworks: BTreeMap<String, TermConfig>,
}

/// Parses `taxonomy.toml`; a syntax error is reported and the file ignored.
pub fn parse(file: &str, text: &str, diags: &mut Diagnostics) -> TaxonomyConfig {
    match toml::from_str(text) {
        Ok(config) => config,
        Err(err) => {
            diags
                .error(
                    &crate::load::toml_error_source(file, text, err.span()),
                    format!("cannot read the taxonomy: {}", err.message()),
                )
                .hint("sections are [tasks.\"Name\"], [datasets.X], [architectures.X] or [frameworks.X] with `aliases` and `description`");
            TaxonomyConfig::default()
        }
    }
}
