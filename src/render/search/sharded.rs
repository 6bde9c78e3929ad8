//! The sharded search index, format 3 (documented in the parent module):
//! a small manifest, `search-index.json`, and under `search-index/` the word
//! chunks, the record shards and the filter data, each fetched by the engine
//! only when a query or a filter needs it.

use super::words::for_each_word;
use super::{Record, Tables};
use crate::model::{Article, Site};
use crate::output::Output;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The version of the sharded format.
pub const VERSION: u32 = 3;

/// Rows per record shard: a result row needs its shard, so small shards keep
/// the first results cheap; 16 rows are about 3 KB.
pub const RECORD_ROWS: usize = 16;

/// A word chunk is closed once it holds this many bytes (a single word's
/// postings can make one larger, up to 4 × count / 6 bytes): a 64th of the
/// shard threshold, from 1 KB to 16 KB.
pub fn chunk_bytes(shard_bytes: usize) -> usize {
    (shard_bytes / 64).clamp(1024, 16 * 1024)
}

/// Where a word occurs; the bits and the weights are those of engine.js.
const TITLE: u8 = 1;
const AUTHOR: u8 = 2;
const TERM: u8 = 4;
const VENUE: u8 = 8;
const YEAR: u8 = 16;
const ABSTRACT: u8 = 32;

/// The word groups, each chunked on its own, so that the title and author
/// words of a query are found in small files: `(name, fields)`.
const GROUPS: [(&str, &[u8]); 3] = [
    ("title", &[TITLE]),
    ("author", &[AUTHOR]),
    ("other", &[TERM, VENUE, YEAR, ABSTRACT]),
];

/// The characters of a posting string, 6 bits each (URL-safe base64).
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

#[derive(Serialize)]
struct Manifest<'a> {
    version: u32,
    count: usize,
    facets: BTreeMap<&'static str, Vec<(&'a str, &'a str)>>,
    counts: BTreeMap<&'static str, Vec<usize>>,
    code: usize,
    years: Vec<(i32, usize)>,
    words: BTreeMap<&'static str, Vec<String>>,
    prefixes: BTreeMap<&'static str, Vec<String>>,
    records: usize,
}

/// Renders the manifest and every file under `search-index/`, with word
/// chunks of about [`chunk_bytes`]`(shard_bytes)`.
pub fn render(site: &Site, shard_bytes: usize) -> Vec<Output> {
    let tables = Tables::new(site);
    let postings = Postings::of(site, &tables);
    let mut outputs = Vec::new();
    let mut words = BTreeMap::new();
    let mut prefixes = BTreeMap::new();
    let count = site.articles.len();
    for (name, fields) in GROUPS {
        let entries = postings.group(fields);
        let chunks = chunks(&entries, count, chunk_bytes(shard_bytes));
        let firsts: Vec<String> = chunks.iter().map(|(first, _)| first.clone()).collect();
        for (k, (_, json)) in chunks.into_iter().enumerate() {
            outputs.push(Output::new(format!("search-index/{name}-{k}.json"), json));
        }
        let short = prefix_files(&entries, &firsts, count);
        prefixes.insert(name, short.iter().map(|(p, _)| p.clone()).collect());
        for (k, (_, json)) in short.into_iter().enumerate() {
            outputs.push(Output::new(format!("search-index/{name}-p{k}.json"), json));
        }
        words.insert(name, firsts);
    }
    outputs.extend(record_shards(site, &tables));
    outputs.extend(filters(site, &tables));
    let manifest = Manifest {
        version: VERSION,
        count: site.articles.len(),
        facets: tables.facet_entries(),
        counts: facet_counts(site, &tables),
        code: site.articles.iter().filter(|a| !a.code.is_empty()).count(),
        years: year_runs(site),
        words,
        prefixes,
        records: RECORD_ROWS,
    };
    outputs.push(Output::new("search-index.json", to_json(&manifest)));
    outputs
}

fn to_json(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec())
}

