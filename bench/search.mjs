#!/usr/bin/env node
// The search benchmark of issue 3: dl4m's in-browser search against Pagefind
// on the same built site, measured side by side in one run in headless
// Chromium, alternating the two engines, reporting medians.
//
//   cargo run --release --example synth -- --articles 10000 --out /tmp/synth10k
//   node bench/search.mjs
//
// Options (all optional):
//   --data DIR        synthetic data folder (default /tmp/synth10k)
//   --work DIR        where the sites are built (default /tmp/dl4m-search-bench)
//   --reps N          repetitions per engine and measure (default 3)
//   --json FILE       raw results (default /tmp/dl4m-search-bench.json)
//   --reuse           reuse the sites of an earlier run when they are newer than
//                     the binary and the data (skips the builds and Pagefind)
//   --profile FILE    also record a CPU profile (.cpuprofile) of dl4m's search
//                     while typing the queries, and print where the time goes
//   --no-cargo        do not run `cargo build --release` first
//   --only typing     skip (a), for quick runs while changing the search
//   --help            this text
//
// What is measured, per engine, each in a fresh browser context (cold cache):
//   (a) bytes transferred until the first results show, opening the search
//       page with the query in the URL: every request (HTML, JS, CSS, WASM,
//       index, shards, fragments) answered before the first results were in
//       the DOM, counted by the server as the bytes written on the socket
//       (status line, headers, gzipped body). Pagefind fetches its index from
//       a Web Worker, which the page's CDP Network events and resource timing
//       do not see; for the page's own requests the two agree with the server
//       (CDP encodedDataLength is kept in the raw results as a cross-check);
//   (b) keystroke latency: the queries typed character by character into the
//       search field. dl4m: its own `dl4m:results` detail.ms (input event to
//       DOM updated), input event to style and layout done, and input event to
//       the next frame. Pagefind: `pf.search(prefix)` plus the data of the first
//       10 results (the raw call, no debounce), then the same DOM, layout and
//       frame figures for rendering those 10 titles. The first pass over the
//       queries is "cold" (Pagefind fetches shards, dl4m builds rows), the
//       second "warm".
// Both sites are served from 127.0.0.1 by a node:http server that gzips text
// types, so transferred bytes are what a reader would download.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'target/release/dl4m');
const PAGEFIND = path.join(ROOT, 'node_modules/.bin/pagefind');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const QUERIES = ['onset', 'schluter', 'cnn music tagging', 'source separation', 'beat tracking lstm', 'chord', 'tra'];
const PF_PAGE = 'pagefind-bench.html';

const args = parseArgs(process.argv.slice(2));
if (args.help) {
  // The comment at the top of this file is the help.
  const text = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8');
  const lines = text.split('\n').slice(1);
  const end = lines.findIndex((l) => !l.startsWith('//'));
  console.log(lines.slice(0, end).map((l) => l.slice(3)).join('\n'));
  process.exit(0);
}
const DATA = path.resolve(args.data ?? '/tmp/synth10k');
const WORK = path.resolve(args.work ?? '/tmp/dl4m-search-bench');
const REPS = Number(args.reps ?? 3);
const JSON_OUT = path.resolve(args.json ?? '/tmp/dl4m-search-bench.json');
const SITE = path.join(WORK, 'site-10k');
// Pagefind's bundle and its search page; served over the 10k site, so the
// site is not copied and dl4m's site has no Pagefind files.
const PF_DIR = path.join(WORK, 'pagefind-10k');
const SHIPPED = path.join(WORK, 'site-shipped');

