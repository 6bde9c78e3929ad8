//! Stage 2, `index`: join the raw records, normalise them and build the
//! immutable [`Site`] model (articles newest first with their slugs and
//! citation keys, taxonomies, related articles, figures, the site's title).
//!
//! A BibTeX entry becomes a draft (`draft.rs`), table rows are joined into
//! the drafts (`join.rs`), facet values become terms through the aliases of
//! `taxonomy.toml` (`taxonomy.rs`), and slugs and citation keys are handed
//! out in data order so that they stay stable as articles are added
//! (`slug.rs`).

mod draft;
mod join;
mod slug;
mod taxonomy;

use crate::config::TaxonomyKind;
use crate::diag::{Diagnostics, Source};
use crate::load::Input;
use crate::load::aliases::TermAliases;
use crate::load::bibtex::Name;
use crate::model::{Article, Detail, Link, Person, Site, Stats, Taxonomy};
use crate::values;
use draft::Draft;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// How many related articles an article page shows.
const RELATED: usize = 5;

/// How many members of each of an article's terms, nearest to it in site
/// order, are considered for its related articles; see [`window_around`].
const RELATED_WINDOW: usize = 400;

/// Builds the site model from everything that was loaded.
pub fn build(input: &Input, diags: &mut Diagnostics) -> Site {
    let drafts = join::join(&input.entries, &input.tables, diags);
    let slugs = article_slugs(&drafts);
    let mut articles: Vec<Article> = drafts
        .iter()
        .zip(slugs)
        .enumerate()
        .map(|(position, (draft, slug))| article(draft, slug, position, diags))
        .collect();
    let data_order = sort_newest_first(&mut articles);
    let cite_keys = slug::cite_keys(&articles);
    for (article, key) in articles.iter_mut().zip(cite_keys) {
        article.cite_key = key;
    }
    let mut by_position = vec![0; drafts.len()];
    for (data_index, &pos) in data_order.iter().enumerate() {
        by_position[pos] = data_index;
    }
    let sorted_drafts: Vec<&Draft> = by_position.iter().map(|&d| &drafts[d]).collect();
    let taxonomies = taxonomies(input, &sorted_drafts, &data_order, &mut articles);
    link_related(&mut articles, &taxonomies);
    let (heading, intro) = split_title(input.intro.as_deref().unwrap_or(""));
    let stats = stats(&articles, &taxonomies);
    Site {
        title: input.config.title.clone().unwrap_or(heading),
        articles,
        taxonomies,
        intro_html: values::markdown(intro),
        stats,
        config: input.config.clone(),
    }
}

/// A leading `# Title` line of the introduction, as the site's title, and
/// the rest of the introduction; "Research articles" when there is none.
fn split_title(intro: &str) -> (String, &str) {
    const DEFAULT: &str = "Research articles";
    let Some(heading) = intro.trim_start().strip_prefix("# ") else {
        return (DEFAULT.to_string(), intro);
    };
    let (title, rest) = heading.split_once('\n').unwrap_or((heading, ""));
    (title.trim().to_string(), rest)
}

/// Slugs in data order: from the BibTeX key, else author + year + title word.
fn article_slugs(drafts: &[Draft]) -> Vec<String> {
    let mut set = slug::SlugSet::default();
    drafts
        .iter()
        .map(|d| {
            let base = match &d.key {
                Some(key) => slug::slugify(key),
                None => slug::fallback(
                    d.authors.first().map(|n| n.family.as_str()),
                    d.year,
                    d.title.as_deref().unwrap_or(""),
                ),
            };
            set.unique(&base)
        })
        .collect()
}

