// The search and filters of the home page and the search page, against the
// upstream list's latest snapshot; expectations come from search-index.json.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  afterUpdate,
  allResults,
  facetState,
  fold,
  hasPrefix,
  layoutShifts,
  openReady,
  params,
  rowSlugs,
  searchable,
  setup,
  skipUnless,
  sorted,
  status,
  waitForCount,
  tick,
} from './lib.mjs';

const TIMEOUT = { timeout: 60_000 };
const FACETS = ['task', 'architecture', 'dataset', 'framework'];

describe('search and filters (latest)', { skip: skipUnless('latest') }, () => {
  let ctx, page, index, total, bySlug;

  before(async () => {
    ctx = await setup('latest');
    page = ctx.page;
    index = ctx.index();
    total = index.articles.length;
    bySlug = new Map(index.articles.map((a) => [a.slug, a]));
  });
  after(() => ctx?.close());

  const slugsWith = (facet, slug) => index.articles.filter((a) => a[facet].includes(slug)).map((a) => a.slug);

  /** A task and an architecture whose intersection is smaller than both, and a second task. */
  function pickTerms() {
    let best = null;
    for (const t of index.terms.task) {
      const ts = new Set(slugsWith('task', t.slug));
      for (const a of index.terms.architecture) {
        const as = slugsWith('architecture', a.slug);
        const both = as.filter((s) => ts.has(s));
        if (both.length >= 2 && both.length < ts.size && both.length < as.length) {
          if (!best || both.length > best.both.length) best = { task: t.slug, arch: a.slug, both };
        }
      }
    }
    assert.ok(best, 'the corpus has a task and an architecture that overlap');
    const first = new Set(best.both);
    const second = index.terms.task.find(
      (t) =>
        t.slug !== best.task &&
        index.articles.some((a) => !first.has(a.slug) && a.task.includes(t.slug) && a.architecture.includes(best.arch)),
    );
    return { ...best, task2: second?.slug };
  }

  /** Expected facet counts (disjunctive): matches of every other facet, per value. */
  function expectedCounts(selected, pool = index.articles) {
    const matches = (a, except) =>
      FACETS.every((f) => f === except || !selected[f]?.length || selected[f].some((s) => a[f].includes(s))) &&
      (except === 'code' || !selected.code || a.code);
    const out = {};
    for (const f of FACETS) {
      out[f] = {};
      for (const t of index.terms[f]) {
        out[f][t.slug] = pool.filter((a) => matches(a, f) && a[f].includes(t.slug)).length;
      }
    }
    out.code = pool.filter((a) => matches(a, 'code') && a.code).length;
    return out;
  }

  async function assertFacetCounts(selected) {
    const expected = expectedCounts(selected);
    const problems = [];
    for (const f of FACETS) {
      const seen = await facetState(page, f);
      assert.ok(Object.keys(seen).length > 0, `fieldset[data-facet=${f}] has checkboxes`);
      for (const [slug, want] of Object.entries(expected[f])) {
        const got = seen[slug];
        if (!got) {
          problems.push(`${f}=${slug}: no checkbox`);
          continue;
        }
        if (got.count !== want) problems.push(`${f}=${slug}: count ${got.count}, expected ${want}`);
        if (got.dim !== (want === 0)) problems.push(`${f}=${slug}: dim is ${got.dim} with count ${want}`);
        const checked = (selected[f] ?? []).includes(slug);
        if (got.checked !== checked) problems.push(`${f}=${slug}: checked is ${got.checked}`);
      }
    }
    const code = await facetState(page, 'code');
    if (code['1']?.count !== expected.code) problems.push(`code=1: count ${code['1']?.count}, expected ${expected.code}`);
    assert.deepEqual(problems, [], `facet counts:\n${problems.join('\n')}`);
  }

  it('is ready: the form shows, the status counts every article', TIMEOUT, async () => {
    await openReady(page, '/');
    assert.equal(await page.locator('#finder').isVisible(), true, '#finder is shown once the index is loaded');
    assert.equal(await page.getAttribute('#finder', 'role'), 'search');
    assert.equal(await page.getAttribute('#result-count', 'role'), 'status');
    const st = await status(page);
    assert.deepEqual([st.count, st.total], [total, total], st.text);
    const rows = await rowSlugs(page);
    assert.ok(rows.length > 0 && rows.every((s) => bySlug.has(s)), 'every row carries the data-slug of an article');
    assert.deepEqual(sorted(await allResults(page)), sorted(bySlug.keys()), 'all articles are listed');
    for (const f of [...FACETS, 'code']) {
      const legend = await page.locator(`fieldset[data-facet=${f}] > legend`).count();
      assert.equal(legend, 1, `fieldset[data-facet=${f}] has a legend`);
    }
    assert.ok(await page.locator('input[name=year-from][type=number]').count(), 'year-from input');
    assert.ok(await page.locator('input[name=year-to][type=number]').count(), 'year-to input');
    const label = await page.$eval('#q', (q) => q.labels?.length || !!q.getAttribute('aria-label'));
    assert.ok(label, '#q is labelled');
  });

  it('typing a query narrows the table, highlights, ranks and updates the URL', TIMEOUT, async () => {
    await openReady(page, '/');
    const word = 'onset';
    const detail = await afterUpdate(page, () => page.fill('#q', word));
    const st = await status(page);
    assert.ok(st.count > 0 && st.count < total, `"${word}" narrows the list: ${st.text}`);
    assert.equal(st.total, total);
    assert.equal(detail.count, st.count, 'the dl4m:results event has the count');
    assert.equal(detail.total, total, 'the dl4m:results event has the total');
    assert.equal(detail.shown, (await rowSlugs(page)).length, 'detail.shown is the number of rows');
    assert.deepEqual(params(page).q, [word], 'the query is in the URL');

    const rows = await allResults(page);
    assert.equal(rows.length, st.count, 'the table holds exactly the results');
    assert.equal(new Set(rows).size, rows.length, 'no article twice');
    const titled = index.articles.filter((a) => hasPrefix([a.title], word)).map((a) => a.slug);
    assert.ok(titled.length > 0);
    for (const s of titled) assert.ok(rows.includes(s), `${s} has "${word}" in its title and is missing`);
    for (const s of rows) {
      assert.ok(hasPrefix(searchable(bySlug.get(s)), word), `${s} does not contain a word starting with "${word}"`);
    }
    // Title and author matches rank first.
    const strong = rows.map((s) => hasPrefix([bySlug.get(s).title, ...bySlug.get(s).authors], word));
    const lastStrong = strong.lastIndexOf(true);
    const firstWeak = strong.indexOf(false);
    assert.ok(firstWeak === -1 || lastStrong < firstWeak, `title/author matches come first: ${JSON.stringify(strong)}`);
    // The matched word is highlighted in the first result's title.
    const marks = await page.$$eval('table.articles tbody tr:first-child a.title mark', (ms) => ms.map((m) => m.textContent));
    assert.ok(marks.some((m) => fold(m).startsWith(word)), `the first title highlights "${word}": ${JSON.stringify(marks)}`);
    const first = bySlug.get(rows[0]);
    const text = await page.$eval('table.articles tbody tr:first-child a.title', (a) => a.textContent);
    assert.equal(text.replace(/\s+/g, ' ').trim(), first.title.replace(/\s+/g, ' ').trim(), 'highlighting keeps the title');
  });

  it('several words must all match; a prefix is enough', TIMEOUT, async () => {
    await openReady(page, '/');
    const results = async (q) => {
      await afterUpdate(page, () => page.fill('#q', q));
      return new Set(await allResults(page));
    };
    const a = await results('onset');
    const b = await results('cnn');
    const both = await results('onset cnn');
    assert.ok(both.size > 0, '"onset cnn" finds articles');
    assert.deepEqual(sorted(both), sorted([...a].filter((s) => b.has(s))), '"onset cnn" is "onset" AND "cnn"');
    const full = await results('convolutional');
    const prefix = await results('convol');
    assert.ok(full.size > 0);
    for (const s of full) assert.ok(prefix.has(s), `"convol" finds what "convolutional" finds (${s})`);
  });

  it('schluter, Schlüter and SCHLÜTER give the same articles', TIMEOUT, async () => {
    await openReady(page, '/');
    const byQuery = {};
    for (const q of ['schluter', 'Schlüter', 'SCHLÜTER', 'Schlu\u0308ter']) {
      await afterUpdate(page, () => page.fill('#q', q));
      byQuery[q] = sorted(await allResults(page));
      const st = await status(page);
      assert.equal(st.count, byQuery[q].length, `${q}: ${st.text}`);
    }
    const [first, ...rest] = Object.values(byQuery);
    assert.ok(first.length > 0, 'schluter finds articles');
    for (const [q, got] of Object.entries(byQuery)) assert.deepEqual(got, first, `"${q}" finds what "schluter" finds`);
    const authored = index.articles.filter((a) => a.authors.some((n) => fold(n).includes('schluter'))).map((a) => a.slug);
    assert.ok(authored.length > 0, 'the corpus has articles by Schlüter');
    for (const s of authored) assert.ok(first.includes(s), `${s} (by Schlüter) is found`);
    assert.equal(rest.length, 3);
  });

  it('a task and an architecture show exactly their intersection, with counts', TIMEOUT, async () => {
    const { task, arch, both, task2 } = pickTerms();
    await openReady(page, '/');
    await assertFacetCounts({});

    await afterUpdate(page, () => tick(page, `fieldset[data-facet=task] input[name=task][value="${task}"]`));
    const onlyTask = slugsWith('task', task);
    await waitForCount(page, onlyTask.length);
    assert.deepEqual(sorted(await allResults(page)), sorted(onlyTask), `?task=${task}`);

    await afterUpdate(page, () =>
      tick(page, `fieldset[data-facet=architecture] input[name=architecture][value="${arch}"]`),
    );
    await waitForCount(page, both.length);
    const st = await status(page);
    assert.deepEqual([st.count, st.total], [both.length, total], st.text);
    assert.deepEqual(sorted(await allResults(page)), sorted(both), `task=${task} AND architecture=${arch}`);
    assert.deepEqual(params(page).task, [task]);
    assert.deepEqual(params(page).architecture, [arch]);
    await assertFacetCounts({ task: [task], architecture: [arch] });

    if (task2) {
      // OR within a facet.
      await afterUpdate(page, () => tick(page, `fieldset[data-facet=task] input[name=task][value="${task2}"]`));
      const either = index.articles
        .filter((a) => (a.task.includes(task) || a.task.includes(task2)) && a.architecture.includes(arch))
        .map((a) => a.slug);
      await waitForCount(page, either.length);
      assert.deepEqual(sorted(await allResults(page)), sorted(either), `(${task} OR ${task2}) AND ${arch}`);
      assert.deepEqual(sorted(params(page).task), sorted([task, task2]), 'repeated task parameters');
      await assertFacetCounts({ task: [task, task2], architecture: [arch] });
    }
  });

  it('has code and a year range filter', TIMEOUT, async () => {
    await openReady(page, '/');
    await afterUpdate(page, () => tick(page, 'fieldset[data-facet=code] input[name=code][value="1"]'));
    const withCode = index.articles.filter((a) => a.code).map((a) => a.slug);
    assert.ok(withCode.length > 0 && withCode.length < total);
    await waitForCount(page, withCode.length);
    assert.deepEqual(sorted(await allResults(page)), sorted(withCode), 'code=1 leaves the articles with code');
    assert.deepEqual(params(page).code, ['1']);

    const years = index.articles.map((a) => a.year).filter(Boolean);
    const from = 2016;
    const to = 2017;
    assert.ok(years.some((y) => y < from) && years.some((y) => y > to));
    await page.fill('input[name=year-from]', String(from));
    await page.fill('input[name=year-to]', String(to));
    await page.locator('input[name=year-to]').press('Tab');
    const inRange = index.articles.filter((a) => a.code && a.year >= from && a.year <= to).map((a) => a.slug);
    await waitForCount(page, inRange.length);
    assert.deepEqual(sorted(await allResults(page)), sorted(inRange), `code and ${from}–${to}`);
    assert.deepEqual(params(page).year, [`${from}-${to}`]);
  });

  it('a pre-filtered URL restores the state, also after a reload', TIMEOUT, async () => {
    const { task, arch, both } = pickTerms();
    await openReady(page, `/?task=${task}&architecture=${arch}`);
    const check = async (label) => {
      await waitForCount(page, both.length);
      assert.deepEqual(sorted(await allResults(page)), sorted(both), `${label}: the intersection`);
      assert.equal(await page.isChecked(`input[name=task][value="${task}"]`), true, `${label}: task ticked`);
      assert.equal(await page.isChecked(`input[name=architecture][value="${arch}"]`), true, `${label}: architecture ticked`);
    };
    await check('opened');
    await page.reload();
    await page.waitForSelector('html[data-search=ready]', { state: 'attached' });
    await check('reloaded');

    await openReady(page, '/?code=1&year=2016-2017');
    const expected = index.articles.filter((a) => a.code && a.year >= 2016 && a.year <= 2017).map((a) => a.slug);
    await waitForCount(page, expected.length);
    assert.equal(await page.isChecked('input[name=code][value="1"]'), true);
    assert.equal(await page.inputValue('input[name=year-from]'), '2016');
    assert.equal(await page.inputValue('input[name=year-to]'), '2017');
    assert.deepEqual(sorted(await allResults(page)), sorted(expected));
  });

  it('the query stays in the URL across a reload', TIMEOUT, async () => {
    await openReady(page, '/');
    await afterUpdate(page, () => page.fill('#q', 'schluter'));
    const before = sorted(await allResults(page));
    assert.ok(before.length > 0);
    assert.deepEqual(params(page).q, ['schluter']);
    await page.reload();
    await page.waitForSelector('html[data-search=ready]', { state: 'attached' });
    assert.deepEqual(params(page).q, ['schluter'], 'the query is still in the URL');
    assert.equal(await page.inputValue('#q'), 'schluter', 'the input is filled from the URL');
    await waitForCount(page, before.length);
    assert.deepEqual(sorted(await allResults(page)), before, 'the same results');
  });

  it('back and forward move through the states', TIMEOUT, async () => {
    const { task, arch, both } = pickTerms();
    const onlyTask = slugsWith('task', task);
    await openReady(page, '/');
    await afterUpdate(page, () => tick(page, `input[name=task][value="${task}"]`));
    await waitForCount(page, onlyTask.length);
    await afterUpdate(page, () => tick(page, `input[name=architecture][value="${arch}"]`));
    await waitForCount(page, both.length);

    await page.goBack();
    await waitForCount(page, onlyTask.length);
    assert.deepEqual(params(page), { task: [task] }, 'back: the task alone');
    assert.equal(await page.isChecked(`input[name=task][value="${task}"]`), true);
    assert.equal(await page.isChecked(`input[name=architecture][value="${arch}"]`), false, 'back unticks');
    assert.deepEqual(sorted(await allResults(page)), sorted(onlyTask));

    await page.goBack();
    await waitForCount(page, total);
    assert.deepEqual(params(page), {}, 'back again: no filter');
    assert.equal(await page.isChecked(`input[name=task][value="${task}"]`), false);

    await page.goForward();
    await waitForCount(page, onlyTask.length);
    assert.deepEqual(params(page), { task: [task] }, 'forward: the task again');
    await page.goForward();
    await waitForCount(page, both.length);
    assert.equal(await page.isChecked(`input[name=architecture][value="${arch}"]`), true, 'forward ticks again');
  });

  it('the clear button resets everything', TIMEOUT, async () => {
    const { task } = pickTerms();
    await openReady(page, `/?q=music&task=${task}&code=1&year=2010-2020`);
    assert.ok((await status(page)).count < total);
    await afterUpdate(page, () => page.click('button[data-clear]'));
    await waitForCount(page, total);
    assert.equal(await page.inputValue('#q'), '');
    assert.equal(await page.locator('#finder input[type=checkbox]:checked').count(), 0, 'no box stays ticked');
    assert.equal(await page.inputValue('input[name=year-from]'), '');
    assert.equal(await page.inputValue('input[name=year-to]'), '');
    assert.deepEqual(params(page), {}, 'the URL has no filter left');
  });

  it('results do not move while they update; loading barely shifts the page', TIMEOUT, async () => {
    for (const path of ['/', '/search/']) {
      await openReady(page, path);
      await page.waitForTimeout(300);
      const shifts = await layoutShifts(page);
      const cls = shifts.filter((s) => !s.input).reduce((sum, s) => sum + s.value, 0);
      assert.ok(cls < 0.1, `${path}: cumulative layout shift while loading is ${cls.toFixed(3)} (≥ 0.1): ${JSON.stringify(shifts)}`);
    }
    await openReady(page, '/');
    const top = () => page.$eval('table.articles', (t) => [t.getBoundingClientRect().top + window.scrollY, document.getElementById('result-count').getBoundingClientRect().top + window.scrollY]);
    const where = await top();
    const { task } = pickTerms();
    const steps = [
      ['typing "s"', () => page.fill('#q', 's')],
      ['typing "schluter"', () => page.fill('#q', 'schluter')],
      ['a query with no result', () => page.fill('#q', 'zzzzqqq')],
      ['emptying the query', () => page.fill('#q', '')],
      ['ticking a task', () => tick(page, `input[name=task][value="${task}"]`)],
      ['clearing', () => page.click('button[data-clear]')],
    ];
    for (const [what, action] of steps) {
      await afterUpdate(page, action);
      assert.deepEqual(await top(), where, `after ${what}, the status line and the table stay where they were`);
    }
  });

  it('clicking a result opens its article page', TIMEOUT, async () => {
    await openReady(page, '/');
    await afterUpdate(page, () => page.fill('#q', 'schluter'));
    const slug = (await rowSlugs(page))[0];
    assert.ok(slug);
    const link = page.locator(`table.articles tbody tr[data-slug="${slug}"] a.title`);
    assert.equal(new URL(await link.evaluate((a) => a.href)).pathname, `/articles/${slug}/`);
    await Promise.all([page.waitForURL(`**/articles/${slug}/`), link.click()]);
    const h1 = (await page.locator('h1').first().textContent()).replace(/\s+/g, ' ').trim();
    assert.equal(h1, bySlug.get(slug).title.replace(/\s+/g, ' ').trim(), 'the article page of the clicked title');
  });

  it('the search page works and hides its no-JavaScript note', TIMEOUT, async () => {
    await openReady(page, '/search/');
    assert.equal(await page.locator('.needs-js').isVisible(), false, '.needs-js is hidden when the module runs');
    assert.equal(await page.locator('#finder').isVisible(), true);
    await afterUpdate(page, () => page.fill('#q', 'schluter'));
    const rows = await allResults(page);
    const st = await status(page);
    assert.ok(rows.length > 0 && rows.length === st.count, `${rows.length} rows, ${st.text}`);
    assert.ok(new URL(page.url()).pathname.endsWith('/search/'), 'the page stays the search page');
    assert.deepEqual(params(page).q, ['schluter']);
    for (const s of rows) assert.ok(hasPrefix(searchable(bySlug.get(s)), 'schluter'), s);
  });
});