const started = Date.now();
const log = (...m) => console.error(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s]`, ...m);

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const name = a.slice(2);
    if (['reuse', 'no-cargo', 'help'].includes(name)) out[name] = true;
    else out[name] = argv[++i];
  }
  return out;
}

function run(cmd, argv, options = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 26, ...options });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${argv.join(' ')} exited with ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

// ---------------------------------------------------------------- sites

function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

function fresh(site, inputs, name = 'index.html') {
  const marker = path.join(site, name);
  if (!fs.existsSync(marker)) return false;
  const built = fs.statSync(marker).mtimeMs;
  return inputs.every((p) => (fs.statSync(p).isDirectory() ? newest(p) : fs.statSync(p).mtimeMs) < built);
}

function duSize(dir) {
  let bytes = 0;
  let files = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const s = duSize(p);
      bytes += s.bytes;
      files += s.files;
    } else {
      bytes += fs.statSync(p).size;
      files += 1;
    }
  }
  return { bytes, files };
}

function indexSizes(file) {
  const raw = fs.readFileSync(file);
  return {
    raw: raw.length,
    gzip: zlib.gzipSync(raw).length, // level 6, what the bench server sends
    gzip9: zlib.gzipSync(raw, { level: 9 }).length,
  };
}

function prepareSites() {
  if (!fs.existsSync(path.join(DATA, 'synth.csv'))) {
    throw new Error(`${DATA} has no synthetic corpus; run\n  cargo run --release --example synth -- --articles 10000 --out ${DATA}`);
  }
  if (!args['no-cargo']) {
    log('cargo build --release');
    run('cargo', ['build', '--release', '--quiet'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  fs.mkdirSync(WORK, { recursive: true });
  const result = { data: DATA };

  log('building the shipped data site');
  fs.rmSync(SHIPPED, { recursive: true, force: true });
  result.shippedBuildMs = run(BIN, ['build', '--data', path.join(ROOT, 'data'), '--out', SHIPPED], { cwd: ROOT }).ms;
  result.shippedIndex = indexSizes(path.join(SHIPPED, 'search-index.json'));

  const reuse = args.reuse && fresh(SITE, [BIN, DATA]) && fresh(PF_DIR, [path.join(SITE, 'index.html')], 'pagefind/pagefind-entry.json');
  if (reuse) {
    log(`reusing ${SITE} and ${PF_DIR}`);
    result.reused = true;
  } else {
    log(`building the 10k site from ${DATA}`);
    // From an empty folder, so no page of an earlier corpus is left over for
    // Pagefind to index.
    fs.rmSync(SITE, { recursive: true, force: true });
    result.buildMs = run(BIN, ['build', '--data', DATA, '--out', SITE], { cwd: ROOT }).ms;
    log(`built in ${(result.buildMs / 1000).toFixed(1)} s`);
    fs.rmSync(PF_DIR, { recursive: true, force: true });
    fs.mkdirSync(PF_DIR, { recursive: true });
    log('pagefind --site (article pages)');
    const pf = run(PAGEFIND, [
      '--site', SITE,
      '--output-path', path.join(PF_DIR, 'pagefind'),
      '--glob', 'articles/*/index.html',
      '--root-selector', 'main',
      // What a reader searches: the article, not the page's BibTeX source,
      // its list of related articles or the navigation.
      '--exclude-selectors', 'nav',
      '--exclude-selectors', 'section[aria-labelledby=bibtex-title]',
      '--exclude-selectors', 'section[aria-labelledby=related-title]',
    ], { cwd: WORK });
    result.pagefindMs = pf.ms;
    result.pagefindLog = pf.stdout.split('\n').filter((l) => /Indexed|Finished|Found/.test(l)).join('\n');
    log(`pagefind indexed in ${(pf.ms / 1000).toFixed(1)} s`);
  }
  fs.writeFileSync(path.join(PF_DIR, PF_PAGE), pagefindPage());
  result.articles = JSON.parse(fs.readFileSync(path.join(SITE, 'search-index.json'), 'utf8')).articles.length;
  result.index = indexSizes(path.join(SITE, 'search-index.json'));
  result.pagefindIndex = duSize(path.join(PF_DIR, 'pagefind'));
  return result;
}

// The page a Pagefind site would have: the JS API, 10 titles as links. It
// reports through the same kind of event as dl4m (`pf:results`).
function pagefindPage() {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Search (Pagefind)</title>
<link rel="icon" href="data:,"><meta name="viewport" content="width=device-width,initial-scale=1">
</head><body><main><h1>Search</h1>
<label for="q">Search articles</label> <input id="q" type="search" autocomplete="off">
<p id="result-count" role="status"></p><ol id="results"></ol></main>
<script type="module">
const list = document.getElementById('results');
const status = document.getElementById('result-count');
const pf = await import('/pagefind/pagefind.js');
await pf.options({});
// One search as a reader sees it: the call, the data of the first 10 results,
// their titles in the DOM. Returns the times from \`t0\` (ms).
async function show(q, t0 = performance.now()) {
  let found = null;
  let data = [];
  try {
    found = await pf.search(q);
    data = await Promise.all((found?.results ?? []).slice(0, 10).map((r) => r.data()));
  } catch (error) {
    console.error('pagefind:', error);
  }
  const call = performance.now() - t0;
  list.replaceChildren(...data.map((d) => {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = d.url;
    a.textContent = d.meta?.title ?? d.url;
    li.append(a);
    return li;
  }));
  status.textContent = \`\${found?.results?.length ?? 0} results\`;
  const dom = performance.now() - t0;
  document.dispatchEvent(new CustomEvent('pf:results', { detail: { count: found?.results?.length ?? 0, shown: data.length, call, dom } }));
  return { count: found?.results?.length ?? 0, call, dom };
}
window.__pf = { pf, show };
document.getElementById('q').addEventListener('input', (e) => show(e.target.value, e.timeStamp));
const q = new URLSearchParams(location.search).get('q');
document.documentElement.dataset.search = 'ready';
if (q) show(q);
</script></body></html>
`;
}

