//! Stage 2, `index`: join the raw records, normalise them and build the
//! immutable [`Site`] model (articles newest first, taxonomies, figures).

pub mod join;
pub mod slug;
pub mod taxonomy;

use crate::diag::{Diagnostics, Source};
use crate::load::Input;
use crate::load::bibtex::Name;
use crate::model::{Article, Detail, Link, Person, Site, Stats, Taxonomy, TaxonomyKind, TermRef};
use crate::text;
use join::{Draft, Facet};
use rayon::prelude::*;
use std::collections::HashMap;

/// How many related articles an article page shows.
const RELATED: usize = 5;

/// Builds the site model from everything that was loaded.
pub fn build(input: &Input, diags: &mut Diagnostics) -> Site {
    let drafts = join::join(&input.entries, &input.tables, diags);
    let slugs = article_slugs(&drafts);
    let mut articles: Vec<Article> = drafts
        .iter()
        .zip(slugs)
        .map(|(draft, slug)| article(draft, slug, diags))
        .collect();
    let data_order = sort_newest_first(&mut articles);
    let mut by_position = vec![0; drafts.len()];
    for (data_index, &pos) in data_order.iter().enumerate() {
        by_position[pos] = data_index;
    }
    let sorted_drafts: Vec<&Draft> = by_position.iter().map(|&d| &drafts[d]).collect();
    let taxonomies = taxonomies(input, &sorted_drafts, &data_order, &mut articles);
    link_related(&mut articles, &taxonomies);
    let intro_html = text::markdown(input.intro.as_deref().unwrap_or(""));
    let stats = stats(&articles, &taxonomies);
    Site {
        articles,
        taxonomies,
        intro_html,
        stats,
    }
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

fn article(draft: &Draft, slug: String, diags: &mut Diagnostics) -> Article {
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
        notes_html: (!draft.notes.is_empty()).then(|| text::markdown(&draft.notes.join("\n\n"))),
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
        let key = text::link_key(url);
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
        label: text::link_label(url),
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
    let title_keys: Vec<String> = articles.iter().map(|a| text::match_key(&a.title)).collect();
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

fn taxonomies(
    input: &Input,
    drafts: &[&Draft],
    data_order: &[usize],
    articles: &mut [Article],
) -> Vec<Taxonomy> {
    let config = &input.taxonomy;
    let mut out = Vec::new();
    for (kind, facet, terms_config) in [
        (TaxonomyKind::Tasks, Facet::Task, &config.tasks),
        (
            TaxonomyKind::Architectures,
            Facet::Architecture,
            &config.architectures,
        ),
        (TaxonomyKind::Datasets, Facet::Dataset, &config.datasets),
        (
            TaxonomyKind::Frameworks,
            Facet::Framework,
            &config.frameworks,
        ),
    ] {
        let aliases = taxonomy::Aliases::new(terms_config);
        let values: Vec<Vec<taxonomy::Value>> = drafts
            .iter()
            .map(|d| {
                d.facets[facet as usize]
                    .iter()
                    .map(|v| aliases.value(v))
                    .collect()
            })
            .collect();
        let (terms, refs) = taxonomy::terms(&values, data_order, Some(&aliases));
        for (article, refs) in articles.iter_mut().zip(refs) {
            *term_list(article, kind) = refs;
        }
        out.push(Taxonomy { kind, terms });
    }
    out.push(authors(articles, data_order));
    out
}

fn term_list(article: &mut Article, kind: TaxonomyKind) -> &mut Vec<TermRef> {
    match kind {
        TaxonomyKind::Tasks => &mut article.tasks,
        TaxonomyKind::Datasets => &mut article.datasets,
        TaxonomyKind::Architectures => &mut article.architectures,
        TaxonomyKind::Frameworks | TaxonomyKind::Authors => &mut article.frameworks,
    }
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
fn link_related(articles: &mut [Article], taxonomies: &[Taxonomy]) {
    let mut members: HashMap<(TaxonomyKind, &str), &[usize]> = HashMap::new();
    for t in taxonomies {
        if matches!(t.kind, TaxonomyKind::Tasks | TaxonomyKind::Datasets) {
            for term in &t.terms {
                members.insert((t.kind, term.slug.as_str()), &term.articles);
            }
        }
    }
    let count = articles.len();
    let related: Vec<Vec<usize>> = articles
        .par_iter()
        .enumerate()
        .map_init(
            || (vec![0u16; count], Vec::new()),
            |(score, touched), (i, a)| {
                let terms = a
                    .tasks
                    .iter()
                    .map(|t| (TaxonomyKind::Tasks, t))
                    .chain(a.datasets.iter().map(|t| (TaxonomyKind::Datasets, t)));
                for (kind, term) in terms {
                    let shared = members.get(&(kind, term.slug.as_str())).copied();
                    for &j in shared.unwrap_or(&[]) {
                        if j != i {
                            if score[j] == 0 {
                                touched.push(j);
                            }
                            score[j] = score[j].saturating_add(1);
                        }
                    }
                }
                let best = best_related(score, touched);
                for &j in touched.iter() {
                    score[j] = 0;
                }
                touched.clear();
                best
            },
        )
        .collect();
    for (article, related) in articles.iter_mut().zip(related) {
        article.related = related;
    }
}

/// The [`RELATED`] touched articles with the highest score, ties in site order.
fn best_related(score: &[u16], touched: &mut [usize]) -> Vec<usize> {
    let order = |a: &usize, b: &usize| score[*b].cmp(&score[*a]).then(a.cmp(b));
    if touched.len() > RELATED {
        touched.select_nth_unstable_by(RELATED, order);
    }
    let mut best = touched[..touched.len().min(RELATED)].to_vec();
    best.sort_by(order);
    best
}

fn stats(articles: &[Article], taxonomies: &[Taxonomy]) -> Stats {
    let count = |kind| {
        taxonomies
            .iter()
            .find(|t| t.kind == kind)
            .map_or(0, |t| t.terms.len())
    };
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
