//! Ground floor: how the values of the data are read, wherever they are
//! read: splitting multi-valued cells and link cells, placeholders (`No`,
//! `-`), URLs and DOIs, link labels, matching keys, and Markdown.

use deunicode::deunicode;

/// Splits a multi-valued cell on `&`, `;` and `,` outside parentheses.
///
/// `CRNN (CNN+RNN)` and `50tags (genre, instru, mood,...)` stay single values;
/// `MSD, MTT` is two.
pub fn split_values(cell: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in cell.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            '&' | ';' | ',' if depth == 0 => {
                values.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    values.push(current);
    values
        .into_iter()
        .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|v| !is_placeholder(v))
        .collect()
}

/// Splits a link cell into links: on whitespace, and on `,`, `;`, `&` or `|`
/// only where a new `http` link follows, so query strings stay whole.
pub fn split_links(cell: &str) -> Vec<String> {
    let mut links = Vec::new();
    for token in cell.split_whitespace() {
        let mut start = 0;
        for (i, c) in token.char_indices() {
            if matches!(c, ',' | ';' | '&' | '|') && token[i + 1..].starts_with("http") {
                links.push(&token[start..i]);
                start = i + 1;
            }
        }
        links.push(&token[start..]);
    }
    links
        .into_iter()
        .map(|l| l.trim_matches([',', ';', '&', '|']))
        .filter(|l| !is_placeholder(l))
        .map(str::to_string)
        .collect()
}

/// Whether a value means "none": `No`, `Non`, `None`, `-`, `N/A`, `TODO`, `Lien`, empty.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim().to_lowercase();
    matches!(
        v.as_str(),
        "" | "no"
            | "non"
            | "none"
            | "-"
            | "--"
            | "n/a"
            | "na"
            | "todo"
            | "lien"
            | "link"
            | "?"
            | "null"
            | "nan"
            | "tbd"
    )
}

