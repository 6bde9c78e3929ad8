//! Load, index and render a BibTeX file and a table cut from one input: no
//! panic, no hang, slugs that stay inside the site, every page rendered.
#![no_main]

use dl4m::diag::Diagnostics;
use dl4m::load::{InputFile, load};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn templates() -> &'static dl4m::theme::Templates {
    static TEMPLATES: OnceLock<dl4m::theme::Templates> = OnceLock::new();
    TEMPLATES.get_or_init(|| dl4m::theme::Templates::load(None).expect("built-in templates"))
}

fuzz_target!(|data: &[u8]| {
    // `\0\0` separates the BibTeX file from the table; the first byte after
    // it picks CSV or TSV.
    let (bib, table) = match data.windows(2).position(|w| w == b"\0\0") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[][..]),
    };
    let table_name = if table.first().is_some_and(|b| b % 2 == 0) {
        "fuzz.csv"
    } else {
        "fuzz.tsv"
    };
    let files = [
        InputFile {
            name: "fuzz.bib".into(),
            bytes: bib.to_vec(),
        },
        InputFile {
            name: table_name.into(),
            bytes: table.to_vec(),
        },
    ];
    let mut diags = Diagnostics::default();
    let input = load(&files, &mut diags);
    let site = dl4m::index::build(&input, &mut diags);
    let mut slugs = std::collections::HashSet::new();
    for article in &site.articles {
        let slug = &article.slug;
        assert!(!slug.is_empty() && slug.len() <= 200, "{slug:?}");
        assert!(
            slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{slug:?}"
        );
        assert!(slugs.insert(slug.clone()), "slug used twice: {slug}");
        assert!(article.sources.iter().all(|s| s.line >= 1));
    }
    // A small page size, so that pagination runs too.
    let ctx = dl4m::render::RenderContext::new(&site, templates(), None, 3).expect("context");
    let mut outputs = dl4m::render::pages::render_all(&ctx).expect("renders");
    // Small enough to stay one file (format 2)…
    let index = dl4m::render::search::files(&site, usize::MAX);
    let json: serde_json::Value = serde_json::from_slice(&index[0].bytes).expect("JSON");
    assert_eq!(json["articles"].as_array().map(Vec::len), Some(site.articles.len()));
    outputs.extend(index);
    // …and sharded (format 3), whose files must all be JSON too.
    for output in dl4m::render::search::files(&site, 0) {
        let _: serde_json::Value = serde_json::from_slice(&output.bytes).expect("JSON");
        outputs.push(output);
    }
    for output in &outputs {
        let path = &output.path;
        assert!(
            !path.starts_with('/') && !path.split('/').any(|p| p == ".." || p.is_empty()),
            "{path:?}"
        );
    }
});
