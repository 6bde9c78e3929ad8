//! Tests of the BibTeX loader: splitting, macros, entries, names, recovery.

use super::*;
use crate::diag::Severity;

fn load(text: &str) -> (Vec<BibEntry>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let entries = parse("t.bib", text, &mut diags);
    (entries, diags)
}

#[test]
fn splits_entries_and_ignores_comments() {
    let (chunks, strays) =
        split("% c\n@string{a = {b}}\n@article{k, title = {T {x}}}\n@misc(k2, title=\"y\")\n");
    let kinds: Vec<_> = chunks.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(kinds, ["string", "article", "misc"]);
    assert!(chunks.iter().all(|c| c.terminated));
    assert!(strays.is_empty());
}

#[test]
fn unterminated_entry_is_cut_at_the_next_entry_line() {
    let text = "@article{a, title = {Open\n\n@article{b, title = {Fine}}\n";
    let (entries, diags) = load(text);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].key, "b");
    let err = diags.iter().next().unwrap();
    assert_eq!((err.line, err.key.as_deref()), (1, Some("a")));
    assert!(err.message.contains("not terminated"));
}

#[test]
fn stray_quote_between_entries_is_a_warning() {
    let (entries, diags) = load("@misc{a, title={A}}\n\"@misc{b, title={B}}\n");
    assert_eq!(entries.len(), 2);
    assert_eq!(diags.warnings(), 1);
    assert_eq!(diags.iter().next().unwrap().line, 2);
}

#[test]
fn decodes_latex_and_macros() {
    let text = "@string{ismir = {Proc. ISMIR}}\n@inproceedings{s,\n author = {Schl{\\\"u}ter, Jan and van den Oord, A{\\\"a}ron},\n title = {{CNN}s \\& {RNN}s},\n booktitle = ismir # { 2014},\n month = jan}\n";
    let (entries, diags) = load(text);
    assert_eq!(diags.errors() + diags.warnings(), 0, "{diags:?}");
    let e = &entries[0];
    assert_eq!(e.get("title"), Some("CNNs & RNNs"));
    assert_eq!(e.get("booktitle"), Some("Proc. ISMIR 2014"));
    assert_eq!(e.authors[0].family, "Schlüter");
    assert_eq!(e.authors[1].prefix, "van den");
    assert_eq!(e.authors[1].given, "Aäron");
    assert_eq!(e.fields["booktitle"].line, 5);
}

#[test]
fn accents_on_dotless_i_decode_to_one_letter() {
    let text = "@misc{k,\n title = {Mart{\\'\\i}nez \\^\\j},\n author = {Mart\\'\\i nez, Ana and Mart\\'{\\i}nez, Bo}}\n";
    let (entries, diags) = load(text);
    assert_eq!(diags.errors() + diags.warnings(), 0, "{diags:?}");
    assert_eq!(entries[0].get("title"), Some("Martínez ĵ"));
    let families: Vec<_> = entries[0]
        .authors
        .iter()
        .map(|a| a.family.as_str())
        .collect();
    assert_eq!(families, ["Martínez", "Martínez"]);
}

#[test]
fn equals_sign_in_a_name_keeps_the_name_with_a_warning() {
    let text =
        "@misc{k,\n title = {T},\n author = {Mallory, Eve=x and family=Knuth, given=Donald}}\n";
    let (entries, diags) = load(text);
    let names: Vec<_> = entries[0]
        .authors
        .iter()
        .map(|a| format!("{} {}", a.given, a.family))
        .collect();
    assert_eq!(names, ["Eve=x Mallory", "Donald Knuth"]);
    assert_eq!(diags.warnings(), 1);
    let warning = diags.iter().next().unwrap();
    assert_eq!((warning.line, warning.key.as_deref()), (3, Some("k")));
    assert!(
        warning.message.contains("Mallory, Eve=x"),
        "{}",
        warning.message
    );
}

#[test]
fn unreadable_names_are_reported() {
    let text = "@misc{k,\n title = {T},\n author = {Ann Lee and {} and {Team and Co}}}\n";
    let (entries, diags) = load(text);
    assert_eq!(entries[0].authors.len(), 2, "{:?}", entries[0].authors);
    let warning = diags.iter().next().unwrap();
    assert_eq!(warning.line, 3);
    assert!(
        warning.message.starts_with("1 of the 3 names"),
        "{}",
        warning.message
    );
}

#[test]
fn syntax_error_after_a_repair_is_reported_where_the_file_has_it() {
    let text = "@misc{k,\n author = {Mallory, Eve=x},\n title = {T} year = 2020}\n";
    let (entries, diags) = load(text);
    assert!(entries.is_empty());
    let error = diags
        .iter()
        .find(|d| d.severity == crate::diag::Severity::Error)
        .unwrap();
    assert_eq!(error.line, 3, "{}", error.message);
}

