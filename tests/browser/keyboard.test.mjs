// The search works from the keyboard alone, and `/` focuses the search
// input from anywhere on the site.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { afterUpdate, allResults, openReady, params, rowSlugs, setup, skipUnless, status, waitForCount } from './lib.mjs';

const TIMEOUT = { timeout: 90_000 };

/** What has the focus: `{id, tag, type, name, value, checked, count, dim, slug, isResult}`. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: 'body' };
    const label = el.closest('label');
    const count = label?.querySelector('.count');
    const row = el.closest('table.articles tbody tr[data-slug]');
    return {
      id: el.id,
      tag: el.tagName.toLowerCase(),
      type: el.getAttribute('type'),
      name: el.getAttribute('name'),
      value: el.value,
      checked: el.checked,
      count: count ? Number(count.textContent.replace(/[^\d]/g, '')) : null,
      dim: !!label?.classList.contains('dim'),
      slug: row?.dataset.slug ?? null,
      isResult: !!row && el.matches('a.title'),
    };
  });
}

/** Presses Tab until `pred(focused)` holds; fails after `limit` presses. */
async function tabUntil(page, pred, what, limit = 1500) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (pred(f)) return f;
  }
  assert.fail(`Tab never reached ${what} in ${limit} presses`);
}

describe('keyboard (latest)', { skip: skipUnless('latest') }, () => {
  let ctx;
  before(async () => {
    ctx = await setup('latest');
  });
  after(() => ctx?.close());

  it('the search page from the keyboard alone: /, type, Tab, Space, Tab, Enter', TIMEOUT, async () => {
    const { page } = ctx;
    await openReady(page, '/search/');
    assert.equal((await focused(page)).tag, 'body');

    await page.keyboard.press('/');
    let f = await focused(page);
    assert.equal(f.id, 'q', '/ focuses #q');
    assert.equal(f.value, '', 'the slash is not typed into the input');

    const before = await ctx.page.evaluate(() => window.__dl4mResults.length);
    await page.keyboard.type('schluter');
    await page.waitForFunction((n) => window.__dl4mResults.length > n, before);
    await page.waitForFunction(() => document.querySelector('#q').value === 'schluter');
    const typed = await status(page);
    assert.ok(typed.count > 0, `typing finds articles: ${typed.text}`);
    await waitForCount(page, typed.count);
    assert.deepEqual(params(page).q, ['schluter']);

    f = await tabUntil(page, (x) => x.type === 'checkbox' && x.count > 0 && !x.checked, 'a checkbox that leaves results');
    const promised = f.count;
    await afterUpdate(page, () => page.keyboard.press('Space'));
    const box = await focused(page);
    assert.equal(box.checked, true, `Space ticks ${box.name}=${box.value}`);
    await waitForCount(page, promised);
    assert.equal(params(page)[box.name]?.includes(box.value), true, 'the ticked value is in the URL');
    assert.ok(promised <= typed.count);

    f = await tabUntil(page, (x) => x.isResult, 'a result link');
    const results = await rowSlugs(page);
    assert.ok(results.includes(f.slug), `the focused link (${f.slug}) is a result`);
    await Promise.all([page.waitForURL(`**/articles/${f.slug}/`), page.keyboard.press('Enter')]);
    assert.equal(new URL(page.url()).pathname, `/articles/${f.slug}/`, 'Enter opens the article');
  });

  it('/ focuses the search input on the home page and in the header of other pages', TIMEOUT, async () => {
    const { page } = ctx;
    const { articles, terms } = ctx.index();
    await openReady(page, '/');
    await page.keyboard.press('/');
    assert.equal((await focused(page)).id, 'q', 'home: #q');
    assert.equal(await page.inputValue('#q'), '');

    for (const path of [`/articles/${articles[0].slug}/`, `/tasks/${terms.task[0].slug}/`, '/authors/', '/no/such/page/']) {
      await page.goto(path);
      await page.keyboard.press('/');
      const got = await focused(page);
      assert.equal(got.id, 'site-q', `${path}: / focuses #site-q (focus is on ${got.tag}#${got.id})`);
      assert.equal(got.value, '', `${path}: the slash is not typed`);
      // In an input, `/` is just a character.
      await page.keyboard.type('a/b');
      assert.equal(await page.inputValue('#site-q'), 'a/b', `${path}: / can be typed into the input`);
    }
  });

  it('typing key by key updates the results at every key', TIMEOUT, async () => {
    const { page } = ctx;
    await openReady(page, '/');
    await page.focus('#q');
    const counts = [];
    for (const key of 'convolutional') {
      const detail = await afterUpdate(page, () => page.keyboard.press(key));
      counts.push(detail.count);
    }
    assert.ok(counts[0] > counts[counts.length - 1], `the list narrows as one types: ${counts.join(' ')}`);
    for (let i = 1; i < counts.length; i++) assert.ok(counts[i] <= counts[i - 1], `longer prefixes never find more: ${counts.join(' ')}`);
    assert.equal((await allResults(page)).length, counts[counts.length - 1]);
  });
});
