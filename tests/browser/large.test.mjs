// A synthetic list longer than one batch of rows (large-data.mjs): the
// first batch, "show more", and filters whose results span several batches.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  afterUpdate,
  allResults,
  fold,
  openReady,
  rowSlugs,
  setup,
  skipUnless,
  sorted,
  status,
  tick,
  waitForCount,
} from './lib.mjs';

const TIMEOUT = { timeout: 120_000 };

describe('long result lists (large synthetic site)', { skip: skipUnless('large') }, () => {
  let ctx, page, index;
  before(async () => {
    ctx = await setup('large');
    page = ctx.page;
    index = ctx.index();
  });
  after(() => ctx?.close());

  it('without a filter every article is listed, in site order', TIMEOUT, async () => {
    const total = index.articles.length;
    await openReady(page, '/');
    const st = await status(page);
    assert.deepEqual([st.count, st.total], [total, total], st.text);
    const first = await rowSlugs(page);
    const more = await page.locator('button[data-more]').isVisible();
    assert.ok(first.length === total || more, `${first.length} rows of ${total} and no "more" button`);
    assert.deepEqual(await allResults(page), index.articles.map((a) => a.slug), 'every article, once, in order');
  });

  it('a filter with more results than a batch shows one batch, and "more" the rest', TIMEOUT, async () => {
    await openReady(page, '/');
    const task = 'music-auto-tagging';
    const expected = index.articles.filter((a) => a.task.includes(task)).map((a) => a.slug);
    const detail = await afterUpdate(page, () => tick(page, `input[name=task][value="${task}"]`));
    await waitForCount(page, expected.length);
    const first = await rowSlugs(page);
    assert.equal(detail.shown, first.length, 'detail.shown is the number of rows');
    assert.ok(first.length > 0 && first.length < expected.length, `one batch of the ${expected.length} results: ${first.length}`);
    assert.deepEqual(first, expected.slice(0, first.length), 'the first batch, in site order');
    const more = page.locator('button[data-more]');
    assert.equal(await more.isVisible(), true, 'button[data-more] is shown while results are missing');
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll('table.articles tbody tr').length > n, first.length);
    const second = await rowSlugs(page);
    assert.deepEqual(second.slice(0, first.length), first, '"more" appends, keeping the rows shown');
    assert.equal((await status(page)).count, expected.length, '"more" does not change the count');
    assert.deepEqual(await allResults(page), expected, 'in the end every result, once, in order');
    assert.equal(await more.isVisible(), false, 'no "more" once everything is shown');

    // A new query starts again from one batch.
    const again = await afterUpdate(page, () => page.fill('#q', 'schluter'));
    const schluter = index.articles
      .filter((a) => a.task.includes(task) && a.authors.some((n) => fold(n).includes('schluter')))
      .map((a) => a.slug);
    assert.equal(again.count, schluter.length);
    assert.deepEqual(sorted(await allResults(page)), sorted(schluter));
  });

  it('the term page and the filtered home page agree for a long list', TIMEOUT, async () => {
    const term = 'genre-classification';
    // The term page is paginated (250 articles a page): follow "Next" to the end.
    const listed = [];
    let next = `/tasks/${term}/`;
    let pages = 0;
    while (next) {
      await page.goto(next);
      pages += 1;
      listed.push(...await page.$$eval('table.articles tbody tr a.title', (as) =>
        as.map((a) => new URL(a.href).pathname.replace(/^\/articles\/|\/$/g, '')),
      ));
      next = await page.$eval('a[rel=next]', (a) => new URL(a.href).pathname).catch(() => null);
    }
    assert.ok(listed.length > 300);
    assert.equal(pages, Math.ceil(listed.length / 250), 'one page per 250 articles');
    assert.equal(new Set(listed).size, listed.length, 'no article on two pages');
    const href = await page.$eval('a[data-filter-link]', (a) => a.href);
    await openReady(page, href);
    await waitForCount(page, listed.length);
    assert.deepEqual(sorted(await allResults(page)), sorted(listed));
  });
});
