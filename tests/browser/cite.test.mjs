// The "Cite this article" section: the copy buttons put the formatted
// citation and the BibTeX on the clipboard, the download link serves the
// article's .bib file, and without JavaScript no button shows.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { axe, formatViolations, launch, serve, siteDir, skipUnless } from './lib.mjs';

const TIMEOUT = { timeout: 60_000 };
const SLUG = 'pons2017timbre';
const PAGE = `/articles/${SLUG}/`;

describe('citing an article (shipped)', { skip: skipUnless('shipped') }, () => {
  let server, browser, context, page, dir;

  before(async () => {
    dir = siteDir('shipped');
    server = await serve(dir);
    browser = await launch();
    context = await browser.newContext({ baseURL: server.url, acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await server?.close();
  });

  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
  const bibFile = () => readFileSync(path.join(dir, 'articles', SLUG, `${SLUG}.bib`), 'utf8');

  it('"Copy BibTeX" copies the .bib file as served', TIMEOUT, async () => {
    await page.goto(PAGE);
    const button = page.locator('button[data-copy=bibtex]');
    await button.waitFor({ state: 'visible' });
    await page.evaluate(() => navigator.clipboard.writeText('before'));
    await button.click();
    await page.waitForFunction(() => document.querySelector('button[data-copy=bibtex]').dataset.copied === 'yes');
    const copied = await clipboard();
    assert.equal(copied, bibFile(), 'the clipboard holds the article\'s .bib');
    assert.match(copied, new RegExp(`^@inproceedings\\{${SLUG},`));
    assert.match(await page.locator('[data-copy-status]').textContent(), /copied/i, 'the status line says so');
  });

  it('"Copy citation" copies the formatted reference', TIMEOUT, async () => {
    await page.goto(PAGE);
    const button = page.locator('button[data-copy=citation]');
    await button.waitFor({ state: 'visible' });
    await button.click();
    await page.waitForFunction(() => document.querySelector('button[data-copy=citation]').dataset.copied === 'yes');
    const copied = await clipboard();
    const shown = (await page.locator('#citation').textContent()).replace(/\s+/g, ' ').trim();
    assert.equal(copied, shown);
    assert.match(copied, /^Pons, J\., Slizovskaia, O\., .*& Serra, X\. \(2017\)\. Timbre Analysis/);
  });

  it('"Download .bib" serves the article\'s BibTeX', TIMEOUT, async () => {
    await page.goto(PAGE);
    const link = page.locator('a.download');
    assert.equal(await link.getAttribute('href'), `/articles/${SLUG}/${SLUG}.bib`);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), `${SLUG}.bib`);
    const saved = await download.path();
    assert.equal(readFileSync(saved, 'utf8'), bibFile());
    const response = await page.request.get(`/articles/${SLUG}/${SLUG}.bib`);
    assert.equal(response.status(), 200);
  });

  it('the section has no accessibility violations', TIMEOUT, async () => {
    await page.goto(PAGE);
    await page.locator('button[data-copy=bibtex]').waitFor({ state: 'visible' });
    const violations = await axe(page);
    assert.deepEqual(violations, [], formatViolations(violations));
  });

  it('without JavaScript the buttons stay hidden and the download link works', TIMEOUT, async () => {
    const noScript = await browser.newContext({ baseURL: server.url, javaScriptEnabled: false });
    try {
      const p = await noScript.newPage();
      await p.goto(PAGE);
      assert.equal(await p.locator('button[data-copy]').count(), 2);
      for (const b of await p.locator('button[data-copy]').all()) {
        assert.equal(await b.isVisible(), false, 'a copy button is hidden without JavaScript');
      }
      assert.ok(await p.locator('a.download').isVisible());
      assert.ok(await p.locator('#citation').isVisible());
      assert.ok(await p.locator('pre#bibtex').isVisible());
    } finally {
      await noScript.close();
    }
  });
});
