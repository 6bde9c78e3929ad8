//! The statistics page, `stats/index.html`: the home page's headline
//! figures and charts drawn at build time as inline SVG.
//!
//! This module computes every number and every coordinate; the template
//! (`stats.html`, with the chart macros of `charts.html`) only writes them
//! out, so Tera's autoescaping covers every term name. Charts have no fixed
//! width: horizontal positions are percentages of the chart's width, vertical
//! ones pixels, so text keeps its size on a phone and on a wide screen.
//!
//! - [`YearChart`]: one column per year from the first to the last (years
//!   without articles are zero), the part with code stacked under the part
//!   without, on a "nice" scale (1, 2 or 5 × 10ⁿ per gridline).
//! - [`BarChart`]: per facet, the [`TOP_TERMS`] terms with the most
//!   articles (in [`Taxonomy::order`](crate::model::Taxonomy::order): ties by name, then slug) and one "other" bar counting the
//!   articles that carry any of the remaining terms; bar lengths are
//!   proportional to the counts, the longest bar spans the chart.

use crate::config::TaxonomyKind;
use crate::model::{Site, Stats, Term};
use serde::Serialize;
use std::collections::BTreeMap;

/// How many terms of each taxonomy get their own bar.
pub(crate) const TOP_TERMS: usize = 12;

/// Past this many years between the first and the last, the year chart
/// shows only the years that have articles (a stray year 1 in the data must
/// not draw two thousand empty columns).
const MAX_YEAR_SPAN: i32 = 150;

/// Vertical layout of the year chart, in pixels.
const YEAR_TOP: f64 = 22.0;
const YEAR_PLOT: f64 = 200.0;
const YEAR_AXIS: f64 = 26.0;
/// Narrowest a year column may get before the chart scrolls sideways.
const YEAR_MIN_COLUMN_PX: usize = 18;

/// Vertical layout of a bar chart row: the name and count on a line, the
/// bar under them.
const ROW_HEIGHT: u32 = 38;
const ROW_TEXT: u32 = 15;
const ROW_BAR: u32 = 21;
const BAR_HEIGHT: u32 = 11;

/// Everything the statistics page shows.
#[derive(Debug, Serialize)]
pub(crate) struct StatsPage<'a> {
    /// The home page's headline figures.
    pub(crate) stats: &'a Stats,
    /// Articles per year, with and without code.
    pub(crate) years: YearChart,
    /// One chart per facet ([`TaxonomyKind::FACETS`]), in their order.
    pub(crate) charts: Vec<BarChart>,
}

/// Articles per year, with and without code.
#[derive(Debug, Serialize)]
pub(crate) struct YearChart {
    /// The chart's element id (`per-year`), and the prefix of its title and description ids.
    pub(crate) id: &'static str,
    /// The chart's title (`<title>`).
    pub(crate) title: String,
    /// What the chart shows, in words, for screen readers (`<desc>`).
    pub(crate) desc: String,
    /// One column per year, oldest first.
    pub(crate) columns: Vec<YearColumn>,
    /// Horizontal gridlines, from 0 up to the top of the scale.
    pub(crate) gridlines: Vec<Gridline>,
    /// The SVG's height in pixels.
    pub(crate) height: u32,
    /// Where the year labels sit (their baseline), in pixels.
    pub(crate) axis_y: u32,
    /// The y of the zero line, in pixels.
    pub(crate) base_y: String,
    /// The narrowest the chart may be drawn, in pixels, before it scrolls.
    pub(crate) min_width: usize,
    /// Articles with a year, with code among them, and without a year.
    pub(crate) dated: usize,
    pub(crate) with_code: usize,
    pub(crate) undated: usize,
}

/// One year's column; the with-code part is drawn at the bottom.
#[derive(Debug, Serialize, PartialEq)]
pub(crate) struct YearColumn {
    pub(crate) year: i32,
    /// Articles of the year, those with a code link, and the others.
    pub(crate) total: usize,
    pub(crate) with_code: usize,
    pub(crate) without_code: usize,
    /// Left edge and width, in percent of the chart's width (`"12.500%"`).
    pub(crate) x: String,
    pub(crate) width: String,
    /// The column's centre, for its labels.
    pub(crate) center: String,
    /// Top of the with-code part and its height, in pixels.
    pub(crate) code_y: String,
    pub(crate) code_height: String,
    /// Top of the without-code part (the column's top) and its height.
    pub(crate) rest_y: String,
    pub(crate) rest_height: String,
    /// Baseline of the value label above the column.
    pub(crate) label_y: String,
    /// Whether the year is written under the column (every few years).
    pub(crate) labelled: bool,
}

