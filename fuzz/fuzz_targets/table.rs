//! The table loader on arbitrary bytes, as CSV and as TSV: no panic, no hang,
//! rows in order with their lines, cells in known columns.
#![no_main]

use dl4m::diag::Diagnostics;
use dl4m::load::{InputFile, load};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let lines = 1 + data.iter().filter(|&&b| b == b'\n').count();
    for name in ["fuzz.csv", "fuzz.tsv"] {
        let files = [InputFile {
            name: name.into(),
            bytes: data.to_vec(),
        }];
        let mut diags = Diagnostics::default();
        let input = load(&files, &mut diags);
        for d in diags.iter() {
            assert!(d.line >= 1 && d.line <= lines && d.column >= 1, "{d:?}");
        }
        for table in &input.tables {
            let mut previous = 0;
            for row in &table.rows {
                assert!(row.source.line > previous && row.source.line <= lines);
                previous = row.source.line;
                assert!(!row.cells.is_empty());
                for cell in &row.cells {
                    assert!(cell.column < table.columns.len());
                    assert!(!cell.value.trim().is_empty());
                }
            }
        }
    }
});
