//! Citations from the model: normalised BibTeX, CSL-JSON and an APA-like
//! formatted reference.
//!
//! Everything here is built from the decoded fields of [`Article`], never
//! from the BibTeX text as written, so a table-only article cites as well as
//! one with an entry, and every output has one shape: the bibliographic
//! fields in a fixed order, values in braces, LaTeX's special characters
//! escaped. Curation fields (tasks, code, …) are the site's business and are
//! left out; the entry as written stays on the article page's source.

use crate::model::{Article, Person, Site};
use crate::output::Output;
use serde::Serialize;
use serde_json::{Map, Value, json};

/// The site-wide bibliography file, every article sorted by year.
pub(crate) const BIBLIOGRAPHY: &str = "dl4m.bib";
/// The site-wide CSL-JSON export.
pub(crate) const CSL_JSON: &str = "dl4m.json";

/// The BibTeX field that holds an entry type's venue.
fn venue_field(entry_type: &str) -> &'static str {
    match entry_type {
        "article" | "periodical" => "journal",
        "inproceedings" | "conference" | "incollection" | "inbook" | "proceedings" => "booktitle",
        "phdthesis" | "mastersthesis" | "thesis" => "school",
        "techreport" | "report" => "institution",
        _ => "howpublished",
    }
}

/// Escapes the characters LaTeX treats specially, for a brace-delimited value.
pub(crate) fn latex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A URL or DOI for a brace-delimited value: kept as written, except that
/// braces and backslashes, which would unbalance the value, are
/// percent-encoded.
fn verbatim(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '{' => "%7B".to_string(),
            '}' => "%7D".to_string(),
            '\\' => "%5C".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// A name as BibTeX reads it: `Family, Given`; a family-only name with
/// spaces (an organisation) is braced so it stays one name.
fn bib_name(p: &Person) -> String {
    let family = latex_escape(&p.family);
    let suffix = suffix(p).map(latex_escape);
    match (p.given.is_empty(), suffix) {
        (true, None) if family.contains(' ') => format!("{{{family}}}"),
        (true, None) => family,
        (true, Some(s)) => format!("{family}, {s}, "),
        (false, None) => format!("{family}, {}", latex_escape(&p.given)),
        (false, Some(s)) => format!("{family}, {s}, {}", latex_escape(&p.given)),
    }
}

/// The suffix (`Jr.`) of a name, which the model keeps only in its display form.
fn suffix(p: &Person) -> Option<&str> {
    let (before, after) = p.display.rsplit_once(", ")?;
    before.ends_with(p.family.as_str()).then_some(after)
}

/// Page ranges are written with a BibTeX en dash (`--`).
fn bib_pages(pages: &str) -> String {
    match split_pages(pages) {
        (first, Some(last)) => format!("{}--{}", latex_escape(first), latex_escape(last)),
        (first, None) => latex_escape(first),
    }
}

/// Splits a page range (`173--182`, `12-26`, `229–233`) into first and last
/// page; a single page has no last.
pub(crate) fn split_pages(pages: &str) -> (&str, Option<&str>) {
    let pages = pages.trim();
    let dash = pages
        .char_indices()
        .find(|&(_, c)| matches!(c, '-' | '\u{2013}' | '\u{2014}' | '\u{2010}' | '\u{2212}'));
    let Some((at, _)) = dash else {
        return (pages, None);
    };
    let first = pages[..at].trim();
    let last = pages[at..]
        .trim_start_matches(['-', '\u{2013}', '\u{2014}', '\u{2010}', '\u{2212}'])
        .trim();
    match (first.is_empty(), last.is_empty()) {
        (true, _) => (last, None),
        (false, true) => (first, None),
        (false, false) => (first, Some(last)),
    }
}

/// The first link to the article itself that is not its DOI.
fn url_of(a: &Article) -> Option<&str> {
    a.links
        .iter()
        .map(|l| l.url.as_str())
        .find(|u| !u.starts_with("https://doi.org/"))
}

/// The article's entry, normalised: fields in a fixed order, one per line.
pub(crate) fn bibtex(a: &Article) -> String {
    let fields = bib_fields(a);
    let mut out = format!("@{}{{{},\n", bib_entry_type(a), a.cite_key);
    let last = fields.len().saturating_sub(1);
    for (i, (name, value)) in fields.iter().enumerate() {
        out.push_str(&format!(
            "  {name:<9} = {{{value}}}{}\n",
            if i == last { "" } else { "," }
        ));
    }
    out.push_str("}\n");
    out
}

/// The bibliographic fields of an article, in the order [`bibtex`] writes
/// them, their values escaped for braces.
fn bib_fields(a: &Article) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&str, String)> = Vec::new();
    let names = |list: &[Person]| list.iter().map(bib_name).collect::<Vec<_>>().join(" and ");
    if !a.authors.is_empty() {
        fields.push(("author", names(&a.authors)));
    }
    fields.push(("title", latex_escape(&a.title)));
    if let Some(venue) = &a.venue {
        fields.push((venue_field(&a.entry_type), latex_escape(venue)));
    }
    if !a.editors.is_empty() {
        fields.push(("editor", names(&a.editors)));
    }
    if let Some(year) = a.year {
        fields.push(("year", year.to_string()));
    }
    let optional = [
        ("volume", a.volume.as_deref()),
        ("number", a.number.as_deref()),
    ];
    for (name, value) in optional {
        if let Some(v) = value {
            fields.push((name, latex_escape(v)));
        }
    }
    if let Some(pages) = &a.pages {
        fields.push(("pages", bib_pages(pages)));
    }
    if let Some(publisher) = &a.publisher {
        fields.push(("publisher", latex_escape(publisher)));
    }
    if let Some(doi) = &a.doi {
        fields.push(("doi", verbatim(doi)));
    }
    if let Some(url) = url_of(a) {
        fields.push(("url", verbatim(url)));
    }
    if let Some(abstract_text) = &a.abstract_text {
        fields.push(("abstract", latex_escape(abstract_text)));
    }
    fields
}

