// Writes a synthetic data folder with more articles than the search UI shows
// in one batch, so that "show more" and long result lists are exercised.
// Deterministic: the same folder every time.
//
//   node tests/browser/large-data.mjs DIR [COUNT]

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const LARGE_COUNT = 700;

const WORDS = ['onset', 'tempo', 'timbre', 'chord', 'melody', 'rhythm', 'harmony', 'drums', 'vocals', 'piano', 'guitar', 'jazz'];

/** The articles, with the facts the tests rely on. */
export function largeArticles(n = LARGE_COUNT) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const tasks = [i % 3 === 0 ? 'Onset detection' : 'Music auto-tagging'];
    if (i % 2 === 0) tasks.push('Genre classification');
    out.push({
      key: `synth${String(i).padStart(4, '0')}`,
      title: `Synthetic study ${i} of ${WORDS[i % WORDS.length]} with ${WORDS[(i * 7 + 3) % WORDS.length]} networks`,
      authors: i % 5 === 0 ? 'Schl{\\"u}ter, Jan and Author' + (i % 50) + ', Alex' : `Author${i % 50}, Alex and Writer${i % 13}, Sam`,
      year: 2000 + (i % 20),
      tasks,
      architecture: i % 4 === 0 ? 'RNN' : 'CNN',
      dataset: ['GTZAN', 'MagnaTagATune', 'MedleyDB', 'Ballroom', 'MAPS'][i % 5],
      code: i % 3 === 1 ? `https://example.org/code/${i}` : '',
    });
  }
  return out;
}

export function writeLargeData(dir, n = LARGE_COUNT) {
  mkdirSync(dir, { recursive: true });
  const articles = largeArticles(n);
  const bib = articles
    .map(
      (a) =>
        `@inproceedings{${a.key},\n  author = {${a.authors}},\n  title = {${a.title}},\n  booktitle = {Proceedings of the Synthetic Conference},\n  year = {${a.year}},\n  url = {https://example.org/${a.key}.pdf}\n}\n`,
    )
    .join('\n');
  const csv = [
    'Key,Title,Link,Code,Reproducible,Architecture,Layers,Task,Dataset,Framework,Note',
    ...articles.map((a) => `${a.key},,,${a.code},,${a.architecture},,${a.tasks.join(' & ')},${a.dataset},,`),
  ].join('\n');
  writeFileSync(path.join(dir, 'large.bib'), `% Synthetic articles for the browser tests.\n\n${bib}`);
  writeFileSync(path.join(dir, 'large.csv'), `${csv}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node tests/browser/large-data.mjs DIR [COUNT]');
    process.exit(2);
  }
  writeLargeData(dir, Number(process.argv[3] ?? LARGE_COUNT));
}