#[test]
fn tex_quotes_and_dashes_are_typeset_outside_urls() {
    let (entries, _) =
        load("@misc{a, title = {The ``Emotion'' task -- part one}, url = {https://x.org/a--b}}");
    assert_eq!(
        entries[0].get("title"),
        Some("The \u{201c}Emotion\u{201d} task \u{2013} part one")
    );
    assert_eq!(entries[0].get("url"), Some("https://x.org/a--b"));
}

#[test]
fn duplicate_keys_are_kept_with_a_warning() {
    let (entries, diags) = load("@misc{a, title={A}}\n@misc{A, title={B}}\n");
    assert_eq!(entries.len(), 2);
    let w = diags.iter().next().unwrap();
    assert_eq!((w.line, w.key.as_deref()), (2, Some("A")));
}

#[test]
fn doubled_umlaut_quote_is_repaired() {
    let (entries, diags) = load("@misc{s, author = {Schl{\\\"\"u}ter, Jan}, title = {T}}");
    assert_eq!(entries[0].authors[0].family, "Schlüter");
    assert_eq!(diags.warnings(), 1);
}

#[test]
fn parenthesis_delimited_entries_load() {
    let (entries, diags) =
        load("@string(j = {Cell})\n@article(tes,\n title = {T (x)},\n journal = j\n)\n");
    assert_eq!(diags.errors(), 0, "{diags:?}");
    assert_eq!(entries[0].get("title"), Some("T (x)"));
    assert_eq!(entries[0].get("journal"), Some("Cell"));
}

#[test]
fn undefined_macro_is_kept_as_written_with_a_warning() {
    let (entries, diags) = load("@misc{a, publisher = IEEE, title = {T}}");
    assert_eq!(entries[0].get("publisher"), Some("IEEE"));
    assert_eq!(diags.warnings(), 1);
}

#[test]
fn broken_entry_is_reported_and_others_load() {
    let text = "@misc{a, title = {A}}\n@misc{b, title = {B} year = 2000}\n@misc{c, title = {C}}\n";
    let (entries, diags) = load(text);
    let keys: Vec<_> = entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["a", "c"]);
    let err = diags.iter().next().unwrap();
    assert_eq!((err.line, err.key.as_deref()), (2, Some("b")));
}

#[test]
fn macros_that_refer_to_themselves_are_shown_as_their_name() {
    // The parser resolves macros recursively: a cycle used to overflow its stack.
    let text = "@string{a = b # {x}}\n@string{b = a}\n@string{c = c}\n@misc{k, title = a, note = c, year = 2000}\n@misc{after, title = {Fine}}\n";
    let (entries, diags) = load(text);
    let keys: Vec<_> = entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["k", "after"]);
    assert_eq!(entries[0].get("title"), Some("a"));
    assert_eq!(entries[0].get("note"), Some("c"));
    let messages: Vec<_> = diags.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages[0].contains("`a` refers to itself (a → b → a)"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("`c` refers to itself (c → c)"),
        "{messages:?}"
    );
    assert!(
        diags
            .iter()
            .all(|d| d.line == 4 && d.key.as_deref() == Some("k"))
    );
}

#[test]
fn macros_that_double_at_each_step_are_not_expanded() {
    // m40 would expand to 2^40 copies of `xx`: a "billion laughs".
    let mut text = String::from("@string{m0 = {xx}}\n");
    for i in 1..=40 {
        text.push_str(&format!("@string{{m{i} = m{} # m{}}}\n", i - 1, i - 1));
    }
    text.push_str("@misc{k, title = m40, note = m3}\n");
    let (entries, diags) = load(&text);
    assert_eq!(entries[0].get("title"), Some("m40"));
    assert_eq!(entries[0].get("note"), Some("xxxxxxxxxxxxxxxx"));
    assert_eq!(diags.warnings(), 1);
    assert!(
        diags
            .iter()
            .next()
            .unwrap()
            .message
            .contains("more than 1 MiB")
    );
}

#[test]
fn long_runs_are_parsed_in_parallel_with_the_macros_of_their_place() {
    let mut text = String::from("@string{v = {A}}\n");
    for i in 0..300 {
        if i == 150 {
            text.push_str("@string{v = {B}}\n");
        }
        if i % 50 == 7 {
            text.push_str(&format!("@misc{{k{i}, title = {{T}} year = 1}}\n"));
        } else {
            text.push_str(&format!("@misc{{k{i}, title = v}}\n"));
        }
    }
    let (entries, diags) = load(&text);
    assert_eq!(entries.len(), 294);
    assert_eq!(entries[0].key, "k0");
    assert_eq!(entries[293].key, "k299");
    assert!(entries.iter().all(|e| {
        let n: usize = e.key[1..].parse().unwrap();
        e.get("title") == Some(if n < 150 { "A" } else { "B" })
    }));
    let lines: Vec<usize> = diags.iter().map(|d| d.line).collect();
    assert_eq!(lines.len(), 6);
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "{lines:?}");
}

