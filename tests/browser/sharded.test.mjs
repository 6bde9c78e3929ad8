// A sharded search index (format 3) in Chromium: the synthetic list of
// sharded-data.mjs built twice, with `--search-shard-bytes 100000` (sharded)
// and without (one search-index.json). The same queries and filters must give
// the same results, in the same order, and the same counts on both; the
// first results must need only a small part of the index.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterUpdate, allResults, facetState, params, setup, skipUnless, status, tick } from './lib.mjs';

const TIMEOUT = { timeout: 120_000 };
const skip = skipUnless('sharded') || skipUnless('unsharded');

// Index files fetched by the page (`search-index.json` and `search-index/…`),
// with their sizes as the server sent them.
function indexFetches(page) {
  const list = [];
  page.on('response', (res) => {
    const { pathname } = new URL(res.url());
    if (pathname.startsWith('/search-index')) list.push({ file: pathname, bytes: Number(res.headers()['content-length'] ?? 0) });
  });
  return list;
}

// Opens a page and waits for its first `dl4m:results` event.
async function openResults(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => window.__dl4mResults?.length > 0);
}

// What a reader sees: every result row (after "more"), the status and the counts.
async function view(page, facets = []) {
  await page.waitForFunction(() => [...document.querySelectorAll('[data-facets] details[open] .count, [data-facet=code] .count')]
    .every((c) => c.textContent !== ''));
  const counts = {};
  for (const f of facets) counts[f] = await facetState(page, f);
  return { status: (await status(page)).text, rows: await allResults(page), counts };
}

describe('a sharded search index', { skip }, () => {
  let sharded, single, fetched;
  const indexDir = () => path.join(sharded.dir, 'search-index');
  before(async () => {
    sharded = await setup('sharded');
    single = await setup('unsharded');
    await sharded.context.addInitScript(() => {
      window.__dl4mRows = [];
      document.addEventListener('dl4m:rows', (e) => window.__dl4mRows.push(e.detail));
    });
    fetched = indexFetches(sharded.page);
  });
  after(async () => {
    await sharded?.close();
    await single?.close();
  });

  it('the site has a small manifest and files under search-index/, none over the threshold', () => {
    assert.ok(statSync(path.join(sharded.dir, 'search-index.json')).size < 10_000);
    assert.ok(statSync(path.join(single.dir, 'search-index.json')).size > 100_000, 'the same list is over the threshold as one file');
    const files = readdirSync(indexDir());
    assert.ok(files.length > 50, `${files.length} files`);
    for (const f of files) assert.ok(statSync(path.join(indexDir(), f)).size < 100_000, f);
  });

  it('queries give the same results, in the same order, as the single file', TIMEOUT, async () => {
    // `music` has more results than a batch ("more"); the engine test has many more queries.
    const queries = ['schluter', 'SCHLÜTER für', 'beat tracking', 'Øresund café', 'music', 'dorde zoe', 'unique77', 'nothing-like-this'];
    for (const q of queries) {
      const url = `/?q=${encodeURIComponent(q)}`;
      await openResults(sharded.page, url);
      await openResults(single.page, url);
      const [got, want] = [await view(sharded.page), await view(single.page)];
      assert.deepEqual(got, want, q);
    }
    assert.deepEqual(sharded.errors.take(), []);
  });

  it('filters, counts, the address and back/forward work as with the single file', TIMEOUT, async () => {
    const facets = ['task', 'architecture', 'code'];
    for (const page of [sharded.page, single.page]) await openResults(page, '/');
    assert.deepEqual(await view(sharded.page, facets), await view(single.page, facets), 'unfiltered');
    const task = (await facetState(single.page, 'task'));
    const value = Object.keys(task)[1];
    for (const page of [sharded.page, single.page]) {
      await afterUpdate(page, () => tick(page, `input[name=task][value="${value}"]`));
    }
    assert.deepEqual(await view(sharded.page, facets), await view(single.page, facets), 'a task');
    for (const page of [sharded.page, single.page]) await afterUpdate(page, () => page.fill('#q', 'beat'));
    assert.deepEqual(await view(sharded.page, facets), await view(single.page, facets), 'a task and a query');
    assert.deepEqual(params(sharded.page), { q: ['beat'], task: [value] });
    for (const page of [sharded.page, single.page]) await afterUpdate(page, () => page.goBack());
    assert.deepEqual(await view(sharded.page, facets), await view(single.page, facets), 'back');
    const url = '/?q=music&architecture=cnn&code=1&year=2000-2015';
    for (const page of [sharded.page, single.page]) await openResults(page, url);
    const got = await view(sharded.page, facets);
    assert.ok(got.rows.length > 0);
    assert.deepEqual(got, await view(single.page, facets), url);
    assert.deepEqual(sharded.errors.take(), []);
  });

  it('the first results need a small part of the index, and nothing fetches all of it', TIMEOUT, async () => {
    const files = readdirSync(indexDir());
    const whole = files.reduce((sum, f) => sum + statSync(path.join(indexDir(), f)).size, 0);
    // A fresh page in a fresh context: nothing cached.
    const context = await sharded.browser.newContext({ baseURL: sharded.url });
    await context.addInitScript(() => {
      window.__rows = 0;
      document.addEventListener('dl4m:rows', () => { window.__rows += 1; });
    });
    const page = await context.newPage();
    const cold = indexFetches(page);
    await page.goto('/?q=schluter%20beat');
    await page.waitForFunction(() => window.__rows > 0);
    const first = cold.reduce((sum, f) => sum + f.bytes, 0);
    // On this small list the records of 25 rows (16-row shards) are most of it.
    assert.ok(first < whole / 3, `${first} of ${whole} bytes before the first rows: ${cold.map((f) => f.file).join(' ')}`);
    const words = cold.filter((f) => /\/(title|author|other)-/.test(f.file));
    assert.ok(words.length <= 8, `the chunks of two words: ${words.map((f) => f.file).join(' ')}`);
    assert.ok(!cold.some((f) => f.file.includes('filter-')), 'no filter data before the first rows');
    assert.ok(cold.filter((f) => f.file.includes('records-')).length <= 25, 'the records of the first rows only');
    await context.close();
    // The word chunks that all of this suite's queries needed are still a
    // part of them (showing every result fetches every record shard, though).
    const isWords = (f) => /^(title|author|other)-/.test(path.basename(f));
    const distinct = new Set(fetched.map((f) => f.file).filter(isWords));
    const all = files.filter(isWords).length;
    assert.ok(distinct.size < all / 2, `${distinct.size} of ${all} word files fetched`);
  });

  it('without JavaScript the home page lists the articles', TIMEOUT, async () => {
    const context = await sharded.browser.newContext({ baseURL: sharded.url, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/');
    assert.equal(await page.locator('table.articles tbody tr').count(), 250);
    assert.ok(await page.locator('a[rel=next]').count() > 0, 'the next page is linked');
    await context.close();
  });
});
