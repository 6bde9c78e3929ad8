// Search and filters for the home page and the search page, loaded on every
// page. Everywhere, `/` focuses the page's search field. Where the page has
// the finder form (#finder), this module reads the search index once, builds
// the facet filters, and keeps the result table, the counts and the URL in
// step with what the reader types and ticks. Without JavaScript the pages
// stay plain lists of links; nothing here is needed to reach an article.

const BATCH = 250;
// Rows drawn in the same frame as a keystroke; the rest of the batch follows.
const FIRST_ROWS = 25;

document.addEventListener('keydown', focusSearchOnSlash);

const finder = document.getElementById('finder');
if (finder) start(finder);

function focusSearchOnSlash(event) {
  if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
  const target = event.target;
  if (target instanceof Element && (target.closest('input, textarea, select, [contenteditable]') || target.isContentEditable)) return;
  const input = [...document.querySelectorAll('[data-search-input]')].find((el) => !el.closest('[hidden]'));
  if (!input) return;
  event.preventDefault();
  input.focus();
  input.select();
}

async function start(form) {
  const status = document.getElementById('result-count');
  try {
    const engine = await import('./engine.js');
    // Not form.dataset: the form's `dataset` checkboxes shadow that property.
    const index = await engine.load(form.getAttribute('data-index'));
    new Finder(form, index, engine, form.getAttribute('data-root') || '/').start();
  } catch (error) {
    if (status) status.textContent = 'The search could not start; every article is still listed by task, architecture, dataset and author.';
    console.error('dl4m search:', error);
  }
}

/** The form, the result table and the URL, kept in step. */
class Finder {
  constructor(form, index, engine, root) {
    this.form = form;
    this.index = index;
    this.engine = engine;
    this.input = form.querySelector('#q');
    this.status = document.getElementById('result-count');
    this.view = new TableView(document.querySelector('table.articles'), index, root, engine.matchRanges);
    this.facetControls = new FacetControls(form.querySelector('[data-facets]'), index, engine.FACETS);
    this.state = engine.emptyState();
    this.lastChange = null;
    this.generation = 0;
  }

  start() {
    this.state = this.stateFromUrl();
    // Keep what the reader typed while the index was loading.
    if (!this.state.q && this.input.value) this.state.q = this.input.value;
    this.facetControls.show(this.state);
    this.input.value = this.state.q;
    const untouched = this.engine.isEmpty(this.state);
    this.update(null, { keepRows: untouched });
    this.form.addEventListener('submit', (event) => event.preventDefault());
    this.input.addEventListener('input', (event) => this.changed(event, 'q'));
    this.form.addEventListener('change', (event) => {
      if (event.target !== this.input) this.changed(event, event.target.name);
    });
    this.form.querySelector('[data-clear]').addEventListener('click', (event) => {
      this.state = this.engine.emptyState();
      this.input.value = '';
      this.facetControls.show(this.state);
      this.lastChange = null;
      this.update(event, { history: 'push' });
      this.input.focus();
    });
    this.view.onMore = (event) => this.update(event, { more: true });
    this.facetControls.onOpen = () => this.fillCounts();
    window.addEventListener('popstate', () => {
      this.state = this.stateFromUrl();
      this.input.value = this.state.q;
      this.facetControls.show(this.state);
      this.lastChange = null;
      this.update(null);
    });
    document.documentElement.dataset.search = 'ready';
    const idle = window.requestIdleCallback ?? ((task) => setTimeout(task, 1));
    idle(() => this.index.prepare());
  }

  // A control changed: read the form, then record the state in the history,
  // replacing the entry while the reader keeps typing the same query.
  changed(event, what) {
    this.state = { q: this.input.value, ...this.facetControls.read() };
    const history = what === 'q' && this.lastChange === 'q' ? 'replace' : 'push';
    this.lastChange = what;
    this.update(event, { history });
  }

  // Shows the results of the current state. The first rows and the counts
  // are drawn at once (with a sharded index, once the parts of the index
  // they need are fetched), with a `dl4m:rows` event; the rest of the batch,
  // the status line, the address and the `dl4m:results` event (`ms`: input
  // to first rows) follow after the next frame, so typing never waits for
  // hundreds of rows. A newer update makes an older one stop where it is.
  async update(event, { history = null, keepRows = false, more = false } = {}) {
    const started = event ? event.timeStamp : performance.now();
    const generation = ++this.generation;
    let found;
    try {
      found = await this.index.search(this.state);
    } catch (error) {
      this.failed(error);
      return;
    }
    if (generation !== this.generation) return;
    this.found = found;
    this.facetControls.count(found);
    let ms = null;
    this.view.show(found, { keepRows, more }, () => {
      ms = performance.now() - started;
      document.dispatchEvent(new CustomEvent('dl4m:rows', { detail: { ms } }));
      this.fillCounts().catch((error) => this.failed(error));
    }, (shown) => {
      this.setStatus(`${found.results.length} of ${found.total} articles`);
      if (history) this.writeUrl(history);
      document.dispatchEvent(new CustomEvent('dl4m:results', {
        detail: { count: found.results.length, total: found.total, shown, ms: ms ?? performance.now() - started },
      }));
    }).catch((error) => this.failed(error));
  }