/// A horizontal gridline of the year chart and its value.
#[derive(Debug, Serialize, PartialEq)]
pub(crate) struct Gridline {
    /// The number of articles the line stands for, and its y in pixels.
    pub(crate) value: usize,
    pub(crate) y: String,
    /// Baseline of the value written just above the line.
    pub(crate) label_y: String,
}

/// The most used terms of one taxonomy.
#[derive(Debug, Serialize)]
pub(crate) struct BarChart {
    /// The taxonomy's folder (`tasks`): the chart's id and its links' prefix.
    pub(crate) id: &'static str,
    /// The taxonomy's name (`Tasks`), and its singular (`task`).
    pub(crate) name: &'static str,
    pub(crate) singular: &'static str,
    /// The chart's title (`<title>`).
    pub(crate) title: String,
    /// What the chart shows, in words, for screen readers (`<desc>`).
    pub(crate) desc: String,
    /// The bars, most used term first, the other terms last.
    pub(crate) bars: Vec<Bar>,
    /// How many terms the taxonomy has, and how many articles carry none.
    pub(crate) terms: usize,
    pub(crate) without: usize,
    /// The SVG's height in pixels, each row's and each bar's.
    pub(crate) height: u32,
    pub(crate) row_height: u32,
    pub(crate) bar_height: u32,
}

/// One bar: a term, or all the other terms together.
#[derive(Debug, Serialize, PartialEq)]
pub(crate) struct Bar {
    /// The term's name, or `N other tasks`.
    pub(crate) name: String,
    /// The name as written on the chart: cut at [`LABEL_CHARS`] characters.
    pub(crate) label: String,
    /// The page the bar links to, relative to the site root (`tasks/cnn/`, or
    /// `tasks/` for the other terms).
    pub(crate) path: String,
    /// How many articles carry the term (or any of the other terms).
    pub(crate) count: usize,
    /// Whether this bar stands for the terms without a bar of their own.
    pub(crate) other: bool,
    /// Length, in percent of the chart's width.
    pub(crate) width: String,
    /// Top of the bar's row, baseline of the name and count, and top of the
    /// bar, in pixels.
    pub(crate) row_y: u32,
    pub(crate) text_y: u32,
    pub(crate) bar_y: u32,
}

/// Builds the statistics page of `site`.
pub(crate) fn stats_page(site: &Site) -> StatsPage<'_> {
    StatsPage {
        stats: &site.stats,
        years: year_chart(site),
        charts: TaxonomyKind::FACETS
            .iter()
            .map(|&kind| bar_chart(site, kind))
            .collect(),
    }
}

/// Articles per year, with and without code, every year of the range present.
pub(crate) fn year_chart(site: &Site) -> YearChart {
    let (counts, undated) = count_years(site);
    let filled = fill_years(&counts);
    let max = filled
        .iter()
        .map(|(_, (total, _))| *total)
        .max()
        .unwrap_or(0);
    let scale = Scale::new(max);
    let y_of = |v: usize| YEAR_TOP + YEAR_PLOT - scale.fraction(v) * YEAR_PLOT;
    let columns = year_columns(&filled, y_of);
    let gridlines = scale
        .ticks()
        .into_iter()
        .map(|value| Gridline {
            value,
            y: px(y_of(value)),
            label_y: px(y_of(value) - 4.0),
        })
        .collect();
    let dated: usize = counts.values().map(|(t, _)| t).sum();
    let with_code: usize = counts.values().map(|(_, c)| c).sum();
    YearChart {
        id: "per-year",
        title: "Articles per year, with and without code".into(),
        desc: year_desc(&filled, dated, with_code, undated),
        gridlines,
        height: (YEAR_TOP + YEAR_PLOT + YEAR_AXIS) as u32,
        axis_y: (YEAR_TOP + YEAR_PLOT + 17.0) as u32,
        base_y: px(YEAR_TOP + YEAR_PLOT),
        min_width: columns.len() * YEAR_MIN_COLUMN_PX,
        columns,
        dated,
        with_code,
        undated,
    }
}

/// Per year, the articles and those with code among them; and how many
/// articles have no year.
fn count_years(site: &Site) -> (BTreeMap<i32, (usize, usize)>, usize) {
    let mut counts: BTreeMap<i32, (usize, usize)> = BTreeMap::new();
    let mut undated = 0;
    for article in &site.articles {
        let Some(year) = article.year else {
            undated += 1;
            continue;
        };
        let entry = counts.entry(year).or_default();
        entry.0 += 1;
        if !article.code.is_empty() {
            entry.1 += 1;
        }
    }
    (counts, undated)
}

