//! The statistics page and `dl4m export`, on the upstream list's latest
//! snapshot: the charts say what the model says, and both exports read back
//! (with the csv crate, with dl4m's own table loader, as a Markdown table)
//! give the articles that went in.

mod common;

use common::{Built, build, corpus, row_slugs, unescape};
use dl4m::config::TaxonomyKind;
use dl4m::model::{Article, Site};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Each start tag `<name …>` of `html` as its attributes (names lowercase,
/// values unquoted and decoded); minified HTML leaves many values unquoted.
fn tags(html: &str, name: &str) -> Vec<BTreeMap<String, String>> {
    let open = format!("<{name} ");
    html.match_indices(&open)
        .map(|(i, _)| {
            let rest = &html[i + open.len()..];
            let mut attrs = BTreeMap::new();
            let mut s = rest;
            loop {
                s = s.trim_start();
                if s.is_empty() || s.starts_with('>') || s.starts_with("/>") {
                    break;
                }
                let end = s.find(['=', ' ', '>']).unwrap_or(s.len());
                let key = s[..end].to_ascii_lowercase();
                s = &s[end..];
                let value = if let Some(after) = s.strip_prefix('=') {
                    let (v, tail) = match after.chars().next() {
                        Some(q @ ('"' | '\'')) => {
                            let close = after[1..].find(q).map_or(after.len(), |j| j + 1);
                            (&after[1..close], &after[(close + 1).min(after.len())..])
                        }
                        _ => {
                            let e = after.find([' ', '>']).unwrap_or(after.len());
                            (&after[..e], &after[e..])
                        }
                    };
                    s = tail;
                    unescape(v)
                } else {
                    String::new()
                };
                attrs.insert(key, value);
            }
            attrs
        })
        .collect()
}

fn count(attrs: &BTreeMap<String, String>) -> usize {
    attrs["data-count"].parse().expect("a count")
}

fn latest() -> Option<Built> {
    corpus("latest").map(|dir| build(&dir, None))
}

/// The statistics page's SVG elements, each as its full source text.
fn svgs(html: &str) -> Vec<&str> {
    html.match_indices("<svg ")
        .map(|(i, _)| {
            let end = html[i..].find("</svg>").map_or(html.len(), |j| i + j + 6);
            &html[i..end]
        })
        .collect()
}

#[test]
fn every_chart_is_one_titled_and_described_svg_image() {
    let Some(built) = latest() else { return };
    let html = built.page("stats/index.html");
    let charts: Vec<&str> = svgs(html)
        .into_iter()
        .filter(|s| s.contains("role=img"))
        .collect();
    // Articles per year, then tasks, architectures, datasets and frameworks.
    assert_eq!(charts.len(), 5, "one SVG per chart");
    for svg in &charts {
        let attrs = &tags(svg, "svg")[0];
        let ids: Vec<&str> = attrs["aria-labelledby"].split(' ').collect();
        assert_eq!(ids.len(), 2, "{attrs:?}");
        assert!(
            svg.contains(&format!("<title id={}>", ids[0])),
            "the title is the first label: {attrs:?}"
        );
        let desc = svg
            .split(&format!("<desc id={}>", ids[1]))
            .nth(1)
            .and_then(|d| d.split("</desc>").next())
            .expect("a description");
        assert!(desc.len() > 40, "a description in words: {desc}");
    }
    // Every other SVG is decoration hidden from assistive technology.
    for svg in svgs(html).into_iter().filter(|s| !s.contains("role=img")) {
        assert!(svg.contains("aria-hidden=true"), "{svg}");
    }
    // The navigation and the home page's figures lead here.
    let home = built.page("index.html");
    assert!(common::links(home).iter().any(|l| l == "/stats/"));
    assert!(
        common::links(built.page("tasks/index.html"))
            .iter()
            .any(|l| l == "/stats/")
    );
    assert!(common::broken_links(&built, "/").is_empty());
}

#[test]
fn per_year_counts_sum_to_the_articles_with_a_year() {
    let Some(built) = latest() else { return };
    let site = &built.checked.site;
    let html = built.page("stats/index.html");
    let mut expected: BTreeMap<i32, (usize, usize)> = BTreeMap::new();
    for a in &site.articles {
        if let Some(y) = a.year {
            let e = expected.entry(y).or_default();
            e.0 += 1;
            e.1 += usize::from(!a.code.is_empty());
        }
    }
    let dated: usize = expected.values().map(|e| e.0).sum();
    assert!(dated > 150, "{dated}");
    let columns: Vec<_> = tags(html, "g")
        .into_iter()
        .filter(|g| g.contains_key("data-year"))
        .collect();
    let rows: Vec<_> = tags(html, "tr")
        .into_iter()
        .filter(|tr| tr.contains_key("data-year"))
        .collect();
    for (what, list) in [("chart", &columns), ("table", &rows)] {
        assert_eq!(list.iter().map(count).sum::<usize>(), dated, "{what}");
        let years: Vec<i32> = list
            .iter()
            .map(|c| c["data-year"].parse().unwrap())
            .collect();
        let (first, last) = (
            *expected.keys().next().unwrap(),
            *expected.keys().last().unwrap(),
        );
        assert_eq!(
            years,
            (first..=last).collect::<Vec<_>>(),
            "{what}: every year, in order"
        );
        for c in list.iter() {
            let year: i32 = c["data-year"].parse().unwrap();
            let (total, _) = expected.get(&year).copied().unwrap_or_default();
            assert_eq!(count(c), total, "{what}: {year}");
        }
    }
    for c in &columns {
        let year: i32 = c["data-year"].parse().unwrap();
        let (_, code) = expected.get(&year).copied().unwrap_or_default();
        assert_eq!(
            c["data-code"].parse::<usize>().unwrap(),
            code,
            "{year} with code"
        );
    }
}

#[test]
fn top_term_counts_equal_their_pages() {
    let Some(built) = latest() else { return };
    let site = &built.checked.site;
    let html = built.page("stats/index.html");
    for kind in [
        TaxonomyKind::Tasks,
        TaxonomyKind::Architectures,
        TaxonomyKind::Datasets,
        TaxonomyKind::Frameworks,
    ] {
        let prefix = format!("/{}/", kind.path());
        let bars: Vec<_> = tags(html, "a")
            .into_iter()
            .filter(|a| a.contains_key("data-count") && a["href"].starts_with(&prefix))
            .collect();
        let terms = &site.taxonomy(kind).terms;
        let own = bars.iter().filter(|b| b["href"] != prefix).count();
        assert_eq!(own, terms.len().min(12), "{kind:?}: bars of their own");
        for bar in bars.iter().filter(|b| b["href"] != prefix) {
            let page = format!("{}index.html", &bar["href"][1..]);
            let listed = row_slugs(built.page(&page)).len();
            assert_eq!(count(bar), listed, "{page}");
        }
        // The chart's bars, in order, are the most used terms.
        let counts: Vec<usize> = bars.iter().take(own).map(count).collect();
        let mut sorted = counts.clone();
        sorted.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(counts, sorted, "{kind:?}: most used first");
        if let Some(other) = bars.iter().find(|b| b["href"] == prefix) {
            let rest: std::collections::BTreeSet<usize> = terms[own..]
                .iter()
                .flat_map(|t| t.articles.iter().copied())
                .collect();
            assert_eq!(count(other), rest.len(), "{kind:?}: other");
        }
    }
}

fn dl4m(args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_dl4m"))
        .args(args)
        .output()
        .expect("dl4m runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn export(format: &str, data: &Path) -> String {
    let out = dl4m(&["export", format, "--data", data.to_str().unwrap()]);
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn model(data: &Path) -> Site {
    dl4m::check(&dl4m::Options {
        data: Some(data.to_path_buf()),
        ..dl4m::Options::default()
    })
    .expect("the data loads")
    .site
}

#[test]
fn tsv_export_reads_back_with_the_csv_crate() {
    let Some(dir) = corpus("latest") else { return };
    let site = model(&dir);
    let text = export("tsv", &dir);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .from_reader(text.as_bytes());
    let header = reader.headers().expect("a header").clone();
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (title, year, doi, slug) = (
        column("Title"),
        column("Year"),
        column("DOI"),
        column("Slug"),
    );
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("every row reads");
    assert_eq!(rows.len(), site.articles.len(), "one row per article");
    for (row, a) in rows.iter().zip(&site.articles) {
        assert_eq!(row.len(), header.len());
        assert_eq!(&row[slug], a.slug);
        assert_eq!(&row[title], a.title);
        assert_eq!(row[year].parse::<i32>().ok(), a.year, "{}", a.title);
        assert_eq!(
            Some(&row[doi]).filter(|d| !d.is_empty()),
            a.doi.as_deref(),
            "{}",
            a.title
        );
    }
    // Written to a file with --out, the same bytes.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("list.tsv");
    dl4m(&[
        "export",
        "tsv",
        "--data",
        dir.to_str().unwrap(),
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
}

/// What a reader compares between two loads of the same list. Two quirks
/// of the BibTeX side are evened out: a venue of `No` (a placeholder a table
/// cell drops) and a `link` field repeating the DOI.
fn summary(a: &Article) -> String {
    let venue = a
        .venue
        .as_deref()
        .filter(|v| !dl4m::values::is_placeholder(v));
    let mut links: Vec<&String> = Vec::new();
    for l in &a.links {
        if !links.contains(&&l.url) {
            links.push(&l.url);
        }
    }
    let names = |kind| {
        a.terms(kind)
            .iter()
            .map(|t| t.name.clone())
            .collect::<Vec<_>>()
            .join("|")
    };
    format!(
        "{} / {} / {:?} / {:?} / {:?} / {} / code {:?} / {} / {} / {} / {} / {:?} / {:?}",
        a.slug,
        a.title,
        a.year,
        a.doi,
        venue,
        a.authors
            .iter()
            .map(|p| p.display.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        a.code.iter().map(|l| &l.url).collect::<Vec<_>>(),
        names(TaxonomyKind::Tasks),
        names(TaxonomyKind::Datasets),
        names(TaxonomyKind::Architectures),
        names(TaxonomyKind::Frameworks),
        links,
        a.abstract_text,
    )
}

#[test]
fn tsv_export_is_a_data_table_that_gives_the_same_list() {
    let Some(dir) = corpus("latest") else { return };
    let site = model(&dir);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("list.tsv"), export("tsv", &dir)).unwrap();
    let checked = dl4m::check(&dl4m::Options {
        data: Some(data.clone()),
        ..dl4m::Options::default()
    })
    .expect("the export loads");
    assert_eq!(
        checked.diagnostics.errors(),
        0,
        "{:?}",
        checked.diagnostics.sorted()
    );
    let again = &checked.site;
    assert_eq!(again.articles.len(), site.articles.len());
    for (a, b) in site.articles.iter().zip(&again.articles) {
        assert_eq!(summary(b), summary(a));
        assert_eq!(
            b.notes_html.as_deref().map(str::trim),
            a.notes_html.as_deref().map(str::trim),
            "{}",
            a.slug
        );
        for d in &a.details {
            assert!(
                b.details
                    .iter()
                    .any(|x| x.label == d.label && x.value == d.value),
                "{}: {} = {}",
                a.slug,
                d.label,
                d.value
            );
        }
    }
    for kind in TaxonomyKind::ALL {
        assert_eq!(
            again.taxonomy(kind).terms.len(),
            site.taxonomy(kind).terms.len(),
            "{kind:?}"
        );
    }
}

/// A README table row: its cells, split on the pipes that are not escaped.
fn cells(row: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut escaped = false;
    for c in row.trim().trim_matches('|').chars() {
        match c {
            '|' if !escaped => cells.push(String::new()),
            _ => {
                if let Some(cell) = cells.last_mut() {
                    cell.push(c);
                }
            }
        }
        escaped = c == '\\' && !escaped;
    }
    cells.into_iter().map(|c| c.trim().to_string()).collect()
}

/// `[text](url)` links of a Markdown cell, text unescaped.
fn markdown_links(cell: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = cell;
    while let Some(start) = rest.find('[') {
        let mut text = String::new();
        let mut chars = rest[start + 1..].char_indices();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, next)) = chars.next() {
                        text.push(next);
                    }
                }
                ']' => {
                    end = Some(start + 1 + i);
                    break;
                }
                c => text.push(c),
            }
        }
        let Some(end) = end else { break };
        let after = &rest[end + 1..];
        let Some(url) = after.strip_prefix('(').and_then(|u| u.split(')').next()) else {
            rest = after;
            continue;
        };
        out.push((text, url.to_string()));
        rest = &after[url.len() + 2..];
    }
    out
}

