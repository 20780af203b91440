/**
 * The ES modules of packages outside the command's bundle, imported from its chunks: the code
 * compiled from the composer's CommonJS file (src/cli/composer.ts) has no import() of its own there.
 */
export const importSharp = () => import('sharp');
/** pdf.js's legacy build, the one meant for Node; its canvas comes with it (@napi-rs/canvas). */
export const importPdfJs = () => import('pdfjs-dist/legacy/build/pdf.mjs');
