// The search engine of the site: reads search-index.json (format 2, one
// file, or format 3, a manifest whose word chunks, records and filter data
// are fetched as queries need them; both documented in
// src/render/search/mod.rs), matches queries word by word, applies facet
// filters and counts what each filter value would leave. No DOM here, so it
// can be used and tested on its own.

/** The single-file index format this module reads. */
export const VERSION = 2;
/** The sharded index format this module reads. */
export const SHARDED_VERSION = 3;

/** Faceted taxonomies, in the order the filters show them. */
export const FACETS = ['task', 'architecture', 'dataset', 'framework'];

// Where a word was found, and its weight; an article's score for a query
// word is the weight of the best field it was found in, so title and author
// matches rank first.
const TITLE = 1, AUTHOR = 2, TERM = 4, VENUE = 8, YEAR = 16, ABSTRACT = 32;
const WEIGHT = { [TITLE]: 16, [AUTHOR]: 12, [TERM]: 6, [VENUE]: 3, [YEAR]: 3, [ABSTRACT]: 1 };
// A whole word counts more than a word that only starts with the query word.
const WHOLE_WORD_BONUS = 1.25;

const MARKS = /\p{M}+/gu;
const LETTERS_WITHOUT_DECOMPOSITION = /[ßæœøłđðþı]/g;
const SPELLED_OUT = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };
const WORD = /[\p{L}\p{N}]+/gu;
const ASCII = /^[\x00-\x7f]*$/;
const WORD_WITH_MARKS = /[\p{L}\p{N}\p{M}]+/gu;

/** Lower case without diacritics, so `SCHLÜTER`, `Schlüter` and `schluter` agree. */
export function fold(text) {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(MARKS, '')
    .replace(LETTERS_WITHOUT_DECOMPOSITION, (c) => SPELLED_OUT[c]);
}

/** The folded words of a text, in order. */
export function words(text) {
  const plain = ASCII.test(text) ? text.toLowerCase() : fold(text);
  return plain.match(WORD) ?? [];
}

/** The distinct words of a query, longest first. */
export function queryWords(query) {
  return [...new Set(words(query))].sort((a, b) => b.length - a.length);
}

/**
 * Where the query words occur in `text`: `[start, end)` ranges in its UTF-16
 * offsets, covering the part of each word that a query word is a prefix of.
 */
export function matchRanges(text, queryWordList) {
  const ranges = [];
  if (!queryWordList.length) return ranges;
  for (const m of text.matchAll(WORD_WITH_MARKS)) {
    const folded = fold(m[0]);
    const hit = queryWordList.find((w) => folded.startsWith(w));
    if (hit) ranges.push([m.index, m.index + originalLength(m[0], hit.length)]);
  }
  return ranges;
}

// How many UTF-16 units of `word` fold to its first `foldedLength` characters.
function originalLength(word, foldedLength) {
  let folded = 0;
  let offset = 0;
  for (const ch of word) {
    if (folded >= foldedLength) break;
    folded += fold(ch).length;
    offset += ch.length;
  }
  // Marks that follow the last matched letter belong to it.
  while (offset < word.length && /\p{M}/u.test(word[offset])) offset += 1;
  return offset;
}

const loads = new Map();

/** Fetches and indexes `url` once per page; later calls share the result. */
export function load(url) {
  if (!loads.has(url)) {
    loads.set(url, fetchJson(url).then((json) => (json?.version === SHARDED_VERSION
      ? new ShardedEngine(json, url.replace(/\.json$/, '/'))
      : new Engine(json))));
  }
  return loads.get(url);
}

async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

/** An empty filter state: no query, no facet values, no year bounds. */
export function emptyState() {
  return { q: '', facets: Object.fromEntries(FACETS.map((f) => [f, []])), code: false, from: null, to: null };
}

/** True when the state filters nothing out. */
export function isEmpty(state) {
  return !state.q.trim() && !state.code && state.from === null && state.to === null &&
    FACETS.every((f) => state.facets[f].length === 0);
}

/**
 * What both formats share: the facet values, the filter data once known
 * (per article: years, code, facet values), query scoring over sorted word
 * lists, filtering and counting.
 */
class BaseEngine {
  constructor(facets, size) {
    this.facets = FACETS.map((name) => ({ name, values: facets?.[name] ?? [] }));
    this.slugPositions = this.facets.map(({ values }) => new Map(values.map(([, slug], i) => [slug, i])));
    this.total = size;
    this.terms = FACETS.map(() => null);
    this.code = null;
    this.years = null;
    this.yearRange = null;
    this.best = new Float32Array(size);
  }

  get size() {
    return this.total;
  }

