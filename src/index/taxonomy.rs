//! Facet normalisation: merge spellings, apply aliases, count and slug terms.
//!
//! Values merge case- and space-insensitively (`CNN` = `cnn`) and through
//! the aliases of `taxonomy.toml`; a term is shown in its configured name,
//! else in its most frequent spelling. A value written as a Markdown link
//! (`[GTzan](http://marsyas.info/…)`, as upstream lists do for datasets) is the
//! term `GTzan` with that link as its homepage.

use crate::index::slug::{SlugSet, slugify};
use crate::load::aliases::TermAliases;
use crate::model::{Taxonomy, Term, TermRef};
use crate::values::{facet_key, http_url, markdown_link};
use std::collections::HashMap;

/// One value as found on an article: the key it groups under and its spelling.
pub(crate) struct Value {
    pub(crate) group: String,
    pub(crate) spelling: String,
    /// The term's homepage, when the value was a Markdown link.
    pub(crate) link: Option<String>,
}

/// Resolves raw facet values to group keys through the configured aliases.
pub(crate) struct Aliases<'a> {
    canonical: HashMap<String, &'a str>,
    config: &'a TermAliases,
}

impl<'a> Aliases<'a> {
    pub(crate) fn new(config: &'a TermAliases) -> Self {
        let mut canonical = HashMap::new();
        for (name, term) in config {
            canonical.insert(facet_key(name), name.as_str());
            for alias in &term.aliases {
                canonical.insert(facet_key(alias), name.as_str());
            }
        }
        Aliases { canonical, config }
    }

    /// The group of a raw value and how it should be spelled.
    pub(crate) fn value(&self, raw: &str) -> Value {
        let (raw, link) = match markdown_link(raw) {
            Some((text, url)) if !text.is_empty() => (text, http_url(&url)),
            _ => (raw.to_string(), None),
        };
        match self.canonical.get(&facet_key(&raw)) {
            Some(name) => Value {
                group: facet_key(name),
                spelling: name.to_string(),
                link,
            },
            None => Value {
                group: facet_key(&raw),
                spelling: raw,
                link,
            },
        }
    }

    fn configured(&self, group: &str) -> Option<(&'a str, Option<&'a str>)> {
        let name = *self.canonical.get(group)?;
        let description = self.config.get(name).and_then(|t| t.description.as_deref());
        Some((name, description))
    }
}

/// Groups values into terms.
///
/// `values[i]` are the values of the article at site position `i`;
/// `data_order` lists site positions in the order the data gave them, so
/// slugs are handed out in data order and stay stable as articles are added.
/// Returns the terms (in [`Taxonomy::order`]) and each article's term references.
pub(crate) fn terms(
    values: &[Vec<Value>],
    data_order: &[usize],
    aliases: Option<&Aliases>,
) -> (Vec<Term>, Vec<Vec<TermRef>>) {
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for &pos in data_order {
        for value in &values[pos] {
            let g = *index.entry(value.group.as_str()).or_insert_with(|| {
                groups.push(Group::default());
                groups.len() - 1
            });
            groups[g].add(pos, value);
        }
    }
    let mut slugs = SlugSet::default();
    let mut terms: Vec<Term> = groups
        .iter()
        .zip(index_keys(&index, groups.len()))
        .map(|(group, key)| {
            let configured = aliases.and_then(|a| a.configured(key));
            let name = configured.map_or_else(|| group.display(), |(n, _)| n.to_string());
            let mut articles = group.articles.clone();
            articles.sort_unstable();
            articles.dedup();
            Term {
                slug: slugs.unique(&slugify(&name)),
                description: configured.and_then(|(_, d)| d.map(str::to_string)),
                link: group.link.clone(),
                name,
                articles,
            }
        })
        .collect();
    let refs = values
        .iter()
        .map(|article| {
            let mut seen: Vec<usize> = Vec::new();
            article
                .iter()
                .filter_map(|v| index.get(v.group.as_str()).copied())
                .filter(|g| {
                    let fresh = !seen.contains(g);
                    seen.push(*g);
                    fresh
                })
                .map(|g| TermRef {
                    name: terms[g].name.clone(),
                    slug: terms[g].slug.clone(),
                })
                .collect()
        })
        .collect();
    terms.sort_by(Taxonomy::order);
    (terms, refs)
}

