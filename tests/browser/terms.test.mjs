// The "Done when": filtering the home page by any task or
// architecture shows exactly the articles of that term's own page. For tasks
// and architectures each term page's filter link is opened (one page load per
// term, two tabs at a time, so the links are checked too); datasets and
// frameworks, not part of that promise, by ticking their box on one loaded
// home page, which is faster.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { afterUpdate, allResults, openReady, params, setup, skipUnless, sorted, status, tick } from './lib.mjs';

const KINDS = [
  ['task', 'tasks', 'open'],
  ['architecture', 'architectures', 'open'],
  ['dataset', 'datasets', 'tick'],
  ['framework', 'frameworks', 'tick'],
];
const TABS = 2;

/** The term pages as served (static HTML), fetched and parsed in the page. */
function readTermPages(page, dir, slugs) {
  return page.evaluate(
    async ({ dir, slugs }) =>
      Promise.all(
        slugs.map(async (slug) => {
          const url = new URL(`/${dir}/${slug}/`, location.href);
          const response = await fetch(url);
          const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
          return {
            status: response.status,
            listed: [...doc.querySelectorAll('table.articles tbody tr a.title')].map((a) =>
              new URL(a.getAttribute('href'), url).pathname.replace(/^\/articles\/|\/$/g, ''),
            ),
            rows: [...doc.querySelectorAll('table.articles tbody tr')].map((r) => r.dataset.slug),
            links: [...doc.querySelectorAll('a[data-filter-link]')].map((a) => new URL(a.getAttribute('href'), url).href),
          };
        }),
      ),
    { dir, slugs },
  );
}

for (const site of ['latest', 'shipped']) {
  describe(`every term page matches the home page filtered by it (${site})`, { skip: skipUnless(site) }, () => {
    let ctx;
    before(async () => {
      ctx = await setup(site);
    });
    after(() => ctx?.close());

    // The shipped list is small and built from the same code: tasks and
    // architectures are enough there.
    for (const [facet, dir, how] of KINDS.filter(([, , how]) => site === 'latest' || how === 'open')) {
      const title = `every ${facet} (${how === 'open' ? 'opening its filter link' : 'ticking its box'})`;
      it(title, { timeout: 300_000 }, async () => {
        const { terms, articles } = ctx.index();
        const total = articles.length;
        assert.ok(terms[facet].length > 0, `the site has ${dir}`);
        await ctx.page.goto(`/${dir}/`, { waitUntil: 'commit' });
        const termPages = await readTermPages(ctx.page, dir, terms[facet].map((t) => t.slug));
        const problems = [];

        /** Checks one term on `page`; pushes what is wrong. */
        async function check(page, term, served) {
          const { status: code, listed, rows, links } = served;
          const where = `${dir}/${term.slug}/`;
          if (code !== 200) problems.push(`${where} answered ${code}`);
          if (listed.length === 0) problems.push(`${where} lists no article`);
          if (JSON.stringify(rows) !== JSON.stringify(listed)) {
            problems.push(`${where}: rows' data-slug ${JSON.stringify(rows)} ≠ links ${JSON.stringify(listed)}`);
          }
          if (links.length === 0) return problems.push(`${where} has no a[data-filter-link]`);
          const target = new URL(links[0]);
          if (target.pathname !== '/' || target.search !== `?${facet}=${term.slug}`) {
            return problems.push(`${where}: the filter link goes to ${target.pathname}${target.search}`);
          }
          const box = `input[name=${facet}][value="${term.slug}"]`;
          if (how === 'open') {
            await page.goto(target.href, { waitUntil: 'commit' });
            await page.waitForSelector('html[data-search=ready]', { state: 'attached' });
          } else {
            await afterUpdate(page, () => tick(page, box));
          }
          const st = await status(page);
          const shown = await allResults(page);
          const label = `?${facet}=${term.slug}`;
          if (st.count !== listed.length || st.total !== total) {
            problems.push(`${label}: "${st.text}", the term page lists ${listed.length}`);
          }
          if (JSON.stringify(sorted(shown)) !== JSON.stringify(sorted(listed))) {
            const extra = shown.filter((s) => !listed.includes(s));
            const missing = listed.filter((s) => !shown.includes(s));
            problems.push(`${label}: extra ${JSON.stringify(extra)}, missing ${JSON.stringify(missing)}`);
          }
          if (!(await page.isChecked(box).catch(() => false))) problems.push(`${label}: its checkbox is not ticked`);
          if (JSON.stringify(params(page)) !== JSON.stringify({ [facet]: [term.slug] })) {
            problems.push(`${label}: the URL became ${page.url()}`);
          }
          if (how === 'tick') await afterUpdate(page, () => tick(page, box, false));
        }

        const queue = terms[facet].map((term, i) => [term, termPages[i]]);
        if (how === 'open') {
          const tabs = [ctx.page];
          while (tabs.length < TABS) tabs.push(await ctx.context.newPage());
          await Promise.all(
            tabs.map(async (page) => {
              for (let job = queue.shift(); job; job = queue.shift()) await check(page, ...job);
            }),
          );
          await Promise.all(tabs.slice(1).map((p) => p.close()));
        } else {
          await openReady(ctx.page, '/');
          for (const job of queue) await check(ctx.page, ...job);
        }
        assert.deepEqual(problems, [], `${problems.length} problems with ${terms[facet].length} ${dir}:\n${problems.join('\n')}`);
      });
    }
  });
}
