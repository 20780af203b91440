import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRef, type PDFObject } from 'pdf-lib';

/** What an advertiser's page says of itself, read with pdf-lib: entries it inherits, and its trim. */

/** A page entry as the page has it or inherits it from the page tree, up /Parent, a node never visited twice; references kept. */
export function pageEntry(page: PDFDict, key: string): PDFObject | undefined {
  const seen = new Set<PDFDict>();
  for (let node: PDFDict | undefined = page; node && !seen.has(node); ) {
    seen.add(node);
    const v = node.get(PDFName.of(key));
    if (v !== undefined) return v;
    const parent: PDFObject | undefined = page.context.lookup(node.get(PDFName.of('Parent')));
    node = parent instanceof PDFDict ? parent : undefined;
  }
  return undefined;
}

export const inherited = (page: PDFDict, key: string) => {
  const v = pageEntry(page, key);
  return v === undefined ? undefined : page.context.lookup(v);
};

function box(page: PDFDict, key: string, inherit: boolean): [number, number, number, number] | undefined {
  const v = inherit ? inherited(page, key) : page.lookup(PDFName.of(key));
  if (!(v instanceof PDFArray) || v.size() !== 4) return undefined;
  const n = v.asArray().map((x) => page.context.lookup(x as PDFRef | PDFNumber));
  if (!n.every((x) => x instanceof PDFNumber)) return undefined;
  const [a, b, c, d] = (n as PDFNumber[]).map((x) => x.asNumber());
  return [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)];
}

/** What the advertiser's printed page is: its TrimBox, else its MediaBox. */
export const pageTrim = (page: PDFDict) => box(page, 'TrimBox', false) ?? box(page, 'MediaBox', true);