/// Per field bit, each word and the sorted positions of the articles it occurs in.
struct Postings {
    fields: BTreeMap<u8, HashMap<String, Vec<u32>>>,
}

impl Postings {
    /// The words of every article, field by field, as engine.js indexes them.
    fn of(site: &Site, tables: &Tables) -> Self {
        let mut postings = Postings {
            fields: BTreeMap::new(),
        };
        for (id, a) in (0u32..).zip(&site.articles) {
            postings.add(TITLE, &a.title, id);
            for (name, _) in tables.authors(a) {
                postings.add(AUTHOR, name, id);
            }
            for (_, kind, table) in &tables.facets {
                let ids = table.ids(a.terms(*kind).iter().map(|r| r.slug.as_str()));
                for (name, _) in ids.into_iter().filter_map(|i| table.entries.get(i)) {
                    postings.add(TERM, name, id);
                }
            }
            if let Some(venue) = &a.venue {
                postings.add(VENUE, venue, id);
            }
            if let Some(year) = a.year.filter(|&y| y != 0) {
                postings.add(YEAR, &year.to_string(), id);
            }
            if let Some(text) = &a.abstract_text {
                postings.add(ABSTRACT, text, id);
            }
        }
        postings
    }

    fn add(&mut self, field: u8, text: &str, id: u32) {
        let map = self.fields.entry(field).or_default();
        for_each_word(text, |word| match map.get_mut(word) {
            Some(ids) if ids.last() == Some(&id) => {}
            Some(ids) => ids.push(id),
            None => {
                map.insert(word.to_string(), vec![id]);
            }
        });
    }

    /// The `(word, field, positions)` of the given fields, sorted by word in
    /// UTF-16 order (the order of JavaScript's string comparison), then field.
    fn group(&self, fields: &[u8]) -> Vec<(&str, u8, &[u32])> {
        let mut entries: Vec<(&str, u8, &[u32])> = fields
            .iter()
            .filter_map(|f| Some((*f, self.fields.get(f)?)))
            .flat_map(|(f, map)| {
                map.iter()
                    .map(move |(w, ids)| (w.as_str(), f, ids.as_slice()))
            })
            .collect();
        entries.sort_by(|a, b| js_order(a.0, b.0).then(a.1.cmp(&b.1)));
        entries
    }
}

/// Splits sorted entries into chunks of about `size` bytes, never splitting
/// one word's entries; returns each chunk's first word and JSON.
fn chunks(entries: &[(&str, u8, &[u32])], count: usize, size: usize) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    let mut first = String::new();
    let mut previous: Option<&str> = None;
    for &(word, field, ids) in entries {
        let new_word = previous != Some(word);
        if new_word && current.len() >= size {
            current.push(b']');
            out.push((std::mem::take(&mut first), std::mem::take(&mut current)));
        }
        if current.is_empty() {
            current.push(b'[');
            first = word.to_string();
        } else {
            current.push(b',');
        }
        current.extend(to_json(&(word, field, encode(ids, count))));
        previous = Some(word);
    }
    if !current.is_empty() {
        current.push(b']');
        out.push((first, current));
    }
    out
}

/// Query words of at most this many UTF-16 units (one or two keystrokes)
/// are looked up in a prefix file when their words span several chunks.
const SHORT: usize = 2;