// ---------------------------------------------------------------- server

const TEXT = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.xml', '.webmanifest']);
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml', '.wasm': 'application/wasm', '.png': 'image/png', '.ico': 'image/x-icon',
};

// Serves the folders `roots` (the first that has a path wins) on 127.0.0.1,
// gzipping text types (compressed once, kept in memory, so compression time
// does not count against either engine).
function serve(...roots) {
  const cache = new Map();
  // Every response: its path, the bytes written for it on the socket (status
  // line, headers and body as sent) and when it was written (epoch ms).
  const sent = [];
  const server = http.createServer((req, res) => {
    res.on('finish', () => {
      const socket = req.socket;
      const bytes = socket.bytesWritten - (socket.benchCounted ?? 0);
      socket.benchCounted = socket.bytesWritten;
      sent.push({ url: req.url, bytes, end: Date.now() });
    });
    const url = new URL(req.url, 'http://x');
    const pathname = path.posix.normalize(decodeURIComponent(url.pathname));
    let file = null;
    for (const root of roots) {
      let f = path.join(root, pathname);
      if (!f.startsWith(root)) continue;
      if (fs.existsSync(f) && fs.statSync(f).isDirectory()) f = path.join(f, 'index.html');
      if (fs.existsSync(f)) {
        file = f;
        break;
      }
    }
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const ext = path.extname(file);
    const gzip = TEXT.has(ext) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    const key = `${file}|${gzip}`;
    if (!cache.has(key)) {
      const body = fs.readFileSync(file);
      cache.set(key, gzip ? zlib.gzipSync(body) : body);
    }
    const body = cache.get(key);
    const headers = {
      'content-type': TYPES[ext] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': 'max-age=600',
    };
    if (gzip) {
      headers['content-encoding'] = 'gzip';
      headers.vary = 'accept-encoding';
    }
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  server.keepAliveTimeout = 5000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, sent, origin: `http://127.0.0.1:${server.address().port}` })));
}

// ---------------------------------------------------------------- browser

const LAUNCH = {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
};

