// Every kind of page loads without a console error, a failed request or an
// uncaught exception, and without JavaScript nothing breaks.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { afterUpdate, available, readIndex, setup, siteDir, skipUnless, tick } from './lib.mjs';

const TIMEOUT = { timeout: 60_000 };

/** A page of each kind, for the site in `dir`. */
function pagesOf(site) {
  if (!available(site)) return [];
  const { articles, terms } = readIndex(siteDir(site));
  const article = articles.find((a) => a.code && a.task.length && a.architecture.length) ?? articles[0];
  const task = terms.task[0];
  return [
    { name: 'home', path: '/', search: true },
    { name: 'search', path: '/search/', search: true },
    { name: 'an article', path: `/articles/${article.slug}/` },
    { name: 'a task', path: `/tasks/${task.slug}/` },
    { name: 'an architecture', path: `/architectures/${terms.architecture[0].slug}/` },
    { name: 'the task index', path: '/tasks/' },
    { name: 'the dataset index', path: '/datasets/' },
    { name: 'the author index', path: '/authors/' },
    { name: 'the 404 page', path: '/no/such/page/', notFound: true },
  ];
}

for (const site of ['latest', 'shipped']) {
  describe(`no console errors (${site})`, { skip: skipUnless(site) }, () => {
    let ctx;
    before(async () => {
      ctx = await setup(site);
    });
    after(() => ctx?.close());

    for (const p of pagesOf(site)) {
      it(`${p.name}: ${p.path}`, TIMEOUT, async () => {
        const { page, errors } = ctx;
        errors.take();
        const indexRequests = [];
        const onRequest = (r) => r.url().endsWith('/search-index.json') && indexRequests.push(r.url());
        page.on('request', onRequest);
        const response = await page.goto(p.path, { waitUntil: 'networkidle' });
        if (p.notFound) {
          assert.equal(response.status(), 404, 'a miss is served the 404 page with status 404');
          assert.match(await page.title(), /not found/i, 'the 404 page is shown');
        } else {
          assert.equal(response.status(), 200);
        }
        if (p.search) {
          await page.waitForSelector('html[data-search=ready]', { state: 'attached' });
          assert.equal(indexRequests.length, 1, 'the search index is fetched once');
          // Exercise the module: a query and a facet.
          await afterUpdate(page, () => page.fill('#q', 'music'));
          await afterUpdate(page, () => tick(page, 'fieldset[data-facet=task] input[type=checkbox] >> nth=0'));
          await page.waitForLoadState('networkidle');
        }
        page.off('request', onRequest);
        const found = errors.take(p.notFound ? { notFound: new URL(p.path, ctx.url).href } : {});
        assert.deepEqual(found, [], `errors on ${p.path}:\n${found.join('\n')}`);
      });
    }
  });
}

describe('without JavaScript nothing breaks (latest)', { skip: skipUnless('latest') }, () => {
  let ctx;
  before(async () => {
    ctx = await setup('latest', { javaScriptEnabled: false });
  });
  after(() => ctx?.close());

  it('the home page lists every article and hides the search form', TIMEOUT, async () => {
    const { page } = ctx;
    const { articles } = ctx.index();
    await page.goto('/');
    const slugs = await page.$$eval('table.articles tbody tr a.title', (as) =>
      as.map((a) => new URL(a.href).pathname.replace(/^\/articles\/|\/$/g, '')),
    );
    assert.deepEqual(
      [...slugs].sort(),
      articles.map((a) => a.slug).sort(),
      'the full table, one link per article',
    );
    assert.equal(await page.locator('#finder').isVisible(), false, 'the form that needs JavaScript stays hidden');
    assert.equal(await page.locator('button[data-more]').isVisible().catch(() => false), false);
  });

  it('the search page says it needs JavaScript and links to the taxonomy pages', TIMEOUT, async () => {
    const { page } = ctx;
    await page.goto('/search/');
    const note = page.locator('.needs-js');
    assert.equal(await note.isVisible(), true, '.needs-js is shown');
    assert.match(await note.textContent(), /JavaScript/);
    const hrefs = await note.locator('a').evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
    for (const path of ['/tasks/', '/architectures/', '/datasets/']) {
      assert.ok(hrefs.includes(path), `.needs-js links to ${path} (links: ${hrefs.join(', ')})`);
    }
    assert.equal(await page.locator('#finder').isVisible(), false);
  });

  it('a task page lists its articles as plain links', TIMEOUT, async () => {
    const { page } = ctx;
    const { articles, terms } = ctx.index();
    const task = terms.task[0];
    await page.goto(`/tasks/${task.slug}/`);
    const slugs = await page.$$eval('table.articles tbody tr a.title', (as) =>
      as.map((a) => new URL(a.href).pathname.replace(/^\/articles\/|\/$/g, '')),
    );
    const expected = articles.filter((a) => a.task.includes(task.slug)).map((a) => a.slug);
    assert.deepEqual([...slugs].sort(), expected.sort());
  });
});
