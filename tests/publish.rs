//! Publishing outputs of a built site, read back the way the tools that use
//! them would: `sitemap.xml` and `atom.xml` parsed as XML, every article
//! page's `citation_*` tags and JSON-LD parsed and checked against the
//! model, `dl4m.bib` and each article's `.bib` re-read with the project's own
//! BibTeX loader, `dl4m.json` parsed as CSL-JSON.

mod common;

use common::{Built, build, corpus, shipped_data, unescape};
use dl4m::model::Article;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const BASE: &str = "https://example.org/dl4m/";
const ATOM: &str = "http://www.w3.org/2005/Atom";
const SITEMAP: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

fn latest() -> Option<Built> {
    corpus("latest").map(|dir| build(&dir, Some(BASE)))
}

fn article_url(a: &Article) -> String {
    format!("{BASE}articles/{}/", a.slug)
}

/// The `<meta>` tags of a page as (name or property, content), in order.
fn meta_tags(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in html.split("<meta ").skip(1) {
        let tag = attributes(part);
        let key = tag.get("name").or_else(|| tag.get("property"));
        if let (Some(key), Some(content)) = (key, tag.get("content")) {
            out.push((key.clone(), content.clone()));
        }
    }
    out
}

/// The attributes at the start of `s` (just after a tag name), up to `>`.
fn attributes(s: &str) -> BTreeMap<String, String> {
    let mut attrs = BTreeMap::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() && !rest.starts_with('>') && !rest.starts_with("/>") {
        let name_end = rest
            .find(|c: char| c == '=' || c == '>' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = &rest[name_end..];
        let value = if let Some(after) = rest.strip_prefix('=') {
            let (value, after) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let end = after[1..].find(q).map_or(after.len(), |i| i + 1);
                    (&after[1..end], &after[(end + 1).min(after.len())..])
                }
                _ => {
                    let end = after
                        .find(|c: char| c == '>' || c.is_whitespace())
                        .unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            rest = after;
            unescape(value)
        } else {
            String::new()
        };
        attrs.insert(name, value);
        rest = rest.trim_start();
    }
    attrs
}

/// The text of every `<script type=application/ld+json>` element.
fn json_ld(html: &str) -> Vec<&str> {
    html.split("<script ")
        .skip(1)
        .filter(|part| {
            let head = &part[..part.find('>').unwrap_or(0)];
            attributes(head).get("type").map(String::as_str) == Some("application/ld+json")
        })
        .map(|part| {
            let body = &part[part.find('>').map_or(0, |i| i + 1)..];
            &body[..body.find("</script").unwrap_or(body.len())]
        })
        .collect()
}

#[test]
fn the_sitemap_lists_every_page_and_only_pages_that_exist() {
    let Some(built) = latest() else { return };
    let xml = built.page("sitemap.xml");
    let doc = roxmltree::Document::parse(xml).expect("sitemap.xml is XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(root.tag_name().namespace(), Some(SITEMAP));
    let locs: Vec<String> = root
        .children()
        .filter(|n| n.has_tag_name((SITEMAP, "url")))
        .map(|url| {
            url.children()
                .find(|n| n.has_tag_name((SITEMAP, "loc")))
                .and_then(|n| n.text())
                .expect("every <url> has a <loc>")
                .to_string()
        })
        .collect();
    let unique: BTreeSet<&String> = locs.iter().collect();
    assert_eq!(unique.len(), locs.len(), "no URL is listed twice");
    for loc in &locs {
        let dir = loc
            .strip_prefix(BASE)
            .unwrap_or_else(|| panic!("{loc} is not under {BASE}"));
        assert!(
            built.out.join(dir).join("index.html").is_file(),
            "{loc} is in the sitemap but {dir}index.html was not written"
        );
    }
    let pages: BTreeSet<String> = built
        .files
        .keys()
        .filter(|p| p.ends_with("index.html"))
        .map(|p| format!("{BASE}{}", p.trim_end_matches("index.html")))
        .collect();
    assert_eq!(
        unique.into_iter().cloned().collect::<BTreeSet<_>>(),
        pages,
        "the sitemap lists exactly the HTML pages (not 404.html)"
    );
    for a in &built.checked.site.articles {
        assert!(locs.contains(&article_url(a)), "{} is missing", a.slug);
    }
    let robots = built.page("robots.txt");
    assert!(
        robots.contains(&format!("Sitemap: {BASE}sitemap.xml")),
        "{robots}"
    );
}

#[test]
fn the_atom_feed_is_valid_and_lists_the_latest_additions() {
    let Some(built) = latest() else { return };
    let xml = built.page("atom.xml");
    let doc = roxmltree::Document::parse(xml).expect("atom.xml is XML");
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")));
    let child = |n: roxmltree::Node, name: &str| {
        n.children()
            .find(|c| c.has_tag_name((ATOM, name)))
            .and_then(|c| c.text())
            .map(str::to_string)
    };
    for required in ["id", "title", "updated"] {
        assert!(child(feed, required).is_some(), "the feed has <{required}>");
    }
    let is_timestamp = |s: &str| {
        s.len() == 20 && s.ends_with('Z') && s.as_bytes()[4] == b'-' && s.as_bytes()[10] == b'T'
    };
    assert!(is_timestamp(&child(feed, "updated").unwrap_or_default()));
    let entries: Vec<roxmltree::Node> = feed
        .children()
        .filter(|n| n.has_tag_name((ATOM, "entry")))
        .collect();
    let site = &built.checked.site;
    assert_eq!(entries.len(), site.articles.len().min(50));
    // Later in the data is newer: the feed starts with the last entry.
    let mut by_position: Vec<&Article> = site.articles.iter().collect();
    by_position.sort_by_key(|a| std::cmp::Reverse(a.position));
    let mut ids = BTreeSet::new();
    for (entry, a) in entries.iter().zip(&by_position) {
        let id = child(*entry, "id").expect("entry <id>");
        assert_eq!(id, article_url(a), "entries follow the data, newest first");
        assert!(ids.insert(id.clone()), "{id} is not unique");
        assert_eq!(child(*entry, "title").as_deref(), Some(a.title.as_str()));
        assert!(is_timestamp(&child(*entry, "updated").unwrap_or_default()));
        let href = entry
            .children()
            .find(|c| c.has_tag_name((ATOM, "link")))
            .and_then(|l| l.attribute("href"))
            .expect("entry <link href>");
        let dir = href.strip_prefix(BASE).expect("absolute link");
        assert!(built.out.join(dir).join("index.html").is_file(), "{href}");
        let authors = entry
            .children()
            .filter(|c| c.has_tag_name((ATOM, "author")))
            .count();
        assert_eq!(authors, a.authors.len(), "{}", a.slug);
    }
    let home = built.page("index.html");
    assert!(
        home.contains("application/atom+xml") && home.contains("/dl4m/atom.xml"),
        "the home page links its feed"
    );
}

#[test]
fn article_pages_carry_scholar_tags_and_json_ld() {
    let Some(built) = latest() else { return };
    for a in &built.checked.site.articles {
        let html = built.page(&format!("articles/{}/index.html", a.slug));
        let tags = meta_tags(html);
        let values = |key: &str| -> Vec<&str> {
            tags.iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .collect()
        };
        assert_eq!(values("citation_title"), [a.title.as_str()], "{}", a.slug);
        let authors: Vec<String> = a
            .authors
            .iter()
            .map(|p| {
                if p.given.is_empty() {
                    p.family.clone()
                } else {
                    format!("{}, {}", p.family, p.given)
                }
            })
            .collect();
        assert_eq!(values("citation_author"), authors, "{}", a.slug);
        let year = a.year.map(|y| y.to_string());
        assert_eq!(
            values("citation_publication_date"),
            year.iter().map(String::as_str).collect::<Vec<_>>()
        );
        assert_eq!(
            values("citation_doi"),
            a.doi.iter().map(String::as_str).collect::<Vec<_>>()
        );
        if a.venue.is_some() && a.entry_type == "article" {
            assert_eq!(values("citation_journal_title").len(), 1, "{}", a.slug);
        }
        if a.venue.is_some() && a.entry_type == "inproceedings" {
            assert_eq!(values("citation_conference_title").len(), 1, "{}", a.slug);
        }
        assert_eq!(values("citation_abstract_html_url"), [article_url(a)]);
        assert_eq!(values("og:url"), [article_url(a)]);
        assert!(
            html.contains(&format!("rel=canonical href={}", article_url(a)))
                || html.contains(&format!("rel=\"canonical\" href=\"{}\"", article_url(a)))
                || html.contains(&format!("href={} rel=canonical", article_url(a))),
            "{}: canonical link",
            a.slug
        );

        let scripts = json_ld(html);
        assert_eq!(scripts.len(), 1, "{}: one JSON-LD script", a.slug);
        let ld: Value = serde_json::from_str(scripts[0])
            .unwrap_or_else(|e| panic!("{}: JSON-LD does not parse: {e}", a.slug));
        assert_eq!(ld["@context"], "https://schema.org");
        assert_eq!(ld["@type"], "ScholarlyArticle");
        assert_eq!(ld["headline"], a.title.as_str());
        assert_eq!(ld["url"], article_url(a).as_str());
        let families: Vec<&str> = ld["author"]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|p| p["familyName"].as_str())
                    .collect()
            })
            .unwrap_or_default();
        let expected: Vec<&str> = a.authors.iter().map(|p| p.family.as_str()).collect();
        assert_eq!(families, expected, "{}", a.slug);
        if let Some(list) = ld["author"].as_array() {
            assert!(list.iter().all(|p| p["@type"] == "Person"));
        }
        assert_eq!(ld["datePublished"].as_str(), year.as_deref(), "{}", a.slug);
        let same_as = a.doi.as_ref().map(|d| format!("https://doi.org/{d}"));
        assert_eq!(ld["sameAs"].as_str(), same_as.as_deref(), "{}", a.slug);
        if a.venue.is_some() {
            assert!(ld["isPartOf"]["@type"].is_string(), "{}: isPartOf", a.slug);
        }
    }
}