/// A key for matching: ASCII, lowercase, letters and digits only.
///
/// Used for titles ("case, accents, punctuation and spacing ignored").
pub fn match_key(s: &str) -> String {
    deunicode(s)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether two names are the same person's, also across the German
/// transliteration (`Schlüter` = `Schluter` = `Schlueter`).
pub fn same_name(a: &str, b: &str) -> bool {
    let german = |s: &str| {
        s.replace(['ä', 'Ä'], "ae")
            .replace(['ö', 'Ö'], "oe")
            .replace(['ü', 'Ü'], "ue")
            .replace('ß', "ss")
    };
    match_key(a) == match_key(b) || match_key(&german(a)) == match_key(&german(b))
}

/// A key for facet values: case- and space-insensitive, accents kept apart.
pub fn facet_key(s: &str) -> String {
    s.split_whitespace().collect::<String>().to_lowercase()
}

/// A `[text](url)` Markdown link written as a whole field value.
pub fn markdown_link(value: &str) -> Option<(String, String)> {
    let v = value.trim();
    let rest = v.strip_prefix('[')?;
    let (text, rest) = rest.split_once("](")?;
    let url = rest.strip_suffix(')')?;
    Some((text.trim().to_string(), url.trim().to_string()))
}

/// An absolute `http(s)` URL with a host, or `None`.
pub fn http_url(value: &str) -> Option<String> {
    let v = value.trim().trim_start_matches('<').trim_end_matches('>');
    let lower = v.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    let host_ok = rest
        .split(['/', '?', '#'])
        .next()
        .is_some_and(|h| h.contains('.') || h.starts_with("localhost"));
    let clean = !v
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<');
    (host_ok && clean).then(|| v.to_string())
}

/// A URL reduced for matching: no scheme, no `www.`, no trailing slash, lowercase.
pub fn link_key(url: &str) -> String {
    let lower = url.trim().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    rest.trim_start_matches("www.")
        .trim_end_matches('/')
        .to_string()
}

/// A bare DOI (`10.xxxx/…`) from a DOI, `doi:` or `https://doi.org/` value.
pub fn doi(value: &str) -> Option<String> {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let start = [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
    ]
    .iter()
    .find(|p| lower.starts_with(*p))
    .map_or(0, |p| p.len());
    let bare = v[start..].trim();
    let valid = bare.starts_with("10.")
        && bare.contains('/')
        && !bare
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>');
    valid.then(|| bare.to_string())
}

/// A short label for a link: `arXiv`, `GitHub`, `IEEE Xplore`, or the host.
pub fn link_label(url: &str) -> String {
    let key = link_key(url);
    let host = key.split(['/', '?', '#']).next().unwrap_or("");
    let known = [
        ("arxiv.org", "arXiv"),
        ("github.com", "GitHub"),
        ("gitlab.com", "GitLab"),
        ("bitbucket.org", "Bitbucket"),
        ("ieeexplore.ieee.org", "IEEE Xplore"),
        ("dl.acm.org", "ACM Digital Library"),
        ("doi.org", "DOI"),
        ("dx.doi.org", "DOI"),
        ("semanticscholar.org", "Semantic Scholar"),
        ("pdfs.semanticscholar.org", "Semantic Scholar"),
        ("researchgate.net", "ResearchGate"),
        ("jstor.org", "JSTOR"),
        ("zenodo.org", "Zenodo"),
        ("archives.ismir.net", "ISMIR archives"),
    ];
    let name = known
        .iter()
        .find(|(h, _)| host == *h)
        .map_or(host.to_string(), |(_, n)| n.to_string());
    if key.ends_with(".pdf") && !name.is_empty() {
        format!("PDF ({name})")
    } else {
        name
    }
}

/// Renders Markdown to HTML and removes anything that could run (scripts,
/// event handlers, `javascript:` URLs).
pub fn markdown(source: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut raw = String::new();
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    html::push_html(&mut raw, Parser::new_ext(source, options));
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(Some("noopener"))
        .clean(&raw)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_outside_parentheses() {
        assert_eq!(split_values("CRNN (CNN+RNN)"), ["CRNN (CNN+RNN)"]);
        assert_eq!(
            split_values("50tags (genre, instru, mood,...)"),
            ["50tags (genre, instru, mood,...)"]
        );
        assert_eq!(split_values("MSD, MTT"), ["MSD", "MTT"]);
        assert_eq!(
            split_values("Synthetic MIDI & Piano-midi.de"),
            ["Synthetic MIDI", "Piano-midi.de"]
        );
        assert_eq!(split_values("a; b ;;c"), ["a", "b", "c"]);
        assert_eq!(split_values("No"), Vec::<String>::new());
    }

    #[test]
    fn placeholders_mean_none() {
        for v in ["No", "Non", "None", "-", "N/A", "TODO", "Lien", "", "  "] {
            assert!(is_placeholder(v), "{v}");
        }
        assert!(!is_placeholder("CNN"));
        assert_eq!(split_links("Non"), Vec::<String>::new());
        assert_eq!(
            split_links("https://a.org/x & https://b.org/y,https://c.org/z;"),
            ["https://a.org/x", "https://b.org/y", "https://c.org/z"]
        );
        assert_eq!(
            split_links("https://s.org/q?a=1&b=2;c=3"),
            ["https://s.org/q?a=1&b=2;c=3"]
        );
    }

    #[test]
    fn title_keys_ignore_case_accents_and_punctuation() {
        assert_eq!(
            match_key("An Efficient Approach for Segmentation, Feature Extraction"),
            match_key("an efficient approach for segmentation feature  extraction ")
        );
        assert_eq!(match_key("Schlüter"), "schluter");
        assert!(same_name("Schlueter", "Schlüter") && same_name("Schluter", "Schlüter"));
        assert!(!same_name("Schlueter", "Schluter"));
    }

    #[test]
    fn urls_are_allowlisted() {
        assert_eq!(
            http_url(" https://x.org/a "),
            Some("https://x.org/a".into())
        );
        assert_eq!(http_url("javascript:alert(1)"), None);
        assert_eq!(http_url("data:text/html,x"), None);
        assert_eq!(http_url("Lien"), None);
        assert_eq!(http_url("https://x.org/a\"onmouseover=1"), None);
        assert_eq!(link_key("https://www.X.org/a/"), "x.org/a");
    }

    #[test]
    fn dois_are_normalised() {
        assert_eq!(
            doi("https://doi.org/10.1109/ICNN.1988.23933"),
            Some("10.1109/ICNN.1988.23933".into())
        );
        assert_eq!(doi("doi:10.1/x"), Some("10.1/x".into()));
        assert_eq!(doi("not a doi"), None);
    }

    #[test]
    fn markdown_links_and_labels() {
        assert_eq!(
            markdown_link("[Computer Music Journal](http://computermusicjournal.org/)"),
            Some((
                "Computer Music Journal".into(),
                "http://computermusicjournal.org/".into()
            ))
        );
        assert_eq!(
            link_label("https://arxiv.org/pdf/1703.06697.pdf"),
            "PDF (arXiv)"
        );
        assert_eq!(link_label("https://github.com/a/b"), "GitHub");
        assert_eq!(link_label("http://www.aes.org/e-lib/x"), "aes.org");
    }

    #[test]
    fn markdown_is_sanitised() {
        let html = markdown(
            "Hi <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        );
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
        assert!(!html.contains("onerror"));
    }
}
