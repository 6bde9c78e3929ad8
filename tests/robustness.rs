//! Real-world and hostile input: every BibTeX entry of other tools' test
//! suites ends up as an article or an error with its line, tables recover
//! from broken rows, and data full of markup builds to a safe site.

mod common;

use dl4m::diag::{Diagnostics, Severity};
use dl4m::load::InputFile;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A folder under `../shared/corpus/`: missing → a failure under CI, a note
/// and a skip elsewhere (the rule of `common::corpus`).
fn shared(name: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(name);
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} is missing: CI must run with ../shared beside the checkout",
        dir.display()
    );
    eprintln!(
        "skipping: {} is missing (place the shared corpus beside the checkout)",
        dir.display()
    );
    None
}

fn fixtures(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Every file under `dir` whose name ends with `ext`, sorted.
fn files_under(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.to_string_lossy().ends_with(ext))
        .collect();
    files.sort();
    files
}

/// The lines (1-based) on which an entry begins, counted without the
/// loader's splitter: a line matching `^\s*@\s*(\w+)\s*[{(]` whose type is
/// not `string`, `comment` or `preamble`.
///
/// The bytes are decoded as the loader decodes them (UTF-8, else
/// Windows-1252): a Windows-1252 no-break space can separate `@type` and `{`.
fn entry_lines(bytes: &[u8]) -> Vec<usize> {
    let file = InputFile {
        name: "count.bib".into(),
        bytes: bytes.to_vec(),
    };
    let text = dl4m::load::decode(&file, &mut Diagnostics::default());
    let mut lines = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let rest = line.trim_start();
        let Some(rest) = rest.strip_prefix('@') else {
            continue;
        };
        let rest = rest.trim_start();
        let word_len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let (word, after) = rest.split_at(word_len);
        if word.is_empty() || !after.trim_start().starts_with(['{', '(']) {
            continue;
        }
        if !matches!(
            word.to_ascii_lowercase().as_str(),
            "string" | "comment" | "preamble"
        ) {
            lines.push(i + 1);
        }
    }
    lines
}

/// Files whose entries the simple count above gets wrong, with the reason
/// and the lines of the entries it misses.
const COUNT_EXCEPTIONS: &[(&str, &[usize], &str)] = &[
    (
        "others/example2.bib",
        &[35],
        "`}@conference_at{4,` begins an entry in the middle of a line, right after the previous entry's closing brace",
    ),
    (
        "2017-08-16/dl4m.bib",
        &[9, 17],
        "a stray `\"` precedes the `@` of these two entries (the upstream list had them)",
    ),
];

/// What loading one file gave: for each entry line, how it was accounted for.
struct Accounting {
    name: String,
    entries: Vec<usize>,
    articles: Vec<usize>,
    errors: Vec<usize>,
    diagnostics: Diagnostics,
}

impl Accounting {
    /// Loads `bytes` as the file `name` through load + index, as `check` does.
    fn of(name: &str, bytes: Vec<u8>, extra_lines: &[usize]) -> Accounting {
        let mut entries = entry_lines(&bytes);
        entries.extend(extra_lines);
        entries.sort_unstable();
        let files = [InputFile {
            name: name.to_string(),
            bytes,
        }];
        let mut diagnostics = Diagnostics::default();
        let input = dl4m::load::load(&files, &mut diagnostics);
        let site = dl4m::index::build(&input, &mut diagnostics);
        let articles = site
            .articles
            .iter()
            .flat_map(|a| a.sources.iter())
            .filter(|s| s.file == name)
            .map(|s| s.line)
            .collect();
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error && d.file == name)
            .map(|d| d.line)
            .collect();
        Accounting {
            name: name.to_string(),
            entries,
            articles,
            errors,
            diagnostics,
        }
    }

    /// Every counted entry is an article starting on its line or has an
    /// error between its line and the next entry's; every article starts on
    /// a counted line; every diagnostic has a line ≥ 1.
    fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for d in self.diagnostics.iter() {
            if d.line == 0 || d.column == 0 {
                problems.push(format!("{}: diagnostic without a line: {d}", self.name));
            }
        }
        let counted: BTreeSet<usize> = self.entries.iter().copied().collect();
        for line in &self.articles {
            if !counted.contains(line) {
                problems.push(format!(
                    "{}:{line}: an article starts where no entry was counted",
                    self.name
                ));
            }
        }
        for (i, &line) in self.entries.iter().enumerate() {
            let next = self.entries.get(i + 1).copied().unwrap_or(usize::MAX);
            let articles = self.articles.iter().filter(|&&l| l == line).count();
            let errors = self
                .errors
                .iter()
                .filter(|&&l| l >= line && l < next)
                .count();
            match (articles, errors) {
                (1, 0) | (0, 1..) => {}
                (0, 0) => problems.push(format!(
                    "{}:{line}: the entry is neither an article nor an error",
                    self.name
                )),
                _ => problems.push(format!(
                    "{}:{line}: {articles} articles and {errors} errors for one entry",
                    self.name
                )),
            }
        }
        problems
    }
}