/// The entry type, letters and digits only, in lowercase; `misc` when none is left.
fn bib_entry_type(a: &Article) -> String {
    let entry_type: String = a
        .entry_type
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    if entry_type.is_empty() {
        "misc".to_string()
    } else {
        entry_type.to_ascii_lowercase()
    }
}

/// The CSL type of a BibTeX entry type.
pub(crate) fn csl_type(entry_type: &str) -> &'static str {
    match entry_type.to_ascii_lowercase().as_str() {
        "article" | "periodical" => "article-journal",
        "inproceedings" | "conference" => "paper-conference",
        "proceedings" | "book" | "mvbook" | "collection" | "manual" => "book",
        "incollection" | "inbook" | "bookinbook" | "suppbook" => "chapter",
        "phdthesis" | "mastersthesis" | "thesis" => "thesis",
        "techreport" | "report" => "report",
        "unpublished" => "manuscript",
        "online" | "electronic" | "www" => "webpage",
        "patent" => "patent",
        "dataset" => "dataset",
        "software" => "software",
        _ => "article",
    }
}

/// One CSL-JSON item; `page_url` is the article's page on the site.
pub(crate) fn csl_item(a: &Article, page_url: &str) -> Value {
    let mut item = Map::new();
    item.insert("id".into(), json!(a.cite_key));
    item.insert("type".into(), json!(csl_type(&a.entry_type)));
    item.insert("title".into(), json!(a.title));
    let people = |list: &[Person]| -> Value {
        list.iter()
            .map(|p| {
                let mut name = Map::new();
                if p.given.is_empty() {
                    name.insert("literal".into(), json!(p.family));
                } else {
                    name.insert("family".into(), json!(p.family));
                    name.insert("given".into(), json!(p.given));
                    if let Some(s) = suffix(p) {
                        name.insert("suffix".into(), json!(s));
                    }
                }
                Value::Object(name)
            })
            .collect()
    };
    if !a.authors.is_empty() {
        item.insert("author".into(), people(&a.authors));
    }
    if !a.editors.is_empty() {
        item.insert("editor".into(), people(&a.editors));
    }
    if let Some(year) = a.year {
        item.insert("issued".into(), json!({ "date-parts": [[year]] }));
    }
    let fields = [
        ("container-title", a.venue.as_deref()),
        ("volume", a.volume.as_deref()),
        ("issue", a.number.as_deref()),
        ("page", a.pages.as_deref()),
        ("publisher", a.publisher.as_deref()),
        ("DOI", a.doi.as_deref()),
        ("URL", Some(url_of(a).unwrap_or(page_url))),
        ("abstract", a.abstract_text.as_deref()),
    ];
    for (name, value) in fields {
        if let Some(v) = value {
            let v = if name == "page" {
                match split_pages(v) {
                    (first, Some(last)) => format!("{first}-{last}"),
                    (first, None) => first.to_string(),
                }
            } else {
                v.to_string()
            };
            item.insert(name.into(), Value::String(v));
        }
    }
    Value::Object(item)
}

