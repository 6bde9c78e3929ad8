//! Metadata that scholarly tools read from an article page: Highwire
//! `citation_*` tags (Google Scholar, Zotero), OpenGraph and Twitter cards,
//! and schema.org `ScholarlyArticle` JSON-LD.
//!
//! Tag values go through Tera's autoescaping like any other text; the
//! JSON-LD is made safe for a `<script>` element by [`script_json`].

use super::cite::split_pages;
use crate::model::{Article, Person};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// One `<meta>` tag: `name="…"` (or `property="…"` for OpenGraph) and its content.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct MetaTag {
    /// `name` or `property`.
    pub(crate) attr: &'static str,
    pub(crate) key: &'static str,
    pub(crate) content: String,
}

/// Everything an article page puts in its `<head>` for machines.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HeadMeta {
    pub(crate) tags: Vec<MetaTag>,
    /// The JSON-LD, escaped for a `<script>` element ([`script_json`]).
    pub(crate) json_ld: String,
}

/// Where an article page lives and what the site is called.
pub(crate) struct PageInfo<'a> {
    /// The page's absolute URL, when the site has an absolute base URL.
    pub(crate) url: Option<&'a str>,
    pub(crate) site_title: &'a str,
    /// A one-line description of the page (title, authors, year).
    pub(crate) description: &'a str,
}

/// Entry types whose venue is a conference (`citation_conference_title`).
fn is_conference(entry_type: &str) -> bool {
    matches!(entry_type, "inproceedings" | "conference" | "proceedings")
}

/// Entry types whose venue is a journal (`citation_journal_title`).
fn is_journal(entry_type: &str) -> bool {
    matches!(entry_type, "article" | "periodical")
}

/// Whether a link points at a PDF file (`….pdf`, arXiv's `/pdf/` links).
pub(crate) fn is_pdf(url: &str) -> bool {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    path.ends_with(".pdf") || path.contains("arxiv.org/pdf/")
}

/// Builds the tags and JSON-LD of one article page.
pub(crate) fn head_meta(a: &Article, page: &PageInfo) -> HeadMeta {
    let mut tags = Tags::default();
    tags.highwire(a, page);
    tags.cards(a, page);
    HeadMeta {
        tags: tags.0,
        json_ld: script_json(&json_ld(a, page.url)),
    }
}

/// The tags of a page, in the order they are added; empty ones are left out.
#[derive(Default)]
struct Tags(Vec<MetaTag>);

impl Tags {
    fn add(&mut self, attr: &'static str, key: &'static str, content: &str) {
        let content = content.trim();
        if !content.is_empty() {
            self.0.push(MetaTag {
                attr,
                key,
                content: content.to_string(),
            });
        }
    }

    /// Highwire Press tags, as Google Scholar's inclusion guidelines list them.
    fn highwire(&mut self, a: &Article, page: &PageInfo) {
        self.add("name", "citation_title", &a.title);
        for p in &a.authors {
            let name = if p.given.is_empty() {
                p.family.clone()
            } else {
                format!("{}, {}", p.family, p.given)
            };
            self.add("name", "citation_author", &name);
        }
        if let Some(year) = a.year {
            self.add("name", "citation_publication_date", &year.to_string());
        }
        if let Some(venue) = &a.venue {
            self.add("name", venue_tag(&a.entry_type), venue);
        }
        if let Some(v) = &a.volume {
            self.add("name", "citation_volume", v);
        }
        if let Some(n) = &a.number {
            self.add("name", "citation_issue", n);
        }
        if let Some(pages) = &a.pages {
            let (first, last) = split_pages(pages);
            self.add("name", "citation_firstpage", first);
            if let Some(last) = last {
                self.add("name", "citation_lastpage", last);
            }
        }
        if let Some(p) = &a.publisher {
            self.add("name", "citation_publisher", p);
        }
        if let Some(doi) = &a.doi {
            self.add("name", "citation_doi", doi);
        }
        if let Some(pdf) = a.links.iter().find(|l| is_pdf(&l.url)) {
            self.add("name", "citation_pdf_url", &pdf.url);
        }
        if let Some(url) = page.url {
            self.add("name", "citation_abstract_html_url", url);
        }
    }

    /// OpenGraph and Twitter cards, for link previews.
    fn cards(&mut self, a: &Article, page: &PageInfo) {
        let summary = a
            .abstract_text
            .as_deref()
            .map_or_else(|| page.description.to_string(), |s| shorten(s, 300));
        self.add("property", "og:type", "article");
        self.add("property", "og:title", &a.title);
        self.add("property", "og:description", &summary);
        self.add("property", "og:site_name", page.site_title);
        if let Some(url) = page.url {
            self.add("property", "og:url", url);
        }
        self.add("name", "twitter:card", "summary");
        self.add("name", "twitter:title", &a.title);
        self.add("name", "twitter:description", &summary);
    }
}