/// JavaScript's string order: by UTF-16 code units.
fn js_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// The prefix files of a group's sorted entries: for each prefix of at most
/// [`SHORT`] UTF-16 units whose words span more than one chunk, the entries
/// of the prefix itself and, under the word `prefix + "\0"`, per field the
/// union of the longer words that start with it; sorted by prefix.
fn prefix_files(
    entries: &[(&str, u8, &[u32])],
    firsts: &[String],
    count: usize,
) -> Vec<(String, Vec<u8>)> {
    let chunk_of = |word: &str| {
        firsts
            .partition_point(|f| js_order(f, word).is_le())
            .saturating_sub(1)
    };
    let mut short: Vec<String> = entries
        .iter()
        .flat_map(|(word, _, _)| (1..=SHORT).filter_map(|n| utf16_prefix(word, n)))
        .collect();
    short.sort_by(|a, b| js_order(a, b));
    short.dedup();
    let mut out = Vec::new();
    for prefix in short {
        let start = entries.partition_point(|e| js_order(e.0, &prefix).is_lt());
        let len = entries[start..]
            .iter()
            .take_while(|e| e.0.starts_with(prefix.as_str()))
            .count();
        let words = &entries[start..start + len];
        let (Some(first), Some(last)) = (words.first(), words.last()) else {
            continue;
        };
        if chunk_of(first.0) == chunk_of(last.0) {
            continue;
        }
        let json = prefix_file(&prefix, words, count);
        out.push((prefix, json));
    }
    out
}

/// The first `n` UTF-16 units of `word`, when they are whole characters
/// and the word is longer.
fn utf16_prefix(word: &str, n: usize) -> Option<String> {
    let mut units = 0;
    for (at, c) in word.char_indices() {
        if units == n {
            return Some(word[..at].to_string());
        }
        units += c.len_utf16();
    }
    None
}

/// One prefix file (see [`prefix_files`]) from the entries of the words
/// that start with `prefix`.
fn prefix_file(prefix: &str, words: &[(&str, u8, &[u32])], count: usize) -> Vec<u8> {
    let mut unions: BTreeMap<u8, Vec<bool>> = BTreeMap::new();
    let mut json = vec![b'['];
    for &(word, field, ids) in words {
        if word == prefix {
            if json.len() > 1 {
                json.push(b',');
            }
            json.extend(to_json(&(word, field, encode(ids, count))));
            continue;
        }
        let union = unions.entry(field).or_insert_with(|| vec![false; count]);
        for &id in ids {
            if let Some(bit) = union.get_mut(id as usize) {
                *bit = true;
            }
        }
    }
    let longer = format!("{prefix}\0");
    for (field, union) in unions {
        let ids: Vec<u32> = (0u32..)
            .zip(&union)
            .filter(|(_, b)| **b)
            .map(|(i, _)| i)
            .collect();
        if json.len() > 1 {
            json.push(b',');
        }
        json.extend(to_json(&(&longer, field, encode(&ids, count))));
    }
    json.push(b']');
    json
}

/// A sorted set of article positions as a string: the gaps between them
/// (`position - previous - 1`, the first from -1) as variable-length numbers
/// of 5-bit digits, most significant first, every digit but the last with
/// 32 added; or, when shorter, `~` and a bitmap of `count` bits, 6 per
/// character, position `p` at bit `p % 6` of character `p / 6`.
pub fn encode(ids: &[u32], count: usize) -> String {
    let mut gaps = String::new();
    let mut previous: i64 = -1;
    for &id in ids {
        let gap = i64::from(id) - previous - 1;
        previous = i64::from(id);
        push_number(&mut gaps, u64::try_from(gap).unwrap_or(0));
    }
    let bitmap_len = count.div_ceil(6) + 1;
    if gaps.len() <= bitmap_len {
        return gaps;
    }
    let mut bits = vec![0u8; count.div_ceil(6)];
    for &id in ids {
        let id = id as usize;
        if let Some(cell) = bits.get_mut(id / 6) {
            *cell |= 1 << (id % 6);
        }
    }
    std::iter::once('~')
        .chain(bits.iter().map(|&b| char::from(DIGITS[usize::from(b)])))
        .collect()
}

fn push_number(out: &mut String, n: u64) {
    let mut digits = [0u8; 13];
    let mut len = 0;
    let mut rest = n;
    loop {
        digits[len] = (rest & 31) as u8;
        len += 1;
        rest >>= 5;
        if rest == 0 {
            break;
        }
    }
    for i in (0..len).rev() {
        let more = if i > 0 { 32 } else { 0 };
        out.push(char::from(DIGITS[usize::from(digits[i] | more)]));
    }
}