  setYears(years) {
    this.years = years;
    const known = years.filter((y) => y > 0);
    this.yearRange = known.length ? [Math.min(...known), Math.max(...known)] : null;
  }

  /** Builds what the first query needs now rather than then (call it when idle). */
  prepare() {}

  /** Fetches the filter data (`FACETS` names or `code`) not yet at hand. */
  async loadFilters() {}

  /** Makes the display records of article positions available to `article`. */
  async records() {}

  // Scores of the articles that contain every query word (0 for the others).
  // `listsFor(w)` gives the word lists in which to look up `w`: each a sorted
  // `vocabulary` and, per word, `postings` of `[weight, article positions]`.
  scoreQuery(queryWordList, listsFor) {
    const n = this.size;
    const total = new Float32Array(n);
    const found = new Uint8Array(n);
    const best = this.best;
    for (const w of queryWordList) {
      best.fill(0);
      for (const { vocabulary, postings } of listsFor(w)) {
        const end = lowerBound(vocabulary, `${w}\uffff`);
        for (let j = lowerBound(vocabulary, w); j < end; j += 1) {
          const whole = vocabulary[j].length === w.length ? WHOLE_WORD_BONUS : 1;
          for (const [weight, ids] of postings[j]) {
            const s = weight * whole;
            for (let k = 0; k < ids.length; k += 1) if (s > best[ids[k]]) best[ids[k]] = s;
          }
        }
      }
      for (let i = 0; i < n; i += 1) {
        if (best[i] > 0) {
          found[i] += 1;
          total[i] += best[i];
        }
      }
    }
    const needed = queryWordList.length;
    for (let i = 0; i < n; i += 1) if (found[i] !== needed) total[i] = 0;
    return total;
  }

  // Per facet, a flag per value: is it selected? `null` when none is.
  selections(state) {
    return this.facets.map(({ values }, f) => {
      const flags = new Uint8Array(values.length);
      let any = false;
      for (const slug of state.facets[FACETS[f]] ?? []) {
        const i = this.slugPositions[f].get(slug);
        if (i !== undefined) {
          flags[i] = 1;
          any = true;
        }
      }
      return any ? flags : null;
    });
  }

  /** The facet value positions of article `i` in facet `f`, for display. */
  termsOf(f, i) {
    return this.terms[f]?.of(i) ?? [];
  }

  // Applies the filters of `state` to the articles with a score (all of
  // them without a query): the matching positions (ranked when there are
  // scores, in site order otherwise), and per facet value the number of
  // articles it would leave: those matching the query and every other
  // filter that carry the value (OR within a facet, AND across facets). The
  // counts of a facet whose data is not at hand are `null`, as is
  // `codeCount` without the code data.
  filter(state, query, scores) {
    const n = this.size;
    const selected = this.selections(state);
    const facetCount = selected.length;
    const counts = this.facets.map(({ values }, f) => (this.terms[f] ? new Int32Array(values.length) : null));
    const lists = this.terms;
    const code = this.code;
    let codeCount = 0;
    const matched = new Int32Array(n);
    let found = 0;
    const from = state.from ?? -Infinity;
    const to = state.to ?? Infinity;
    const bounded = state.from !== null || state.to !== null;
    for (let i = 0; i < n; i += 1) {
      if (scores && scores[i] === 0) continue;
      const year = this.years[i];
      if (bounded && (year === 0 || year < from || year > to)) continue;
      let failures = state.code && !code[i] ? 1 : 0;
      let failed = -1;
      for (let f = 0; f < facetCount && failures < 2; f += 1) {
        if (selected[f] && !lists[f].hasAny(i, selected[f])) {
          failures += 1;
          failed = f;
        }
      }
      if (failures === 0) {
        matched[found] = i;
        found += 1;
        for (let f = 0; f < facetCount; f += 1) if (counts[f]) lists[f].countInto(i, counts[f]);
        if (code) codeCount += code[i];
      } else if (failures === 1 && failed >= 0 && counts[failed]) {
        lists[failed].countInto(i, counts[failed]);
      }
    }
    const results = scores ? rank(matched.subarray(0, found), scores) : matched.subarray(0, found);
    return { results, query, counts, codeCount: code ? codeCount : null, total: n };
  }
}

// Index of the first word of a sorted list not less than `word`.
function lowerBound(list, word) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < word) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The single-file index (format 2), all in memory; searches synchronously. */
export class Engine extends BaseEngine {
  constructor(index) {
    if (!index || index.version !== VERSION) {
      throw new Error(`search index version ${index && index.version} is not ${VERSION}`);
    }
    super(index.facets, index.articles.length);
    this.articles = index.articles;
    this.authors = index.authors ?? [];
    this.terms = FACETS.map((name) => new TermLists(this.articles.map((a) => a[name] ?? [])));
    this.setYears(Int16Array.from(this.articles, (a) => a.y ?? 0));
    this.code = Uint8Array.from(this.articles, (a) => (a.c ? 1 : 0));
    this.words = null;
  }