/// The columns of the years of `filled`, side by side across the chart's
/// width; `y_of` gives the height of a count.
fn year_columns(filled: &[(i32, (usize, usize))], y_of: impl Fn(usize) -> f64) -> Vec<YearColumn> {
    let slot = 100.0 / filled.len().max(1) as f64;
    let every = label_every(filled.len());
    filled
        .iter()
        .enumerate()
        .map(|(i, &(year, (total, with_code)))| {
            let code_top = y_of(with_code);
            let top = y_of(total);
            YearColumn {
                year,
                total,
                with_code,
                without_code: total - with_code,
                x: percent(slot * (i as f64 + 0.15)),
                width: percent(slot * 0.7),
                center: percent(slot * (i as f64 + 0.5)),
                code_y: px(code_top),
                code_height: px(YEAR_TOP + YEAR_PLOT - code_top),
                rest_y: px(top),
                rest_height: px(code_top - top),
                label_y: px(top - 5.0),
                labelled: year.rem_euclid(every) == 0,
            }
        })
        .collect()
}

/// Every year from the first to the last, those without articles at zero;
/// only the years present when the range is implausibly long.
fn fill_years(counts: &BTreeMap<i32, (usize, usize)>) -> Vec<(i32, (usize, usize))> {
    let (Some(&first), Some(&last)) = (counts.keys().next(), counts.keys().next_back()) else {
        return Vec::new();
    };
    if last.saturating_sub(first) > MAX_YEAR_SPAN {
        return counts.iter().map(|(&y, &c)| (y, c)).collect();
    }
    (first..=last)
        .map(|y| (y, counts.get(&y).copied().unwrap_or_default()))
        .collect()
}

/// Label every `n`-th year so that at most 16 years are written.
fn label_every(years: usize) -> i32 {
    [1, 2, 5, 10, 20, 50]
        .into_iter()
        .find(|&n| years.div_ceil(n as usize) <= 16)
        .unwrap_or(100)
}

fn year_desc(
    filled: &[(i32, (usize, usize))],
    dated: usize,
    with_code: usize,
    undated: usize,
) -> String {
    let (Some(first), Some(last)) = (filled.first(), filled.last()) else {
        return "No article has a year.".into();
    };
    // The busiest year; the earliest of those tied.
    let busiest = filled
        .iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.0.cmp(&a.0)))
        .unwrap_or(first);
    let mut desc = format!(
        "A column per year from {} to {}, the part with code hatched at its foot. \
         {} with a year, {} of them with code. \
         The most were published in {}: {}, {} with code.",
        first.0,
        last.0,
        articles(dated),
        with_code,
        busiest.0,
        busiest.1.0,
        busiest.1.1
    );
    if undated > 0 {
        desc.push_str(&format!(" {} no year.", has(undated)));
    }
    desc
}

/// The most used terms of `kind` and the others together.
pub(crate) fn bar_chart(site: &Site, kind: TaxonomyKind) -> BarChart {
    // Terms are in `Taxonomy::order`, most used first.
    let terms = &site.taxonomy(kind).terms;
    let (top, rest) = terms.split_at(terms.len().min(TOP_TERMS));
    let bars = bars(kind, top, rest);
    let without = site
        .articles
        .iter()
        .filter(|a| a.terms(kind).is_empty())
        .count();
    let title = if rest.is_empty() {
        format!("{} by number of articles", site.label(kind))
    } else {
        format!(
            "The {} most used {}",
            top.len(),
            site.label(kind).to_lowercase()
        )
    };
    BarChart {
        id: kind.path(),
        name: kind.title(),
        singular: kind.singular(),
        desc: bar_desc(kind, &bars, rest.len(), without),
        title,
        height: bars.len() as u32 * ROW_HEIGHT,
        row_height: ROW_HEIGHT,
        bar_height: BAR_HEIGHT,
        bars,
        terms: terms.len(),
        without,
    }
}