#[test]
fn long_chains_of_macros_are_not_expanded() {
    let mut text = String::from("@string{m0 = {x}}\n");
    for i in 1..=5000 {
        text.push_str(&format!("@string{{m{i} = m{} # {{.}}}}\n", i - 1));
    }
    text.push_str("@misc{k, title = m5000, note = m20}\n");
    let (entries, diags) = load(&text);
    assert_eq!(entries[0].get("title"), Some("m5000"));
    assert_eq!(
        entries[0].get("note"),
        Some(&*format!("x{}", ".".repeat(20)))
    );
    assert_eq!(diags.warnings(), 1, "{diags:?}");
    assert!(
        diags
            .iter()
            .next()
            .unwrap()
            .message
            .contains("more than 32 levels")
    );
}

#[test]
fn an_entry_that_is_its_own_crossref_loads() {
    // The parser followed `crossref`, `xdata` and `ids` within the entry
    // and recursed forever when they named the entry itself.
    let text = "@misc{a, crossref = {a}, title = {A}}\n@misc{b, ids = {c}, crossref = {c}, title = {B}}\n@misc{d, xdata = {d}, title = {D}}\n";
    let (entries, diags) = load(text);
    let keys: Vec<_> = entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["a", "b", "d"]);
    assert_eq!(diags.errors(), 0, "{diags:?}");
    assert_eq!(entries[0].get("crossref"), Some("a"));
    assert_eq!(entries[1].get("ids"), Some("c"));
    assert_eq!(entries[1].fields["crossref"].line, 2);
}

#[test]
fn a_quoted_macro_with_an_unbalanced_brace_expands() {
    // The braces balance over the whole @string, so the splitter keeps it.
    let (entries, diags) = load("@string{o = \"x { y\" # {}}}\n@misc{k, title = {T}, note = o}\n");
    assert_eq!(diags.errors(), 0, "{diags:?}");
    assert_eq!(entries[0].get("note"), Some("x y"));
}

#[test]
fn and_others_is_not_an_author() {
    let (entries, _) = load("@article{s, author = {Smith, John and others}, title = {T}}");
    let families: Vec<_> = entries[0]
        .authors
        .iter()
        .map(|n| n.family.as_str())
        .collect();
    assert_eq!(families, ["Smith"]);
}

#[test]
fn latex_escapes_in_urls_are_removed() {
    let (entries, _) =
        load("@misc{m, url = {http://x.org/a{\\_}b\\%20c\\#d}, doi = {10.1/a\\_b}, title = {T}}");
    assert_eq!(entries[0].get("url"), Some("http://x.org/a_b%20c#d"));
    assert_eq!(entries[0].get("doi"), Some("10.1/a_b"));
}

#[test]
fn control_characters_never_reach_a_diagnostic_key() {
    let (entries, diags) = load("@misc{a\u{1b}[2J, title = {T}}\n");
    assert!(entries.is_empty());
    let err = diags.iter().next().unwrap();
    assert_eq!((err.line, err.key.as_deref()), (1, None));
}

#[test]
fn a_missing_comma_is_named_and_an_entry_without_fields_loads() {
    let text = "@misc{a,\n title = {T}\n year = 2000}\n@misc{b}\n@misc{c, title = {C}}\n";
    let (entries, diags) = load(text);
    let keys: Vec<_> = entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["b", "c"]);
    assert!(entries[0].fields.is_empty());
    let err = diags.iter().next().unwrap();
    assert_eq!(
        (err.line, err.column, err.key.as_deref()),
        (3, 2, Some("a"))
    );
    assert_eq!(
        err.message,
        "cannot read this entry: a comma is missing before the field `year`"
    );
    assert_eq!(diags.errors() + diags.warnings(), 1);
}

#[test]
fn a_value_that_is_not_a_field_is_still_an_error() {
    let (entries, diags) = load("@misc{a, year = 20 17}\n@misc{b{c}d, title = {T}}\n");
    assert!(entries.is_empty());
    let errors: Vec<_> = diags.iter().map(|d| (d.line, d.severity)).collect();
    assert_eq!(errors, [(1, Severity::Error), (2, Severity::Error)]);
}

#[test]
fn crossref_fills_missing_fields() {
    let text = "@inproceedings{p, crossref = {proc}, title = {Paper}}\n@proceedings{proc, title = {Big Conf}, year = 2001, publisher = {ACM}}\n";
    let (entries, _) = load(text);
    let p = &entries[0];
    assert_eq!(p.get("booktitle"), Some("Big Conf"));
    assert_eq!(p.get("year"), Some("2001"));
    assert_eq!(p.get("title"), Some("Paper"));
}