// Installed in every page before its scripts: times each update from the
// input event to the module's event, to style+layout done, and to the next
// frame (a task queued from the next requestAnimationFrame runs after it).
function pageProbe() {
  const state = { records: [], input: null, waiters: [], first: null };
  window.__bench = state;
  document.addEventListener('input', (e) => {
    if (e.target && e.target.id === 'q') state.input = { stamp: e.timeStamp, value: e.target.value };
  }, true);
  const done = (name, detail) => {
    const input = state.input;
    state.input = null;
    const at = performance.now();
    if (state.first === null && detail.count > 0) state.first = at;
    forcedStyleAndLayout();
    const layout = performance.now();
    const rec = { engine: name, value: input?.value ?? null, count: detail.count, total: detail.total ?? null,
      shown: detail.shown, ms: detail.ms ?? null, call: detail.call ?? null,
      dom: input ? at - input.stamp : null, layout: input ? layout - input.stamp : null, frame: null };
    requestAnimationFrame(() => setTimeout(() => {
      rec.frame = input ? performance.now() - input.stamp : null;
      state.records.push(rec);
      for (const w of state.waiters.splice(0)) w(rec);
    }, 0));
  };
  document.addEventListener('dl4m:results', (e) => done('dl4m', e.detail));
  document.addEventListener('pf:results', (e) => done('pagefind', e.detail));
  state.next = () => new Promise((resolve) => state.waiters.push(resolve));
  // Named so that a CPU profile shows the page's style and layout under it.
  function forcedStyleAndLayout() {
    return document.body.offsetHeight;
  }
}

async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.addInitScript(pageProbe);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  const requests = new Map();
  cdp.on('Network.responseReceived', (e) => {
    requests.set(e.requestId, { url: e.response.url, status: e.response.status, type: e.type });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId) ?? { url: '?' };
    r.bytes = e.encodedDataLength;
    r.finished = true;
    requests.set(e.requestId, r);
  });
  return { context, page, cdp, requests, errors };
}

const URLS = {
  dl4m: (origin, q) => `${origin}/search/${q === null ? '' : `?q=${encodeURIComponent(q)}`}`,
  pagefind: (origin, q) => `${origin}/${PF_PAGE}${q === null ? '' : `?q=${encodeURIComponent(q)}`}`,
};