fn article(draft: &Draft, slug: String, position: usize, diags: &mut Diagnostics) -> Article {
    let title = draft
        .title
        .clone()
        .unwrap_or_else(|| untitled(draft, diags));
    let mut links: Vec<Link> = Vec::new();
    if let Some(doi) = &draft.doi {
        links.push(Link {
            url: format!("https://doi.org/{doi}"),
            label: "DOI".into(),
        });
    }
    links.extend(draft.links.iter().map(|url| link(url)));
    Article {
        slug,
        key: draft.key.clone(),
        cite_key: String::new(),
        entry_type: draft.entry_type.clone().unwrap_or_else(|| "misc".into()),
        title,
        authors: draft.authors.iter().map(person).collect(),
        editors: draft.editors.iter().map(person).collect(),
        year: draft.year,
        venue: draft.venue.clone(),
        venue_url: draft.venue_url.clone(),
        volume: draft.volume.clone(),
        number: draft.number.clone(),
        pages: draft.pages.clone(),
        publisher: draft.publisher.clone(),
        doi: draft.doi.clone(),
        abstract_text: draft.abstract_text.clone(),
        links,
        code: draft.code.iter().map(|url| link(url)).collect(),
        tasks: Vec::new(),
        datasets: Vec::new(),
        architectures: Vec::new(),
        frameworks: Vec::new(),
        reproducible: draft.reproducible.clone(),
        layers: draft.layers.clone(),
        notes_html: (!draft.notes.is_empty()).then(|| values::markdown(&draft.notes.join("\n\n"))),
        details: draft
            .details
            .iter()
            .map(|(label, value)| Detail {
                label: detail_label(label),
                value: value.clone(),
            })
            .collect(),
        bibtex: draft.bibtex.clone(),
        sources: draft.sources.clone(),
        position,
        related: Vec::new(),
    }
}

/// A title for a row that has none: its link or code repository, with a warning.
fn untitled(draft: &Draft, diags: &mut Diagnostics) -> String {
    let at = draft.sources.first().cloned().unwrap_or_default();
    diags
        .warning(&at, "this article has no title; its link is shown instead")
        .key(draft.key.as_deref().unwrap_or(&format!("row {}", at.line)))
        .hint("add a `Title` column (or a BibTeX entry) with the article's title");
    let from_url = |url: &String| {
        let key = values::link_key(url);
        key.strip_prefix("github.com/")
            .map_or(key.clone(), str::to_string)
    };
    draft
        .links
        .first()
        .or(draft.code.first())
        .map(from_url)
        .or_else(|| {
            draft.authors.first().map(|n| {
                format!(
                    "{} {}",
                    n.family,
                    draft.year.map(|y| y.to_string()).unwrap_or_default()
                )
            })
        })
        .unwrap_or_else(|| format!("Untitled ({})", Source::to_string(&at)))
}

fn link(url: &str) -> Link {
    Link {
        url: url.to_string(),
        label: values::link_label(url),
    }
}

/// `dataaugmentation` → `Dataaugmentation`; table headers keep their spelling.
fn detail_label(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn person(name: &Name) -> Person {
    let mut display = [
        name.given.as_str(),
        name.prefix.as_str(),
        name.family.as_str(),
    ]
    .iter()
    .filter(|p| !p.is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join(" ");
    if !name.suffix.is_empty() {
        display = format!("{display}, {}", name.suffix);
    }
    Person {
        given: name.given.clone(),
        family: [name.prefix.as_str(), name.family.as_str()]
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" "),
        slug: slug::slugify(&display),
        display,
    }
}

/// Sorts articles newest first (then by title); returns, for each article in
/// data order, its position in the sorted list.
fn sort_newest_first(articles: &mut Vec<Article>) -> Vec<usize> {
    let title_keys: Vec<String> = articles
        .iter()
        .map(|a| values::match_key(&a.title))
        .collect();
    let mut order: Vec<usize> = (0..articles.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&articles[a], &articles[b]);
        y.year
            .unwrap_or(i32::MIN)
            .cmp(&x.year.unwrap_or(i32::MIN))
            .then_with(|| title_keys[a].cmp(&title_keys[b]))
            .then_with(|| x.slug.cmp(&y.slug))
    });
    let mut position = vec![0; articles.len()];
    for (pos, &data_index) in order.iter().enumerate() {
        position[data_index] = pos;
    }
    let mut slots: Vec<Option<Article>> = articles.drain(..).map(Some).collect();
    articles.extend(order.iter().filter_map(|&i| slots[i].take()));
    position
}