/// Accounts for every .bib file under `dir`; returns (files, entries, articles, errors).
fn account_for_folder(dir: &Path) -> (usize, usize, usize, usize) {
    let (mut entries, mut articles, mut errors) = (0, 0, 0);
    let mut problems = Vec::new();
    let files = files_under(dir, ".bib");
    for path in &files {
        let relative = path
            .strip_prefix(dir)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let extra = COUNT_EXCEPTIONS
            .iter()
            .find(|(name, _, _)| *name == relative)
            .map_or(&[][..], |(_, lines, _)| lines);
        let bytes = std::fs::read(path).expect("read the fixture");
        let accounting = Accounting::of(&relative, bytes, extra);
        entries += accounting.entries.len();
        articles += accounting.articles.len();
        errors += accounting.errors.len();
        problems.extend(accounting.problems());
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    (files.len(), entries, articles, errors)
}

#[test]
fn every_entry_of_other_tools_test_suites_is_an_article_or_an_error() {
    let Some(dir) = shared("bibtex-edge") else {
        return;
    };
    let (files, entries, articles, errors) = account_for_folder(&dir);
    eprintln!(
        "bibtex-edge: {files} files, {entries} entries, {articles} articles, {errors} errors"
    );
    assert!(files >= 50, "{files} files");
    assert!(entries >= 300, "{entries} entries");
}

#[test]
fn every_entry_of_the_upstream_snapshots_is_an_article_or_an_error() {
    let Some(dir) = shared("dl4m") else {
        return;
    };
    let (files, entries, articles, errors) = account_for_folder(&dir);
    eprintln!("dl4m: {files} files, {entries} entries, {articles} articles, {errors} errors");
    assert_eq!(files, 3);
}

/// Loads one fixture file: its entries, the site's articles and diagnostics.
fn load_fixture(
    path: &Path,
) -> (
    Vec<dl4m::load::bibtex::BibEntry>,
    dl4m::model::Site,
    Diagnostics,
) {
    let files = [InputFile {
        name: path.file_name().unwrap().to_string_lossy().into_owned(),
        bytes: std::fs::read(path).expect("read the fixture"),
    }];
    let mut diags = Diagnostics::default();
    let input = dl4m::load::load(&files, &mut diags);
    let site = dl4m::index::build(&input, &mut diags);
    (input.entries, site, diags)
}

fn entry<'a>(
    entries: &'a [dl4m::load::bibtex::BibEntry],
    key: &str,
) -> &'a dl4m::load::bibtex::BibEntry {
    entries
        .iter()
        .find(|e| e.key == key)
        .unwrap_or_else(|| panic!("no entry `{key}`"))
}

/// (line, severity, key, start of the message) of every diagnostic, in order.
fn said(diags: &Diagnostics) -> Vec<(usize, Severity, Option<String>, String)> {
    diags
        .sorted()
        .into_iter()
        .map(|d| {
            (
                d.line,
                d.severity,
                d.key,
                d.message.chars().take(40).collect(),
            )
        })
        .collect()
}