#[test]
fn the_bibliography_reads_back_with_the_projects_loader() {
    let Some(built) = latest() else { return };
    let site = &built.checked.site;
    let mut diags = dl4m::diag::Diagnostics::default();
    let entries = dl4m::load::bibtex::parse("dl4m.bib", built.page("dl4m.bib"), &mut diags);
    assert_eq!(diags.errors(), 0, "{:?}", diags.sorted());
    assert_eq!(diags.warnings(), 0, "{:?}", diags.sorted());
    assert_eq!(entries.len(), site.articles.len(), "one entry per article");
    let keys: BTreeSet<String> = entries.iter().map(|e| e.key.to_lowercase()).collect();
    assert_eq!(keys.len(), entries.len(), "keys are unique");
    let years: Vec<Option<i32>> = entries
        .iter()
        .map(|e| e.get("year").and_then(|y| y.parse().ok()))
        .collect();
    let mut sorted = years.clone();
    sorted.sort_by_key(|y| (y.is_none(), *y));
    assert_eq!(years, sorted, "dl4m.bib is sorted by year");

    // Each article, found by its own key where it has a usable one.
    let by_key: BTreeMap<&str, &dl4m::load::bibtex::BibEntry> =
        entries.iter().map(|e| (e.key.as_str(), e)).collect();
    let mut with_own_key = 0;
    for a in &site.articles {
        let per_article = built.page(&format!("articles/{0}/{0}.bib", a.slug));
        let mut d = dl4m::diag::Diagnostics::default();
        let own = dl4m::load::bibtex::parse("a.bib", per_article, &mut d);
        assert_eq!(d.errors() + d.warnings(), 0, "{}: {:?}", a.slug, d.sorted());
        assert_eq!(own.len(), 1, "{}: one entry", a.slug);
        let entry = &own[0];
        assert_eq!(
            by_key.get(entry.key.as_str()).map(|e| e.get("title")),
            Some(entry.get("title")),
            "{}: the per-article entry is the one in dl4m.bib",
            a.slug
        );
        if a.key.as_deref() == Some(entry.key.as_str()) {
            with_own_key += 1;
        }
        assert_eq!(entry.get("title"), Some(a.title.as_str()), "{}", a.slug);
        assert_eq!(
            entry.get("year").and_then(|y| y.parse::<i32>().ok()),
            a.year,
            "{}",
            a.slug
        );
        assert_eq!(entry.authors.len(), a.authors.len(), "{}", a.slug);
        for (name, person) in entry.authors.iter().zip(&a.authors) {
            let family = [name.prefix.as_str(), name.family.as_str()]
                .iter()
                .filter(|p| !p.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            assert_eq!(family, person.family, "{}", a.slug);
            assert_eq!(name.given, person.given, "{}", a.slug);
        }
        assert_eq!(entry.get("doi"), a.doi.as_deref(), "{}", a.slug);
        assert_eq!(entry.kind, a.entry_type, "{}", a.slug);
    }
    // The input's keys survive: every article read from BibTeX keeps its key.
    let from_bibtex = site.articles.iter().filter(|a| a.key.is_some()).count();
    assert_eq!(with_own_key, from_bibtex, "input keys are kept");
}

#[test]
fn the_csl_json_export_matches_the_model() {
    let Some(built) = latest() else { return };
    let site = &built.checked.site;
    let items: Vec<Value> = serde_json::from_str(built.page("dl4m.json")).expect("dl4m.json");
    assert_eq!(items.len(), site.articles.len());
    let by_title: BTreeMap<&str, &Article> = site
        .articles
        .iter()
        .map(|a| (a.title.as_str(), a))
        .collect();
    let ids: BTreeSet<&str> = items.iter().filter_map(|i| i["id"].as_str()).collect();
    assert_eq!(ids.len(), items.len(), "ids are unique");
    for item in &items {
        let title = item["title"].as_str().expect("title");
        let a = by_title.get(title).unwrap_or_else(|| panic!("{title}"));
        assert!(item["type"].is_string());
        assert_eq!(
            item["issued"]["date-parts"][0][0].as_i64(),
            a.year.map(i64::from),
            "{title}"
        );
        assert_eq!(item["DOI"].as_str(), a.doi.as_deref(), "{title}");
        assert_eq!(item["container-title"].as_str(), a.venue.as_deref());
        let families: Vec<&str> = item["author"]
            .as_array()
            .map(|l| {
                l.iter()
                    .filter_map(|p| p["family"].as_str().or(p["literal"].as_str()))
                    .collect()
            })
            .unwrap_or_default();
        let expected: Vec<&str> = a.authors.iter().map(|p| p.family.as_str()).collect();
        assert_eq!(families, expected, "{title}");
        let types = [
            "article",
            "article-journal",
            "paper-conference",
            "book",
            "chapter",
            "thesis",
            "report",
            "manuscript",
            "webpage",
            "patent",
            "dataset",
            "software",
        ];
        assert!(types.contains(&item["type"].as_str().unwrap_or("")));
    }
}

#[test]
fn without_an_absolute_base_url_there_is_no_sitemap_or_feed() {
    let built = build(&shipped_data(), None);
    assert!(!built.files.contains_key("sitemap.xml"));
    assert!(!built.files.contains_key("atom.xml"));
    let robots = built.page("robots.txt");
    assert!(!robots.contains("Sitemap"), "{robots}");
    assert!(!built.page("index.html").contains("atom.xml"));
    // The exports do not need a base URL.
    assert!(built.files.contains_key("dl4m.bib"));
    assert!(built.files.contains_key("dl4m.json"));
    let page = built.page("articles/pons2017timbre/index.html");
    assert!(page.contains("pons2017timbre.bib"), "the download link");
    assert!(
        built
            .files
            .contains_key("articles/pons2017timbre/pons2017timbre.bib")
    );
    let tags = meta_tags(page);
    assert!(tags.iter().any(|(k, _)| k == "citation_title"));
    assert!(
        !tags
            .iter()
            .any(|(k, _)| k == "og:url" || k == "citation_abstract_html_url")
    );
    assert_eq!(common::broken_links(&built, "/"), Vec::<String>::new());
}

#[test]
fn hostile_titles_cannot_end_the_json_ld_script() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let built = build(&dir, Some(BASE));
    for a in &built.checked.site.articles {
        let html = built.page(&format!("articles/{}/index.html", a.slug));
        let scripts = json_ld(html);
        assert_eq!(scripts.len(), 1, "{}", a.slug);
        assert!(!scripts[0].contains('<'), "{}: {}", a.slug, scripts[0]);
        let ld: Value = serde_json::from_str(scripts[0]).expect("JSON-LD parses");
        assert_eq!(ld["headline"], a.title.as_str());
        let tags = meta_tags(html);
        assert!(tags.contains(&("citation_title".into(), a.title.clone())));
    }
    let script_title = built
        .checked
        .site
        .articles
        .iter()
        .find(|a| a.slug == "evil2020script")
        .expect("the fixture's <script> title");
    assert!(script_title.title.contains("</script>"));
    // Exactly the page's own scripts: search, cite and the JSON-LD.
    let html = built.page("articles/evil2020script/index.html");
    // (Read as a browser does: `<script>` in a quoted attribute or in
    // `<title>` is text.)
    let (elements, _) = common::elements_and_attributes(html);
    let scripts = elements.iter().filter(|e| *e == "script").count();
    assert_eq!(scripts, 3, "{html}");
    for file in ["sitemap.xml", "atom.xml"] {
        roxmltree::Document::parse(built.page(file)).expect("valid XML");
    }
}

