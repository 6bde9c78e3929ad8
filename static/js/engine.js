// The search engine of the site: reads search-index.json (format version 2,
// documented in src/render/search.rs), matches queries word by word, applies
// facet filters and counts what each filter value would leave. No DOM here,
// so it can be used and tested on its own.

/** The index format this module reads. */
export const VERSION = 2;

/** Faceted taxonomies, in the order the filters show them. */
export const FACETS = ['task', 'architecture', 'dataset', 'framework'];

// Where a word was found; an article's score for a query word is the weight
// of the best field it was found in, so title and author matches rank first.
const TITLE = 1, AUTHOR = 2, TERM = 4, VENUE = 8, YEAR = 16, ABSTRACT = 32;
const FIELD_WEIGHTS = [
  [TITLE, 16], [AUTHOR, 12], [TERM, 6], [VENUE, 3], [YEAR, 3], [ABSTRACT, 1],
];
const WEIGHT = new Float32Array(64).map((_, mask) =>
  Math.max(0, ...FIELD_WEIGHTS.filter(([bit]) => mask & bit).map(([, w]) => w)));
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
    loads.set(url, fetch(url).then((response) => {
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      return response.json();
    }).then((json) => new Engine(json)));
  }
  return loads.get(url);
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

/** The search index, made ready for fast queries. */
export class Engine {
  constructor(index) {
    if (!index || index.version !== VERSION) {
      throw new Error(`search index version ${index && index.version} is not ${VERSION}`);
    }
    this.articles = index.articles;
    this.authors = index.authors ?? [];
    this.facets = FACETS.map((name) => ({ name, values: index.facets?.[name] ?? [] }));
    this.slugPositions = this.facets.map(({ values }) => new Map(values.map(([, slug], i) => [slug, i])));
    this.terms = FACETS.map((name) => new TermLists(this.articles.map((a) => a[name] ?? [])));
    this.years = Int16Array.from(this.articles, (a) => a.y ?? 0);
    this.code = Uint8Array.from(this.articles, (a) => (a.c ? 1 : 0));
    const known = this.years.filter((y) => y > 0);
    this.yearRange = known.length ? [Math.min(...known), Math.max(...known)] : null;
    this.vocabulary = null;
    this.best = new Float32Array(this.articles.length);
  }

  /** Builds the word index now rather than at the first query (call it when idle). */
  prepare() {
    if (!this.vocabulary) this.buildWordIndex();
  }

  get size() {
    return this.articles.length;
  }

  authorName(id) {
    return this.authors[id]?.[0] ?? '';
  }

  // A sorted vocabulary and, per word, the articles it occurs in with the
  // fields it occurs in; a query word is looked up as a prefix range.
  buildWordIndex() {
    const wordIds = new Map();
    const lists = [];
    const add = (text, bit, id) => {
      if (!text) return;
      for (const w of words(String(text))) {
        let k = wordIds.get(w);
        if (k === undefined) {
          k = lists.length;
          wordIds.set(w, k);
          lists.push({ ids: [], masks: [] });
        }
        const list = lists[k];
        const last = list.ids.length - 1;
        if (list.ids[last] === id) list.masks[last] |= bit;
        else {
          list.ids.push(id);
          list.masks.push(bit);
        }
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
    this.vocabulary = [...wordIds.keys()].sort();
    this.postings = this.vocabulary.map((w) => {
      const { ids, masks } = lists[wordIds.get(w)];
      return { ids: Int32Array.from(ids), masks: Uint8Array.from(masks) };
    });
  }

  // Index of the first vocabulary word not less than `word`.
  lowerBound(word) {
    let lo = 0;
    let hi = this.vocabulary.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.vocabulary[mid] < word) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // Scores of the articles that contain every query word (0 for the others).
  scoreQuery(queryWordList) {
    this.prepare();
    const n = this.size;
    const total = new Float32Array(n);
    const found = new Uint8Array(n);
    const best = this.best;
    for (const w of queryWordList) {
      best.fill(0);
      const end = this.lowerBound(`${w}\uffff`);
      for (let j = this.lowerBound(w); j < end; j += 1) {
        const whole = this.vocabulary[j].length === w.length ? WHOLE_WORD_BONUS : 1;
        const { ids, masks } = this.postings[j];
        for (let k = 0; k < ids.length; k += 1) {
          const s = WEIGHT[masks[k]] * whole;
          if (s > best[ids[k]]) best[ids[k]] = s;
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
    return this.terms[f].of(i);
  }

  /**
   * Applies a state. Returns the matching article positions (ranked when there
   * is a query, in site order otherwise), the query words, and per facet value
   * the number of articles it would leave: those matching the query and every
   * other filter that carry the value (OR within a facet, AND across facets).
   */
  search(state) {
    const n = this.size;
    const query = queryWords(state.q);
    const scores = query.length ? this.scoreQuery(query) : null;
    const selected = this.selections(state);
    const facetCount = selected.length;
    const counts = this.facets.map(({ values }) => new Int32Array(values.length));
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
      let failures = state.code && !this.code[i] ? 1 : 0;
      let failed = -1;
      for (let f = 0; f < facetCount && failures < 2; f += 1) {
        if (selected[f] && !this.terms[f].hasAny(i, selected[f])) {
          failures += 1;
          failed = f;
        }
      }
      if (failures === 0) {
        matched[found] = i;
        found += 1;
        for (let f = 0; f < facetCount; f += 1) this.terms[f].countInto(i, counts[f]);
        codeCount += this.code[i];
      } else if (failures === 1 && failed >= 0) {
        this.terms[failed].countInto(i, counts[failed]);
      }
    }
    const results = scores ? rank(matched.subarray(0, found), scores) : matched.subarray(0, found);
    return { results, query, counts, codeCount, total: n };
  }
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
