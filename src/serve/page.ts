/**
 * The preview page: thumbnails of the pages, the current page drawn by pdf.js at a zoom with the
 * overlays over it, the report beside it, errors on top. Its script is /preview.js.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<title>Banmian preview</title>
<link rel="stylesheet" href="/pdfjs/pdf_viewer.css">
<style>
  body { margin: 0; font: 13px/1.45 system-ui, sans-serif; background: #e8e8e4; color: #222; }
  /* One line whatever it says: a taller header would leave less room to the page, and 'whole page' would redraw it smaller. */
  header { position: sticky; top: 0; background: #333; color: #eee; padding: 6px 12px; display: flex; gap: 16px; align-items: center; z-index: 5; white-space: nowrap; overflow: hidden; }
  header > * { flex: none; }
  header > #file, header > #source, header > #drop { flex: 0 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; }
  /* The file's name is known to the desk: it yields its room first, down to its start. */
  header > #file { flex-shrink: 4; min-width: 8em; }
  header label { cursor: pointer; }
  #source { font-family: monospace; color: #ffd866; }
  #drop.overset { color: #ff8a80; }
  #errors { display: none; background: #fde8e8; color: #a00; border-bottom: 2px solid #c00; padding: 8px 12px; white-space: pre-wrap; font-family: monospace; }
  #errors.shown { display: block; }
  main { display: flex; gap: 16px; padding: 16px; align-items: flex-start; }
  #thumbs { display: flex; flex-direction: column; gap: 10px; flex: none; }
  #thumbs figure { margin: 0; cursor: pointer; text-align: center; font-size: 11px; }
  #thumbs canvas { display: block; background: #fff; box-shadow: 0 1px 4px rgba(0,0,0,.25); outline: 2px solid transparent; }
  #thumbs figure.current canvas { outline-color: #1565c0; }
  #view { flex: 1; min-width: 0; overflow: auto; }
  .sheet { position: relative; background: #fff; box-shadow: 0 1px 6px rgba(0,0,0,.25); }
  .sheet canvas { position: absolute; inset: 0; }
  /* A quick image of the composition, over the last drawing until pdf.js has drawn the new PDF. */
  .sheet .proof { position: absolute; z-index: 1; pointer-events: none; }
  .proof-note { position: absolute; top: 6px; right: 6px; z-index: 3; font: 11px/1.2 system-ui, sans-serif; padding: 1px 6px; border-radius: 3px; background: rgba(60, 60, 60, .85); color: #fff; pointer-events: none; }
  .overlay { position: absolute; inset: 0; pointer-events: none; z-index: 2; }
  .overlay svg { position: absolute; inset: 0; overflow: visible; }
  .overlay .column { fill: rgba(0, 120, 255, .06); }
  .overlay .baseline { stroke: rgba(0, 120, 255, .25); stroke-width: .3; }
  .overlay .box { fill: none; stroke: rgba(21, 101, 192, .7); stroke-width: .8; }
  .overlay .box.hover { stroke: #1565c0; stroke-width: 2; }
  .overlay .box.overset { stroke: #c00; stroke-width: 2; }
  .overlay .hole { fill: rgba(255, 140, 0, .35); stroke: #e65100; }
  .overlay .space { fill: rgba(120, 120, 120, .12); stroke: #777; stroke-dasharray: 4 3; }
  .overlay .ghost { fill: rgba(21, 101, 192, .15); stroke: #1565c0; stroke-width: 2; stroke-dasharray: 6 3; }
  .overlay .ghost.refused { fill: rgba(200, 0, 0, .15); stroke: #c00; }
  /* Tags stand at a box's corner, outside its text; at a low zoom an id shows only under the pointer. */
  .tag { position: absolute; font: 11px/1.2 system-ui, sans-serif; padding: 1px 4px; border-radius: 3px; white-space: nowrap; pointer-events: auto; }
  .id-tag { background: #1565c0; color: #fff; transform: translateY(-100%); }
  .id-tag.movable { cursor: move; }
  .grip { width: 10px; height: 10px; padding: 0; background: #1565c0; transform: translate(-100%, -100%); cursor: nwse-resize; }
  .low .id-tag, .low .grip { display: none; }
  .low .id-tag.hover, .low .grip.hover { display: block; }
  .fit-tag { background: #a60; color: #fff; transform: translate(-100%, -100%); }
  .fit-tag.overset { background: #c00; }
  .hole-tag { background: #e65100; color: #fff; transform: translateY(-100%); }
  .space-tag { background: #777; color: #fff; transform: translateY(-100%); }
  aside { width: 360px; flex: none; background: #fff; padding: 8px 12px; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
  table { border-collapse: collapse; width: 100%; }
  td, th { text-align: left; padding: 2px 6px; border-bottom: 1px solid #eee; vertical-align: top; }
  .overset { color: #c00; font-weight: bold; }
  .warning { color: #a60; }
</style>
</head>
<body>
<header>
  <strong id="file"></strong>
  <span>version <span id="version">–</span></span>
  <span id="status"></span>
  <label>zoom <select id="zoom">
    <option value="fit" selected>whole page</option>
    <option value="50">50 %</option>
    <option value="100">100 %</option>
    <option value="200">200 %</option>
    <option value="300">300 %</option>
    <option value="400">400 %</option>
  </select></label>
  <label><input type="checkbox" name="overlay" value="grid"> grid</label>
  <label><input type="checkbox" name="overlay" value="ids" checked> boxes</label>
  <label><input type="checkbox" name="overlay" value="overset" checked> overset</label>
  <label><input type="checkbox" name="overlay" value="holes" checked> holes</label>
  <span id="source" title="where the text clicked on is in the issue or story file"></span>
  <span id="drop"></span>
</header>
<div id="errors"></div>
<main>
  <nav id="thumbs"></nav>
  <div id="view"></div>
  <aside><h3>Articles</h3><table id="articles"></table><h3>Findings</h3><ul id="findings"></ul></aside>
</main>
<script type="module" src="/preview.js"></script>
</body>
</html>
`;