#[test]
fn readme_export_has_a_row_per_article_with_its_link_and_code() {
    let Some(dir) = corpus("latest") else { return };
    let site = model(&dir);
    let text = export("readme", &dir);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("| Year |  Articles, Thesis and Reports | Code |")
    );
    assert_eq!(
        lines.next(),
        Some("|------|-------------------------------|------|")
    );
    let rows: Vec<Vec<String>> = lines.map(cells).collect();
    assert_eq!(rows.len(), site.articles.len(), "one row per article");
    let mut read: Vec<String> = Vec::new();
    let mut years = Vec::new();
    for row in &rows {
        assert_eq!(row.len(), 3, "{row:?}");
        let links = markdown_links(&row[1]);
        let (title, link) = match links.as_slice() {
            [(title, url)] => (title.clone(), Some(url.clone())),
            [] => (row[1].replace('\\', ""), None),
            more => panic!("one link per title: {more:?}"),
        };
        let code: Vec<String> = if row[2] == "No" {
            Vec::new()
        } else {
            markdown_links(&row[2])
                .into_iter()
                .map(|(_, u)| u)
                .collect()
        };
        years.push(row[0].parse::<i32>().ok());
        read.push(format!("{} / {title} / {link:?} / {code:?}", row[0]));
    }
    let dated: Vec<i32> = years.iter().flatten().copied().collect();
    assert!(dated.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    let mut expected: Vec<String> = site
        .articles
        .iter()
        .map(|a| {
            let doi = a.doi.as_ref().map(|d| format!("https://doi.org/{d}"));
            let link = a
                .links
                .iter()
                .find(|l| Some(&l.url) != doi.as_ref())
                .or(a.links.first())
                .map(|l| l.url.replace(' ', "%20"));
            let code: Vec<&str> = a.code.iter().map(|l| l.url.as_str()).collect();
            format!(
                "{} / {} / {link:?} / {code:?}",
                a.year.map(|y| y.to_string()).unwrap_or_default(),
                a.title
            )
        })
        .collect();
    expected.sort();
    read.sort();
    assert_eq!(read, expected);
    // Every article with code has a code link, the others say "No".
    let with_code = rows.iter().filter(|r| r[2] != "No").count();
    assert_eq!(with_code, site.stats.with_code);
}
