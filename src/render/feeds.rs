//! `sitemap.xml`, `robots.txt` and the Atom feed `atom.xml`.
//!
//! Sitemaps and Atom need absolute URLs, so `sitemap.xml` and `atom.xml` are
//! written only when the site has an absolute base URL (`--base-url
//! https://…`); `robots.txt` is always written, and names the sitemap when
//! there is one.
//!
//! The feed holds the [`FEED_ENTRIES`] most recently added articles: by a
//! `Date added` column (or field) when the data has one, else by position in
//! the data (later entries are newer additions). Nothing in it depends on
//! the time of the build: an entry's `<updated>` is its date added, or else
//! the 1st of January of its publication year (1970 when it has none), and
//! the feed's `<updated>` is the latest of its entries'.

use super::cite::citation;
use crate::model::{Article, Site};
use crate::output::Output;
use crate::values::match_key;

/// How many articles the Atom feed lists.
pub(crate) const FEED_ENTRIES: usize = 50;

/// Escapes text for XML content and attribute values, dropping characters
/// XML 1.0 does not allow (control characters other than tab and newlines).
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

/// The most URLs one sitemap file may list (sitemaps.org protocol).
pub(crate) const SITEMAP_LIMIT: usize = 50_000;

/// `sitemap.xml` listing `pages` (folders relative to the root, `""` for
/// the home page) under `base_url`. Past [`SITEMAP_LIMIT`] pages, the URLs
/// go into `sitemap-1.xml`, `sitemap-2.xml`, … and `sitemap.xml` becomes
/// the sitemap index that lists them.
pub(crate) fn sitemap(base_url: &str, pages: &[String]) -> Vec<Output> {
    const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    const NS: &str = "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"";
    let urlset = |pages: &[String]| {
        let mut xml = format!("{HEAD}<urlset {NS}>\n");
        for page in pages {
            xml.push_str(&format!(
                "  <url><loc>{}</loc></url>\n",
                xml_escape(&format!("{base_url}{page}"))
            ));
        }
        xml.push_str("</urlset>\n");
        xml
    };
    if pages.len() <= SITEMAP_LIMIT {
        return vec![Output::new("sitemap.xml", urlset(pages))];
    }
    let mut out = Vec::new();
    let mut index = format!("{HEAD}<sitemapindex {NS}>\n");
    for (n, chunk) in pages.chunks(SITEMAP_LIMIT).enumerate() {
        let name = format!("sitemap-{}.xml", n + 1);
        index.push_str(&format!(
            "  <sitemap><loc>{}</loc></sitemap>\n",
            xml_escape(&format!("{base_url}{name}"))
        ));
        out.push(Output::new(name, urlset(chunk)));
    }
    index.push_str("</sitemapindex>\n");
    out.push(Output::new("sitemap.xml", index));
    out
}

/// `robots.txt`: everything may be crawled; the sitemap is named when known.
pub(crate) fn robots(base_url: Option<&str>) -> Output {
    let mut text = String::from("User-agent: *\nAllow: /\n");
    if let Some(base) = base_url {
        text.push_str(&format!("\nSitemap: {base}sitemap.xml\n"));
    }
    Output::new("robots.txt", text)
}

/// A `YYYY-MM-DD` date from a cell such as `2017-08-15`, `2017/8/15` or
/// `2017-08-15T10:00`; `None` when it is not one.
pub(crate) fn parse_date(value: &str) -> Option<(i32, u32, u32)> {
    let head: String = value
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '-' | '/' | '.'))
        .collect();
    let mut parts = head.split(['-', '/', '.']);
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next().map_or(Some(1), |m| m.parse().ok())?;
    let day: u32 = parts.next().map_or(Some(1), |d| d.parse().ok())?;
    ((1000..=9999).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day))
        .then_some((year, month, day))
}

/// An article's date added, from a detail whose label is `Date added`,
/// `Added` or `Date_added` (case and punctuation ignored).
pub(crate) fn date_added(a: &Article) -> Option<(i32, u32, u32)> {
    a.details
        .iter()
        .find(|d| {
            matches!(
                match_key(&d.label).as_str(),
                "dateadded" | "added" | "addedon"
            )
        })
        .and_then(|d| parse_date(&d.value))
}

/// The articles of the feed, newest addition first: by date added when any
/// article has one (those without come after, by position), else by
/// position in the data, last first.
pub(crate) fn newest(site: &Site, n: usize) -> Vec<usize> {
    let dates: Vec<Option<(i32, u32, u32)>> = site.articles.iter().map(date_added).collect();
    let mut order: Vec<usize> = (0..site.articles.len()).collect();
    order.sort_by(|&a, &b| {
        dates[b]
            .cmp(&dates[a])
            .then(site.articles[b].position.cmp(&site.articles[a].position))
    });
    order.truncate(n);
    order
}

fn timestamp((y, m, d): (i32, u32, u32)) -> String {
    format!("{y:04}-{m:02}-{d:02}T00:00:00Z")
}