/// A piece of a formatted citation: plain or italic text.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) text: String,
    pub(crate) italic: bool,
}

/// A formatted (APA-like) reference: as spans for the page, as plain text
/// for the clipboard.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct Citation {
    pub(crate) spans: Vec<Span>,
    pub(crate) text: String,
}

/// `Jordi` → `J.`, `Peter M.` → `P. M.`, `Jean-Pierre` → `J.-P.`, and
/// initials run together (`Yandre MG`) → `Y. M. G.`
fn initials(given: &str) -> String {
    given
        .split_whitespace()
        .map(|word| {
            let run_together =
                (2..=3).contains(&word.chars().count()) && word.chars().all(|c| c.is_uppercase());
            if run_together {
                return word
                    .chars()
                    .map(|c| format!("{c}."))
                    .collect::<Vec<_>>()
                    .join(" ");
            }
            word.split('-')
                .filter_map(|part| part.chars().find(|c| c.is_alphanumeric()))
                .map(|c| format!("{}.", c.to_uppercase()))
                .collect::<Vec<_>>()
                .join("-")
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Authors in APA style: `Family, G.`, comma-separated, `&` before the last;
/// past 20, the first 19, an ellipsis and the last.
fn apa_authors(people: &[Person]) -> String {
    let name = |p: &Person| {
        let init = initials(&p.given);
        let mut n = if init.is_empty() {
            p.family.clone()
        } else {
            format!("{}, {init}", p.family)
        };
        if let Some(s) = suffix(p) {
            n = format!("{n}, {s}");
        }
        n
    };
    let names: Vec<String> = people.iter().map(name).collect();
    match names.len() {
        0 => String::new(),
        1 => names[0].clone(),
        2 => format!("{}, & {}", names[0], names[1]),
        n if n <= 20 => format!("{}, & {}", names[..n - 1].join(", "), names[n - 1]),
        n => format!("{}, . . . {}", names[..19].join(", "), names[n - 1]),
    }
}

/// Adds a final full stop unless the text already ends a sentence.
fn sentence(s: &str) -> String {
    let s = s.trim();
    if s.ends_with(['.', '?', '!']) {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

/// The article as an APA-like reference:
/// `Family, G., & Other, A. (2017). Title. Journal, 12(4), 1–10. https://doi.org/…`
pub(crate) fn citation(a: &Article) -> Citation {
    let mut spans = Spans::default();
    let year = a.year.map_or_else(|| "n.d.".to_string(), |y| y.to_string());
    let authors = apa_authors(&a.authors);
    if authors.is_empty() {
        spans.plain(format!("{} ({year}). ", sentence(&a.title)));
    } else {
        let authors = if authors.ends_with('.') {
            authors
        } else {
            format!("{authors}.")
        };
        spans.plain(format!("{authors} ({year}). "));
        spans.plain(format!("{} ", sentence(&a.title)));
    }
    let is_journal = matches!(a.entry_type.as_str(), "article" | "periodical");
    if let Some(venue) = &a.venue {
        if is_journal {
            spans.journal(a, venue);
        } else {
            spans.container(a, venue);
        }
    }
    // APA names the publisher of books and proceedings, not of journals.
    if let Some(publisher) = a.publisher.as_ref().filter(|_| !is_journal) {
        spans.plain(format!("{} ", sentence(publisher)));
    }
    if let Some(doi) = &a.doi {
        spans.plain(format!("https://doi.org/{doi}"));
    } else if let Some(url) = url_of(a) {
        spans.plain(url.to_string());
    }
    spans.finish()
}

/// The spans of a citation as they are written, before neighbours of the
/// same style are merged.
#[derive(Default)]
struct Spans(Vec<Span>);

impl Spans {
    /// Plain text; nothing when it is empty.
    fn plain(&mut self, text: String) {
        if !text.is_empty() {
            self.styled(text, false);
        }
    }

    fn styled(&mut self, text: String, italic: bool) {
        self.0.push(Span { text, italic });
    }

    /// `Journal, 12(4), 1–10. `: the journal and the volume in italics.
    fn journal(&mut self, a: &Article, venue: &str) {
        self.styled(venue.trim().to_string(), true);
        if let Some(volume) = &a.volume {
            self.plain(", ".into());
            self.styled(volume.clone(), true);
        }
        if let Some(number) = &a.number {
            self.plain(format!("({number})"));
        }
        if let Some(pages) = apa_pages(a) {
            self.plain(format!(", {pages}"));
        }
        self.plain(". ".into());
    }

    /// `In Proceedings (pp. 1–10). ` for a part of a book or proceedings
    /// (the title in italics); else the venue as it is.
    fn container(&mut self, a: &Article, venue: &str) {
        let book = matches!(
            a.entry_type.as_str(),
            "inproceedings" | "conference" | "incollection" | "inbook"
        );
        if book {
            self.plain("In ".into());
        }
        self.styled(venue.trim().to_string(), book);
        match apa_pages(a) {
            Some(p) if book => self.plain(format!(" (pp. {p}). ")),
            _ => self.plain(". ".into()),
        }
    }

    /// The citation: neighbours of the same style merged, the end trimmed.
    fn finish(self) -> Citation {
        let mut merged: Vec<Span> = Vec::new();
        for span in self.0 {
            match merged.last_mut() {
                Some(last) if last.italic == span.italic => last.text.push_str(&span.text),
                _ => merged.push(span),
            }
        }
        if let Some(last) = merged.last_mut() {
            last.text = last.text.trim_end().to_string();
        }
        let text = merged.iter().map(|s| s.text.as_str()).collect();
        Citation {
            spans: merged,
            text,
        }
    }
}

/// A page range with an en dash (`1–10`), as APA writes it.
fn apa_pages(a: &Article) -> Option<String> {
    a.pages.as_deref().map(|p| match split_pages(p) {
        (first, Some(last)) => format!("{first}\u{2013}{last}"),
        (first, None) => first.to_string(),
    })
}

/// Per-article `.bib` files (`articles/<slug>/<slug>.bib`), the whole
/// bibliography sorted by year (undated last; then site order) and its
/// CSL-JSON export. `page_url` gives an article page's address.
pub(crate) fn files(site: &Site, page_url: impl Fn(&Article) -> String) -> Vec<Output> {
    let mut out: Vec<Output> = site
        .articles
        .iter()
        .map(|a| Output::new(bib_path(a), bibtex(a)))
        .collect();
    let mut order: Vec<usize> = (0..site.articles.len()).collect();
    order.sort_by_key(|&i| (site.articles[i].year.is_none(), site.articles[i].year));
    let mut all = String::new();
    for (n, &i) in order.iter().enumerate() {
        if n > 0 {
            all.push('\n');
        }
        all.push_str(&bibtex(&site.articles[i]));
    }
    out.push(Output::new(BIBLIOGRAPHY, all));
    // Item by item, so that only one item's JSON tree is alive at a time:
    // at 100,000 articles the trees of all items take over a gigabyte.
    let items = order
        .iter()
        .map(|&i| csl_item(&site.articles[i], &page_url(&site.articles[i])));
    let mut json = Vec::new();
    let mut serializer = serde_json::Serializer::pretty(&mut json);
    if serde::Serializer::collect_seq(&mut serializer, items).is_err() {
        json = b"[]".to_vec();
    }
    json.push(b'\n');
    out.push(Output::new(CSL_JSON, json));
    out
}

/// Where an article's `.bib` file goes, relative to the site root.
pub(crate) fn bib_path(a: &Article) -> String {
    format!("articles/{0}/{0}.bib", a.slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(given: &str, family: &str) -> Person {
        Person {
            given: given.into(),
            family: family.into(),
            display: format!("{given} {family}").trim().into(),
            slug: String::new(),
        }
    }

    fn article() -> Article {
        Article {
            slug: "pons2017timbre".into(),
            key: Some("pons2017timbre".into()),
            cite_key: "pons2017timbre".into(),
            entry_type: "inproceedings".into(),
            title: "Timbre analysis & 100% {fun}".into(),
            authors: vec![person("Jordi", "Pons"), person("Xavier", "Serra")],
            year: Some(2017),
            venue: Some("EUSIPCO".into()),
            pages: Some("173\u{2013}182".into()),
            doi: Some("10.1/x_y".into()),
            ..Article::default()
        }
    }

    #[test]
    fn page_ranges_split_on_any_dash() {
        assert_eq!(split_pages("173--182"), ("173", Some("182")));
        assert_eq!(split_pages("12-26"), ("12", Some("26")));
        assert_eq!(split_pages("229 \u{2013} 233"), ("229", Some("233")));
        assert_eq!(split_pages("e1001"), ("e1001", None));
        assert_eq!(split_pages("5-"), ("5", None));
        assert_eq!(split_pages(""), ("", None));
    }

    #[test]
    fn csl_types_follow_bibtex_types() {
        assert_eq!(csl_type("article"), "article-journal");
        assert_eq!(csl_type("inproceedings"), "paper-conference");
        assert_eq!(csl_type("InCollection"), "chapter");
        assert_eq!(csl_type("phdthesis"), "thesis");
        assert_eq!(csl_type("techreport"), "report");
        assert_eq!(csl_type("misc"), "article");
        assert_eq!(csl_type("whatever"), "article");
    }

    #[test]
    fn latex_specials_are_escaped() {
        assert_eq!(latex_escape("A & B 100% {x}"), "A \\& B 100\\% \\{x\\}");
        assert_eq!(latex_escape("a_b #1 $2"), "a\\_b \\#1 \\$2");
        assert_eq!(
            latex_escape("\\ ~ ^"),
            "\\textbackslash{} \\textasciitilde{} \\textasciicircum{}"
        );
        assert_eq!(
            verbatim("http://x.org/a_b%20{c}"),
            "http://x.org/a_b%20%7Bc%7D"
        );
    }

    #[test]
    fn bibtex_is_normalised() {
        let bib = bibtex(&article());
        assert_eq!(
            bib,
            "@inproceedings{pons2017timbre,\n  author    = {Pons, Jordi and Serra, Xavier},\n  title     = {Timbre analysis \\& 100\\% \\{fun\\}},\n  booktitle = {EUSIPCO},\n  year      = {2017},\n  pages     = {173--182},\n  doi       = {10.1/x_y}\n}\n"
        );
    }

    #[test]
    fn organisations_stay_one_name() {
        assert_eq!(bib_name(&person("", "Google Brain")), "{Google Brain}");
        let mut jr = person("Martin", "King");
        jr.display = "Martin King, Jr.".into();
        assert_eq!(bib_name(&jr), "King, Jr., Martin");
    }

    #[test]
    fn citations_read_like_apa() {
        let c = citation(&article());
        assert_eq!(
            c.text,
            "Pons, J., & Serra, X. (2017). Timbre analysis & 100% {fun}. In EUSIPCO (pp. 173\u{2013}182). https://doi.org/10.1/x_y"
        );
        assert!(c.spans.iter().any(|s| s.italic && s.text == "EUSIPCO"));

        let mut j = article();
        j.entry_type = "article".into();
        j.venue = Some("Journal of Things".into());
        j.volume = Some("12".into());
        j.number = Some("4".into());
        j.authors = vec![person("Jean-Pierre Marc", "Dupont")];
        j.publisher = Some("Elsevier".into());
        j.year = None;
        j.doi = None;
        let c = citation(&j);
        assert_eq!(
            c.text,
            "Dupont, J.-P. M. (n.d.). Timbre analysis & 100% {fun}. Journal of Things, 12(4), 173\u{2013}182."
        );
        let italic: Vec<&str> = c
            .spans
            .iter()
            .filter(|s| s.italic)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(italic, ["Journal of Things", "12"]);
    }

    #[test]
    fn initials_of_every_given_name() {
        assert_eq!(initials("Jordi"), "J.");
        assert_eq!(initials("Peter M."), "P. M.");
        assert_eq!(initials("Yandre MG"), "Y. M. G.");
        assert_eq!(initials("CJ"), "C. J.");
        assert_eq!(initials("Jean-Pierre"), "J.-P.");
        assert_eq!(initials("Émile"), "É.");
    }

    #[test]
    fn many_authors_are_cut_after_nineteen() {
        let people: Vec<Person> = (0..25).map(|i| person("A", &format!("N{i}"))).collect();
        let s = apa_authors(&people);
        assert!(s.starts_with("N0, A., N1, A."));
        assert!(s.ends_with("N18, A., . . . N24, A."), "{s}");
    }

    #[test]
    fn csl_items_carry_the_model() {
        let item = csl_item(&article(), "https://x/articles/k/");
        assert_eq!(item["type"], "paper-conference");
        assert_eq!(item["author"][1]["family"], "Serra");
        assert_eq!(item["issued"]["date-parts"][0][0], 2017);
        assert_eq!(item["page"], "173-182");
        assert_eq!(item["DOI"], "10.1/x_y");
        assert_eq!(item["URL"], "https://x/articles/k/");
    }
}