#[test]
fn every_entry_of_our_own_edge_cases_is_an_article_or_an_error() {
    let (files, entries, articles, errors) = account_for_folder(&fixtures("bib-edge"));
    assert_eq!((files, entries, articles, errors), (8, 20, 16, 4));
}

#[test]
fn reference_manager_exports_keep_their_values() {
    let dir = fixtures("bib-edge");
    let (entries, site, diags) = load_fixture(&dir.join("jabref.bib"));
    assert_eq!(diags.errors(), 0, "{:?}", diags.sorted());
    let choi = entry(&entries, "Choi2017");
    assert_eq!(
        choi.get("title"),
        Some("Convolutional Recurrent Neural Networks for Music Classification")
    );
    assert_eq!(choi.authors[1].given, "György");
    assert_eq!(choi.get("month"), Some("March"));
    let article = site
        .articles
        .iter()
        .find(|a| a.key.as_deref() == Some("Choi2017"))
        .unwrap();
    assert!(
        !article
            .details
            .iter()
            .any(|d| d.label.eq_ignore_ascii_case("file")),
        "JabRef's `file` field is not shown: {:?}",
        article.details
    );

    let (entries, _, diags) = load_fixture(&dir.join("zotero.bib"));
    assert_eq!(diags.errors(), 0, "{:?}", diags.sorted());
    let pons = entry(&entries, "pons_timbre_2017");
    assert_eq!(
        pons.get("url"),
        Some("https://arxiv.org/abs/1703.06697#page=2&q=50%25%20tags")
    );
    assert_eq!(
        pons.get("abstract"),
        Some("We design CNNs that reach 96% of the accuracy with 5% of the parameters.")
    );
    assert_eq!(pons.authors[3].family, "Gómez");
    assert_eq!(
        entry(&entries, "noauthor_music_nodate").get("url"),
        Some("https://example.org/datasets?sort=year&order=desc#mtt")
    );

    let (entries, _, diags) = load_fixture(&dir.join("mendeley.bib"));
    assert_eq!(
        said(&diags)
            .iter()
            .filter(|d| d.1 == Severity::Error)
            .count(),
        0
    );
    let choi = entry(&entries, "Choi2017a");
    assert_eq!(
        choi.get("url"),
        Some("https://github.com/keunwoochoi/music-auto_tagging-keras")
    );
    assert!(
        choi.get("abstract")
            .unwrap()
            .contains("with 2% of the parameters")
    );
    assert_eq!(choi.authors[1].given, "György");

    let (entries, _, _) = load_fixture(&dir.join("scholar.bib"));
    let lee = entry(&entries, "lee2017sample");
    let families: Vec<_> = lee.authors.iter().map(|n| n.family.as_str()).collect();
    assert_eq!(
        families,
        ["Lee", "Park", "Kim", "Nam"],
        "`and others` is no author"
    );
    assert_eq!(entry(&entries, "pons2017timbre").authors[3].family, "Gómez");
}

#[test]
fn encodings_line_ends_and_empty_files() {
    let dir = fixtures("bib-edge");
    let (entries, _, diags) = load_fixture(&dir.join("latin1.bib"));
    let muller = entry(&entries, "muller2015");
    assert_eq!(muller.authors[0].family, "Müller");
    assert_eq!(muller.get("title"), Some("Über „Musik“ – ein Test"));
    assert_eq!(
        said(&diags)[0],
        (
            3,
            Severity::Warning,
            None,
            "the file is not valid UTF-8; it was read".into()
        )
    );

    let (entries, _, diags) = load_fixture(&dir.join("bom-crlf.bib"));
    assert_eq!(diags.errors() + diags.warnings(), 0, "{:?}", diags.sorted());
    let bom = entry(&entries, "bom2016");
    assert_eq!((bom.source.line, bom.source.column), (2, 1));
    assert_eq!(bom.get("booktitle"), Some("Proc. ISMIR"));
    assert_eq!(bom.fields["year"].line, 5);
    let crlf = entry(&entries, "crlf2017");
    assert_eq!(crlf.get("title"), Some("Second line of a title"));
    assert_eq!((crlf.source.line, crlf.fields["year"].line), (8, 10));

    let (entries, site, diags) = load_fixture(&dir.join("empty.bib"));
    assert!(entries.is_empty() && site.articles.is_empty());
    assert_eq!(diags.errors() + diags.warnings(), 0);
}

