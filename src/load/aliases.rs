//! `taxonomy.toml`: aliases and descriptions for facet values.
//!
//! ```toml
//! [tasks."Instrument recognition"]
//! aliases = ["instru"]
//! description = "Identifying which instruments play in a recording."
//! ```

use crate::config::TaxonomyKind;
use crate::diag::Diagnostics;
use serde::Deserialize;
use std::collections::BTreeMap;

/// One canonical facet value with its aliases and description.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermConfig {
    /// Other spellings that mean this value.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// A paragraph shown on the term's page.
    pub description: Option<String>,
}

/// The canonical values of one facet, by their name.
pub type TermAliases = BTreeMap<String, TermConfig>;

/// Canonical values per facet ([`TaxonomyKind::FACETS`]; authors have none).
pub type TaxonomyAliases = BTreeMap<TaxonomyKind, TermAliases>;

/// A section name of `taxonomy.toml`: one of the curated facets.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Section(TaxonomyKind);

impl<'de> Deserialize<'de> for Section {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Section;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a facet name")
            }
            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Section, E> {
                TaxonomyKind::FACETS
                    .into_iter()
                    .find(|kind| kind.path() == name)
                    .map(Section)
                    .ok_or_else(|| E::unknown_field(name, &SECTIONS))
            }
        }
        deserializer.deserialize_identifier(Visitor)
    }
}

/// The sections, as the error for an unknown one lists them.
const SECTIONS: [&str; 4] = ["tasks", "datasets", "architectures", "frameworks"];

/// Parses `taxonomy.toml`; a syntax error is reported and the file ignored.
pub fn parse(file: &str, text: &str, diags: &mut Diagnostics) -> TaxonomyAliases {
    match toml::from_str::<BTreeMap<Section, TermAliases>>(text) {
        Ok(sections) => sections
            .into_iter()
            .map(|(section, terms)| (section.0, terms))
            .collect(),
        Err(err) => {
            diags
                .error(
                    &crate::load::toml_error_source(file, text, err.span()),
                    format!("cannot read the taxonomy: {}", err.message()),
                )
                .hint("sections are [tasks.\"Name\"], [datasets.X], [architectures.X] or [frameworks.X] with `aliases` and `description`");
            TaxonomyAliases::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_the_curated_facets() {
        let mut diags = Diagnostics::default();
        let aliases = parse(
            "taxonomy.toml",
            "[datasets.GTZAN]\naliases = [\"gtzan genre\"]\n[tasks.Tagging]\n",
            &mut diags,
        );
        assert_eq!(diags.errors(), 0);
        let kinds: Vec<_> = aliases.keys().copied().collect();
        assert_eq!(kinds, [TaxonomyKind::Tasks, TaxonomyKind::Datasets]);
        assert_eq!(
            aliases[&TaxonomyKind::Datasets]["GTZAN"].aliases,
            ["gtzan genre"]
        );
        for (text, line) in [("[authors.X]\n", 1), ("\n[moods.Happy]\n", 2)] {
            let mut diags = Diagnostics::default();
            assert!(parse("taxonomy.toml", text, &mut diags).is_empty());
            let d = &diags.sorted()[0];
            assert_eq!(d.line, line, "{text}");
            assert!(
                d.message
                    .contains("expected one of `tasks`, `datasets`, `architectures`, `frameworks`"),
                "{}",
                d.message
            );
        }
    }
}
