#!/usr/bin/env node
// Bytes transferred until a search shows its first results, on a built site
// (issue 5: at most 300 KB at 100k articles, with the sharded index).
//
//   cargo run --release --example synth -- --articles 100000 --out /tmp/synth100k
//   cargo run --release -- build --data /tmp/synth100k --out /tmp/site100k
//   node bench/shards.mjs --site /tmp/site100k
//
// Options: --site DIR (required), --json FILE (raw figures), --help.
//
// Each case opens a page with the query and filters in its address (the
// search page, and the home page) in a fresh browser context (cold cache)
// and waits for the `dl4m:rows` event of static/js/search.js: the first rows
// of results are in the table. Every response answered by then counts (the
// page, CSS, JS, icon, index files), as raw body bytes and as gzipped body
// bytes (what the server below sends: gzip level 6 for text types; HTTP
// headers are not counted). Also reported: the index files fetched, and the
// largest file of the search index.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TEXT = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.xml']);
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml',
};

const args = Object.fromEntries(process.argv.slice(2).map((a, i, all) => (a.startsWith('--') ? [a.slice(2), all[i + 1] ?? true] : null)).filter(Boolean));
if (args.help || !args.site) {
  const text = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
  console.log(text.slice(0, text.findIndex((l) => !l.startsWith('//'))).map((l) => l.slice(3)).join('\n'));
  process.exit(args.help ? 0 : 2);
}
const SITE = path.resolve(args.site);

// The queries: one, two and three words, a prefix, filters with and without a query.
function cases(manifest) {
  const task = manifest.facets.task?.[1]?.[1] ?? '';
  return [
    ['one word', 'q=onset'],
    ['one word (author)', 'q=schluter'],
    ['two words', 'q=beat%20tracking'],
    ['three words', 'q=cnn%20music%20tagging'],
    ['a prefix', 'q=tra'],
    ['a filter', `task=${task}`],
    ['a filter and a word', 'q=onset&architecture=cnn'],
  ];
}

// Serves the site, gzipping text types; records each response's sizes.
function serve(root) {
  const cache = new Map();
  const sent = [];
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = path.join(root, pathname);
    if (!file.startsWith(root) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    if (fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    const ext = path.extname(file);
    if (!cache.has(file)) {
      const raw = fs.readFileSync(file);
      cache.set(file, { raw, gzip: TEXT.has(ext) ? zlib.gzipSync(raw) : null });
    }
    const { raw, gzip } = cache.get(file);
    const gzipped = gzip && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    const body = gzipped ? gzip : raw;
    const headers = { 'content-type': TYPES[ext] ?? 'application/octet-stream', 'content-length': body.length };
    if (gzipped) headers['content-encoding'] = 'gzip';
    sent.push({ path: pathname, raw: raw.length, gzip: (gzip ?? raw).length });
    res.writeHead(200, headers).end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, sent, url: `http://127.0.0.1:${server.address().port}` })));
}

// Opens `url` in a fresh context; resolves to the responses sent before the first rows.
async function firstResults(browser, site, url) {
  const context = await browser.newContext();
  // The files read when the first rows are drawn (page, resources).
  await context.addInitScript(() => {
    document.addEventListener('dl4m:rows', () => {
      window.__firstRows ??= [location.href, ...performance.getEntriesByType('resource').map((e) => e.name)];
    });
    document.addEventListener('dl4m:results', (e) => { window.__found ??= e.detail; });
  });
  const page = await context.newPage();
  site.sent.length = 0;
  const started = Date.now();
  await page.goto(`${site.url}${url}`);
  await page.waitForFunction(() => window.__firstRows, null, { timeout: 120_000, polling: 10 });
  const ms = Date.now() - started;
  const done = new Set((await page.evaluate(() => window.__firstRows)).map((u) => decodeURIComponent(new URL(u).pathname)));
  const sent = site.sent.filter((r) => done.has(r.path));
  const found = await page.waitForFunction(() => window.__found, null, { timeout: 120_000 }).then((h) => h.jsonValue());
  await context.close();
  return { url, ms, found: `${found.count} of ${found.total}`, sent };
}

function largestIndexFile() {
  let largest = { file: 'search-index.json', bytes: fs.statSync(path.join(SITE, 'search-index.json')).size };
  const dir = path.join(SITE, 'search-index');
  let files = 1;
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    files += 1;
    const bytes = fs.statSync(path.join(dir, name)).size;
    if (bytes > largest.bytes) largest = { file: `search-index/${name}`, bytes };
  }
  return { ...largest, files };
}

const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
const sum = (list, key) => list.reduce((s, r) => s + r[key], 0);

const manifest = JSON.parse(fs.readFileSync(path.join(SITE, 'search-index.json'), 'utf8'));
const site = await serve(SITE);
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const results = [];
try {
  for (const [name, query] of cases(manifest)) {
    for (const page of ['search/', '']) {
      const r = await firstResults(browser, site, `/${page}?${query}`);
      const index = r.sent.filter((s) => s.path.startsWith('/search-index'));
      results.push({ name, ...r, index });
      console.error(`${name} ${r.url}: ${kb(sum(r.sent, 'gzip'))} gzip, ${kb(sum(r.sent, 'raw'))} raw, ${r.sent.length} requests, ${r.ms} ms`);
    }
  }
} finally {
  await browser.close();
  site.server.close();
}

const largest = largestIndexFile();
const lines = [
  `Site: ${SITE} (${manifest.count ?? manifest.articles?.length} articles, search index format ${manifest.version}, ${largest.files} index files, largest ${largest.file} ${kb(largest.bytes)})`,
  '',
  '| case | address | transferred, gzip | raw | requests | of which index: gzip / raw / files | results |',
  '| --- | --- | ---: | ---: | ---: | --- | ---: |',
  ...results.map((r) => `| ${r.name} | \`${r.url}\` | ${kb(sum(r.sent, 'gzip'))} | ${kb(sum(r.sent, 'raw'))} | ${r.sent.length} | ${kb(sum(r.index, 'gzip'))} / ${kb(sum(r.index, 'raw'))} / ${r.index.length} | ${r.found} |`),
];
console.log(lines.join('\n'));
if (args.json) fs.writeFileSync(args.json, JSON.stringify({ site: SITE, largest, results }, null, 1));