/// One taxonomy per kind: the curated facets from the drafts' values
/// through the aliases of `taxonomy.toml`, then the authors.
fn taxonomies(
    input: &Input,
    drafts: &[&Draft],
    data_order: &[usize],
    articles: &mut [Article],
) -> BTreeMap<TaxonomyKind, Taxonomy> {
    let no_aliases = TermAliases::default();
    let mut out = BTreeMap::new();
    for kind in TaxonomyKind::FACETS {
        let aliases = taxonomy::Aliases::new(input.aliases.get(&kind).unwrap_or(&no_aliases));
        let values: Vec<Vec<taxonomy::Value>> = drafts
            .iter()
            .map(|d| d.facet(kind).iter().map(|v| aliases.value(v)).collect())
            .collect();
        let (terms, refs) = taxonomy::terms(&values, data_order, Some(&aliases));
        for (article, refs) in articles.iter_mut().zip(refs) {
            if let Some(terms) = article.terms_mut(kind) {
                *terms = refs;
            }
        }
        out.insert(kind, Taxonomy { kind, terms });
    }
    out.insert(TaxonomyKind::Authors, authors(articles, data_order));
    out
}

/// Authors merge by their slug (so `Schlüter` = `Schluter`); the page and every
/// article link use the term's slug.
fn authors(articles: &mut [Article], data_order: &[usize]) -> Taxonomy {
    let values: Vec<Vec<taxonomy::Value>> = articles
        .iter()
        .map(|a| {
            a.authors
                .iter()
                .map(|p| taxonomy::Value {
                    group: p.slug.clone(),
                    spelling: p.display.clone(),
                    link: None,
                })
                .collect()
        })
        .collect();
    let (terms, _) = taxonomy::terms(&values, data_order, None);
    let by_group: HashMap<String, (&str, &str)> = terms
        .iter()
        .map(|t| (slug::slugify(&t.name), (t.slug.as_str(), t.name.as_str())))
        .collect();
    for article in articles.iter_mut() {
        for person in &mut article.authors {
            if let Some((slug, name)) = by_group.get(&person.slug) {
                person.slug = slug.to_string();
                person.display = name.to_string();
            }
        }
    }
    Taxonomy {
        kind: TaxonomyKind::Authors,
        terms,
    }
}

/// Fills each article's related list: most shared tasks and datasets first,
/// then site order.
///
/// Scores are counted in a dense per-thread array (a term can hold thousands
/// of articles) and only the best few are kept, so this stays linear in the
/// number of (article, term, co-member) triples.
fn link_related(articles: &mut [Article], taxonomies: &BTreeMap<TaxonomyKind, Taxonomy>) {
    let mut members: HashMap<(TaxonomyKind, &str), &[usize]> = HashMap::new();
    for t in taxonomies.values() {
        if matches!(t.kind, TaxonomyKind::Tasks | TaxonomyKind::Datasets) {
            for term in &t.terms {
                members.insert((t.kind, term.slug.as_str()), &term.articles);
            }
        }
    }
    let related: Vec<Vec<usize>> = articles
        .par_iter()
        .enumerate()
        .map(|(i, a)| {
            let lists: Vec<&[usize]> = a
                .tasks
                .iter()
                .map(|t| (TaxonomyKind::Tasks, t))
                .chain(a.datasets.iter().map(|t| (TaxonomyKind::Datasets, t)))
                .filter_map(|(kind, term)| members.get(&(kind, term.slug.as_str())).copied())
                .map(|list| window_around(list, i))
                .collect();
            best_related(&lists, i)
        })
        .collect();
    for (article, related) in articles.iter_mut().zip(related) {
        article.related = related;
    }
}

