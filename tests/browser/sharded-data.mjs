// Writes a synthetic data folder whose search index is large enough to be
// sharded when built with `--search-shard-bytes 100000` (format 3), with
// abstracts, Unicode names (Schlüter, Øresund, Łukasz, Ðorđe, Straße…) and
// words shared between titles, authors, terms and abstracts, so that ranking
// and folding are exercised. Deterministic: the same folder every time.
//
//   node tests/browser/sharded-data.mjs DIR [COUNT]

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHARDED_COUNT = 1500;

/** The shard threshold the sharded test site is built with. */
export const SHARD_BYTES = 100_000;

const TOPICS = ['onset', 'tempo', 'timbre', 'chord', 'melody', 'rhythm', 'harmony', 'drums', 'vocals', 'piano', 'guitar', 'jazz', 'beat', 'tracking', 'transcription', 'separation'];
const FILLER = ['we', 'propose', 'a', 'model', 'for', 'music', 'audio', 'signals', 'trained', 'on', 'large', 'datasets', 'with', 'convolutional', 'recurrent', 'networks', 'and', 'evaluate', 'it', 'against', 'strong', 'baselines', 'the', 'results', 'show', 'improvements', 'in', 'accuracy', 'robustness', 'transfer', 'training', 'transformer', 'straße', 'café', 'naïve', 'über', 'øresund'];
const FAMILIES = ['Schl{\\"u}ter', 'M{\\"u}ller', 'B{\\"o}ck', '{\\O}resund', '{\\L}ukasz', 'Dvo{\\v{r}}{\\\'a}k', 'Stra{\\ss}e', 'Choi', 'Dixon', 'Tempo', 'Chord', 'Garc{\\\'i}a', 'Nguy{\\~{\\^e}}n'];
const GIVEN = ['Jan', 'Sebastian', 'Ðorđe', 'Zoë', 'Keunwoo', 'Simon', 'Ana', 'Łucja'];
const TASKS = ['Onset detection', 'Music auto-tagging', 'Genre classification', 'Beat tracking', 'Chord recognition', 'Source separation'];
const ARCHS = ['CNN', 'RNN', 'CRNN', 'Transformer'];
const DATASETS = ['GTZAN', 'MagnaTagATune', 'MedleyDB', 'Ballroom', 'MAPS', 'Über-Set'];

// A small deterministic generator (a linear congruential one).
function random(seed) {
  let state = seed >>> 0;
  return (n) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state >>> 8) % n; // the high bits: the low ones repeat quickly
  };
}

/** The articles, deterministic. */
export function shardedArticles(n = SHARDED_COUNT) {
  const pick = random(42);
  const out = [];
  for (let i = 0; i < n; i++) {
    const topic = TOPICS[pick(TOPICS.length)];
    const other = TOPICS[pick(TOPICS.length)];
    const authors = Array.from({ length: 1 + pick(6) }, () => `${FAMILIES[pick(FAMILIES.length)]}, ${GIVEN[pick(GIVEN.length)]}`);
    const abstract = Array.from({ length: 30 + pick(40) }, () => (pick(5) === 0 ? TOPICS[pick(TOPICS.length)] : FILLER[pick(FILLER.length)])).join(' ');
    out.push({
      key: `sh${String(i).padStart(4, '0')}`,
      title: `${topic[0].toUpperCase()}${topic.slice(1)} ${pick(3) === 0 ? 'and' : 'with'} ${other} study ${i}${pick(7) === 0 ? ' für Schlüter' : ''}`,
      authors: authors.join(' and '),
      year: 1995 + pick(30),
      abstract: `${abstract} unique${i}.`,
      tasks: [...new Set([TASKS[pick(TASKS.length)], TASKS[pick(TASKS.length)]])],
      architecture: ARCHS[pick(ARCHS.length)],
      dataset: pick(4) === 0 ? '' : DATASETS[pick(DATASETS.length)],
      code: pick(5) < 2 ? `https://example.org/code/${i}` : '',
    });
  }
  return out;
}

export function writeShardedData(dir, n = SHARDED_COUNT) {
  mkdirSync(dir, { recursive: true });
  const articles = shardedArticles(n);
  const bib = articles
    .map(
      (a) =>
        `@inproceedings{${a.key},\n  author = {${a.authors}},\n  title = {${a.title}},\n  booktitle = {Proceedings of the Sharded Conference},\n  year = {${a.year}},\n  abstract = {${a.abstract}},\n  url = {https://example.org/${a.key}.pdf}\n}\n`,
    )
    .join('\n');
  const csv = [
    'Key,Code,Architecture,Task,Dataset',
    ...articles.map((a) => `${a.key},${a.code},${a.architecture},${a.tasks.join(' & ')},${a.dataset}`),
  ].join('\n');
  writeFileSync(path.join(dir, 'sharded.bib'), `% Synthetic articles for the sharded search index tests.\n\n${bib}`);
  writeFileSync(path.join(dir, 'sharded.csv'), `${csv}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node tests/browser/sharded-data.mjs DIR [COUNT]');
    process.exit(2);
  }
  writeShardedData(dir, Number(process.argv[3] ?? SHARDED_COUNT));
}