  prepare() {
    if (!this.words) this.words = this.buildWordIndex();
  }

  authorName(id) {
    return this.authors[id]?.[0] ?? '';
  }

  /** The display record of article `i`. */
  article(i) {
    return this.articles[i];
  }

  /** The `[name, slug]` of each author of a record. */
  authorsOf(a) {
    return (a.a ?? []).map((id) => this.authors[id] ?? ['', '']);
  }

  // A sorted vocabulary and, per word and field, the articles it occurs in.
  buildWordIndex() {
    const wordIds = new Map();
    const lists = [];
    const add = (text, field, id) => {
      if (!text) return;
      for (const w of words(String(text))) {
        let k = wordIds.get(w);
        if (k === undefined) {
          k = lists.length;
          wordIds.set(w, k);
          lists.push(new Map());
        }
        const ids = lists[k].get(field);
        if (!ids) lists[k].set(field, [id]);
        else if (ids[ids.length - 1] !== id) ids.push(id);
      }
    };
    this.articles.forEach((a, id) => {
      add(a.t, TITLE, id);
      for (const author of a.a ?? []) add(this.authorName(author), AUTHOR, id);
      this.facets.forEach(({ name, values }) => {
        for (const v of a[name] ?? []) add(values[v]?.[0], TERM, id);
      });
      add(a.v, VENUE, id);
      add(a.y, YEAR, id);
      add(a.x, ABSTRACT, id);
    });
    const vocabulary = [...wordIds.keys()].sort();
    const postings = vocabulary.map((w) =>
      [...lists[wordIds.get(w)]].map(([field, ids]) => [WEIGHT[field], Int32Array.from(ids)]));
    return { vocabulary, postings };
  }

  /** Applies a state: see `filter`; with every count known. */
  search(state) {
    const query = queryWords(state.q);
    this.prepare();
    const scores = query.length ? this.scoreQuery(query, () => [this.words]) : null;
    return this.filter(state, query, scores);
  }
}

/**
 * The sharded index (format 3): the manifest in memory; word chunks, record
 * shards and filter data fetched under `base` as queries need them, each
 * once. `search` returns a promise.
 */
export class ShardedEngine extends BaseEngine {
  constructor(manifest, base) {
    super(manifest.facets, manifest.count);
    this.manifest = manifest;
    this.base = base;
    this.files = new Map();
    this.rows = [];
    this.chunks = new Map();
    const years = new Int16Array(manifest.count);
    let at = 0;
    for (const [year, run] of manifest.years ?? []) {
      years.fill(year, at, at + run);
      at += run;
    }
    this.setYears(years);
  }

  fetch(name) {
    if (!this.files.has(name)) {
      const loaded = fetchJson(`${this.base}${name}.json`);
      loaded.catch(() => this.files.delete(name));
      this.files.set(name, loaded);
    }
    return this.files.get(name);
  }

  article(i) {
    return this.rows[i];
  }

  authorsOf(a) {
    return a.a ?? [];
  }

  async records(positions) {
    const per = this.manifest.records;
    const shards = new Set(Array.from(positions, (i) => Math.floor(i / per)));
    await Promise.all([...shards].map(async (k) => {
      if (this.rows[k * per]) return;
      const rows = await this.fetch(`records-${k}`);
      rows.forEach((row, r) => { this.rows[k * per + r] = row; });
    }));
  }

  async loadFilters(names) {
    await Promise.all(names.map(async (name) => {
      const f = FACETS.indexOf(name);
      if (name === 'code' && !this.code) {
        const code = new Uint8Array(this.size);
        for (const i of decode(await this.fetch('filter-code'), this.size)) code[i] = 1;
        this.code = code;
      } else if (f >= 0 && !this.terms[f]) {
        const values = await this.fetch(`filter-${name}`);
        this.terms[f] = TermLists.fromMembers(values.map((v) => decode(v, this.size)), this.size);
      }
    }));
  }

  // The chunk names of each word group whose word range meets the words
  // that start with `w`, or the group's prefix file for `w` when it has one.
  chunkNames(w) {
    const names = [];
    for (const [group, firsts] of Object.entries(this.manifest.words)) {
      const prefixes = this.manifest.prefixes?.[group] ?? [];
      const p = lowerBound(prefixes, w);
      if (prefixes[p] === w) {
        names.push(`${group}-p${p}`);
        continue;
      }
      const at = lowerBound(firsts, w);
      const from = firsts[at] === w ? at : Math.max(0, at - 1);
      const to = lowerBound(firsts, `${w}\uffff`);
      for (let k = from; k < to; k += 1) names.push(`${group}-${k}`);
    }
    return names;
  }