  // A part of a sharded index could not be fetched.
  failed(error) {
    this.setStatus('The search could not load part of its index; try again.');
    console.error('dl4m search:', error);
  }

  // Fetches the filter data behind the counts that are shown but unknown
  // (sharded index only), then counts again.
  async fillCounts() {
    const missing = this.found ? this.facetControls.missing(this.found) : [];
    if (!missing.length) return;
    const generation = this.generation;
    await this.index.loadFilters(missing);
    if (generation !== this.generation) return;
    const found = await this.index.search(this.state);
    if (generation !== this.generation) return;
    this.found = found;
    this.facetControls.count(found);
  }

  setStatus(text) {
    if (this.status && this.status.textContent !== text) this.status.textContent = text;
  }

  stateFromUrl() {
    const params = new URLSearchParams(window.location.search);
    const state = this.engine.emptyState();
    state.q = params.get('q') ?? '';
    for (const facet of this.engine.FACETS) state.facets[facet] = params.getAll(facet);
    state.code = params.get('code') === '1';
    // `year=2014-2018`, `year=2014-`, `year=-2018`, or one year: `year=2014`.
    const range = /^(\d{4})?-(\d{4})?$/.exec(params.get('year') ?? '');
    const single = /^\d{4}$/.exec(params.get('year') ?? '');
    if (range) {
      state.from = range[1] ? Number(range[1]) : null;
      state.to = range[2] ? Number(range[2]) : null;
    } else if (single) {
      state.from = Number(single[0]);
      state.to = state.from;
    }
    return state;
  }

  writeUrl(mode) {
    const params = new URLSearchParams();
    if (this.state.q.trim()) params.set('q', this.state.q.trim());
    for (const facet of this.engine.FACETS) for (const slug of this.state.facets[facet]) params.append(facet, slug);
    if (this.state.code) params.set('code', '1');
    if (this.state.from !== null || this.state.to !== null) params.set('year', `${this.state.from ?? ''}-${this.state.to ?? ''}`);
    const query = params.toString();
    const url = `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`;
    if (url === `${window.location.pathname}${window.location.search}${window.location.hash}`) return;
    if (mode === 'replace') window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
  }
}

/** The facet fieldsets: checkboxes with live counts, code, and a year range. */
class FacetControls {
  constructor(container, index, facetNames) {
    this.container = container;
    this.index = index;
    this.facetNames = facetNames;
    this.boxes = [];
    this.onOpen = () => {};
    this.container.replaceChildren(
      ...index.facets.map((facet, f) => this.facetGroup(facet, f)).filter(Boolean),
      this.codeGroup(),
      this.yearGroup(),
    );
  }

  facetGroup({ name, values }, f) {
    if (!values.length) return null;
    const wide = window.matchMedia('(min-width: 62rem)').matches;
    const details = element('details', { className: 'facet-group' });
    details.open = wide && f < 2;
    details.addEventListener('toggle', () => details.open && this.onOpen());
    const title = LABELS[name] ?? name;
    const summary = element('summary', {}, title, element('span', { className: 'facet-chosen' }));
    const fieldset = element('fieldset', { dataset: { facet: name } });
    fieldset.append(element('legend', { className: 'visually-hidden' }, title));
    const list = element('ul', { className: 'facet-values' });
    this.boxes[f] = values.map(([label, slug]) => {
      const box = element('input', { type: 'checkbox', name, value: slug });
      const count = element('span', { className: 'count' });
      const row = element('label', {}, box, element('span', { className: 'facet-name' }, label), count);
      list.append(element('li', {}, row));
      return { box, count, row };
    });
    fieldset.append(list);
    details.append(summary, fieldset);
    this.details = [...(this.details ?? []), details];
    return details;
  }

  codeGroup() {
    this.codeBox = element('input', { type: 'checkbox', name: 'code', value: '1' });
    this.codeCount = element('span', { className: 'count' });
    this.codeRow = element('label', {}, this.codeBox, element('span', { className: 'facet-name' }, 'With code'), this.codeCount);
    return element('fieldset', { className: 'facet-plain', dataset: { facet: 'code' } },
      element('legend', {}, 'Code'), this.codeRow);
  }