/// The [`RELATED_WINDOW`] members of a term (sorted in site order) nearest
/// to article `me` in site order: related articles are looked for among an
/// article's contemporaries, which keeps the cost linear in the site's size.
fn window_around(list: &[usize], me: usize) -> &[usize] {
    let at = list.partition_point(|&j| j < me);
    let end = (at.saturating_sub(RELATED_WINDOW / 2) + RELATED_WINDOW).min(list.len());
    &list[end.saturating_sub(RELATED_WINDOW)..end]
}

/// The [`RELATED`] articles other than `me` that appear in the most of
/// `lists` (the members of its terms, each sorted in site order), ties in
/// site order.
///
/// The lists are merged in site order, so each candidate's score is known
/// when it is reached and only the best few are kept; the walk stops early
/// once they all share every term. No per-article score array or sort: at
/// 100k articles an article shares a term with thousands of others.
fn best_related(lists: &[&[usize]], me: usize) -> Vec<usize> {
    let full = lists.len();
    let mut next = vec![0usize; full];
    let mut best: Vec<(usize, usize)> = Vec::with_capacity(RELATED + 1);
    let better = |a: (usize, usize), b: (usize, usize)| a.0 > b.0 || (a.0 == b.0 && a.1 < b.1);
    while let Some(j) = (0..full)
        .filter_map(|k| lists[k].get(next[k]))
        .min()
        .copied()
    {
        let mut score = 0;
        for k in 0..full {
            if lists[k].get(next[k]) == Some(&j) {
                score += 1;
                next[k] += 1;
            }
        }
        let candidate = (score, j);
        if j == me || (best.len() == RELATED && !better(candidate, best[RELATED - 1])) {
            continue;
        }
        let at = best
            .iter()
            .position(|&b| better(candidate, b))
            .unwrap_or(best.len());
        best.insert(at, candidate);
        best.truncate(RELATED);
        if best.len() == RELATED && best[RELATED - 1].0 == full {
            break;
        }
    }
    best.into_iter().map(|(_, j)| j).collect()
}

fn stats(articles: &[Article], taxonomies: &BTreeMap<TaxonomyKind, Taxonomy>) -> Stats {
    let count = |kind| taxonomies.get(&kind).map_or(0, |t| t.terms.len());
    let with_code = articles.iter().filter(|a| !a.code.is_empty()).count();
    let years = articles.iter().filter_map(|a| a.year);
    Stats {
        articles: articles.len(),
        with_code,
        code_percent: (with_code * 100 + articles.len() / 2)
            .checked_div(articles.len())
            .unwrap_or(0),
        tasks: count(TaxonomyKind::Tasks),
        datasets: count(TaxonomyKind::Datasets),
        architectures: count(TaxonomyKind::Architectures),
        authors: count(TaxonomyKind::Authors),
        first_year: years.clone().min(),
        last_year: years.max(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_related_ranks_by_shared_terms_then_site_order() {
        let task: &[usize] = &[0, 1, 3, 7, 8, 9];
        let dataset: &[usize] = &[1, 2, 3, 8, 11];
        let other: &[usize] = &[3, 4, 5, 8, 12];
        // Article 3 itself is in every list and must not be its own relative.
        assert_eq!(best_related(&[task, dataset, other], 3), [8, 1, 0, 2, 4]);
        assert_eq!(best_related(&[task], 0), [1, 3, 7, 8, 9]);
        assert!(best_related(&[], 0).is_empty());
        let long: Vec<usize> = (0..1000).collect();
        assert_eq!(window_around(&long, 10), &long[..RELATED_WINDOW]);
        assert_eq!(window_around(&long, 500), &long[300..700]);
        assert_eq!(window_around(&long, 999), &long[600..]);
        assert_eq!(window_around(&long[..3], 999), &long[..3]);
        // Stops early: five articles share both terms.
        let both: &[usize] = &[1, 2, 3, 4, 5, 6];
        assert_eq!(best_related(&[both, both], 9), [1, 2, 3, 4, 5]);
    }
}
