// The preview page's script, served as /preview.js: pdf.js draws the PDF the pipeline wrote, the
// overlay layer from the composition lies over it, and a box dragged on the grid is sent back as
// its new place. Plain browser JavaScript: the command's build has no DOM types to check it with.
import { dropRefusal, placeRect } from './layer.js';

export const PREVIEW_SCRIPT = String.raw`
import { getDocument, GlobalWorkerOptions, PDFWorker, TextLayer } from '/pdfjs/pdf.mjs';
GlobalWorkerOptions.workerSrc = '/pdfjs/pdf.worker.mjs';
// One worker for every version of the PDF: starting a worker per save cost more than the drawing.
const worker = new PDFWorker();

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
// 100 % is the page at its printed size: CSS pixels are 1/96 inch, points 1/72.
const CSS_PX_PER_PT = 96 / 72;
// Below this zoom an article's id would sit on its text: it is shown when the pointer is over the box.
const TAGS_FROM_SCALE = 1;
// Thumbnails are drawn this wide, CSS pixels.
const THUMB_WIDTH = 110;
// A page drawn to fit that still fits and is at most this much smaller than the room stays as drawn:
// a scrollbar or a pixel of layout coming and going does not redraw it.
const FIT_SLACK = 0.02;

let state = null;
let doc = null;
let current = null;
let zoom = 'fit';
let scale = 1;
let drawnLooks = new Map();
let viewKey = '';
let fitted = null;
let generation = 0;
let dragging = null;
// Quick images of versions still being rendered and drawn, oldest first, each laid over the sheet
// and those before it; the note that says so, and how the view was drawn before them.
let proofs = [];
const proofNote = build('div', { className: 'proof-note', textContent: 'proof image — drawing the PDF…' });
let drawnBefore = null;
// The version of the PDF last read, and the one the sheet up was drawn from.
let docVersion = 0;
let sheetFrom = 0;

function build(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}
function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}
const layerOf = (n) => state.layer.find((p) => p.number === n);
const overlays = () => new Set([...document.querySelectorAll('input[name=overlay]:checked')].map((i) => i.value));
const where = (pos) => pos.file + ':' + pos.line + ':' + pos.column;
// The header's one line cuts a long text short: the whole of it is under the pointer.
function tell(id, text) {
  $(id).textContent = text;
  $(id).title = text;
}

async function load() {
  const res = await fetch('/state.json', { cache: 'no-store' });
  const next = await res.json();
  // A failed build keeps the pages of the last good one.
  const failed = next.errors.length > 0;
  if (state && next.pages.length === 0) Object.assign(next, { pages: state.pages, layer: state.layer, articles: state.articles, findings: state.findings });
  const fresh = !failed && next.pages.length > 0 && (!state || next.version !== state.version);
  if (fresh) {
    const previous = doc;
    doc = await getDocument({ url: '/issue.pdf?v=' + next.version, worker }).promise;
    docVersion = next.version;
    // The last version's pages are let go, the shared worker kept.
    previous?.destroy();
  }
  state = next;
  if (fresh) tell('drop', $('drop').textContent.replace(/; composing…$/, '; composed'));
  if (!state.pages.some((p) => p.number === current)) current = state.pages[0]?.number ?? null;
  report();
  // The page the desk is looking at first; the thumbnails after it.
  if (doc) {
    await view();
    await thumbnails();
  }
}

function report() {
  tell('file', state.file);
  $('version').textContent = state.version;
  $('status').textContent = state.errors.length ? 'error: showing the last good pages' : 'composed';
  $('errors').textContent = state.errors.join('\n');
  $('errors').classList.toggle('shown', state.errors.length > 0);
  $('articles').replaceChildren(...state.articles.map((a) => {
    const head = a.parts.length ? a.parts[0].headLines : 0;
    const fill = a.parts.map((p) => 'p' + p.page + ' ' + p.columns.map((c) => c.used + '/' + c.available).join(' ')).join(' | ');
    const over = build('td', { textContent: a.oversetCharacters ? '超' + a.oversetCharacters + '字 ' + a.oversetLines + '行' : '缺' + a.underset + '行', className: a.oversetCharacters ? 'overset' : a.underset ? 'warning' : '' });
    return build('tr', {}, build('td', { textContent: a.id }), build('td', { textContent: a.rank + ', head ' + head }), build('td', { textContent: a.charactersSet + ' 字' }), build('td', { textContent: fill }), over);
  }));
  $('findings').replaceChildren(...state.findings.map((f) => build('li', { textContent: f.code + (f.article ? ' (' + f.article + ')' : '') + ': ' + f.message, className: f.blocking ? 'overset' : 'warning' })));
}

/** A page of the PDF drawn at a scale into a new canvas, CSS size and device pixels. */
async function drawPage(number, s) {
  const index = state.pages.findIndex((p) => p.number === number);
  const page = await doc.getPage(index + 1);
  const viewport = page.getViewport({ scale: s });
  const ratio = window.devicePixelRatio || 1;
  const canvas = build('canvas', { width: Math.floor(viewport.width * ratio), height: Math.floor(viewport.height * ratio) });
  canvas.style.width = viewport.width + 'px';
  canvas.style.height = viewport.height + 'px';
  await page.render({ canvasContext: canvas.getContext('2d'), viewport, transform: ratio === 1 ? null : [ratio, 0, 0, ratio, 0, 0] }).promise;
  return { page, viewport, canvas };
}

/** One canvas per page; a page keeps its thumbnail until an edit reaches it. */
async function thumbnails() {
  const thumbs = $('thumbs');
  const shown = new Map([...thumbs.children].map((f) => [Number(f.dataset.page), f]));
  const figures = [];
  for (const p of state.pages) {
    let figure = shown.get(p.number);
    if (!figure || figure.dataset.look !== p.look) {
      const layer = layerOf(p.number);
      const { canvas } = await drawPage(p.number, THUMB_WIDTH / layer.width);
      canvas.setAttribute('aria-label', '第' + p.number + '版 ' + p.name);
      figure = build('figure', {}, canvas, build('figcaption'));
      figure.dataset.page = p.number;
      figure.dataset.look = p.look;
      figure.addEventListener('click', () => { current = Number(figure.dataset.page); view(); });
    }
    figure.querySelector('figcaption').textContent = '第' + p.number + '版 ' + p.name;
    figure.querySelector('canvas').setAttribute('aria-label', '第' + p.number + '版 ' + p.name);
    figure.classList.toggle('current', p.number === current);
    figures.push(figure);
  }
  thumbs.replaceChildren(...figures);
}

function scaleFor(layer) {
  if (zoom !== 'fit') return (Number(zoom) / 100) * CSS_PX_PER_PT;
  const room = $('view').getBoundingClientRect();
  const exact = Math.min((room.width - 16) / layer.width, (window.innerHeight - room.top - 16) / layer.height);
  if (fitted === null || fitted > exact || fitted < exact * (1 - FIT_SLACK)) fitted = exact;
  return fitted;
}

/**
 * A page as the view shows it: its canvas, pdf.js's text layer (selectable, searchable) and a
 * holder for the overlays. The sheet may go up before 'text' resolves (false if the text layer
 * failed: the page stays drawn, without its text to select).
 */
async function drawSheet(number, s) {
  const { page, viewport, canvas } = await drawPage(number, s);
  const layer = build('div', { className: 'textLayer' });
  const holder = build('div', { className: 'overlay' });
  const sheet = build('div', { className: 'sheet' }, canvas, holder);
  sheet.style.setProperty('--total-scale-factor', s);
  sheet.style.setProperty('--scale-round-x', '1px');
  sheet.style.setProperty('--scale-round-y', '1px');
  sheet.style.width = viewport.width + 'px';
  sheet.style.height = viewport.height + 'px';
  // Filled in apart and put on the sheet whole: spans added one by one to a sheet on the screen cost a layout each.
  const text = new TextLayer({ textContentSource: page.streamTextContent(), container: layer, viewport }).render().then(() => (sheet.insertBefore(layer, holder), true), () => false);
  return { sheet, text };
}

/**
 * The current page at the zoom, with the overlays. The latest call wins; until it has drawn, the
 * view is busy (aria-busy) and its data still names the sheet shown.
 */
async function view() {
  if (current === null) return;
  for (const f of $('thumbs').children) f.classList.toggle('current', Number(f.dataset.page) === current);
  const info = state.pages.find((p) => p.number === current);
  const s = scaleFor(layerOf(current));
  const key = current + ':' + info.look + ':' + s;
  const mine = ++generation;
  const v = $('view');
  let text;
  if (key !== viewKey) {
    v.setAttribute('aria-busy', 'true');
    try {
      const drawn = await drawSheet(current, s);
      if (mine !== generation) return;
      scale = s;
      viewKey = key;
      v.replaceChildren(drawn.sheet);
      v.dataset.drawn = 'canvas';
      // Filled in on the page already up: the desk reads the new version before it can select its text.
      text = drawn.text.then((filled) => filled && v.firstChild === drawn.sheet && !proofs.length && (v.dataset.drawn = 'text'));
    } finally {
      // A drawing that failed leaves the last sheet up, and lets it be worked on.
      if (mine === generation) v.removeAttribute('aria-busy');
    }
  }
  v.removeAttribute('aria-busy');
  overlay();
  v.dataset.page = current;
  v.dataset.version = state.version;
  v.dataset.zoom = zoom;
  sheetFrom = docVersion;
  dropProofs();
  showProofs();
  await text;
}

/** The quick images of the page shown put on the sheet up now, over the last drawing and under the overlays. */
function showProofs() {
  const v = $('view');
  const sheet = v.querySelector('.sheet');
  if (!sheet || !proofs.length) return;
  const holder = sheet.querySelector('.overlay');
  for (const p of proofs) if (p.image.parentNode !== sheet) sheet.insertBefore(p.image, holder);
  sheet.append(proofNote);
  if (v.dataset.drawn !== 'image') drawnBefore = v.dataset.drawn;
  // The view's version stays the one its sheet was drawn from: its text layer and overlay are that version's.
  v.dataset.drawn = 'image';
  v.dataset.proof = proofs[proofs.length - 1].version;
}

/**
 * Quick images taken off once the sheet is drawn from their version or a later one, once a later
 * build failed (a quick image may stand for a build whose PDF was not made), or when another page
 * is shown; the view says how it is drawn again.
 */
function dropProofs() {
  const v = $('view');
  const upTo = state.errors.length ? state.version : sheetFrom;
  const stays = proofs.filter((p) => p.version > upTo && p.page === current);
  for (const p of proofs) if (!stays.includes(p)) p.image.remove();
  proofs = stays;
  if (proofs.length) return;
  proofNote.remove();
  delete v.dataset.proof;
  if (v.dataset.drawn === 'image') {
    if (drawnBefore) v.dataset.drawn = drawnBefore;
    else delete v.dataset.drawn;
  }
}

/**
 * A build's quick images are ready: the page looked at is shown at once if the build changed it.
 * A part of a page is laid over the version it was changed from only.
 */
async function proofCame(told) {
  const page = current;
  const quick = page === null ? undefined : told.looks[page];
  const latest = () => (proofs.length ? proofs[proofs.length - 1].version : sheetFrom);
  const a = quick?.area;
  const whole = a && a.left === 0 && a.top === 0 && a.right === quick.width && a.bottom === quick.height;
  const fits = () => told.version > latest() && (whole || quick.since === latest());
  if (!quick || !fits()) return;
  const image = build('img', { className: 'proof', alt: '', src: '/quick/' + quick.look + '.png' });
  const percent = (n, of) => (100 * n) / of + '%';
  Object.assign(image.style, { left: percent(a.left, quick.width), top: percent(a.top, quick.height), width: percent(a.right - a.left, quick.width), height: percent(a.bottom - a.top, quick.height) });
  try {
    await image.decode();
  } catch {
    return;
  }
  // Another version's image, or the PDF of this one, may have come while this one was read.
  if (!fits() || current !== page) return;
  if (whole) for (const p of proofs.splice(0)) p.image.remove();
  proofs.push({ version: told.version, page, image });
  showProofs();
}

/** The overlay layer of the current page, drawn from the composition in page points. */
function overlay() {
  const sheet = $('view').querySelector('.sheet');
  const holder = sheet?.querySelector('.overlay');
  if (!holder) return;
  const layer = layerOf(current);
  const on = overlays();
  holder.classList.toggle('low', scale < TAGS_FROM_SCALE);
  const art = svg('svg', { viewBox: '0 0 ' + layer.width + ' ' + layer.height, width: layer.width * scale, height: layer.height * scale });
  const g = layer.grid;
  const tags = [];
  if (on.has('grid')) {
    for (let c = 0; c < g.columns; c++) art.append(svg('rect', { class: 'column', x: g.left + c * (g.columnWidth + g.gutter), y: g.top, width: g.columnWidth, height: g.lines * g.pitch }));
    for (let l = 1; l < g.lines; l++) art.append(svg('line', { class: 'baseline', x1: g.left, x2: g.left + g.columns * (g.columnWidth + g.gutter) - g.gutter, y1: g.top + l * g.pitch, y2: g.top + l * g.pitch }));
  }
  for (const s of layer.spaces) {
    art.append(svg('rect', { class: 'space', x: s.x, y: s.y, width: s.width, height: s.height }));
    tags.push(tag('space-tag', s.x, s.y + s.height, (s.kind === 'ad' ? '广告' : '预留') + (s.label ? ' ' + s.label : '')));
  }
  if (on.has('holes')) for (const h of layer.holes) {
    art.append(svg('rect', { class: 'hole', x: h.x, y: h.y, width: h.width, height: h.height }));
    tags.push(tag('hole-tag', h.x, h.y + h.height, '开天窗 ' + h.columns.join('–') + '栏 ' + h.lines.join('–') + '行'));
  }
  layer.boxes.forEach((b, i) => {
    const over = on.has('overset') && (b.overset || b.underset);
    art.append(svg('rect', { class: 'box' + (b.overset && on.has('overset') ? ' overset' : ''), x: b.x, y: b.y, width: b.width, height: b.height, 'data-box': i }));
    if (on.has('ids')) {
      // A continuation (转版) moves as the article's own box does: the drop writes its part's place.
      const name = b.article + (b.part ? ' (' + (b.part + 1) + ')' : '');
      const t = tag('id-tag movable', b.x, b.y, name);
      t.dataset.box = i;
      t.title = 'drag to move ' + name + ' on the grid';
      tags.push(t);
      const grip = tag('grip', b.x + b.width, b.y + b.height, '');
      grip.dataset.box = i;
      grip.title = 'drag to resize ' + name;
      tags.push(grip);
    }
    if (over) tags.push(tag('fit-tag' + (b.overset ? ' overset' : ''), b.x + b.width, b.y + b.height, b.overset ? '超' + b.overset.characters + '字' : '缺' + b.underset + '行'));
  });
  if (dragging?.ghost) art.append(svg('rect', { class: 'ghost' + (dragging.refusal ? ' refused' : ''), ...dragging.ghost }));
  holder.replaceChildren(art, ...tags);
  const hovered = holder.querySelectorAll('[data-box="' + hoveredBox + '"]');
  for (const n of hovered) n.classList.add('hover');
}

function tag(kind, x, y, text) {
  const t = build('span', { className: 'tag ' + kind, textContent: text });
  t.style.left = x * scale + 'px';
  t.style.top = y * scale + 'px';
  return t;
}

/** The point of the page under the pointer, pt. */
function pointOf(event) {
  const r = $('view').querySelector('.sheet').getBoundingClientRect();
  return { x: (event.clientX - r.left) / scale, y: (event.clientY - r.top) / scale };
}
const within = (p, r) => p.x >= r.x && p.x <= r.x + r.width && p.y >= r.y && p.y <= r.y + r.height;

let hoveredBox = -1;
$('view').addEventListener('mousemove', (event) => {
  // A box's tag stands outside it: over the tag, the box stays the one shown.
  if (!state || dragging || event.target.closest('.tag') || !$('view').querySelector('.sheet')) return;
  const p = pointOf(event);
  const i = layerOf(current).boxes.findIndex((b) => within(p, b));
  if (i === hoveredBox) return;
  hoveredBox = i;
  for (const n of $('view').querySelectorAll('.overlay .hover')) n.classList.remove('hover');
  for (const n of $('view').querySelectorAll('.overlay [data-box="' + i + '"]')) n.classList.add('hover');
});

// A click on a line says where its text is in the issue or story file; on a box, where the box is.
$('view').addEventListener('click', (event) => {
  if (!state || event.target.closest('.tag') || !$('view').querySelector('.sheet')) return;
  if (!window.getSelection().isCollapsed) return;
  const p = pointOf(event);
  const layer = layerOf(current);
  const line = layer.lines.find((l) => within(p, l));
  const box = layer.boxes.find((b) => within(p, b));
  if (line) tell('source', where(line.source) + (box ? ' (' + box.article + ')' : ''));
  else if (box) tell('source', where(box.pos) + ' (' + box.article + ', place ' + placeText(box.place) + ')');
  else tell('source', '');
});

const placeText = (p) => 'column ' + p.column + ', span ' + p.span + ', line ' + p.line + ', lines ' + p.lines;

// Dragging a box's id moves it, its corner's grip resizes it: snapped to columns and grid lines.
$('view').addEventListener('pointerdown', (event) => {
  const handle = event.target.closest('.tag.movable, .tag.grip');
  // A sheet about to be replaced is not dragged on: its boxes and scale are the last drawing's.
  if (!handle || !state || $('view').hasAttribute('aria-busy')) return;
  event.preventDefault();
  const box = layerOf(current).boxes[Number(handle.dataset.box)];
  dragging = { box, resize: handle.classList.contains('grip'), from: pointOf(event), place: box.place, ghost: null, refusal: null };
  // On the window, not the handle: the overlay is drawn anew as the box moves, the handle with it.
  window.addEventListener('pointermove', moved);
  window.addEventListener('pointerup', dropped, { once: true });
});

function moved(event) {
  if (!dragging) return;
  const layer = layerOf(current);
  const g = layer.grid;
  const p = pointOf(event);
  const step = g.columnWidth + g.gutter;
  const dc = Math.round((p.x - dragging.from.x) / step);
  const dl = Math.round((p.y - dragging.from.y) / g.pitch);
  const b = dragging.box.place;
  let place;
  if (dragging.resize) {
    const span = Math.min(Math.max(1, b.span + dc), g.columns - b.column + 1);
    const lines = Math.min(Math.max(1, b.lines + dl), g.lines - b.line + 1);
    place = { column: b.column, span, line: b.line, lines };
  } else {
    const column = Math.min(Math.max(1, b.column + dc), g.columns - b.span + 1);
    const line = Math.min(Math.max(1, b.line + dl), g.lines - b.lines + 1);
    place = { column, span: b.span, line, lines: b.lines };
  }
  dragging.place = place;
  dragging.ghost = placeRect(g, place);
  dragging.refusal = dropRefusal(layer, dragging.box, dragging.ghost);
  tell('drop', dragging.refusal ? 'cannot go there: ' + dragging.refusal : placeText(place));
  $('drop').className = dragging.refusal ? 'overset' : '';
  overlay();
}

// The server checks a drop with these same functions before it writes the place; bound to
// names of the script's own, whatever a bundler calls them.
const placeRect = ${placeRect};
const dropRefusal = ${dropRefusal};

async function dropped() {
  window.removeEventListener('pointermove', moved);
  const drag = dragging;
  dragging = null;
  overlay();
  const same = Object.keys(drag.place).every((k) => drag.place[k] === drag.box.place[k]);
  if (same) {
    tell('drop', '');
    return;
  }
  if (drag.refusal) {
    tell('drop', 'not moved: ' + drag.refusal);
    return;
  }
  tell('drop', 'writing ' + drag.box.article + ': ' + placeText(drag.place) + '…');
  const res = await fetch('/place', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ page: current, article: drag.box.article, part: drag.box.part, place: drag.place }) });
  const answer = await res.json();
  tell('drop', answer.written ? drag.box.article + ' placed at ' + placeText(drag.place) + '; composing…' : 'not moved: ' + answer.refused);
  $('drop').className = answer.written ? '' : 'overset';
}

$('zoom').addEventListener('change', () => { zoom = $('zoom').value; view(); });
document.querySelectorAll('input[name=overlay]').forEach((i) => i.addEventListener('change', overlay));
window.addEventListener('resize', () => zoom === 'fit' && view());

// Builds are told one after another: each is drawn after the one before it.
let loading = Promise.resolve();
const events = new EventSource('/events');
events.onmessage = () => { loading = loading.then(load, load); };
// Not in turn with the builds' drawing: a quick image is worth showing only while the PDF is still to come.
events.addEventListener('proof', (event) => proofCame(JSON.parse(event.data)));
`;