#[test]
fn broken_entries_are_reported_where_they_are_and_the_others_load() {
    let (entries, _, diags) = load_fixture(&fixtures("bib-edge/broken.bib"));
    let keys: Vec<_> = entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "after-unterminated",
            "paren-entry",
            "no-fields",
            "spaced-out",
            "fine-at-the-end"
        ]
    );
    let errors: Vec<_> = said(&diags)
        .into_iter()
        .filter(|d| d.1 == Severity::Error)
        .map(|(line, _, key, message)| (line, key, message))
        .collect();
    let s = |t: &str| t.to_string();
    assert_eq!(
        errors,
        [
            (
                2,
                Some(s("unterminated2017")),
                s("entry is not terminated: a closing `}` i")
            ),
            (
                13,
                Some(s("missing-comma")),
                s("cannot read this entry: a comma is missi")
            ),
            (21, None, s("cannot read this entry: expected comma")),
            (
                29,
                Some(s("bad-value")),
                s("cannot read this entry: expected comma")
            ),
        ]
    );
}

/// A file that is large in every direction at once: a 1 MB abstract, 5,000
/// authors, 20,000 entries, 5,000 of them on one line. Loading is linear in
/// the file's size: it used to look up every field's line from the start of
/// the file.
#[test]
fn huge_fields_many_authors_and_many_entries_load() {
    let abstract_text = "sound ".repeat(175_000);
    let authors: Vec<String> = (0..5000).map(|i| format!("Name{i}, Given")).collect();
    let mut text = format!(
        "@article{{big,\n  title = {{Big}},\n  year = 2020,\n  abstract = {{{abstract_text}}},\n  author = {{{}}}\n}}\n",
        authors.join(" and ")
    );
    for i in 0..15_000 {
        text.push_str(&format!(
            "@misc{{m{i},\n  title = {{Entry {i}}},\n  year = 2000,\n  note = {{n}}\n}}\n"
        ));
    }
    for i in 0..5_000 {
        text.push_str(&format!(
            "@misc{{line{i}, title = {{On one line {i}}}, year = 2001}} "
        ));
    }
    text.push('\n');
    assert!(text.len() > 2_000_000);
    let started = std::time::Instant::now();
    let mut diags = Diagnostics::default();
    let entries = dl4m::load::bibtex::parse("big.bib", &text, &mut diags);
    let took = started.elapsed();
    assert_eq!(
        diags.errors() + diags.warnings(),
        0,
        "{:?}",
        &diags.sorted()[..1]
    );
    assert_eq!(entries.len(), 20_001);
    let big = &entries[0];
    assert_eq!(big.authors.len(), 5000);
    assert_eq!(big.authors[4999].family, "Name4999");
    assert_eq!(big.get("abstract").map(str::len), Some(1_050_000 - 1));
    assert_eq!(big.fields["author"].line, 5);
    let last = &entries[20_000];
    assert_eq!((last.key.as_str(), last.source.line), ("line4999", 75_007));
    assert!(last.source.column > 250_000);
    eprintln!("loaded {} bytes in {took:?}", text.len());
}

/// Every file under `root` with its length and modification time.
fn snapshot(root: &Path) -> std::collections::BTreeMap<PathBuf, (u64, std::time::SystemTime)> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .filter_map(|e| {
            let meta = e.path().symlink_metadata().ok()?;
            Some((e.into_path(), (meta.len(), meta.modified().ok()?)))
        })
        .collect()
}

