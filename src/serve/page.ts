/** The preview page: pages as images, the report beside them, overlays to switch, errors on top. */
export const PAGE_HTML = `<!doctype html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<title>Banmian preview</title>
<style>
  body { margin: 0; font: 13px/1.45 system-ui, sans-serif; background: #e8e8e4; color: #222; }
  header { position: sticky; top: 0; background: #333; color: #eee; padding: 6px 12px; display: flex; gap: 16px; align-items: center; z-index: 2; }
  header label { cursor: pointer; }
  #errors { display: none; background: #fde8e8; color: #a00; border-bottom: 2px solid #c00; padding: 8px 12px; white-space: pre-wrap; font-family: monospace; }
  #errors.shown { display: block; }
  main { display: flex; gap: 16px; padding: 16px; align-items: flex-start; }
  #pages { display: flex; flex-direction: column; gap: 16px; }
  #pages img { background: #fff; box-shadow: 0 1px 6px rgba(0,0,0,.25); max-width: 62vw; height: auto; }
  aside { min-width: 320px; background: #fff; padding: 8px 12px; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
  table { border-collapse: collapse; width: 100%; }
  td, th { text-align: left; padding: 2px 6px; border-bottom: 1px solid #eee; }
  .overset { color: #c00; font-weight: bold; }
  .warning { color: #a60; }
</style>
</head>
<body>
<header>
  <strong id="file"></strong>
  <span>version <span id="version">–</span></span>
  <span id="status"></span>
  <label><input type="checkbox" name="overlay" value="grid"> grid</label>
  <label><input type="checkbox" name="overlay" value="ids"> ids</label>
  <label><input type="checkbox" name="overlay" value="overset" checked> overset</label>
  <label><input type="checkbox" name="overlay" value="holes" checked> holes</label>
</header>
<div id="errors"></div>
<main>
  <div id="pages"></div>
  <aside><h3>Articles</h3><table id="articles"></table><h3>Findings</h3><ul id="findings"></ul></aside>
</main>
<script>
  const $ = (id) => document.getElementById(id);
  let state = null;
  const overlays = () => [...document.querySelectorAll('input[name=overlay]:checked')].map((i) => i.value).join(',');
  function text(el, s) { el.textContent = s; return el; }
  function render() {
    if (!state) return;
    $('file').textContent = state.file;
    $('version').textContent = state.version;
    $('status').textContent = state.errors.length ? 'error: showing the last good pages' : 'composed';
    $('errors').textContent = state.errors.join('\\n');
    $('errors').classList.toggle('shown', state.errors.length > 0);
    const pages = $('pages');
    // A page's look changes only when an edit reached it: the others keep their images, unfetched.
    const wanted = state.pages.map((p) => '/page/' + p.number + '.png?overlay=' + overlays() + '&v=' + p.look);
    if (state.pages.length) {
      const shown = new Map([...pages.children].map((img) => [img.getAttribute('src'), img]));
      pages.replaceChildren(...state.pages.map((p, i) => {
        const img = shown.get(wanted[i]) ?? document.createElement('img');
        img.dataset.page = p.number;
        img.alt = '第' + p.number + '版 ' + p.name;
        if (img.getAttribute('src') !== wanted[i]) img.src = wanted[i];
        return img;
      }));
    }
    $('articles').replaceChildren(...state.articles.map((a) => {
      const tr = document.createElement('tr');
      tr.append(text(document.createElement('td'), a.id), text(document.createElement('td'), a.pages.join(', ')), text(document.createElement('td'), a.charactersSet + ' set'));
      const head = a.parts.length ? a.parts[0].headLines : 0;
      tr.append(text(document.createElement('td'), a.rank + ', head ' + head + ' lines'));
      const fill = a.parts.map((p) => p.columns.map((c) => c.used + '/' + c.available).join(' ')).join(' | ');
      tr.append(text(document.createElement('td'), fill));
      const over = text(document.createElement('td'), a.oversetCharacters ? '超' + a.oversetCharacters + '字 ' + a.oversetLines + '行' : a.underset ? '缺' + a.underset + '行' : '');
      if (a.oversetCharacters) over.className = 'overset';
      tr.append(over);
      return tr;
    }));
    $('findings').replaceChildren(...state.findings.map((f) => {
      const li = text(document.createElement('li'), f.code + (f.article ? ' (' + f.article + ')' : '') + ': ' + f.message);
      li.className = f.blocking ? 'overset' : 'warning';
      return li;
    }));
  }
  async function load() {
    const res = await fetch('/state.json', { cache: 'no-store' });
    const next = await res.json();
    // A failed build keeps the pages of the last good one.
    if (state && next.pages.length === 0) next.pages = state.pages, next.articles = state.articles, next.findings = state.findings;
    state = next;
    render();
  }
  document.querySelectorAll('input[name=overlay]').forEach((i) => i.addEventListener('change', render));
  new EventSource('/events').onmessage = () => load();
</script>
</body>
</html>
`;
