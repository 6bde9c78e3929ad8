// Markup in the data (tests/fixtures/hostile) is shown as text and never
// runs: on page load, in the facets, when the search highlights it, and when
// the query itself is markup.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { afterUpdate, allResults, injected, openReady, setup, skipUnless, tick } from './lib.mjs';

const TIMEOUT = { timeout: 60_000 };
const SCRIPT_TITLE = 'Tagging music <script>window.__pwned=1</script> with convolutional networks';
const IMG_TITLE = 'Onset detection <img src=x onerror="window.__pwned=2"> revisited';
const IMG_TASK = '<img src=x onerror="window.__pwned=9"> detection';
const IMG_ARCH = '<img src=x onerror="window.__pwned=4">';
const B_DATASET = '<b onmouseover="window.__pwned=10">bold set</b>';

describe('markup in the data is text (hostile fixture)', { skip: skipUnless('hostile') }, () => {
  let ctx, page, dialogs;

  before(async () => {
    ctx = await setup('hostile');
    page = ctx.page;
    dialogs = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      d.dismiss().catch(() => {});
    });
  });
  after(() => ctx?.close());

  /** Nothing ran, nothing was injected, no request went to `x`, no error. */
  async function assertClean(where) {
    // An injected <img src=x> would fetch /x at once and fire onerror
    // when that fails: a moment is enough to see it.
    await page.waitForLoadState('load');
    await page.waitForTimeout(150);
    const found = await injected(page);
    assert.deepEqual(found, [], `${where}: markup from the data became elements or ran:\n${found.join('\n')}`);
    assert.equal(await page.evaluate(() => typeof window.__pwned), 'undefined', `${where}: window.__pwned is set`);
    assert.deepEqual(dialogs, [], `${where}: a dialog opened`);
    const errors = ctx.errors.take();
    assert.deepEqual(errors, [], `${where}: errors (an <img src=x> would fetch /x):\n${errors.join('\n')}`);
  }

  const titleText = (slug) =>
    page.$eval(`table.articles tbody tr[data-slug="${slug}"] a.title`, (a) => a.textContent.replace(/\s+/g, ' ').trim());

  it('the home page shows the titles as text', TIMEOUT, async () => {
    await openReady(page, '/');
    assert.equal(await titleText('evil2020script'), SCRIPT_TITLE);
    assert.equal(await titleText('evil2021onerror'), IMG_TITLE);
    const body = await page.locator('main').innerText();
    for (const text of [SCRIPT_TITLE, IMG_TITLE, '<i>Eve</i> Mallory']) {
      assert.ok(body.includes(text), `the page shows "${text}"`);
    }
    await assertClean('home');
  });

  it('the facets show markup in names as text', TIMEOUT, async () => {
    await openReady(page, '/');
    for (const [facet, name] of [
      ['task', IMG_TASK],
      ['architecture', IMG_ARCH],
      ['dataset', B_DATASET],
    ]) {
      const labels = await page.$$eval(`fieldset[data-facet=${facet}] label`, (ls) => ls.map((l) => l.textContent));
      assert.ok(labels.some((l) => l.includes(name)), `a ${facet} label reads "${name}": ${JSON.stringify(labels)}`);
    }
    await afterUpdate(page, () =>
      tick(page, 'input[name=task][value="img-src-x-onerror-window-pwned-9-detection"]'),
    );
    assert.deepEqual(await allResults(page), ['evil2021onerror'], 'the hostile task filters to its article');
    await assertClean('hostile task ticked');
  });

  for (const q of ['script', 'pwned', 'window', 'onerror', 'img', 'src', 'eve', 'trudy', 'alert', 'bold', 'iframe', 'detection', 'x']) {
    it(`searching "${q}" highlights without running anything`, TIMEOUT, async () => {
      await openReady(page, '/');
      await afterUpdate(page, () => page.fill('#q', q));
      const rows = await allResults(page);
      for (const [slug, title] of [
        ['evil2020script', SCRIPT_TITLE],
        ['evil2021onerror', IMG_TITLE],
      ]) {
        if (rows.includes(slug)) assert.equal(await titleText(slug), title, `"${q}": ${slug}'s title stays text`);
      }
      if (['script', 'window'].includes(q)) {
        assert.ok(rows.includes('evil2020script') && rows.includes('evil2021onerror'), `"${q}" finds both: ${rows}`);
        const marks = await page.$$eval('tr[data-slug="evil2020script"] a.title mark', (ms) => ms.length);
        assert.ok(marks > 0, `"${q}" is highlighted in the title`);
      }
      await assertClean(`query "${q}"`);
    });
  }

  it('a query that is markup is text too', TIMEOUT, async () => {
    for (const q of ['<img src=x onerror="window.__pwned=11">', '<script>window.__pwned=12</script>', '"><svg onload=window.__pwned=13>']) {
      await openReady(page, '/');
      await afterUpdate(page, () => page.fill('#q', q));
      await assertClean(`typed ${q}`);
      for (const path of ['/', '/search/']) {
        await openReady(page, `${path}?q=${encodeURIComponent(q)}`);
        assert.equal(await page.inputValue('#q'), q, `${path}: the query is restored as text`);
        await assertClean(`${path}?q=${q}`);
      }
    }
  });

  it('article, term and author pages show it as text', TIMEOUT, async () => {
    const pages = [
      ['/articles/evil2020script/', SCRIPT_TITLE],
      ['/articles/evil2021onerror/', IMG_TITLE],
      ['/tasks/img-src-x-onerror-window-pwned-9-detection/', IMG_TASK],
      ['/architectures/img-src-x-onerror-window-pwned-4/', IMG_ARCH],
      ['/datasets/b-onmouseover-window-pwned-10-bold-set-b/', B_DATASET],
      ['/authors/i-eve-i-mallory/', '<i>Eve</i> Mallory'],
      ['/authors/script-alert-3-script-trudy/', '<script>alert(3)</script> Trudy'],
    ];
    for (const [path, h1] of pages) {
      const response = await page.goto(path);
      assert.equal(response.status(), 200, path);
      const text = (await page.locator('h1').first().textContent()).replace(/\s+/g, ' ').trim();
      assert.equal(text, h1, `${path}: the heading is the literal text`);
      if (path.startsWith('/articles/')) {
        const ld = JSON.parse(await page.locator('script[type="application/ld+json"]').textContent());
        assert.equal(ld.headline, h1, `${path}: the JSON-LD quotes the title whole`);
        const meta = await page.locator('meta[name=citation_title]').getAttribute('content');
        assert.equal(meta, h1, `${path}: citation_title is the literal title`);
      }
      await assertClean(path);
    }
  });
});