/// A URL as a browser reads its scheme: entities decoded, tabs, line breaks
/// and leading spaces or control characters removed, lowercase.
fn as_browser_reads(url: &str) -> String {
    common::unescape(url)
        .replace("&#9;", "")
        .replace("&#x9;", "")
        .replace("&#10;", "")
        .replace("&#xa;", "")
        .replace("&Tab;", "")
        .replace("&NewLine;", "")
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .trim_start_matches(|c: char| c.is_whitespace() || c.is_control())
        .to_ascii_lowercase()
}

#[test]
fn hostile_data_builds_to_a_site_where_nothing_runs_or_escapes() {
    let data = fixtures("bib-hostile");
    let accounting = Accounting::of(
        "hostile.bib",
        std::fs::read(data.join("hostile.bib")).expect("fixture"),
        &[],
    );
    assert!(
        accounting.problems().is_empty(),
        "{:?}",
        accounting.problems()
    );
    assert_eq!(
        (
            accounting.entries.len(),
            accounting.articles.len(),
            accounting.errors.len()
        ),
        (13, 12, 1),
        "the key with a NUL is the one error"
    );

    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("a/b/c/site");
    let data_before = snapshot(&data);
    let passwd_before = snapshot(Path::new("/etc/passwd"));
    let tmp_row_existed = Path::new("/tmp/row").exists();
    let checked = dl4m::build(&dl4m::Options {
        data: Some(data.clone()),
        out: out.clone(),
        ..Default::default()
    })
    .expect("the hostile data builds");

    // Nothing is written outside the output folder, and nothing there leaves it.
    assert_eq!(snapshot(&data), data_before, "the data folder is untouched");
    assert_eq!(snapshot(Path::new("/etc/passwd")), passwd_before);
    assert_eq!(Path::new("/tmp/row").exists(), tmp_row_existed);
    let out_real = out.canonicalize().expect("the site exists");
    for (path, _) in snapshot(tmp.path()) {
        assert!(
            path.starts_with(&out),
            "{} is outside the site",
            path.display()
        );
        let meta = path.symlink_metadata().expect("stat");
        assert!(
            !meta.file_type().is_symlink(),
            "{} is a link",
            path.display()
        );
        let real = path.canonicalize().expect("canonical path");
        assert!(
            real.starts_with(&out_real),
            "{} leaves the site",
            real.display()
        );
        let relative = path
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            relative.len() < 1024 && relative.split('/').all(|part| part.len() <= 255),
            "path too long for common file systems: {} bytes",
            relative.len()
        );
        assert!(!relative.contains(['\0', '\\', ':']), "{relative:?}");
    }

    let files = common::read_tree(&out);
    let own_module = "<script src=/static/js/search.js type=module></script>";
    let mut pages = 0;
    for (path, html) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        pages += 1;
        assert_eq!(
            html.matches(own_module).count(),
            1,
            "{path}: the site's own module"
        );
        // The site's own style for readers without JavaScript.
        let mut html = html.replace(own_module, "");
        // Article pages' own cite module and JSON-LD, which must be one
        // whole JSON document with no `<` (so no `</script>` from the data).
        if path.starts_with("articles/") {
            let cite = "<script src=/static/js/cite.js type=module></script>";
            assert_eq!(html.matches(cite).count(), 1, "{path}: cite module");
            html = html.replace(cite, "");
            let open = "<script type=application/ld+json>";
            assert_eq!(html.matches(open).count(), 1, "{path}: one JSON-LD");
            if let Some(start) = html.find(open) {
                let len = html[start..].find("</script>").expect("JSON-LD ends");
                let json = &html[start + open.len()..start + len];
                assert!(!json.contains('<'), "{path}: {json}");
                serde_json::from_str::<serde_json::Value>(json).expect("JSON-LD parses");
                html.replace_range(start..start + len + "</script>".len(), "");
            }
        }
        if let Some(start) = html.find("<noscript><style>.finder") {
            if let Some(len) = html[start..].find("</style></noscript>") {
                html.replace_range(start..start + len, "");
            }
        }
        let tags = tokenise(&html);
        // Notes are Markdown passed through a sanitiser, which may keep
        // harmless markup such as `<b>` or `<img src=x>` (without handlers).
        for tag in &tags {
            // The statistics page draws its own charts (and legend swatches) as SVG.
            let own_chart = path == "stats/index.html"
                && tag.name == "svg"
                && tag.attributes.iter().any(|(name, value)| {
                    name == "class"
                        && ["chart chart-years", "chart chart-bars", "swatch"]
                            .contains(&value.as_str())
                });
            assert!(
                own_chart
                    || ![
                        "script", "iframe", "svg", "math", "object", "embed", "style", "base",
                        "textarea", "frame", "frameset", "applet",
                    ]
                    .contains(&tag.name.as_str()),
                "{path} has an injected <{}>",
                tag.name
            );
            for (name, value) in &tag.attributes {
                assert!(
                    !name.starts_with("on") && name != "http-equiv" && name != "srcdoc",
                    "{path}: <{} {name}={value:?}>",
                    tag.name
                );
                if !matches!(
                    name.as_str(),
                    "href" | "src" | "action" | "formaction" | "data" | "poster" | "xlink:href"
                ) {
                    continue;
                }
                let url = as_browser_reads(value);
                assert!(
                    !["javascript:", "data:", "vbscript:"]
                        .iter()
                        .any(|s| url.starts_with(s)),
                    "{path}: <{} {name}={value:?}>",
                    tag.name
                );
                assert!(
                    url.starts_with("https://")
                        || url.starts_with("http://")
                        || url.starts_with('#')
                        || url.starts_with('?')
                        || (url.starts_with('/') && !url.starts_with("//"))
                        || !url.contains([':', '/'])
                        || !url.split('/').next().unwrap_or("").contains(':'),
                    "{path}: only http(s), DOI and internal links: <{} {name}={value:?}>",
                    tag.name
                );
            }
        }
        assert!(
            tags.iter().any(|t| t.name == "main"),
            "{path}: the tokeniser sees the page"
        );
    }
    assert!(pages > 20, "{pages} pages");

    let index: serde_json::Value =
        serde_json::from_str(&files["search-index.json"]).expect("the search index is JSON");
    let titles: BTreeSet<&str> = index["articles"]
        .as_array()
        .expect("articles")
        .iter()
        .filter_map(|a| a["t"].as_str())
        .collect();
    assert_eq!(titles.len(), checked.site.articles.len());
    for article in &checked.site.articles {
        assert!(titles.contains(article.title.as_str()), "{}", article.title);
    }
    assert!(
        titles
            .iter()
            .any(|t| t.contains("<script>alert(1)</script>")),
        "titles are kept as text: {titles:?}"
    );
    let home = common::text(&files["index.html"]);
    assert!(home.contains("Title 0 <script>alert(1)</script> <img src=x onerror=alert(2)>"));
}