fn index_keys<'a>(index: &HashMap<&'a str, usize>, len: usize) -> Vec<&'a str> {
    let mut keys = vec![""; len];
    for (key, &i) in index {
        keys[i] = key;
    }
    keys
}

/// The spellings and articles of one group of values.
#[derive(Default)]
struct Group {
    spellings: Vec<(String, usize)>,
    articles: Vec<usize>,
    /// The first homepage link given for the term.
    link: Option<String>,
}

impl Group {
    fn add(&mut self, article: usize, value: &Value) {
        let spelling = value.spelling.as_str();
        self.articles.push(article);
        if self.link.is_none() {
            self.link.clone_from(&value.link);
        }
        match self.spellings.iter_mut().find(|(s, _)| s == spelling) {
            Some((_, n)) => *n += 1,
            None => self.spellings.push((spelling.to_string(), 1)),
        }
    }

    /// The most frequent spelling; the first seen wins a tie.
    fn display(&self) -> String {
        let best = self.spellings.iter().map(|(_, n)| *n).max().unwrap_or(0);
        self.spellings
            .iter()
            .find(|(_, n)| *n == best)
            .map_or_else(String::new, |(s, _)| s.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::aliases::TermConfig;
    use std::collections::BTreeMap;

    fn raw(values: &[&[&str]]) -> Vec<Vec<Value>> {
        values
            .iter()
            .map(|vs| {
                vs.iter()
                    .map(|v| Value {
                        group: facet_key(v),
                        spelling: v.to_string(),
                        link: None,
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn merges_case_and_space_and_picks_most_frequent_spelling() {
        let values = raw(&[&["cnn"], &["CNN"], &["C NN", "RNN"], &["CNN"]]);
        let (terms, refs) = terms(&values, &[0, 1, 2, 3], None);
        assert_eq!(terms[0].name, "CNN");
        assert_eq!(terms[0].articles, [0, 1, 2, 3]);
        assert_eq!(terms[1].name, "RNN");
        assert_eq!(refs[2].len(), 2);
        assert_eq!(refs[2][0].slug, "cnn");
    }

    #[test]
    fn aliases_map_to_the_configured_name() {
        let config: BTreeMap<String, TermConfig> = toml::from_str(
            "[\"Instrument recognition\"]\naliases = [\"instru\"]\ndescription = \"Which instruments play.\"",
        )
        .unwrap_or_default();
        let aliases = Aliases::new(&config);
        let values: Vec<Vec<Value>> = vec![
            vec![aliases.value("Instru")],
            vec![aliases.value("instrument  recognition")],
        ];
        let (terms, _) = terms(&values, &[0, 1], Some(&aliases));
        assert_eq!(terms.len(), 1);
        assert_eq!(terms[0].name, "Instrument recognition");
        assert_eq!(terms[0].slug, "instrument-recognition");
        assert_eq!(
            terms[0].description.as_deref(),
            Some("Which instruments play.")
        );
    }

    #[test]
    fn markdown_links_name_the_term_and_give_its_homepage() {
        let config = BTreeMap::new();
        let aliases = Aliases::new(&config);
        let values = vec![
            vec![aliases.value("[GTzan](http://marsyas.info/downloads/datasets.html)")],
            vec![aliases.value("GTZAN")],
            vec![aliases.value("[Bad](javascript:alert(1))")],
        ];
        let (terms, refs) = terms(&values, &[0, 1, 2], Some(&aliases));
        assert_eq!(terms[0].name, "GTzan");
        assert_eq!(terms[0].articles, [0, 1]);
        assert_eq!(
            terms[0].link.as_deref(),
            Some("http://marsyas.info/downloads/datasets.html")
        );
        assert_eq!(refs[2][0].name, "Bad");
        assert_eq!(terms[1].link, None);
    }

    #[test]
    fn slugs_follow_data_order() {
        let values = raw(&[&["A b"], &["a-b"]]);
        let (terms, _) = terms(&values, &[1, 0], None);
        let a = terms
            .iter()
            .find(|t| t.name == "A b")
            .map(|t| t.slug.as_str());
        assert_eq!(a, Some("a-b-2"));
    }
}
