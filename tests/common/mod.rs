//! Helpers for the integration tests: building corpora into temporary
//! folders, reading pages as a reader would, and checking links.

#![allow(dead_code)]

pub(crate) mod node;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A corpus folder under `../shared/corpus/dl4m/`. When it is missing the test
/// fails under CI and is skipped (with a note) elsewhere.
pub(crate) fn corpus(name: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/dl4m")
        .join(name);
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "{} is missing: CI must run with ../shared beside the checkout",
            dir.display()
        );
    }
    eprintln!(
        "skipping: {} is missing (place the shared corpus beside the checkout)",
        dir.display()
    );
    None
}

/// The shipped data folder.
pub(crate) fn shipped_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// A built site in a temporary folder, with its pages loaded.
pub(crate) struct Built {
    _tmp: tempfile::TempDir,
    pub(crate) out: PathBuf,
    pub(crate) checked: dl4m::Checked,
    /// Every file of the site, relative path → contents (text files only).
    pub(crate) files: BTreeMap<String, String>,
}

impl Built {
    pub(crate) fn page(&self, path: &str) -> &str {
        self.files
            .get(path)
            .unwrap_or_else(|| panic!("{path} was not written"))
    }

    /// Paths of the article pages.
    pub(crate) fn article_pages(&self) -> Vec<&String> {
        self.files
            .keys()
            .filter(|p| p.starts_with("articles/") && p.ends_with("/index.html"))
            .collect()
    }

    pub(crate) fn search_index(&self) -> serde_json::Value {
        serde_json::from_str(self.page("search-index.json")).expect("search index is JSON")
    }
}

/// Builds `data` into a fresh temporary folder.
pub(crate) fn build(data: &Path, base_url: Option<&str>) -> Built {
    build_with(data, |options| {
        options.base_url = base_url.map(str::to_string);
    })
}

/// Builds `data` into a fresh temporary folder with options set by `adjust`.
pub(crate) fn build_with(data: &Path, adjust: impl FnOnce(&mut dl4m::Options)) -> Built {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("site");
    let mut options = dl4m::Options {
        data: Some(data.to_path_buf()),
        out: out.clone(),
        ..dl4m::Options::default()
    };
    adjust(&mut options);
    let checked = dl4m::build(&options).expect("build succeeds");
    let files = read_tree(&out);
    Built {
        _tmp: tmp,
        out,
        checked,
        files,
    }
}

pub(crate) fn read_tree(root: &Path) -> BTreeMap<String, String> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(e.path()).ok()?;
            Some((rel, text))
        })
        .collect()
}

/// The values of `href` and `src` attributes, quoted or not (minified HTML).
pub(crate) fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=", "src="] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            let before = rest[..i].chars().last();
            rest = &rest[i + attr.len()..];
            if !matches!(before, Some(' ' | '\n' | '\t')) {
                continue;
            }
            let value = match rest.chars().next() {
                Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
                _ => rest
                    .split(|c: char| c.is_whitespace() || c == '>')
                    .next()
                    .unwrap_or(""),
            };
            out.push(unescape(value));
        }
    }
    out
}

/// Decodes the entities minify-html and Tera produce.
pub(crate) fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&LT;", "<")
        .replace("&gt;", ">")
        .replace("&GT;", ">")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&#47;", "/")
        .replace("&amp;", "&")
        .replace("&AMP;", "&")
}

/// The text a reader sees: tags removed, entities decoded, spaces collapsed.
pub(crate) fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Internal links of every page that point to no file of the site.
pub(crate) fn broken_links(built: &Built, root: &str) -> Vec<String> {
    let mut broken = Vec::new();
    for (path, html) in built.files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        for link in links(html) {
            if link.starts_with("http://")
                || link.starts_with("https://")
                || link.starts_with("mailto:")
                || link.starts_with('#')
            {
                continue;
            }
            let target = link.split(['#', '?']).next().unwrap_or("");
            let resolved = match target.strip_prefix(root) {
                Some(rest) => rest.to_string(),
                None if target.starts_with('/') => {
                    broken.push(format!("{path}: {link} (outside {root})"));
                    continue;
                }
                None => normalise(&format!("{dir}/{target}")),
            };
            let exists = built.files.contains_key(&resolved)
                || built
                    .files
                    .contains_key(&format!("{}index.html", with_slash(&resolved)))
                || (resolved.is_empty() && built.files.contains_key("index.html"))
                || built.out.join(&resolved).is_file();
            if !exists {
                broken.push(format!("{path}: {link}"));
            }
        }
    }
    broken
}

fn with_slash(p: &str) -> String {
    if p.is_empty() || p.ends_with('/') {
        p.to_string()
    } else {
        format!("{p}/")
    }
}

fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if path.ends_with('/') && !joined.is_empty() {
        format!("{joined}/")
    } else {
        joined
    }
}

/// Article slugs linked from a page's article table.
pub(crate) fn linked_articles(html: &str, root: &str) -> std::collections::BTreeSet<String> {
    links(html)
        .into_iter()
        .filter_map(|l| {
            l.strip_prefix(&format!("{root}articles/"))
                .map(|s| s.trim_end_matches('/').to_string())
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// Element names and attribute names of a page, read as a browser tokenises
/// it: quoted attribute values and `<title>`/`<textarea>` text are skipped.
pub(crate) fn elements_and_attributes(html: &str) -> (Vec<String>, Vec<String>) {
    let bytes = html.as_bytes();
    let (mut tags, mut attrs) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        i += 1;
        let start = i;
        while i < bytes.len()
            && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'/' || bytes[i] == b'!')
        {
            i += 1;
        }
        let name = html[start..i].trim_start_matches('/').to_ascii_lowercase();
        let closing = html[start..i].starts_with('/');
        while i < bytes.len() && bytes[i] != b'>' {
            match bytes[i] {
                b'"' | b'\'' => {
                    let q = bytes[i];
                    i += 1;
                    while i < bytes.len() && bytes[i] != q {
                        i += 1;
                    }
                    i += 1;
                }
                c if c.is_ascii_alphabetic() => {
                    let s = i;
                    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-')
                    {
                        i += 1;
                    }
                    attrs.push(html[s..i].to_ascii_lowercase());
                    if i < bytes.len()
                        && bytes[i] == b'='
                        && bytes.get(i + 1).is_some_and(|b| !matches!(b, b'"' | b'\''))
                    {
                        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>'
                        {
                            i += 1;
                        }
                    }
                }
                _ => i += 1,
            }
        }
        if !closing && (name == "title" || name == "textarea") {
            let end = format!("</{name}");
            i = html[i..]
                .to_ascii_lowercase()
                .find(&end)
                .map_or(bytes.len(), |j| i + j);
        }
        if !closing && !name.is_empty() {
            tags.push(name);
        }
    }
    (tags, attrs)
}

/// The article slugs of a list page's table rows, in order.
pub(crate) fn row_slugs(html: &str) -> Vec<String> {
    html.split("<tr data-slug=")
        .skip(1)
        .filter_map(|rest| {
            let rest = rest.trim_start_matches('"');
            rest.find(['"', '>', ' '])
                .map(|end| rest[..end].to_string())
        })
        .collect()
}
