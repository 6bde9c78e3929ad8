//! The BibTeX splitter and loader on arbitrary bytes: no panic, no hang, and
//! every chunk and diagnostic where the file says.
#![no_main]

use dl4m::diag::{Diagnostics, Severity};
use dl4m::load::{InputFile, bibtex, load};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The splitter alone, on the text as the loader decodes it.
    let files = [InputFile {
        name: "fuzz.bib".into(),
        bytes: data.to_vec(),
    }];
    let text = dl4m::load::decode(&files[0], &mut Diagnostics::default());
    let (chunks, strays) = bibtex::split(&text);
    let mut end = 0;
    for chunk in &chunks {
        assert!(chunk.start >= end && chunk.start < chunk.end && chunk.end <= text.len());
        assert_eq!(text.as_bytes()[chunk.start], b'@');
        end = chunk.end;
    }
    for stray in &strays {
        assert!(stray.start < text.len() && !stray.text.is_empty());
    }

    // The whole loader, through the file decoding (BOM, Windows-1252).
    let mut diags = Diagnostics::default();
    let input = load(&files, &mut diags);
    let lines = 1 + data.iter().filter(|&&b| b == b'\n').count();
    for d in diags.iter() {
        assert!(d.line >= 1 && d.line <= lines && d.column >= 1, "{d:?}");
        assert!(!d.message.is_empty());
        assert!(d.key.as_deref().is_none_or(|k| !k.contains(char::is_control)));
    }
    let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
    let entries = chunks
        .iter()
        .filter(|c| !matches!(c.kind.as_str(), "string" | "comment" | "preamble"))
        .count();
    assert!(input.entries.len() <= entries, "more entries than chunks");
    assert!(
        input.entries.len() + errors >= entries,
        "an entry is neither loaded nor an error"
    );
    for entry in &input.entries {
        assert!(entry.source.line >= 1 && entry.source.line <= lines);
        // A field inherited through `crossref` keeps its parent's line.
        for field in entry.fields.values() {
            assert!(field.line >= 1 && field.line <= lines);
        }
    }
});