/// The display records, [`RECORD_ROWS`] articles a file, in site order.
fn record_shards(site: &Site, tables: &Tables) -> Vec<Output> {
    site.articles
        .chunks(RECORD_ROWS)
        .enumerate()
        .map(|(k, rows)| {
            let records: Vec<_> = rows.iter().map(|a| record(a, tables)).collect();
            Output::new(format!("search-index/records-{k}.json"), to_json(&records))
        })
        .collect()
}

/// A record of a record shard: the authors by name and slug, no abstract.
fn record<'a>(a: &'a Article, tables: &Tables<'a>) -> Record<'a, Vec<(&'a str, &'a str)>> {
    Record::of(a, tables.authors(a), tables)
}

/// Per facet, the articles of each value; and the articles with code.
fn filters(site: &Site, tables: &Tables) -> Vec<Output> {
    let count = site.articles.len();
    let mut outputs: Vec<Output> = tables
        .facets
        .iter()
        .map(|(name, _, table)| {
            let mut members = vec![Vec::new(); table.entries.len()];
            for (id, a) in (0u32..).zip(&site.articles) {
                for i in tables.terms(a).remove(name).unwrap_or_default() {
                    if let Some(list) = members.get_mut(i) {
                        list.push(id);
                    }
                }
            }
            let encoded: Vec<String> = members.iter().map(|ids| encode(ids, count)).collect();
            Output::new(
                format!("search-index/filter-{name}.json"),
                to_json(&encoded),
            )
        })
        .collect();
    let code: Vec<u32> = (0u32..)
        .zip(&site.articles)
        .filter(|(_, a)| !a.code.is_empty())
        .map(|(id, _)| id)
        .collect();
    outputs.push(Output::new(
        "search-index/filter-code.json",
        to_json(&encode(&code, count)),
    ));
    outputs
}

/// Per facet, how many articles carry each value.
fn facet_counts(site: &Site, tables: &Tables) -> BTreeMap<&'static str, Vec<usize>> {
    let mut counts: BTreeMap<&'static str, Vec<usize>> = tables
        .facets
        .iter()
        .map(|(name, _, table)| (*name, vec![0; table.entries.len()]))
        .collect();
    for a in &site.articles {
        for (name, ids) in tables.terms(a) {
            if let Some(list) = counts.get_mut(name) {
                for i in ids {
                    if let Some(n) = list.get_mut(i) {
                        *n += 1;
                    }
                }
            }
        }
    }
    counts
}

