//! The `dl4m` binary as a curator runs it: exit codes, JSON diagnostics,
//! template overrides, embedded data, and escaping of hostile input.

mod common;

use std::path::Path;
use std::process::Command;

fn dl4m(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dl4m"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("dl4m runs")
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(dir.join(name), text).expect("write");
}

const GOOD_BIB: &str =
    "@article{good2020, title = {A Good Article}, author = {Doe, Jane}, year = 2020}\n";

/// A folder whose `data/list.bib` has one good entry and, on line 3, one with
/// a missing comma.
fn with_a_broken_entry() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    write(
        &tmp.path().join("data"),
        "list.bib",
        &format!("{GOOD_BIB}\n@article{{broken, title = {{Oops}} year = 2020}}\n"),
    );
    tmp
}

#[test]
fn check_reports_broken_entries_as_json_with_file_and_line() {
    let tmp = with_a_broken_entry();
    let out = dl4m(tmp.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "errors give exit code 1");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(report["articles"], 1);
    let d = &report["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["line"], 3);
    assert_eq!(d["key"], "broken");
    assert!(d["file"].as_str().unwrap().ends_with("list.bib"));
    let file = &report["files"][0];
    assert!(file["file"].as_str().unwrap().ends_with("list.bib"));
    assert_eq!((&file["articles"], &file["errors"]), (&1.into(), &1.into()));
    assert!(!tmp.path().join("site").exists(), "check writes nothing");
}

#[test]
fn human_diagnostics_quote_the_line_and_sum_up_each_file() {
    let tmp = with_a_broken_entry();
    let out = dl4m(tmp.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("3 | @article{broken, title = {Oops} year = 2020}\n  | "),
        "{stderr}"
    );
    assert!(
        stderr.contains("list.bib: 1 article, 1 error, 0 warnings"),
        "{stderr}"
    );
    assert!(!stderr.contains('\x1b'), "no colour when not on a terminal");
    let coloured = dl4m(tmp.path(), &["--color", "always", "check"]);
    assert!(String::from_utf8_lossy(&coloured.stderr).contains("\x1b[1;31merror"));
}

#[test]
fn build_exit_codes_follow_errors_and_strict_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    write(&data, "list.bib", GOOD_BIB);
    write(
        &data,
        "list.csv",
        "Key,Task\ngood2020,Tagging\nmissing2020,Tagging\n",
    );
    let out = dl4m(tmp.path(), &["build"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        tmp.path()
            .join("site/articles/good2020/index.html")
            .is_file()
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("list.csv:3"),
        "the warning names file and line: {stderr}"
    );
    let strict = dl4m(tmp.path(), &["build", "--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    let usage = dl4m(tmp.path(), &["build", "--no-such-flag"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn fatal_errors_exit_2_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    write(&data, "list.bib", GOOD_BIB);
    write(&tmp.path().join("site"), "thesis.tex", "precious");
    let out = dl4m(tmp.path(), &["build"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("site/thesis.tex")).unwrap(),
        "precious"
    );
    let templates = tmp.path().join("tpl");
    write(&templates, "article.html", "{% if %}");
    let out = dl4m(
        tmp.path(),
        &["build", "--out", "other", "--templates", "tpl"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!tmp.path().join("other").exists());
}

#[test]
fn templates_folder_overrides_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    write(&data, "list.bib", GOOD_BIB);
    write(
        &tmp.path().join("tpl"),
        "article.html",
        "<p>Custom: {{ article.title }}</p>",
    );
    let out = dl4m(tmp.path(), &["build", "--templates", "tpl"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page =
        std::fs::read_to_string(tmp.path().join("site/articles/good2020/index.html")).unwrap();
    assert!(page.contains("Custom: A Good Article"));
    let home = std::fs::read_to_string(tmp.path().join("site/index.html")).unwrap();
    assert!(
        home.contains("A Good Article") && home.contains("<table"),
        "other templates stay built in"
    );
}

#[test]
fn static_folder_overrides_file_by_file() {
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("data"), "list.bib", GOOD_BIB);
    let theme = tmp.path().join("theme");
    write(&theme, "style.css", "body { color: rebeccapurple }\n");
    write(&theme.join("img"), "logo.svg", "<svg/>\n");
    let out = dl4m(tmp.path(), &["build", "--static", "theme"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let site = common::read_tree(&tmp.path().join("site"));
    assert_eq!(
        site["static/style.css"], "body { color: rebeccapurple }\n",
        "the folder's file replaces the built-in one"
    );
    assert_eq!(site["static/img/logo.svg"], "<svg/>\n", "and adds its own");
    let built_in = [
        "static/js/search.js",
        "static/js/engine.js",
        "static/favicon.svg",
    ];
    for path in built_in {
        assert!(site.contains_key(path), "{path} stays built in");
    }
}

#[test]
fn without_a_data_folder_the_embedded_list_is_built() {
    let tmp = tempfile::tempdir().unwrap();
    let out = dl4m(tmp.path(), &["build"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pages = common::read_tree(&tmp.path().join("site"))
        .keys()
        .filter(|p| p.starts_with("articles/"))
        .count();
    assert!(pages >= 26, "{pages} article pages");
    assert!(tmp.path().join("site/static/style.css").is_file());
}

#[test]
fn markup_in_data_is_shown_as_text() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    write(
        &data,
        "list.bib",
        "@article{x, title = {<script>alert(1)</script> and <img src=x onerror=alert(2)>}, author = {Doe, Jane}, year = 2020, url = {javascript:alert(3)}}\n",
    );
    write(
        &data,
        "list.csv",
        "Key,Task,Note\nx,\"<b onmouseover=alert(4)>t</b>\",\"**bold** <script>alert(5)</script>\"\n",
    );
    let out = dl4m(tmp.path(), &["build"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (path, html) in common::read_tree(&tmp.path().join("site")) {
        if !path.ends_with(".html") {
            continue;
        }
        // The scripts a page may have are the site's own: the search module
        // and, on article pages, the cite module and the JSON-LD, whose
        // text must hold no `<` (so no `</script>` from the data).
        let own_module = "<script src=/static/js/search.js type=module></script>";
        assert_eq!(html.matches(own_module).count(), 1, "{path}: search module");
        let mut html = html.replace(own_module, "");
        if path.starts_with("articles/") {
            let cite = "<script src=/static/js/cite.js type=module></script>";
            assert_eq!(html.matches(cite).count(), 1, "{path}: cite module");
            html = html.replace(cite, "");
            let open = "<script type=application/ld+json>";
            let start = html.find(open).expect("JSON-LD script");
            let len = html[start..].find("</script>").expect("JSON-LD ends");
            let json = &html[start + open.len()..start + len];
            assert!(!json.contains('<'), "{path}: {json}");
            serde_json::from_str::<serde_json::Value>(json).expect("JSON-LD parses");
            html.replace_range(start..start + len + "</script>".len(), "");
        }
        let (tags, attrs) = common::elements_and_attributes(&html);
        for tag in ["script", "img", "b"] {
            assert!(
                !tags.iter().any(|t| t == tag),
                "{path} has an injected <{tag}>"
            );
        }
        assert!(
            !attrs.iter().any(|a| a.starts_with("on")),
            "{path} has an event handler"
        );
        assert!(
            tags.iter().any(|t| t == "main"),
            "the tokeniser sees the page's own elements"
        );
        for link in common::links(&html) {
            assert!(
                !link.to_lowercase().starts_with("javascript:"),
                "{path} links to {link}"
            );
        }
    }
    let page = std::fs::read_to_string(tmp.path().join("site/articles/x/index.html")).unwrap();
    assert!(
        common::text(&page).contains("<script>alert(1)</script>"),
        "the title is shown as text"
    );
    assert!(page.contains("<strong>bold</strong>"), "notes are Markdown");
}

#[test]
fn a_new_site_builds_and_its_settings_shape_the_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let created = dl4m(tmp.path(), &["new", "list"]);
    assert!(created.status.success(), "{created:?}");
    let site = tmp.path().join("list");
    let again = dl4m(tmp.path(), &["new", "list"]);
    assert_eq!(again.status.code(), Some(2), "a used folder is refused");

    let checked = dl4m(&site, &["check", "--strict"]);
    assert!(
        checked.status.success(),
        "the starter site checks clean: {}",
        String::from_utf8_lossy(&checked.stderr)
    );

    let config = std::fs::read_to_string(site.join("dl4m.toml")).unwrap();
    let config = config
        .replace("title = \"My reading list\"", "title = \"Sound Papers\"")
        .replace("# repository = ", "repository = ")
        .replace("label = \"Tasks\"", "label = \"Problems\"")
        .replace(
            "columns = [\"tasks\", \"architectures\", \"datasets\", \"code\"]",
            "columns = [\"frameworks\", \"tasks\", \"code\"]",
        )
        + "\n[taxonomies.datasets.extra]\n";
    write(&site, "dl4m.toml", &(config + "colour = \"red\"\n"));
    let built = dl4m(&site, &["build", "--color", "never"]);
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(built.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: unknown setting `taxonomies.datasets.extra.colour`")
            || stderr.contains("warning: unknown setting `taxonomies.datasets.extra`"),
        "an unknown key is a warning: {stderr}"
    );
    assert!(
        stderr.contains("dl4m.toml:"),
        "with its file and line: {stderr}"
    );

    let home = std::fs::read_to_string(site.join("site/index.html")).unwrap();
    assert!(
        home.contains("<title>Sound Papers</title>"),
        "the title comes from dl4m.toml"
    );
    assert!(
        home.contains(">Problems</a>"),
        "the nav uses the taxonomy label"
    );
    let header: Vec<&str> = home
        .match_indices("data-col=")
        .map(|(i, _)| home[i + 9..].split([' ', '>']).next().unwrap_or(""))
        .collect();
    assert_eq!(
        header,
        ["frameworks", "tasks", "code"],
        "columns follow dl4m.toml"
    );
    assert!(home.contains(
        "<td class=c-frameworks data-label=Frameworks><a class=chip href=/frameworks/theano/>Theano</a>"
    ));
    assert!(!home.contains("c-arch"), "a column left out is not shown");
    let article =
        std::fs::read_to_string(site.join("site/articles/schluter2014improved/index.html"))
            .unwrap();
    assert!(
        article.contains("href=https://github.com/you/my-list/blob/main/data/list.bib#L4"),
        "edit links point at the entry's line"
    );
    assert!(article.contains("href=https://github.com/you/my-list/blob/main/data/list.csv#L2"));
}