  // A fetched chunk as a word list: `[word, field, posting]` entries, sorted.
  async chunk(name) {
    if (!this.chunks.has(name)) {
      const vocabulary = [];
      const postings = [];
      for (const [word, field, posting] of await this.fetch(name)) {
        if (vocabulary[vocabulary.length - 1] !== word) {
          vocabulary.push(word);
          postings.push([]);
        }
        postings[postings.length - 1].push([WEIGHT[field], decode(posting, this.size)]);
      }
      this.chunks.set(name, { vocabulary, postings });
    }
    return this.chunks.get(name);
  }

  /**
   * Applies a state (see `filter`), once the chunks of its words and the
   * data of its filters are fetched. Without a query or a filter the counts
   * come from the manifest; otherwise a facet's counts are `null` until
   * `loadFilters` has fetched its data.
   */
  async search(state) {
    const query = queryWords(state.q);
    const needed = FACETS.filter((name) => (state.facets[name] ?? []).length);
    if (state.code) needed.push('code');
    await this.loadFilters(needed);
    const lists = new Map();
    await Promise.all(query.map(async (w) => lists.set(w, await Promise.all(this.chunkNames(w).map((c) => this.chunk(c))))));
    const scores = query.length ? this.scoreQuery(query, (w) => lists.get(w)) : null;
    const found = this.filter(state, query, scores);
    if (isEmpty(state)) {
      found.counts = FACETS.map((name) => Int32Array.from(this.manifest.counts?.[name] ?? []));
      found.codeCount = this.manifest.code ?? 0;
    }
    return found;
  }
}

// The characters of a posting string (see src/render/search/mod.rs).
const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DIGIT = new Uint8Array(128);
for (let d = 0; d < 64; d += 1) DIGIT[DIGITS.charCodeAt(d)] = d;

/** The sorted article positions of a posting string: gaps, or `~` and a bitmap. */
export function decode(posting, count) {
  const out = [];
  if (posting[0] === '~') {
    for (let c = 1; c < posting.length; c += 1) {
      const bits = DIGIT[posting.charCodeAt(c)];
      for (let b = 0; b < 6; b += 1) if (bits & (1 << b)) out.push((c - 1) * 6 + b);
    }
    return Int32Array.from(out.filter((i) => i < count));
  }
  let n = 0;
  let at = -1;
  for (let c = 0; c < posting.length; c += 1) {
    const d = DIGIT[posting.charCodeAt(c)];
    n = n * 32 + (d & 31);
    if (!(d & 32)) {
      at += n + 1;
      out.push(at);
      n = 0;
    }
  }
  return Int32Array.from(out);
}

// Orders article positions by score, best first, ties in site order: one
// native numeric sort of keys that pack the rounded score and the position.
function rank(positions, scores) {
  const keys = new Float64Array(positions.length);
  for (let k = 0; k < positions.length; k += 1) {
    const i = positions[k];
    keys[k] = -Math.round(scores[i] * 64) * 2 ** 24 + i;
  }
  keys.sort();
  const ranked = new Int32Array(keys.length);
  for (let k = 0; k < keys.length; k += 1) ranked[k] = keys[k] - Math.floor(keys[k] / 2 ** 24) * 2 ** 24;
  return ranked;
}

/** Per article, a list of facet value positions, packed in two typed arrays. */
class TermLists {
  constructor(lists) {
    this.start = new Int32Array(lists.length + 1);
    lists.forEach((list, i) => { this.start[i + 1] = this.start[i] + list.length; });
    this.values = new Int32Array(this.start[lists.length]);
    lists.forEach((list, i) => this.values.set(list, this.start[i]));
  }

  /** From the articles of each value (`members[v]`, sorted positions). */
  static fromMembers(members, size) {
    const lists = Array.from({ length: size }, () => []);
    members.forEach((ids, v) => ids.forEach((i) => lists[i]?.push(v)));
    return new TermLists(lists);
  }

  of(i) {
    return this.values.subarray(this.start[i], this.start[i + 1]);
  }

  hasAny(i, flags) {
    for (let k = this.start[i]; k < this.start[i + 1]; k += 1) if (flags[this.values[k]]) return true;
    return false;
  }

  countInto(i, counts) {
    for (let k = this.start[i]; k < this.start[i + 1]; k += 1) counts[this.values[k]] += 1;
  }
}