#[test]
fn publishing_outputs_are_deterministic() {
    let Some(dir) = corpus("latest") else { return };
    let a = build(&dir, Some(BASE));
    let b = build(&dir, Some(BASE));
    for file in [
        "sitemap.xml",
        "atom.xml",
        "robots.txt",
        "dl4m.bib",
        "dl4m.json",
    ] {
        assert_eq!(a.page(file), b.page(file), "{file} differs between builds");
    }
}

#[test]
fn a_date_added_column_orders_the_feed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).expect("data folder");
    std::fs::write(
        data.join("list.bib"),
        "@article{a, title = {First & oldest}, author = {Doe, Jane}, year = 2010, journal = {J}}\n\
         @article{b, title = {Second}, author = {Roe, Rich}, year = 2012, journal = {J}}\n\
         @article{c, title = {Third}, author = {Poe, Edgar}, year = 2011, journal = {J}}\n",
    )
    .expect("bib");
    std::fs::write(
        data.join("list.csv"),
        "Key,Date added\na,2020-05-01\nb,2018-01-31\nc,2019-12-24\n",
    )
    .expect("csv");
    let built = build(&data, Some(BASE));
    let doc = roxmltree::Document::parse(built.page("atom.xml")).expect("atom.xml is XML");
    let feed = doc.root_element();
    let text = |n: roxmltree::Node, name: &str| {
        n.children()
            .find(|c| c.has_tag_name((ATOM, name)))
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_string()
    };
    let entries: Vec<(String, String)> = feed
        .children()
        .filter(|n| n.has_tag_name((ATOM, "entry")))
        .map(|e| (text(e, "title"), text(e, "updated")))
        .collect();
    assert_eq!(
        entries,
        [
            (
                "First & oldest".to_string(),
                "2020-05-01T00:00:00Z".to_string()
            ),
            ("Third".into(), "2019-12-24T00:00:00Z".into()),
            ("Second".into(), "2018-01-31T00:00:00Z".into()),
        ]
    );
    assert_eq!(text(feed, "updated"), "2020-05-01T00:00:00Z");
    assert!(built.page("atom.xml").contains("First &amp; oldest"));
}