/// A bar per term of `top`, and one for the articles of the `rest`.
fn bars(kind: TaxonomyKind, top: &[Term], rest: &[Term]) -> Vec<Bar> {
    let mut entries: Vec<(String, String, usize, bool)> = top
        .iter()
        .map(|t| {
            (
                t.name.clone(),
                format!("{}/{}/", kind.path(), t.slug),
                t.articles.len(),
                false,
            )
        })
        .collect();
    if !rest.is_empty() {
        let mut others: Vec<usize> = rest
            .iter()
            .flat_map(|t| t.articles.iter().copied())
            .collect();
        others.sort_unstable();
        others.dedup();
        entries.push((
            format!("{} other {}", rest.len(), noun(kind, rest.len())),
            format!("{}/", kind.path()),
            others.len(),
            true,
        ));
    }
    let max = entries.iter().map(|e| e.2).max().unwrap_or(0);
    entries
        .into_iter()
        .enumerate()
        .map(|(i, (name, path, count, other))| {
            let row = i as u32 * ROW_HEIGHT;
            Bar {
                label: shorten(&name),
                name,
                path,
                count,
                other,
                width: percent(proportion(count, max) * 100.0),
                row_y: row,
                text_y: row + ROW_TEXT,
                bar_y: row + ROW_BAR,
            }
        })
        .collect()
}

fn bar_desc(kind: TaxonomyKind, bars: &[Bar], rest: usize, without: usize) -> String {
    let Some(first) = bars.iter().find(|b| !b.other) else {
        return format!("No article has a {}.", kind.singular());
    };
    let mut desc = format!(
        "A bar per {}, as long as its number of articles. The most used is {}, with {}.",
        kind.singular(),
        first.name,
        articles(first.count)
    );
    if let Some(other) = bars.iter().find(|b| b.other) {
        desc.push_str(&format!(
            " The last bar counts the {} that carry one of the {rest} other {}.",
            articles(other.count),
            noun(kind, rest)
        ));
    }
    if without > 0 {
        desc.push_str(&format!(" {} no {}.", has(without), kind.singular()));
    }
    desc
}

/// The singular or the plural of a taxonomy's noun.
fn noun(kind: TaxonomyKind, n: usize) -> String {
    if n == 1 {
        kind.singular().to_string()
    } else {
        kind.title().to_lowercase()
    }
}

fn articles(n: usize) -> String {
    if n == 1 {
        "1 article".into()
    } else {
        format!("{n} articles")
    }
}

fn has(n: usize) -> String {
    if n == 1 {
        "1 article has".into()
    } else {
        format!("{n} articles have")
    }
}

/// The longest name written on a bar chart; longer ones end in `…` (the
/// whole name is in the bar's tooltip and in the table).
pub(crate) const LABEL_CHARS: usize = 40;

