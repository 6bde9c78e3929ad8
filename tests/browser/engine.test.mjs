// Unit tests of the search engine (static/js/engine.js) in Node: folding,
// prefix matching, ranking, facet counts and highlighting ranges.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, emptyState, fold, isEmpty, matchRanges, queryWords, VERSION } from '../../static/js/engine.js';

const index = {
  version: 2,
  facets: {
    task: [['Onset detection', 'onset-detection'], ['Music tagging', 'music-tagging']],
    architecture: [['CNN', 'cnn'], ['RNN', 'rnn']],
    dataset: [['MagnaTagATune', 'magnatagatune']],
    framework: [],
  },
  authors: [['Jan Schlüter', 'jan-schluter'], ['Sebastian Böck', 'sebastian-bock'], ['Keunwoo Choi', 'keunwoo-choi']],
  articles: [
    { s: 'choi2016', t: 'Automatic tagging using deep convolutional neural networks', a: [2], y: 2016, v: 'ISMIR', task: [1], architecture: [0], dataset: [0], framework: [], c: 'https://github.com/keunwoochoi/music-auto_tagging-keras' },
    { s: 'bock2016', t: 'Joint beat and downbeat tracking', a: [1], y: 2016, v: 'ISMIR', task: [], architecture: [1], dataset: [], framework: [], x: 'Onset-like activations, as in Schlüter’s work.' },
    { s: 'schluter2014', t: 'Improved musical onset detection with convolutional neural networks', a: [0, 1], y: 2014, v: 'ICASSP', task: [0], architecture: [0], dataset: [], framework: [] },
    { s: 'undated', t: 'An article without a year', a: [], task: [0], architecture: [1], dataset: [], framework: [] },
  ],
};

const slugs = (engine, state) => [...engine.search({ ...emptyState(), ...state }).results].map((i) => engine.articles[i].s);

test('folding ignores case and diacritics', () => {
  assert.equal(fold('SCHLÜTER'), 'schluter');
  assert.equal(fold('Schlüter'), 'schluter');
  assert.equal(fold('Straße Øresund'), 'strasse oresund');
  assert.deepEqual(queryWords('  Onset  onset DETECTION '), ['detection', 'onset']);
});

test('every query word must match the start of a word', () => {
  const engine = new Engine(index);
  assert.deepEqual(slugs(engine, { q: 'conv onset' }), ['schluter2014']);
  assert.deepEqual(slugs(engine, { q: 'nset' }), []);
  assert.deepEqual(slugs(engine, { q: 'tagg' }), ['choi2016']);
});

test('schluter, Schlüter and SCHLÜTER find the same articles, authors first', () => {
  const engine = new Engine(index);
  const expected = ['schluter2014', 'bock2016'];
  for (const q of ['schluter', 'Schlüter', 'SCHLÜTER']) assert.deepEqual(slugs(engine, { q }), expected, q);
});

test('title matches outrank abstract matches; ties keep site order', () => {
  const engine = new Engine(index);
  assert.deepEqual(slugs(engine, { q: 'onset' }), ['schluter2014', 'undated', 'bock2016']);
  assert.deepEqual(slugs(engine, { q: '2016' }), ['choi2016', 'bock2016']);
});

test('OR within a facet, AND across facets, with disjunctive counts', () => {
  const engine = new Engine(index);
  const state = { ...emptyState(), facets: { task: ['onset-detection'], architecture: ['cnn'], dataset: [], framework: [] } };
  const found = engine.search(state);
  assert.deepEqual([...found.results].map((i) => engine.articles[i].s), ['schluter2014']);
  // Task counts ignore the task filter but apply the architecture filter.
  assert.deepEqual([...found.counts[0]], [1, 1]);
  // Architecture counts ignore the architecture filter but apply the task filter.
  assert.deepEqual([...found.counts[1]], [1, 1]);
  const either = { ...state, facets: { ...state.facets, architecture: ['cnn', 'rnn'] } };
  assert.deepEqual(slugs(engine, either), ['schluter2014', 'undated']);
});

test('code and year filters', () => {
  const engine = new Engine(index);
  assert.deepEqual(slugs(engine, { code: true }), ['choi2016']);
  assert.equal(engine.search(emptyState()).codeCount, 1);
  assert.deepEqual(slugs(engine, { from: 2015, to: null }), ['choi2016', 'bock2016']);
  assert.deepEqual(slugs(engine, { from: 2014, to: 2014 }), ['schluter2014']);
  assert.ok(isEmpty(emptyState()));
  assert.ok(!isEmpty({ ...emptyState(), from: 2014 }));
});

test('unknown slugs are ignored, not matched', () => {
  const engine = new Engine(index);
  assert.equal(slugs(engine, { facets: { task: ['no-such-task'], architecture: [], dataset: [], framework: [] } }).length, 4);
});

test('highlight ranges cover the matched start of each word in the original text', () => {
  const text = 'Jan Schlüter and SCHLÜTER’s onsets';
  const ranges = matchRanges(text, queryWords('schlu onset'));
  assert.deepEqual(ranges.map(([a, b]) => text.slice(a, b)), ['Schlü', 'SCHLÜ', 'onset']);
  const decomposed = 'Schlu\u0308ter';
  const [[start, end]] = matchRanges(decomposed, queryWords('schlü'));
  assert.equal(decomposed.slice(start, end), 'Schlu\u0308');
});

test('an index of another version is refused', () => {
  assert.throws(() => new Engine({ ...index, version: VERSION + 1 }), /version/);
});