/// A start tag as a browser's tokeniser reads it.
#[derive(Debug)]
struct Tag {
    name: String,
    /// Lowercase name and decoded value (empty when there is none).
    attributes: Vec<(String, String)>,
}

/// The start tags of a page, read the way the HTML tokeniser does: text,
/// comments and end tags skipped, the contents of `<title>` and
/// `<textarea>` (escapable raw text) and of `<script>` and `<style>` (raw
/// text) read up to their end tag only, attribute values quoted or not.
fn tokenise(html: &str) -> Vec<Tag> {
    let lower = html.to_ascii_lowercase();
    let bytes = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(found) = html[i..].find('<') {
        i += found + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(bytes.len(), |j| i + j + 3);
            continue;
        }
        if !bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let start = i;
        while i < bytes.len() && !matches!(bytes[i], b'\t' | b'\n' | b'\x0c' | b' ' | b'/' | b'>') {
            i += 1;
        }
        let name = lower[start..i].to_string();
        let mut attributes = Vec::new();
        loop {
            while i < bytes.len() && matches!(bytes[i], b'\t' | b'\n' | b'\x0c' | b' ' | b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                i += 1;
                break;
            }
            let at = i;
            i += 1;
            while i < bytes.len()
                && !matches!(
                    bytes[i],
                    b'\t' | b'\n' | b'\x0c' | b' ' | b'/' | b'>' | b'='
                )
            {
                i += 1;
            }
            let attribute = lower[at..i].to_string();
            while i < bytes.len() && matches!(bytes[i], b'\t' | b'\n' | b'\x0c' | b' ') {
                i += 1;
            }
            let mut value = String::new();
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                while i < bytes.len() && matches!(bytes[i], b'\t' | b'\n' | b'\x0c' | b' ') {
                    i += 1;
                }
                match bytes.get(i) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let end = html[i + 1..]
                            .find(q as char)
                            .map_or(bytes.len(), |j| i + 1 + j);
                        value = html[i + 1..end].to_string();
                        i = end + 1;
                    }
                    _ => {
                        let end = html[i..]
                            .find(['\t', '\n', '\x0c', ' ', '>'])
                            .map_or(bytes.len(), |j| i + j);
                        value = html[i..end].to_string();
                        i = end;
                    }
                }
            }
            attributes.push((attribute, common::unescape(&value)));
        }
        if matches!(name.as_str(), "title" | "textarea" | "script" | "style") {
            let end = format!("</{name}");
            i = lower[i.min(lower.len())..]
                .find(&end)
                .map_or(bytes.len(), |j| i + j);
        }
        tags.push(Tag { name, attributes });
        if i >= bytes.len() {
            break;
        }
    }
    tags
}