/// The years of the articles in site order as `(year, run length)` pairs;
/// 0 for an unknown year. Site order is newest first, so the runs are few.
fn year_runs(site: &Site) -> Vec<(i32, usize)> {
    let mut runs: Vec<(i32, usize)> = Vec::new();
    for a in &site.articles {
        let year = a.year.unwrap_or(0);
        match runs.last_mut() {
            Some((y, n)) if *y == year => *n += 1,
            _ => runs.push((year, 1)),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::search::tests::site_of;
    use crate::render::search::words::words;
    use crate::render::search::{SHARD_THRESHOLD, files as render_any};
    use serde_json::Value;
    use std::collections::HashSet;

    /// `n` articles with a few shared and a few unique words each.
    fn synthetic(n: usize) -> Site {
        let mut bib = String::new();
        let mut csv = String::from("Key,Task,Architecture,Code\n");
        for i in 0..n {
            bib.push_str(&format!(
                "@article{{k{i}, title={{Étude {i} of onset number{i} and Straße}}, \
                 author={{Schl{{\\\"u}}ter, Jan and Writer{}, Ann}}, year={{{}}}, \
                 journal={{ISMIR}}, abstract={{We detect onsets in piece{i}.}}}}\n",
                i % 7,
                2000 + i % 5
            ));
            let code = if i % 3 == 0 {
                "https://github.com/x/y"
            } else {
                ""
            };
            csv.push_str(&format!("k{i},Task{},CNN,{code}\n", i % 4));
        }
        site_of(&bib, &csv)
    }

    fn json(output: &Output) -> Value {
        serde_json::from_slice(&output.bytes).expect("JSON")
    }

    fn file<'o>(outputs: &'o [Output], path: &str) -> &'o Output {
        outputs.iter().find(|o| o.path == path).expect(path)
    }

    /// The inverse of [`encode`].
    fn decode(s: &str, count: usize) -> Vec<u32> {
        let digit = |c: u8| DIGITS.iter().position(|&d| d == c).expect("digit") as u32;
        if let Some(bits) = s.strip_prefix('~') {
            return (0..count as u32)
                .filter(|&p| digit(bits.as_bytes()[p as usize / 6]) & (1 << (p % 6)) != 0)
                .collect();
        }
        let (mut out, mut n, mut previous) = (Vec::new(), 0u32, -1i64);
        for &c in s.as_bytes() {
            let d = digit(c);
            n = n * 32 + (d & 31);
            if d & 32 == 0 {
                previous += i64::from(n) + 1;
                out.push(previous as u32);
                n = 0;
            }
        }
        out
    }

    #[test]
    fn postings_round_trip_as_gaps_or_bitmaps() {
        for ids in [
            vec![],
            vec![0],
            vec![5, 6, 40, 1000, 99_999],
            (0..1000).collect(),
        ] {
            let encoded = encode(&ids, 100_000);
            assert_eq!(decode(&encoded, 100_000), ids, "{encoded}");
        }
        assert!(encode(&(0..1000).collect::<Vec<_>>(), 1000).starts_with('~'));
        assert_eq!(encode(&[0, 1, 2], 1000), "AAA");
        assert_eq!(encode(&[32], 1000), "hA");
        assert_eq!(encode(&[0, 34], 1000), "AhB", "the example of the format");
    }

    #[test]
    fn switches_to_shards_above_the_threshold() {
        let site = synthetic(40);
        let one = render_any(&site, SHARD_THRESHOLD);
        assert_eq!(one.len(), 1);
        assert_eq!(json(&one[0])["version"], 2);
        let size = one[0].bytes.len();
        assert_eq!(render_any(&site, size).len(), 1, "exactly at the limit");
        let sharded = render_any(&site, size - 1);
        assert_eq!(json(file(&sharded, "search-index.json"))["version"], 3);
        assert!(sharded.len() > 5);
        assert!(
            sharded
                .iter()
                .all(|o| o.path == "search-index.json" || o.path.starts_with("search-index/"))
        );
    }

    #[test]
    fn every_article_is_in_exactly_one_record_shard() {
        let site = synthetic(40);
        let outputs = render(&site, SHARD_THRESHOLD);
        let manifest = json(file(&outputs, "search-index.json"));
        assert_eq!(manifest["count"], 40);
        let mut slugs = Vec::new();
        for k in 0..40usize.div_ceil(RECORD_ROWS) {
            let shard = json(file(&outputs, &format!("search-index/records-{k}.json")));
            let rows = shard.as_array().expect("rows");
            assert!(rows.len() <= RECORD_ROWS);
            slugs.extend(
                rows.iter()
                    .map(|r| r["s"].as_str().expect("slug").to_string()),
            );
            assert!(
                rows.iter().all(|r| r["a"][0][0] == "Jan Schlüter"),
                "{shard}"
            );
        }
        let site_slugs: Vec<String> = site.articles.iter().map(|a| a.slug.clone()).collect();
        assert_eq!(slugs, site_slugs, "each once, in site order");
        let runs = manifest["years"].as_array().expect("years");
        let total: u64 = runs.iter().map(|r| r[1].as_u64().expect("run")).sum();
        assert_eq!(total, 40);
    }

    #[test]
    fn chunks_cover_every_word_once_in_order() {
        let site = synthetic(1200);
        let outputs = render(&site, SHARD_THRESHOLD);
        let manifest = json(file(&outputs, "search-index.json"));
        let expected: [(&str, Vec<String>); 3] = [
            (
                "title",
                site.articles.iter().flat_map(|a| words(&a.title)).collect(),
            ),
            (
                "author",
                vec![
                    "jan".into(),
                    "schluter".into(),
                    "ann".into(),
                    "writer0".into(),
                ],
            ),
            (
                "other",
                vec![
                    "onsets".into(),
                    "ismir".into(),
                    "2004".into(),
                    "task3".into(),
                    "cnn".into(),
                ],
            ),
        ];
        for (group, must_have) in expected {
            let firsts = manifest["words"][group].as_array().expect("chunk list");
            let mut seen: Vec<String> = Vec::new();
            for (k, first) in firsts.iter().enumerate() {
                let chunk = json(file(&outputs, &format!("search-index/{group}-{k}.json")));
                let entries = chunk.as_array().expect("entries");
                assert_eq!(entries[0][0], *first, "a chunk starts with its listed word");
                for entry in entries {
                    let word = entry[0].as_str().expect("word").to_string();
                    let ids = decode(entry[2].as_str().expect("posting"), 1200);
                    assert!(!ids.is_empty() && ids.windows(2).all(|w| w[0] < w[1]));
                    if seen.last() != Some(&word) {
                        seen.push(word);
                    }
                }
            }
            let mut sorted = seen.clone();
            sorted.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            sorted.dedup();
            assert_eq!(seen, sorted, "{group}: sorted, each word in one chunk");
            let seen: HashSet<String> = seen.into_iter().collect();
            for word in must_have {
                assert!(seen.contains(&word), "{group} lacks {word}: {seen:?}");
            }
        }
        assert!(manifest["words"]["other"].as_array().expect("chunks").len() > 1);
    }

    #[test]
    fn prefix_files_hold_the_union_of_longer_words() {
        let site = synthetic(1200);
        let outputs = render(&site, 20_000);
        let manifest = json(file(&outputs, "search-index.json"));
        let short = manifest["prefixes"]["other"].as_array().expect("prefixes");
        let k = short.iter().position(|p| p == "p").expect("a file for `p`");
        let entries = json(file(&outputs, &format!("search-index/other-p{k}.json")));
        let entries = entries.as_array().expect("entries");
        assert!(
            entries.iter().all(|e| e[0] == "p\0"),
            "no word is `p` itself"
        );
        let abstracts = entries
            .iter()
            .find(|e| e[1] == ABSTRACT)
            .expect("abstract words");
        // Every abstract has its "piece<i>", spread over many chunks.
        let all: Vec<u32> = (0..1200).collect();
        assert_eq!(decode(abstracts[2].as_str().expect("posting"), 1200), all);
        assert_eq!(
            utf16_prefix("𝄞ab", 1),
            None,
            "half a surrogate pair is no prefix"
        );
        assert_eq!(utf16_prefix("𝄞ab", 2).as_deref(), Some("𝄞"));
        assert_eq!(utf16_prefix("ab", 2), None, "the word itself is no prefix");
    }

    #[test]
    fn filters_list_the_articles_of_each_value() {
        let site = synthetic(20);
        let outputs = render(&site, SHARD_THRESHOLD);
        let manifest = json(file(&outputs, "search-index.json"));
        let tasks = json(file(&outputs, "search-index/filter-task.json"));
        for (i, posting) in tasks.as_array().expect("values").iter().enumerate() {
            let ids = decode(posting.as_str().expect("posting"), 20);
            assert_eq!(manifest["counts"]["task"][i], ids.len());
            let slug = manifest["facets"]["task"][i][1].as_str().expect("slug");
            for id in ids {
                assert!(
                    site.articles[id as usize]
                        .tasks
                        .iter()
                        .any(|t| t.slug == slug)
                );
            }
        }
        let code = json(file(&outputs, "search-index/filter-code.json"));
        let with_code = decode(code.as_str().expect("posting"), 20);
        assert_eq!(with_code.len(), 7);
        assert_eq!(manifest["code"], 7);
    }
}