/// The date an entry says it was updated; see the module documentation.
fn entry_date(a: &Article) -> (i32, u32, u32) {
    date_added(a).unwrap_or((a.year.unwrap_or(1970).clamp(1000, 9999), 1, 1))
}

/// `atom.xml`: the most recently added articles, with their citation as
/// summary and their abstract as content.
pub(crate) fn atom(site: &Site, base_url: &str) -> Output {
    let items = newest(site, FEED_ENTRIES);
    let updated = items
        .iter()
        .map(|&i| entry_date(&site.articles[i]))
        .max()
        .unwrap_or((1970, 1, 1));
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    xml.push_str(&feed_head(site, base_url, updated));
    for &i in &items {
        xml.push_str(&feed_entry(&site.articles[i], base_url));
    }
    xml.push_str("</feed>\n");
    Output::new("atom.xml", xml)
}

/// The feed's own elements: title, subtitle, id, links, date, author.
fn feed_head(site: &Site, base_url: &str, updated: (i32, u32, u32)) -> String {
    let e = xml_escape;
    let title = site.title.as_str();
    let mut xml = format!("  <title>{}</title>\n", e(title));
    let subtitle = match &site.config.description {
        Some(description) => e(description),
        None => format!("Articles most recently added to {}", e(title)),
    };
    xml.push_str(&format!("  <subtitle>{subtitle}</subtitle>\n"));
    xml.push_str(&format!("  <id>{}</id>\n", e(base_url)));
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}atom.xml\"/>\n",
        e(base_url)
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        e(base_url)
    ));
    xml.push_str(&format!("  <updated>{}</updated>\n", timestamp(updated)));
    let maintainer = site.config.author.as_deref().unwrap_or(title);
    xml.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        e(maintainer)
    ));
    xml.push_str("  <generator>dl4m</generator>\n");
    xml
}

/// One article's `<entry>`.
fn feed_entry(a: &Article, base_url: &str) -> String {
    let e = xml_escape;
    let url = format!("{base_url}articles/{}/", a.slug);
    let mut xml = String::from("  <entry>\n");
    xml.push_str(&format!("    <id>{}</id>\n", e(&url)));
    xml.push_str(&format!(
        "    <title type=\"text\">{}</title>\n",
        e(&a.title)
    ));
    xml.push_str(&format!(
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        e(&url)
    ));
    xml.push_str(&format!(
        "    <updated>{}</updated>\n",
        timestamp(entry_date(a))
    ));
    for p in &a.authors {
        xml.push_str(&format!(
            "    <author><name>{}</name></author>\n",
            e(&p.display)
        ));
    }
    for t in &a.tasks {
        xml.push_str(&format!(
            "    <category term=\"{}\" label=\"{}\"/>\n",
            e(&t.slug),
            e(&t.name)
        ));
    }
    xml.push_str(&format!(
        "    <summary type=\"text\">{}</summary>\n",
        e(&citation(a).text)
    ));
    if let Some(abstract_text) = &a.abstract_text {
        xml.push_str(&format!(
            "    <content type=\"text\">{}</content>\n",
            e(abstract_text)
        ));
    }
    xml.push_str("  </entry>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped() {
        assert_eq!(
            xml_escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;"
        );
        assert_eq!(xml_escape("a\u{0}b\u{1b}c\td\n"), "abc\td\n");
    }

    #[test]
    fn dates_are_read_leniently() {
        assert_eq!(parse_date("2017-08-15"), Some((2017, 8, 15)));
        assert_eq!(parse_date("2017/8/5 10:00"), Some((2017, 8, 5)));
        assert_eq!(parse_date("2017-08"), Some((2017, 8, 1)));
        assert_eq!(parse_date("2017-13-01"), None);
        assert_eq!(parse_date("yesterday"), None);
        assert_eq!(timestamp((2017, 8, 5)), "2017-08-05T00:00:00Z");
    }

    #[test]
    fn long_sitemaps_are_split_under_an_index() {
        let pages: Vec<String> = (0..SITEMAP_LIMIT + 1).map(|i| format!("p{i}/")).collect();
        let files = sitemap("https://x.org/", &pages);
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(names, ["sitemap-1.xml", "sitemap-2.xml", "sitemap.xml"]);
        let index = String::from_utf8_lossy(&files[2].bytes);
        assert!(index.contains("<sitemapindex"));
        assert!(index.contains("<loc>https://x.org/sitemap-2.xml</loc>"));
        let second = String::from_utf8_lossy(&files[1].bytes);
        assert_eq!(second.matches("<url>").count(), 1);
        assert_eq!(sitemap("https://x.org/", &pages[..2]).len(), 1);
    }

    #[test]
    fn robots_names_the_sitemap_only_when_absolute() {
        let with = robots(Some("https://x.org/a/"));
        assert!(
            String::from_utf8_lossy(&with.bytes).contains("Sitemap: https://x.org/a/sitemap.xml")
        );
        let without = robots(None);
        assert!(!String::from_utf8_lossy(&without.bytes).contains("Sitemap"));
    }
}
