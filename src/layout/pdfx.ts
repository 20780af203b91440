/** The PDF/X conformance level written: X-1a (PDF 1.3) for plants' legacy RIPs, or X-4 (PDF 1.6). */
export type PdfxLevel = 'PDF/X-1a' | 'PDF/X-4';
// Apart from the templates, so that the command's help can name the levels without loading them.
export const PDFX_LEVELS: readonly PdfxLevel[] = ['PDF/X-1a', 'PDF/X-4'];
