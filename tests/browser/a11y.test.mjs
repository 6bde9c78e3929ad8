// axe-core, injected into the page, finds no violation on the home, article,
// task, statistics and search pages (also with a query typed and a filter
// ticked, and with the statistics page's data tables opened), in light and
// dark colour schemes for the statistics page's charts, on
// the latest snapshot (the richest data; the pages come from the same
// templates for every list).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { afterUpdate, axe, formatViolations, openReady, setup, skipUnless, tick } from './lib.mjs';

const TIMEOUT = { timeout: 60_000 };

async function assertNoViolations(page, where) {
  const violations = await axe(page);
  assert.equal(violations.length, 0, `axe-core on ${where}: ${violations.length} violations\n${formatViolations(violations)}`);
}

/** Ticks the first value of the task facet that leaves some articles. */
async function tickATask(page) {
  await afterUpdate(page, () => tick(page, 'fieldset[data-facet=task] label:not(.dim) input[type=checkbox] >> nth=0'));
}

for (const site of ['latest']) {
  describe(`accessibility (${site})`, { skip: skipUnless(site) }, () => {
    let ctx;
    before(async () => {
      ctx = await setup(site);
    });
    after(() => ctx?.close());

    it('an article page', TIMEOUT, async () => {
      const { articles } = ctx.index();
      const a = articles.find((x) => x.code && x.task.length && x.dataset.length) ?? articles[0];
      await ctx.page.goto(`/articles/${a.slug}/`);
      await assertNoViolations(ctx.page, `/articles/${a.slug}/`);
    });

    it('a task page', TIMEOUT, async () => {
      const { terms } = ctx.index();
      await ctx.page.goto(`/tasks/${terms.task[0].slug}/`);
      await assertNoViolations(ctx.page, `/tasks/${terms.task[0].slug}/`);
    });

    it('the task index and the 404 page', TIMEOUT, async () => {
      await ctx.page.goto('/tasks/');
      await assertNoViolations(ctx.page, '/tasks/');
      await ctx.page.goto('/no/such/page/');
      await assertNoViolations(ctx.page, 'the 404 page');
    });

    it('the statistics page, its charts and their data tables, light and dark', TIMEOUT, async () => {
      const { page } = ctx;
      for (const colorScheme of ['light', 'dark']) {
        await page.emulateMedia({ colorScheme });
        await page.goto('/stats/');
        assert.equal(await page.locator('svg[role=img]').count(), 5, 'a chart per year and per taxonomy');
        await assertNoViolations(page, `/stats/ (${colorScheme})`);
        // Every chart's data table, opened.
        for (const summary of await page.locator('details.chart-data > summary').all()) await summary.click();
        assert.equal(await page.locator('details.chart-data[open] table').count(), 5);
        await assertNoViolations(page, `/stats/ with the data tables open (${colorScheme})`);
      }
      await page.emulateMedia({ colorScheme: 'light' });
    });

    it('the home page', TIMEOUT, async () => {
      await openReady(ctx.page, '/');
      await assertNoViolations(ctx.page, '/');
    });

    it('the search page, as loaded, with a query typed, a filter ticked, and no result', TIMEOUT, async () => {
      const { page } = ctx;
      await openReady(page, '/search/');
      await assertNoViolations(page, '/search/');
      await afterUpdate(page, () => page.fill('#q', 'music'));
      await assertNoViolations(page, '/search/ with a query');
      await tickATask(page);
      await assertNoViolations(page, '/search/ with a query and a task ticked');
      await afterUpdate(page, () => page.fill('#q', 'zzzzzzqqq'));
      await assertNoViolations(page, '/search/ with no result');
    });

    it('the home page filtered', TIMEOUT, async () => {
      const { page } = ctx;
      await openReady(page, '/');
      await afterUpdate(page, () => page.fill('#q', 'music'));
      await tickATask(page);
      await assertNoViolations(page, '/ with a query and a task ticked');
    });
  });
}