  yearGroup() {
    const [min, max] = this.index.yearRange ?? [1900, new Date().getFullYear()];
    const yearInput = (name, label, placeholder) => {
      const input = element('input', { type: 'number', name, min: String(min), max: String(max), step: '1', inputMode: 'numeric', placeholder: String(placeholder) });
      return [input, element('label', { className: 'year-field' }, label, input)];
    };
    const [from, fromLabel] = yearInput('year-from', 'From', min);
    const [to, toLabel] = yearInput('year-to', 'To', max);
    this.yearFrom = from;
    this.yearTo = to;
    return element('fieldset', { className: 'facet-plain year-range', dataset: { facet: 'year' } },
      element('legend', {}, 'Year'), fromLabel, toLabel);
  }

  /** The filter part of the state, as the controls show it. */
  read() {
    const year = (input) => (/^\d{4}$/.test(input.value) ? Number(input.value) : null);
    return {
      facets: Object.fromEntries(this.facetNames.map((name, f) => [
        name, (this.boxes[f] ?? []).filter(({ box }) => box.checked).map(({ box }) => box.value),
      ])),
      code: this.codeBox.checked,
      from: year(this.yearFrom),
      to: year(this.yearTo),
    };
  }

  /** Sets the controls to a state (from the URL, or cleared). */
  show(state) {
    this.facetNames.forEach((name, f) => {
      const chosen = new Set(state.facets[name]);
      for (const { box } of this.boxes[f] ?? []) box.checked = chosen.has(box.value);
    });
    for (const details of this.details ?? []) {
      if (details.querySelector('input:checked')) details.open = true;
    }
    this.codeBox.checked = state.code;
    this.yearFrom.value = state.from ?? '';
    this.yearTo.value = state.to ?? '';
  }

  /**
   * Shows how many articles each value would leave; dims the values that
   * leave none. A count not known yet (`null`) is left blank.
   */
  count(found) {
    this.facetNames.forEach((name, f) => {
      (this.boxes[f] ?? []).forEach(({ count, row }, v) => {
        const n = found.counts[f]?.[v] ?? null;
        setText(count, n === null ? '' : String(n));
        row.classList.toggle('dim', n === 0);
      });
    });
    (this.details ?? []).forEach((details) => {
      const n = details.querySelectorAll('input:checked').length;
      setText(details.querySelector('.facet-chosen'), n ? `${n} chosen` : '');
    });
    setText(this.codeCount, found.codeCount === null ? '' : String(found.codeCount));
    this.codeRow.classList.toggle('dim', found.codeCount === 0);
  }

  /** The filters whose counts are shown (an open facet group, code) but not known. */
  missing(found) {
    const open = (f) => this.boxes[f]?.[0]?.row.closest('details')?.open;
    const names = this.facetNames.filter((name, f) => found.counts[f] === null && open(f));
    return found.codeCount === null ? [...names, 'code'] : names;
  }
}

const LABELS = { task: 'Task', architecture: 'Architecture', dataset: 'Dataset', framework: 'Framework' };

/** The article table: shows the results in order, reusing and building rows. */
class TableView {
  constructor(table, index, root, matchRanges) {
    this.table = table;
    this.tbody = table.tBodies[0];
    this.caption = table.caption;
    this.captionText = this.caption?.textContent ?? '';
    this.index = index;
    this.root = root;
    this.matchRanges = matchRanges;
    // The columns after year and title, as the page's table header lists them.
    this.columns = [...table.querySelectorAll('thead th[data-col]')]
      .map((th) => ({ key: th.dataset.col, facet: th.dataset.facet, className: th.className, label: th.textContent }));
    this.rows = new Map([...this.tbody.rows].map((row) => [row.dataset.slug, row]));
    this.limit = BATCH;
    this.generation = 0;
    this.onMore = () => {};
    this.more = element('button', { type: 'button', className: 'button-quiet more-results', hidden: true, dataset: { more: '' } });
    this.more.addEventListener('click', (event) => this.onMore(event));
    this.empty = element('p', { className: 'no-results', hidden: true },
      'No article matches. Try fewer or shorter words, or remove a filter.');
    table.closest('.table-scroll')?.after(this.empty, this.more);
  }