/// The Highwire tag that names the venue of an entry type.
fn venue_tag(entry_type: &str) -> &'static str {
    if is_journal(entry_type) {
        "citation_journal_title"
    } else if is_conference(entry_type) {
        "citation_conference_title"
    } else if matches!(entry_type, "phdthesis" | "mastersthesis" | "thesis") {
        "citation_dissertation_institution"
    } else if matches!(entry_type, "techreport" | "report") {
        "citation_technical_report_institution"
    } else {
        "citation_inbook_title"
    }
}

/// `text` cut at a word boundary to at most `max` characters, with an ellipsis.
fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let mut out = String::new();
    for word in text.split(' ') {
        if out.chars().count() + word.chars().count() + 1 > max - 1 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('\u{2026}');
    out
}

/// The schema.org `ScholarlyArticle` of an article.
pub(crate) fn json_ld(a: &Article, url: Option<&str>) -> Value {
    let mut o = Map::new();
    o.insert("@context".into(), json!("https://schema.org"));
    o.insert("@type".into(), json!("ScholarlyArticle"));
    if let Some(url) = url {
        o.insert("@id".into(), json!(url));
        o.insert("url".into(), json!(url));
    }
    o.insert("headline".into(), json!(a.title));
    o.insert("name".into(), json!(a.title));
    let authors: Vec<Value> = a.authors.iter().map(person).collect();
    if !authors.is_empty() {
        o.insert("author".into(), Value::Array(authors));
    }
    if let Some(year) = a.year {
        o.insert("datePublished".into(), json!(year.to_string()));
    }
    if let Some(part_of) = part_of(a) {
        o.insert("isPartOf".into(), part_of);
    }
    if let Some(pages) = &a.pages {
        insert_pages(&mut o, pages);
    }
    if let Some(p) = &a.publisher {
        o.insert(
            "publisher".into(),
            json!({"@type": "Organization", "name": p}),
        );
    }
    if let Some(doi) = &a.doi {
        o.insert("sameAs".into(), json!(format!("https://doi.org/{doi}")));
        o.insert(
            "identifier".into(),
            json!({"@type": "PropertyValue", "propertyID": "DOI", "value": doi}),
        );
    }
    if let Some(abstract_text) = &a.abstract_text {
        o.insert("abstract".into(), json!(abstract_text));
    }
    if !a.tasks.is_empty() {
        let names: Vec<&str> = a.tasks.iter().map(|t| t.name.as_str()).collect();
        o.insert("keywords".into(), json!(names.join(", ")));
    }
    Value::Object(o)
}

/// A schema.org `Person`.
fn person(p: &Person) -> Value {
    let mut person = Map::new();
    person.insert("@type".into(), json!("Person"));
    person.insert("name".into(), json!(p.display));
    if !p.given.is_empty() {
        person.insert("givenName".into(), json!(p.given));
    }
    person.insert("familyName".into(), json!(p.family));
    Value::Object(person)
}

/// `pageStart` and `pageEnd` of a range, or `pagination` for one page.
fn insert_pages(o: &mut Map<String, Value>, pages: &str) {
    match split_pages(pages) {
        (first, Some(last)) => {
            o.insert("pageStart".into(), json!(first));
            o.insert("pageEnd".into(), json!(last));
        }
        (first, None) => {
            o.insert("pagination".into(), json!(first));
        }
    }
}

/// What the article is part of: a journal issue (volume, periodical) or
/// the proceedings or book it appeared in.
fn part_of(a: &Article) -> Option<Value> {
    let venue = a.venue.as_deref()?;
    if is_journal(&a.entry_type) {
        let mut container = json!({"@type": "Periodical", "name": venue});
        if let Some(volume) = &a.volume {
            container = json!({"@type": "PublicationVolume", "volumeNumber": volume, "isPartOf": container});
        }
        if let Some(number) = &a.number {
            container =
                json!({"@type": "PublicationIssue", "issueNumber": number, "isPartOf": container});
        }
        Some(container)
    } else if is_conference(&a.entry_type)
        || matches!(a.entry_type.as_str(), "incollection" | "inbook")
    {
        Some(json!({"@type": "Book", "name": venue}))
    } else {
        Some(json!({"@type": "CreativeWork", "name": venue}))
    }
}

/// JSON that can sit inside `<script>`: `<`, `>` and `&` (and the line
/// separators JavaScript once rejected) become `\u` escapes, so no value can
/// close the element or open a comment. The result is still the same JSON.
pub(crate) fn script_json(value: &Value) -> String {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "{}".into());
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_in_script_cannot_close_it() {
        let v = json!({"t": "</script><script>alert(1)</script> & <!--"});
        let s = script_json(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn pdf_links_are_recognised() {
        assert!(is_pdf("https://x.org/paper.PDF"));
        assert!(is_pdf("https://arxiv.org/pdf/1706.02361"));
        assert!(is_pdf("https://x.org/a.pdf?download=1"));
        assert!(!is_pdf("https://arxiv.org/abs/1706.02361"));
    }

    #[test]
    fn long_abstracts_are_shortened_at_a_word() {
        let s = shorten(&"word ".repeat(100), 30);
        assert!(s.chars().count() <= 30, "{s}");
        assert!(s.ends_with("word\u{2026}"));
        assert_eq!(shorten("short", 30), "short");
    }
}