fn shorten(name: &str) -> String {
    if name.chars().count() <= LABEL_CHARS {
        return name.to_string();
    }
    let cut: String = name.chars().take(LABEL_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

/// `count / max`, 0 when `max` is 0.
fn proportion(count: usize, max: usize) -> f64 {
    if max == 0 {
        0.0
    } else {
        count as f64 / max as f64
    }
}

fn percent(value: f64) -> String {
    format!("{value:.3}%")
}

fn px(value: f64) -> String {
    format!("{value:.1}")
}

/// A vertical scale from 0 to a round maximum, with gridlines at round steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scale {
    /// The distance between gridlines: 1, 2 or 5 × 10ⁿ.
    pub(crate) step: usize,
    /// The top of the scale: the smallest multiple of `step` at or above the data's maximum.
    pub(crate) max: usize,
}

impl Scale {
    /// The scale for data whose largest value is `max`: about four gridlines.
    pub(crate) fn new(max: usize) -> Self {
        const TARGET: usize = 4;
        let mut magnitude: usize = 1;
        let step = loop {
            if let Some(&m) = [1, 2, 5].iter().find(|&&m| m * magnitude * TARGET >= max) {
                break m * magnitude;
            }
            magnitude = magnitude.saturating_mul(10);
        };
        Scale {
            step,
            max: max.div_ceil(step).max(1) * step,
        }
    }

    /// Where `value` falls on the scale, from 0 (bottom) to 1 (top).
    pub(crate) fn fraction(self, value: usize) -> f64 {
        proportion(value, self.max)
    }

    /// The gridline values, 0 first.
    pub(crate) fn ticks(self) -> Vec<usize> {
        (0..=self.max / self.step).map(|i| i * self.step).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Article, Taxonomy, Term, TermRef};

    fn article(year: Option<i32>, code: bool, tasks: &[&str]) -> Article {
        Article {
            slug: format!("a{}", year.unwrap_or(0)),
            entry_type: "article".into(),
            title: "T".into(),
            year,
            code: if code {
                vec![crate::model::Link {
                    url: "https://github.com/x/y".into(),
                    label: "GitHub".into(),
                }]
            } else {
                vec![]
            },
            tasks: tasks
                .iter()
                .map(|t| TermRef {
                    name: t.to_string(),
                    slug: t.to_lowercase(),
                })
                .collect(),
            ..Article::default()
        }
    }

    /// A site of `articles` whose task taxonomy is built from their tasks,
    /// ordered as the index orders terms.
    pub(crate) fn site(articles: Vec<Article>) -> Site {
        let mut terms: Vec<Term> = Vec::new();
        for (i, a) in articles.iter().enumerate() {
            for t in &a.tasks {
                match terms.iter_mut().find(|x| x.slug == t.slug) {
                    Some(term) => term.articles.push(i),
                    None => terms.push(Term {
                        name: t.name.clone(),
                        slug: t.slug.clone(),
                        description: None,
                        link: None,
                        articles: vec![i],
                    }),
                }
            }
        }
        terms.sort_by(Taxonomy::order);
        let taxonomies = TaxonomyKind::ALL
            .iter()
            .map(|&kind| {
                let terms = if kind == TaxonomyKind::Tasks {
                    terms.clone()
                } else {
                    vec![]
                };
                (kind, Taxonomy { kind, terms })
            })
            .collect();
        Site {
            title: "T".into(),
            articles,
            taxonomies,
            ..Site::default()
        }
    }

    fn pct(s: &str) -> f64 {
        s.trim_end_matches('%').parse().unwrap()
    }

    #[test]
    fn scales_are_round_and_cover_the_maximum() {
        assert_eq!(Scale::new(0), Scale { step: 1, max: 1 });
        assert_eq!(Scale::new(3), Scale { step: 1, max: 3 });
        assert_eq!(Scale::new(7), Scale { step: 2, max: 8 });
        assert_eq!(Scale::new(47), Scale { step: 20, max: 60 });
        assert_eq!(Scale::new(100), Scale { step: 50, max: 100 });
        assert_eq!(Scale::new(101), Scale { step: 50, max: 150 });
        assert_eq!(
            Scale::new(20_000),
            Scale {
                step: 5000,
                max: 20_000
            }
        );
        assert_eq!(Scale::new(47).ticks(), [0, 20, 40, 60]);
        assert_eq!(Scale::new(47).fraction(30), 0.5);
        for max in 0..500 {
            let s = Scale::new(max);
            assert!(s.max >= max && s.max % s.step == 0, "{max}: {s:?}");
            assert!(s.ticks().len() <= 6, "{max}: {s:?}");
        }
    }

    #[test]
    fn year_gaps_are_filled_with_zero_and_counts_split_by_code() {
        let site = site(vec![
            article(Some(2019), true, &[]),
            article(Some(2019), false, &[]),
            article(Some(2015), false, &[]),
            article(None, true, &[]),
        ]);
        let chart = year_chart(&site);
        let years: Vec<(i32, usize, usize)> = chart
            .columns
            .iter()
            .map(|c| (c.year, c.total, c.with_code))
            .collect();
        assert_eq!(
            years,
            [
                (2015, 1, 0),
                (2016, 0, 0),
                (2017, 0, 0),
                (2018, 0, 0),
                (2019, 2, 1)
            ]
        );
        assert_eq!((chart.dated, chart.with_code, chart.undated), (3, 1, 1));
        assert!(chart.desc.contains("from 2015 to 2019"), "{}", chart.desc);
        assert!(
            chart.desc.contains("1 article has no year"),
            "{}",
            chart.desc
        );
        // Columns share the width evenly, left to right.
        let xs: Vec<f64> = chart.columns.iter().map(|c| pct(&c.x)).collect();
        assert!(
            xs.windows(2).all(|w| (w[1] - w[0] - 20.0).abs() < 1e-6),
            "{xs:?}"
        );
        // Heights are proportional: 2019's column is twice 2015's, its
        // with-code part half of it; an empty year has no height.
        let h = |c: &YearColumn| {
            c.code_height.parse::<f64>().unwrap() + c.rest_height.parse::<f64>().unwrap()
        };
        let (c2015, c2016, c2019) = (&chart.columns[0], &chart.columns[1], &chart.columns[4]);
        assert!((h(c2019) - 2.0 * h(c2015)).abs() < 0.2);
        assert!((c2019.code_height.parse::<f64>().unwrap() * 2.0 - h(c2019)).abs() < 0.2);
        assert_eq!(h(c2016), 0.0);
    }

    #[test]
    fn a_stray_year_does_not_draw_centuries_of_empty_columns() {
        let site = site(vec![
            article(Some(1), false, &[]),
            article(Some(2019), false, &[]),
        ]);
        let years: Vec<i32> = year_chart(&site).columns.iter().map(|c| c.year).collect();
        assert_eq!(years, [1, 2019]);
        let empty = year_chart(&super::tests::site(vec![]));
        assert!(empty.columns.is_empty());
        assert_eq!(empty.desc, "No article has a year.");
    }

    #[test]
    fn bars_are_proportional_and_ties_ordered_by_name() {
        let mut articles = Vec::new();
        for _ in 0..4 {
            articles.push(article(Some(2020), false, &["Genre"]));
        }
        articles.push(article(Some(2020), false, &["beat", "Chord"]));
        articles.push(article(Some(2020), false, &["Chord", "Beat"]));
        articles.push(article(Some(2020), false, &[]));
        let chart = bar_chart(&site(articles), TaxonomyKind::Tasks);
        let bars: Vec<(&str, usize, f64)> = chart
            .bars
            .iter()
            .map(|b| (b.name.as_str(), b.count, pct(&b.width)))
            .collect();
        assert_eq!(
            bars,
            [("Genre", 4, 100.0), ("beat", 2, 50.0), ("Chord", 2, 50.0)]
        );
        assert_eq!(chart.bars[1].path, "tasks/beat/");
        assert_eq!(chart.without, 1);
        assert_eq!(chart.height, 3 * ROW_HEIGHT);
        assert!(chart.bars[1].text_y > chart.bars[0].bar_y + BAR_HEIGHT);
    }

    #[test]
    fn terms_past_the_top_are_counted_once_per_article_as_other() {
        let mut articles = Vec::new();
        for i in 0..TOP_TERMS + 3 {
            // Term i has i + 2 articles, so the first three are left over.
            for _ in 0..i + 2 {
                articles.push(article(Some(2020), false, &[&format!("t{i:02}")]));
            }
        }
        // One article carries two of the left-over terms.
        articles.push(article(Some(2020), false, &["t00", "t01"]));
        let chart = bar_chart(&site(articles), TaxonomyKind::Tasks);
        assert_eq!(chart.bars.len(), TOP_TERMS + 1);
        assert_eq!(chart.bars[0].name, format!("t{:02}", TOP_TERMS + 2));
        let other = chart.bars.last().unwrap();
        assert!(other.other);
        assert_eq!(other.name, "3 other tasks");
        assert_eq!(other.path, "tasks/");
        // t00: 2 + 1, t01: 3 + 1, t02: 4, one article shared.
        assert_eq!(other.count, 2 + 3 + 4 + 1);
        assert!(chart.desc.contains("3 other tasks"), "{}", chart.desc);
        assert_eq!(chart.terms, TOP_TERMS + 3);
    }

    #[test]
    fn term_names_are_escaped_in_the_chart_and_the_table() {
        let hostile = "<script>alert(1)</script> & \"Q\"";
        let site = site(vec![article(Some(2020), false, &[hostile])]);
        let templates = crate::theme::Templates::load(None).unwrap();
        let ctx = crate::render::RenderContext::new(&site, &templates, None, 10).unwrap();
        let pages = crate::render::pages::render_all(&ctx).unwrap();
        let stats = pages
            .iter()
            .find(|p| p.path == "stats/index.html")
            .expect("a statistics page");
        let html = String::from_utf8_lossy(&stats.bytes);
        assert!(!html.contains("<script>"), "{html}");
        // The bar's tooltip, its label, the table's link text (and the
        // description, which names the most used term).
        assert!(html.matches("&lt;script&gt;").count() >= 4, "{html}");
        assert_eq!(html.matches("<svg class=\"chart ").count(), 2);
    }

    #[test]
    fn round_years_are_written_under_the_columns() {
        assert_eq!(label_every(16), 1);
        assert_eq!(label_every(34), 5);
        assert_eq!(label_every(17), 2);
        let articles = (1988..=2021)
            .map(|y| article(Some(y), false, &[]))
            .collect();
        let labelled: Vec<i32> = year_chart(&site(articles))
            .columns
            .iter()
            .filter(|c| c.labelled)
            .map(|c| c.year)
            .collect();
        assert_eq!(labelled, [1990, 1995, 2000, 2005, 2010, 2015, 2020]);
    }
}