#[test]
fn the_tokeniser_reads_tags_as_a_browser_does() {
    let tags = tokenise(
        "<p class=x title='a > b'>t <a href=\"/y\" onclick=go()>l</a><title>&lt;<img src=1></title><!-- <b> --><script>\"<i>\"</script><img src=javascript:z onerror=1/>",
    );
    let names: Vec<_> = tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["p", "a", "title", "script", "img"]);
    assert_eq!(tags[0].attributes[1], ("title".into(), "a > b".into()));
    assert_eq!(tags[1].attributes[1], ("onclick".into(), "go()".into()));
    assert_eq!(tags[4].attributes[0], ("src".into(), "javascript:z".into()));
    assert_eq!(tags[4].attributes[1], ("onerror".into(), "1/".into()));
}

/// Loads a table fixture: (line, [(header, value)]) per row, and
/// (line, column, start of message) per diagnostic.
#[allow(clippy::type_complexity)]
fn load_table(
    name: &str,
) -> (
    Vec<(usize, Vec<(String, String)>)>,
    Vec<(usize, usize, String)>,
) {
    let path = fixtures("tables").join(name);
    let files = [InputFile {
        name: name.to_string(),
        bytes: std::fs::read(path).expect("fixture"),
    }];
    let mut diags = Diagnostics::default();
    let input = dl4m::load::load(&files, &mut diags);
    let table = &input.tables[0];
    let rows = table
        .rows
        .iter()
        .map(|r| {
            let cells = r
                .cells
                .iter()
                .map(|c| (table.columns[c.column].label.clone(), c.value.clone()))
                .collect();
            (r.source.line, cells)
        })
        .collect();
    let said = diags
        .sorted()
        .into_iter()
        .map(|d| {
            assert!(d.hint.is_some(), "{d}: a hint says what to do");
            (d.line, d.column, d.message.chars().take(45).collect())
        })
        .collect();
    (rows, said)
}

fn pairs(cells: &[(&str, &str)]) -> Vec<(String, String)> {
    cells
        .iter()
        .map(|(l, v)| (l.to_string(), v.to_string()))
        .collect()
}