// (a): a cold page opened on `?q=`, bytes and time until the first results.
async function firstResults(browser, engine, served, q) {
  const origin = served.origin;
  const { context, page, requests, errors } = await newPage(browser);
  const from = served.sent.length;
  try {
    const t0 = Date.now();
    await page.goto(URLS[engine](origin, q), { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__bench && window.__bench.first !== null, null, { timeout: 120_000, polling: 10 });
    const wallMs = Date.now() - t0;
    const { first, records, origin: timeOrigin } = await page.evaluate(() => ({
      first: window.__bench.first, records: window.__bench.records, origin: performance.timeOrigin,
    }));
    // Requests that had finished by the time the results were in the DOM,
    // by the page's own resource timing; their sizes from CDP.
    const ends = await page.evaluate((at) => {
      const nav = performance.getEntriesByType('navigation')[0];
      const list = performance.getEntriesByType('resource').map((r) => ({ url: r.name, end: r.responseEnd, transfer: r.transferSize }));
      list.push({ url: nav.name, end: nav.responseEnd, transfer: nav.transferSize });
      return { before: list.filter((r) => r.end <= at), after: list.filter((r) => r.end > at), at };
    }, first);
    // Bytes on the wire, from the server: every response written before the
    // results were in the DOM (Pagefind fetches its index in a worker, which
    // neither the page's CDP session nor its resource timing see).
    const firstAt = timeOrigin + first;
    const counted = served.sent.slice(from).filter((r) => r.end <= firstAt + 1);
    const bytes = counted.reduce((s, r) => s + r.bytes, 0);
    // Cross-checks: CDP's encodedDataLength and resource timing's
    // transferSize, both for the page's own (main thread) requests.
    const before = new Set(ends.before.map((r) => r.url));
    const cdpBytes = [...requests.values()].filter((r) => r.finished && before.has(r.url)).reduce((s, r) => s + r.bytes, 0);
    const timingBytes = ends.before.reduce((s, r) => s + r.transfer, 0);
    const rows = await page.evaluate((e) => (e === 'dl4m'
      ? document.querySelectorAll('table.articles tbody tr[data-slug]').length
      : document.querySelectorAll('#results li').length), engine);
    return {
      engine, q, bytes, cdpBytes, timingBytes, requests: counted.length, firstMs: first, wallMs, rows,
      count: records.find((r) => r.count > 0)?.count ?? null,
      files: counted.map((r) => [r.url, r.bytes]),
      errors,
    };
  } finally {
    await context.close();
  }
}

const median = (xs) => {
  const s = xs.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (xs, q) => {
  const s = xs.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};

async function clearField(page) {
  if (!(await page.inputValue('#q'))) return null;
  const next = page.evaluate(() => window.__bench.next());
  await page.fill('#q', '');
  return next;
}

// (b) for dl4m: type every query char by char, twice (cold, then warm).
async function typeDl4m(browser, origin, profileFile) {
  const { context, page, cdp, errors } = await newPage(browser);
  try {
    await page.goto(URLS.dl4m(origin, null));
    await page.waitForSelector('html[data-search=ready]', { timeout: 120_000 });
    // Let the idle callback build the word index, as it would while a reader
    // moves to the field (the engine is a module singleton, so importing it
    // again gives the page's own instance).
    const prepared = await page.evaluate(async () => {
      const t0 = performance.now();
      const engine = await import(new URL('/static/js/engine.js', location.href).href);
      // (not .dataset: the form's checkboxes named "dataset" shadow it)
      const url = document.getElementById('finder')?.getAttribute('data-index');
      if (!url) return `no index URL: ${document.documentElement.outerHTML.slice(0, 2000)}`;
      const index = await engine.load(url);
      if (!('vocabulary' in index)) return null;
      while (!index.vocabulary) await new Promise((r) => setTimeout(r, 20));
      return performance.now() - t0;
    });
    if (typeof prepared === 'string') console.error(prepared);
    if (typeof prepared !== 'number') await page.waitForTimeout(2000);
    await page.waitForTimeout(300);
    await page.click('#q');
    if (profileFile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    const passes = [];
    for (const pass of ['cold', 'warm']) {
      for (const q of QUERIES) {
        await clearField(page);
        for (const ch of q) {
          const next = page.evaluate(() => window.__bench.next());
          await page.keyboard.type(ch);
          const rec = await next;
          passes.push({ pass, q, ...rec });
        }
      }
    }
    const clear = await clearField(page);
    if (profileFile) {
      const { profile } = await cdp.send('Profiler.stop');
      fs.writeFileSync(profileFile, JSON.stringify(profile));
    }
    const parts = await page.evaluate(enginePartsProbe, QUERIES);
    return { records: passes, clear, parts, errors };
  } finally {
    await context.close();
  }
}

// Where dl4m's time goes, without the DOM: the engine's own search() per
// prefix (median of 5 calls), and the start-up steps of the index (parse the
// JSON, construct the engine, build the word index).
async function enginePartsProbe(queries) {
  const engine = await import(new URL('/static/js/engine.js', location.href).href);
  const url = document.getElementById('finder').getAttribute('data-index');
  const index = await engine.load(url);
  const search = {};
  for (const q of queries) {
    for (let n = 1; n <= q.length; n += 1) {
      const state = engine.emptyState();
      state.q = q.slice(0, n);
      const times = [];
      for (let k = 0; k < 5; k += 1) {
        const t0 = performance.now();
        index.search(state);
        times.push(performance.now() - t0);
      }
      search[state.q] = times.sort((a, b) => a - b)[2];
    }
  }
  const text = await (await fetch(url)).text();
  const t0 = performance.now();
  const json = JSON.parse(text);
  const t1 = performance.now();
  const fresh = new engine.Engine(json);
  const t2 = performance.now();
  fresh.prepare();
  const t3 = performance.now();
  return { search, parseMs: t1 - t0, constructMs: t2 - t1, wordIndexMs: t3 - t2 };
}

// (b) for Pagefind: the same prefixes, each the raw call with the first 10
// results' data, rendered; the first pass loads shards (cold), the second not.
async function typePagefind(browser, origin) {
  const { context, page, errors } = await newPage(browser);
  try {
    await page.goto(URLS.pagefind(origin, null));
    await page.waitForSelector('html[data-search=ready]', { timeout: 120_000 });
    await page.waitForTimeout(300);
    await page.click('#q');
    const passes = [];
    for (const pass of ['cold', 'warm']) {
      for (const q of QUERIES) {
        await clearField(page);
        for (const ch of q) {
          // Type the character, but time the raw call for this prefix without
          // the keystrokes racing each other: one search at a time.
          const next = page.evaluate(() => window.__bench.next());
          await page.keyboard.type(ch);
          const rec = await next;
          passes.push({ pass, q, ...rec });
        }
      }
    }
    return { records: passes, errors };
  } finally {
    await context.close();
  }
}

function summarise(records, engine, pass) {
  const rs = records.filter((r) => r.pass === pass && r.value !== '');
  const pick = (k) => rs.map((r) => r[k]);
  const key = engine === 'dl4m' ? 'ms' : 'call';
  return {
    n: rs.length,
    engine: { median: median(pick(key)), p90: quantile(pick(key), 0.9), max: Math.max(...pick(key)) },
    layout: { median: median(pick('layout')), p90: quantile(pick('layout'), 0.9) },
    frame: { median: median(pick('frame')), p90: quantile(pick('frame'), 0.9) },
  };
}

function perQuery(records, key) {
  const out = {};
  for (const q of QUERIES) {
    const rs = records.filter((r) => r.pass === 'warm' && r.q === q);
    out[q] = { median: median(rs.map((r) => r[key])), last: median(records.filter((r) => r.q === q && r.value === q).map((r) => r[key])) };
  }
  return out;
}

// Self time per function of a CPU profile, the biggest first.
function topFunctions(profileFile, n = 15) {
  const profile = JSON.parse(fs.readFileSync(profileFile, 'utf8'));
  const self = new Map();
  const dt = profile.timeDeltas ?? [];
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const f = node.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${path.basename(f.url || '')}:${f.lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([name, ms]) => ({ name, ms: Math.round(ms), share: `${((100 * ms) / total).toFixed(1)}%` }));
}

// ---------------------------------------------------------------- main

const kb = (b) => (b === null ? '–' : `${(b / 1024).toFixed(1)} KiB`);
const mb = (b) => `${(b / 1024 / 1024).toFixed(2)} MiB`;
const ms = (x) => (x === null ? '–' : `${x.toFixed(1)} ms`);

async function main() {
  const sites = prepareSites();
  log(`10k index: ${mb(sites.index.raw)} raw, ${mb(sites.index.gzip)} gzipped; Pagefind: ${mb(sites.pagefindIndex.bytes)} in ${sites.pagefindIndex.files} files`);
  const ours = await serve(SITE);
  const theirs = await serve(PF_DIR, SITE);
  const origins = { dl4m: ours.origin, pagefind: theirs.origin };
  const served = { dl4m: ours, pagefind: theirs };
  const load = [os.loadavg()[0]];
  const browser = await chromium.launch(LAUNCH);
  const version = browser.version();
  log(`Chromium ${version}; ${REPS} repetitions, engines alternating`);
  const first = [];
  const typing = { dl4m: [], pagefind: [] };
  const parts = [];
  const errors = [];
  try {
    // Warm the servers' compression caches so no engine pays for gzip.
    if (args.only !== 'typing') for (const engine of ['dl4m', 'pagefind']) await firstResults(browser, engine, served[engine], QUERIES[0]);
    for (let rep = 0; rep < REPS; rep += 1) {
      const order = rep % 2 ? ['pagefind', 'dl4m'] : ['dl4m', 'pagefind'];
      for (const q of args.only === 'typing' ? [] : QUERIES) {
        for (const engine of order) {
          const r = await firstResults(browser, engine, served[engine], q);
          r.rep = rep;
          first.push(r);
          errors.push(...r.errors.map((e) => `${engine} ${q}: ${e}`));
        }
      }
      log(`rep ${rep + 1}/${REPS}: first results done`);
      for (const engine of order) {
        const profile = engine === 'dl4m' && rep === 0 && args.profile ? path.resolve(args.profile) : null;
        const r = engine === 'dl4m' ? await typeDl4m(browser, origins.dl4m, profile) : await typePagefind(browser, origins.pagefind);
        typing[engine].push(...r.records.map((x) => ({ ...x, rep })));
        if (r.clear) typing.dl4m.push({ ...r.clear, pass: 'clear', q: '', rep });
        if (r.parts) parts.push(r.parts);
        errors.push(...r.errors.map((e) => `${engine} typing: ${e}`));
      }
      load.push(os.loadavg()[0]);
      log(`rep ${rep + 1}/${REPS}: typing done (load average ${os.loadavg()[0].toFixed(2)})`);
    }
  } finally {
    await browser.close();
    ours.server.close();
    theirs.server.close();
  }

  const firstBy = (engine) => first.filter((r) => r.engine === engine);
  const summary = {
    machine: {
      cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
      node: process.version, chromium: version, date: new Date().toISOString(), loadAverage: load,
    },
    sites,
    reps: REPS,
    queries: QUERIES,
    first: Object.fromEntries(['dl4m', 'pagefind'].map((e) => [e, {
      bytes: median(firstBy(e).map((r) => r.bytes)),
      cdpBytes: median(firstBy(e).map((r) => r.cdpBytes)),
      timingBytes: median(firstBy(e).map((r) => r.timingBytes)),
      requests: median(firstBy(e).map((r) => r.requests)),
      firstMs: median(firstBy(e).map((r) => r.firstMs)),
      perQuery: Object.fromEntries(QUERIES.map((q) => [q, {
        bytes: median(firstBy(e).filter((r) => r.q === q).map((r) => r.bytes)),
        firstMs: median(firstBy(e).filter((r) => r.q === q).map((r) => r.firstMs)),
        count: median(firstBy(e).filter((r) => r.q === q).map((r) => r.count)),
      }])),
      files: firstBy(e).find((r) => r.q === 'onset')?.files,
    }])),
    typing: {
      dl4m: { cold: summarise(typing.dl4m, 'dl4m', 'cold'), warm: summarise(typing.dl4m, 'dl4m', 'warm'),
        clear: { ms: median(typing.dl4m.filter((r) => r.pass === 'clear').map((r) => r.ms)), frame: median(typing.dl4m.filter((r) => r.pass === 'clear').map((r) => r.frame)) },
        perQuery: perQuery(typing.dl4m, 'ms'),
        engineOnly: {
          median: median(parts.flatMap((x) => Object.values(x.search))),
          p90: quantile(parts.flatMap((x) => Object.values(x.search)), 0.9),
          oneLetter: median(parts.flatMap((x) => Object.entries(x.search).filter(([q]) => q.length === 1).map(([, v]) => v))),
          parseMs: median(parts.map((x) => x.parseMs)),
          constructMs: median(parts.map((x) => x.constructMs)),
          wordIndexMs: median(parts.map((x) => x.wordIndexMs)),
        } },
      pagefind: { cold: summarise(typing.pagefind, 'pagefind', 'cold'), warm: summarise(typing.pagefind, 'pagefind', 'warm'),
        perQuery: perQuery(typing.pagefind, 'call') },
    },
    errors,
    seconds: (Date.now() - started) / 1000,
  };
  if (args.profile) summary.profile = topFunctions(path.resolve(args.profile));
  fs.writeFileSync(JSON_OUT, JSON.stringify({ summary, first, typing, parts }, null, 1));
  console.log(report(summary));
  log(`raw results in ${JSON_OUT}`);
}

function report(s) {
  const d = s.typing.dl4m;
  const p = s.typing.pagefind;
  const f = s.first;
  const lines = [];
  lines.push(`${s.sites.articles} synthetic articles; ${s.reps} repetitions per engine, alternating; medians (p90).`, '');
  lines.push('| figure | dl4m | Pagefind |', '| --- | --- | --- |');
  lines.push(`| bytes transferred until the first results (cold, gzip) | ${kb(f.dl4m.bytes)} in ${f.dl4m.requests} requests | ${kb(f.pagefind.bytes)} in ${f.pagefind.requests} requests |`);
  lines.push(`| time to first results, cold page on 127.0.0.1 | ${ms(f.dl4m.firstMs)} | ${ms(f.pagefind.firstMs)} |`);
  lines.push(`| keystroke → results, engine (dl4m \`detail.ms\`; Pagefind search + 10 \`data()\`), warm | ${ms(d.warm.engine.median)} (${ms(d.warm.engine.p90)}) | ${ms(p.warm.engine.median)} (${ms(p.warm.engine.p90)}) |`);
  lines.push(`| keystroke → results, engine, first pass (cold) | ${ms(d.cold.engine.median)} (${ms(d.cold.engine.p90)}) | ${ms(p.cold.engine.median)} (${ms(p.cold.engine.p90)}) |`);
  lines.push(`| dl4m \`engine.search()\` alone, no DOM (all prefixes; 1-letter prefixes) | ${ms(d.engineOnly.median)} (${ms(d.engineOnly.p90)}); ${ms(d.engineOnly.oneLetter)} | – |`);
  lines.push(`| keystroke → DOM updated, style and layout done, warm | ${ms(d.warm.layout.median)} (${ms(d.warm.layout.p90)}) | ${ms(p.warm.layout.median)} (${ms(p.warm.layout.p90)}) |`);
  lines.push(`| keystroke → next frame, warm | ${ms(d.warm.frame.median)} (${ms(d.warm.frame.p90)}) | ${ms(p.warm.frame.median)} (${ms(p.warm.frame.p90)}) |`);
  lines.push(`| keystroke → next frame, first pass (cold) | ${ms(d.cold.frame.median)} (${ms(d.cold.frame.p90)}) | ${ms(p.cold.frame.median)} (${ms(p.cold.frame.p90)}) |`);
  lines.push(`| index, 10k articles | ${mb(s.sites.index.raw)} raw, ${mb(s.sites.index.gzip)} gzipped, 1 file | ${mb(s.sites.pagefindIndex.bytes)} on disk in ${s.sites.pagefindIndex.files} files |`);
  lines.push(`| index, shipped data (${'26'} articles) | ${kb(s.sites.shippedIndex.raw)} raw, ${kb(s.sites.shippedIndex.gzip)} gzipped | – |`);
  lines.push('', 'Per query (warm keystroke median, engine figure; bytes and matches until first results):', '');
  lines.push('| query | dl4m keystroke | Pagefind keystroke | dl4m bytes | Pagefind bytes | dl4m matches | Pagefind matches |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const q of s.queries) {
    lines.push(`| \`${q}\` | ${ms(d.perQuery[q].median)} | ${ms(p.perQuery[q].median)} | ${kb(f.dl4m.perQuery[q].bytes)} | ${kb(f.pagefind.perQuery[q].bytes)} | ${f.dl4m.perQuery[q].count} | ${f.pagefind.perQuery[q].count} |`);
  }
  lines.push('', `dl4m index start-up in the page: JSON.parse ${ms(d.engineOnly.parseMs)}, engine constructor ${ms(d.engineOnly.constructMs)}, word index ${ms(d.engineOnly.wordIndexMs)}.`);
  lines.push(`Load average (1 min) during the run: ${s.machine.loadAverage.map((x) => x.toFixed(1)).join(', ')}.`);
  lines.push('', `Clearing the field (all ${s.sites.articles} articles back): dl4m ${ms(d.clear.ms)} engine, ${ms(d.clear.frame)} to the next frame.`);
  if (s.sites.buildMs) lines.push(`Build of the 10k site ${(s.sites.buildMs / 1000).toFixed(1)} s; Pagefind indexing ${(s.sites.pagefindMs / 1000).toFixed(1)} s.`);
  if (s.profile) {
    lines.push('', 'dl4m CPU profile while typing (self time):', '');
    for (const fn of s.profile) lines.push(`- ${fn.name}: ${fn.ms} ms (${fn.share})`);
  }
  if (s.errors.length) lines.push('', `Console errors: ${s.errors.length}`, ...s.errors.slice(0, 10).map((e) => `- ${e}`));
  lines.push('', `Run took ${s.seconds.toFixed(0)} s.`);
  return lines.join('\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
