// `dl4m serve` on a copy of the upstream list's latest snapshot: an entry
// appended to the BibTeX file shows on the open home page with no manual
// reload; a broken entry shows the overlay over the last good site; Ctrl-C
// stops the server and removes its preview folder.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, watchErrors } from './lib.mjs';

const BIN = process.env.DL4M_BIN;
const CORPUS = process.env.DL4M_CORPUS_LATEST;
const TIMEOUT = { timeout: 60_000 };

/** Starts `dl4m serve` on a free port; resolves once it says where it serves. */
function startServe(dataDir) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(BIN, ['serve', '--data', dataDir, '--port', String(port), '--color', 'never'], {
    cwd: path.dirname(dataDir),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const served = log.match(/serving (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (served) resolve({ child, url: served[1], log: () => log });
    });
    child.on('exit', (code) => reject(new Error(`dl4m serve exited (${code}):\n${log}`)));
  });
}

const ENTRY = `
@inproceedings{zz2026liveappended,
  title = {Live Reload Shows Appended Articles},
  author = {Doe, Jane and Roe, Richard},
  year = {2026},
  booktitle = {Proceedings of the Test Conference}
}
`;

describe('dl4m serve', { skip: !BIN || !CORPUS ? 'DL4M_BIN or DL4M_CORPUS_LATEST not set' : false }, () => {
  let work;
  let server;
  let browser;
  let page;
  let errors;
  let preview;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'dl4m-serve-test-'));
    const data = path.join(work, 'data');
    fs.cpSync(CORPUS, data, { recursive: true });
    server = await startServe(data);
    preview = path.join(os.tmpdir(), `dl4m-serve-${server.child.pid}`);
    browser = await launch();
    const context = await browser.newContext({ baseURL: server.url });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    errors = watchErrors(page);
  });

  after(async () => {
    await browser?.close().catch(() => {});
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('serves the site with the live-reload script, which build output does not have', TIMEOUT, async () => {
    const response = await page.goto('/');
    assert.equal(response.status(), 200);
    assert.equal(await page.locator('script[src^="/__dl4m/live.js"]').count(), 1);
    assert.ok(fs.existsSync(path.join(preview, 'index.html')), 'the preview is built into a temporary folder');
    assert.ok(
      !fs.readFileSync(path.join(preview, 'index.html'), 'utf8').includes('__dl4m'),
      'the script is injected when served, not written to the site',
    );
    const missing = await page.request.get('/no/such/page/');
    assert.equal(missing.status(), 404);
  });

  it('shows an entry appended to the BibTeX file without a manual reload', TIMEOUT, async () => {
    await page.goto('/');
    await page.waitForSelector('html[data-dl4m-live=connected]', { state: 'attached' });
    const title = 'Live Reload Shows Appended Articles';
    assert.equal(await page.getByText(title).count(), 0);
    const appended = Date.now();
    fs.appendFileSync(path.join(work, 'data', 'dl4m.bib'), ENTRY);
    await page.getByRole('link', { name: title }).first().waitFor({ timeout: 20_000 });
    console.log(`# the appended article showed on the open home page after ${Date.now() - appended} ms`);
    await page.getByRole('link', { name: title }).first().click();
    await page.waitForURL(/\/articles\//);
    assert.match(await page.locator('h1').innerText(), /Live Reload Shows Appended Articles/);
  });

  it('shows the errors of a broken entry over the last good site, and a fix clears them', TIMEOUT, async () => {
    await page.goto('/');
    await page.waitForSelector('html[data-dl4m-live=connected]', { state: 'attached' });
    const bib = path.join(work, 'data', 'dl4m.bib');
    const good = fs.readFileSync(bib, 'utf8');
    fs.appendFileSync(bib, '\n@article{brokenentry, title = {Never <b>closed</b>\n');
    const overlay = page.locator('#dl4m-problems');
    await overlay.waitFor({ timeout: 20_000 });
    const text = await overlay.innerText();
    assert.match(text, /1 error/);
    assert.match(text, /dl4m\.bib:\d+/, 'the overlay names the file and line');
    assert.match(text, /<b>closed<\/b>/, 'the source line is shown as text, not markup');
    assert.equal(await page.locator('#dl4m-problems b').count(), 0);
    assert.ok(await page.getByText('Live Reload Shows Appended Articles').count() > 0, 'the rest of the site is still served');
    await overlay.getByRole('button', { name: 'Close' }).click();
    assert.equal(await overlay.count(), 0, 'the overlay can be closed');
    const reloaded = page.waitForEvent('load', { timeout: 20_000 });
    fs.writeFileSync(bib, good);
    await reloaded;
    assert.equal(await page.locator('#dl4m-problems').count(), 0, 'the fixed build has no overlay');
  });

  it('served pages have no console errors', TIMEOUT, async () => {
    await page.goto('about:blank');
    // A live reload cancels what the page was still fetching (the event
    // stream, the search index) by design; nothing else may fail.
    const found = errors.take().filter((e) => !e.endsWith('net::ERR_ABORTED'));
    assert.deepEqual(found, []);
  });

  it('stops on Ctrl-C and removes its preview folder', TIMEOUT, async () => {
    const exited = new Promise((resolve) => server.child.on('exit', (code, signal) => resolve({ code, signal })));
    server.child.kill('SIGINT');
    const { code } = await exited;
    assert.equal(code, 0, `dl4m serve exits with status 0 after Ctrl-C:\n${server.log()}`);
    assert.match(server.log(), /stopped/);
    assert.ok(!fs.existsSync(preview), 'the preview folder is removed');
  });
});
