// The engine (static/js/engine.js) on a sharded index (format 3) against the
// same site's single-file index (format 2), in Node: the same words with the
// same articles (so the Rust tokenisation matches the engine's), the same
// ranked results and counts for many queries and filters, and only a few
// files fetched per query.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decode, emptyState, Engine, FACETS, load, ShardedEngine } from '../../static/js/engine.js';
import { siteDir, skipUnless } from './lib.mjs';

const skip = skipUnless('sharded') || skipUnless('unsharded');

// `fetch` reading the site's files from disk, recording what is asked.
function diskFetch(dir, log) {
  return async (url) => {
    log.push(url);
    try {
      const text = readFileSync(path.join(dir, url));
      return { ok: true, status: 200, json: async () => JSON.parse(text) };
    } catch {
      return { ok: false, status: 404, json: async () => null };
    }
  };
}

describe('the engine on a sharded index', { skip }, () => {
  let single, sharded, dir, log;
  before(async () => {
    dir = siteDir('sharded');
    single = new Engine(JSON.parse(readFileSync(path.join(siteDir('unsharded'), 'search-index.json'), 'utf8')));
    log = [];
    globalThis.fetch = diskFetch(dir, log);
    sharded = await load('/search-index.json');
  });

  it('is format 3, and no file is larger than the threshold', () => {
    assert.equal(sharded.manifest.version, 3);
    assert.equal(sharded.size, single.size);
    for (const name of readdirSync(path.join(dir, 'search-index'))) {
      const size = readFileSync(path.join(dir, 'search-index', name)).length;
      assert.ok(size < 100_000, `${name}: ${size} bytes`);
    }
  });

  it('holds the words and postings the engine finds in format 2', async () => {
    single.prepare();
    const expected = new Map();
    single.words.vocabulary.forEach((w, j) => {
      for (const [weight, ids] of single.words.postings[j]) expected.set(`${w} ${weight}`, [...ids].join());
    });
    const found = new Map();
    for (const [group, firsts] of Object.entries(sharded.manifest.words)) {
      for (let k = 0; k < firsts.length; k += 1) {
        const { vocabulary, postings } = await sharded.chunk(`${group}-${k}`);
        vocabulary.forEach((w, j) => {
          for (const [weight, ids] of postings[j]) found.set(`${w} ${weight}`, [...ids].join());
        });
      }
    }
    const missing = [...expected.keys()].filter((k) => !found.has(k));
    const extra = [...found.keys()].filter((k) => !expected.has(k));
    assert.deepEqual([missing.slice(0, 10), extra.slice(0, 10)], [[], []], 'the same words');
    for (const [key, ids] of expected) assert.equal(found.get(key), ids, key);
  });

  it('ranks every query as format 2 does', async () => {
    single.prepare();
    const vocabulary = single.words.vocabulary;
    const queries = ['onset', 'schluter', 'SCHLÜTER', 'Schlüter für', 'straße', 'strasse', 'Øresund', 'oresund', 'lukasz', 'ðorđe',
      'dorde', 'zoe', 'uber set', 'nguyen', 'tra', 'tr', 't', 'a', '2012', 'cnn beat', 'beat tracking transformer', 'unique1234',
      'music audio', 'nothing-matches-this', 'dvorak garcia', 'café naïve'];
    for (let k = 0; k < vocabulary.length; k += Math.ceil(vocabulary.length / 60)) {
      queries.push(vocabulary[k], vocabulary[k].slice(0, 3), `${vocabulary[k]} ${vocabulary[(k * 7) % vocabulary.length]}`);
    }
    // Every short word answered from a prefix file.
    for (const list of Object.values(sharded.manifest.prefixes)) queries.push(...list, list.join(' '));
    for (const q of queries) {
      const state = { ...emptyState(), q };
      const want = [...single.search(state).results];
      const got = await sharded.search(state);
      assert.deepEqual([...got.results], want, q);
    }
  });

  it('filters and counts as format 2 does', async () => {
    await sharded.loadFilters([...FACETS, 'code']);
    const task = single.facets[0].values[1][1];
    const arch = single.facets[1].values[0][1];
    const states = [
      emptyState(),
      { ...emptyState(), q: 'beat' },
      { ...emptyState(), facets: { ...emptyState().facets, task: [task] } },
      { ...emptyState(), q: 'music', facets: { ...emptyState().facets, task: [task], architecture: [arch] }, code: true },
      { ...emptyState(), q: 'schluter', from: 2000, to: 2010 },
      { ...emptyState(), from: 2020, to: null, code: true },
    ];
    for (const state of states) {
      const want = single.search(state);
      const got = await sharded.search(state);
      const label = JSON.stringify(state);
      assert.deepEqual([...got.results], [...want.results], label);
      assert.deepEqual(got.counts.map((c) => [...c]), want.counts.map((c) => [...c]), label);
      assert.equal(got.codeCount, want.codeCount, label);
    }
  });

  it('fetches only the chunks of the query words, and the records of the rows shown', async () => {
    globalThis.fetch = diskFetch(dir, (log = []));
    const fresh = new ShardedEngine(sharded.manifest, '/search-index/');
    const found = await fresh.search({ ...emptyState(), q: 'schluter beat' });
    await fresh.records(found.results.subarray(0, 25));
    const files = readdirSync(path.join(dir, 'search-index')).length;
    assert.ok(log.length > 2 && log.length < 40, `${log.length} requests: ${log.join(' ')}`);
    assert.ok(log.length < files / 3, `${log.length} of ${files} files`);
    assert.ok(!log.some((u) => u.includes('filter-')), 'no filter data without a filter');
    for (const i of found.results.subarray(0, 25)) assert.equal(fresh.article(i).s, single.article(i).s);
    assert.deepEqual(fresh.authorsOf(fresh.article(found.results[0])), single.authorsOf(single.article(found.results[0])));
  });

  it('a short word is looked up in one prefix file per group, not in many chunks', async () => {
    globalThis.fetch = diskFetch(dir, (log = []));
    const fresh = new ShardedEngine(sharded.manifest, '/search-index/');
    assert.ok(sharded.manifest.prefixes.other.includes('t'));
    await fresh.search({ ...emptyState(), q: 't' });
    assert.ok(log.includes('/search-index/other-p' + sharded.manifest.prefixes.other.indexOf('t') + '.json'), log.join(' '));
    assert.ok(log.length <= 3, log.join(' '));
  });

  it('decodes gaps and bitmaps', () => {
    assert.deepEqual([...decode('AAA', 10)], [0, 1, 2]);
    assert.deepEqual([...decode('hA', 100)], [32]);
    assert.deepEqual([...decode('~BC', 12)], [0, 7]);
  });
});
