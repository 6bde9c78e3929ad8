// Copy buttons of an article page's "Cite this article" section.
//
// Progressive enhancement: the buttons are `hidden` in the HTML and shown
// here, so a reader without JavaScript sees the citation, the BibTeX and
// the download link, and no button that does nothing.
//
// A button `data-copy="ID"` copies the text of the element `#ID`: a
// `<pre>` as written, anything else with its spaces collapsed. A
// `[data-copy-status]` element next to it says whether that worked.

const DONE_MS = 2500;

/** The text to copy from `el`. */
function textOf(el) {
  const text = el.textContent ?? '';
  return el.tagName === 'PRE' ? text : text.replace(/\s+/g, ' ').trim();
}

/** Copies `text`: the Clipboard API, else a selected off-screen textarea. */
async function copy(text) {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission refused or an insecure page: try the old way.
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.top = '-1000px';
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

function init() {
  for (const button of document.querySelectorAll('button[data-copy]')) {
    const target = document.getElementById(button.dataset.copy);
    if (!target) continue;
    const label = button.textContent;
    const status = button.closest('section')?.querySelector('[data-copy-status]');
    let timer = 0;
    button.hidden = false;
    button.addEventListener('click', async () => {
      const ok = await copy(textOf(target));
      button.textContent = ok ? 'Copied' : 'Copy failed';
      button.dataset.copied = ok ? 'yes' : 'no';
      if (status) {
        status.textContent = ok
          ? `${label.replace(/^Copy /, '')} copied to the clipboard.`.replace(/^./, (c) => c.toUpperCase())
          : 'Could not copy: select the text and copy it by hand.';
      }
      clearTimeout(timer);
      timer = setTimeout(() => {
        button.textContent = label;
        delete button.dataset.copied;
        if (status) status.textContent = '';
      }, DONE_MS);
    });
  }
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', init, { once: true });
} else {
  init();
}