#[test]
fn messy_tables_report_each_problem_on_its_line_and_the_rest_loads() {
    let (rows, said) = load_table("messy.csv");
    let s = |t: &str| t.chars().take(45).collect::<String>();
    assert_eq!(
        said,
        [
            (1, 1, s("column 6 (`Task`) holds the same field as `Ta")),
            (4, 1, s("row has 3 of the header's 6 cells; the missing")),
            (5, 1, s("row has 7 cells but the header has 6 columns; ")),
            (6, 3, s("this quote `\"` is never closed (or only after ")),
            (8, 1, s("this row is only a URL, in the `Key` column; it")),
        ]
    );
    let lines: Vec<usize> = rows.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, [2, 4, 5, 6, 7, 8, 10, 12]);
    assert_eq!(
        rows[3].1,
        pairs(&[
            ("Key", "d"),
            ("Title", "\"Open quote"),
            ("Year", "2020"),
            ("Link", "https://x.org/d"),
            ("Task", "Tagging"),
        ])
    );
    assert_eq!(rows[4].1[1], (s("Title"), s("After the open quote")));
    assert_eq!(
        rows[5].1,
        pairs(&[("Link", "https://arxiv.org/abs/1703.06697")])
    );
    assert_eq!(
        rows[6].1,
        pairs(&[
            ("Key", "f"),
            ("Title", "Quoted, with a comma"),
            ("Year", "2022"),
            ("Task", "Multi\nline task"),
        ])
    );

    let (rows, said) = load_table("messy.tsv");
    assert_eq!(
        said,
        [
            (1, 1, s("column 5 (`Architecture`) holds the same field")),
            (4, 1, s("row has 4 of the header's 5 cells; the missing")),
            (7, 8, s("this quote `\"` is never closed (or only after ")),
        ]
    );
    let lines: Vec<usize> = rows.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, [2, 4, 6, 7]);
    assert_eq!(rows[2].1[1], (s("Authors"), s("Smith, \"JJ\"")));
    assert_eq!(rows[3].1[1], (s("Authors"), s("\"Unclosed")));
}

/// A large table with the worst of everything: a quote opened on the second
/// line and never closed, a 1 MB cell, 50,000 rows, ragged rows throughout.
#[test]
fn huge_tables_load() {
    let mut text = String::from("Key,Title,Year,Note\nopen,\"Never closed,2017,\n");
    text.push_str(&format!("big,Big,2018,\"{}\"\n", "x, y\n".repeat(200_000)));
    for i in 0..50_000 {
        if i % 10 == 0 {
            text.push_str(&format!("r{i},Short\n"));
        } else {
            text.push_str(&format!("r{i},Row {i},2019,\"a \"\"quoted\"\" note\"\n"));
        }
    }
    let started = std::time::Instant::now();
    let mut diags = Diagnostics::default();
    let table = dl4m::load::table::parse("big.csv", &text, &mut diags);
    eprintln!("{} bytes in {:?}", text.len(), started.elapsed());
    assert_eq!(table.rows.len(), 50_002);
    assert_eq!(table.rows[1].cells[3].value.len(), 1_000_000 - 1);
    let last = &table.rows[50_001];
    assert_eq!(last.source.line, 3 + 200_000 + 50_000);
    assert_eq!(last.cells[3].value, "a \"quoted\" note");
    assert_eq!(diags.warnings(), 1 + 5_000);
    assert_eq!(diags.sorted()[0].line, 2);
}

/// Inputs the fuzzers found, kept as regression tests: each loads without a
/// panic or a hang, and every entry of a .bib is an article or an error.
#[test]
fn fuzz_reproducers_load() {
    let dir = fixtures("fuzz");
    account_for_folder(&dir);
    for path in files_under(&dir, "") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let started = std::time::Instant::now();
        let (_, _, diags) = load_fixture(&path);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{name}: took {:?}",
            started.elapsed()
        );
        assert!(diags.iter().all(|d| d.line >= 1), "{name}");
    }
}