  /**
   * Shows the first rows of `found` as soon as their records are at hand
   * (then calls `drawn`), the rest of the batch after the next frame, then
   * calls `done` with the number of rows shown. A newer call cancels what an
   * older one had left to do.
   */
  async show(found, { keepRows = false, more = false }, drawn, done) {
    const { results, query } = found;
    const previous = this.tbody.rows.length;
    const limit = more ? this.limit + BATCH : keepRows ? Math.max(BATCH, previous) : BATCH;
    const shown = results.slice(0, limit);
    const key = query.join(' ');
    const rowsOf = (from, to) => Array.from(shown.subarray(from, to), (i) => this.row(i, query, key));
    const first = more ? shown.length : Math.min(FIRST_ROWS, shown.length);
    const pending = ++this.generation;
    if (!keepRows) {
      await this.index.records(shown.subarray(0, first));
      if (pending !== this.generation) return;
      this.tbody.replaceChildren(...rowsOf(0, first));
    }
    this.limit = limit;
    drawn();
    const finish = async () => {
      if (pending !== this.generation) return;
      if (!keepRows && first < shown.length) {
        await this.index.records(shown.subarray(first));
        if (pending !== this.generation) return;
        this.tbody.append(...rowsOf(first, shown.length));
      }
      done(shown.length);
    };
    if (keepRows || first === shown.length) finish();
    else requestAnimationFrame(() => setTimeout(finish, 0));
    setText(this.caption, query.length ? 'Matching articles, best match first'
      : results.length < found.total ? 'Matching articles, newest first' : this.captionText);
    this.empty.hidden = results.length > 0;
    const left = results.length - shown.length;
    this.more.hidden = left <= 0;
    setText(this.more, left > BATCH ? `Show ${BATCH} more (${left} not shown)` : `Show the other ${left}`);
  }

  // The table row of article `i`, with the query words marked.
  row(i, query, key) {
    const article = this.index.article(i);
    let row = this.rows.get(article.s);
    if (!row) {
      row = this.buildRow(article);
      this.rows.set(article.s, row);
    }
    if (row.dataset.marked !== key) {
      for (const el of row.querySelectorAll('a.title, .byline a')) mark(el, this.matchRanges(originalText(el), query));
      row.dataset.marked = key;
    }
    return row;
  }

  // A row like the ones the templates write (macros.html, article_table).
  buildRow(a) {
    const link = (href, className, ...children) => element('a', { href, className }, ...children);
    const chips = (facet, folder) => (a[facet] ?? []).map((v) => {
      const [name, slug] = this.index.facets[this.index.facets.findIndex((f) => f.name === facet)].values[v];
      return link(`${this.root}${folder}/${slug}/`, 'chip', name);
    });
    const byline = element('div', { className: 'byline' });
    const authors = this.index.authorsOf(a);
    authors.slice(0, 4).forEach(([name, slug], n) => {
      if (n) byline.append(', ');
      byline.append(link(`${this.root}authors/${slug}/`, '', name));
    });
    if (authors.length > 4) byline.append(element('span', { className: 'more' }, 'et al.'));
    const article = element('td', { className: 'c-article' }, link(`${this.root}articles/${a.s}/`, 'title', a.t));
    if (a.a?.length) article.append(byline);
    if (a.v) article.append(element('div', { className: 'venue' }, a.v));
    const code = /^https?:\/\//.test(a.c ?? '')
      ? element('a', { className: 'code-link', href: a.c, rel: 'noopener' }, 'Code', element('span', { className: 'visually-hidden' }, ` for ${a.t}`))
      : element('span', { className: 'muted' }, element('span', { ariaHidden: 'true' }, '–'), element('span', { className: 'visually-hidden' }, 'No code'));
    return element('tr', { dataset: { slug: a.s } },
      element('td', { className: 'c-year' }, a.y ? String(a.y) : element('span', { className: 'muted' }, 'n.d.')),
      article,
      ...this.columns.map((c) => (c.key === 'code'
        ? element('td', { className: c.className }, code)
        : element('td', { className: c.className, dataset: { label: c.label } }, ...chips(c.facet, c.key)))));
  }
}

const originals = new WeakMap();

// The element's text as the page first showed it, before any marking.
function originalText(el) {
  if (!originals.has(el)) originals.set(el, el.textContent);
  return originals.get(el);
}

// Wraps the given ranges of the element's original text in <mark>, building
// text nodes (never HTML), or restores the plain text when there are none.
function mark(el, ranges) {
  const text = originalText(el);
  if (!ranges.length) {
    if (el.childElementCount) el.textContent = text;
    return;
  }
  const parts = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) parts.push(text.slice(at, start));
    parts.push(element('mark', {}, text.slice(start, end)));
    at = end;
  }
  if (at < text.length) parts.push(text.slice(at));
  el.replaceChildren(...parts);
}

function setText(el, text) {
  if (el && el.textContent !== text) el.textContent = text;
}

// A new element with properties (className, dataset, hidden, …) and children;
// an empty className is left out rather than written as class="".
function element(tag, properties = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(properties)) {
    if (key === 'dataset') Object.assign(el.dataset, value);
    else if (!(key === 'className' && value === '')) el[key] = value;
  }
  el.append(...children);
  return el;
}
