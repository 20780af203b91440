/**
 * Total area coverage (TAC) on newsprint: the four inks of a pixel may add up to the plant's
 * limit and no more (240 % for ISOnewspaper26v4). Where a pixel has more, its C, M and Y are
 * taken back in proportion and K is kept, so shadows stay black and text-like detail stays sharp.
 */
export function limitInk(cmyk: Uint8Array, limitPercent: number): number {
  const limit = Math.round((limitPercent / 100) * 255);
  let changed = 0;
  for (let i = 0; i + 3 < cmyk.length; i += 4) {
    const c = cmyk[i];
    const m = cmyk[i + 1];
    const y = cmyk[i + 2];
    const k = cmyk[i + 3];
    const total = c + m + y + k;
    if (total <= limit) continue;
    changed++;
    const room = Math.max(0, limit - k);
    const colour = c + m + y;
    const f = colour > 0 ? room / colour : 0;
    // floor, so rounding never takes a pixel back over the limit
    cmyk[i] = Math.floor(c * f);
    cmyk[i + 1] = Math.floor(m * f);
    cmyk[i + 2] = Math.floor(y * f);
    cmyk[i + 3] = Math.min(k, limit);
  }
  return changed;
}

/** The highest coverage of any pixel, percent. */
export function maxInk(cmyk: Uint8Array): number {
  let max = 0;
  for (let i = 0; i + 3 < cmyk.length; i += 4) max = Math.max(max, cmyk[i] + cmyk[i + 1] + cmyk[i + 2] + cmyk[i + 3]);
  return (max / 255) * 100;
}

/**
 * An uncompressed, interleaved CMYK TIFF around raw pixels: the one container through which sharp
 * takes CMYK values as CMYK (raw input is read as RGB), so they reach the JPEG unchanged.
 */
export function cmykTiff(cmyk: Uint8Array, width: number, height: number): Buffer {
  const entries: [tag: number, type: 3 | 4, value: number][] = [
    [256, 4, width],
    [257, 4, height],
    [258, 3, 0], // BitsPerSample: four values, stored after the directory
    [259, 3, 1], // no compression
    [262, 3, 5], // separated: CMYK
    [273, 4, 0], // StripOffsets: the pixels, after the bits-per-sample values
    [277, 3, 4],
    [278, 4, height],
    [279, 4, cmyk.length],
    [284, 3, 1], // interleaved
    [332, 3, 1], // InkSet: CMYK
  ];
  const directory = 8;
  const bitsAt = directory + 2 + entries.length * 12 + 4;
  const pixelsAt = bitsAt + 8;
  const out = Buffer.alloc(pixelsAt + cmyk.length);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(directory, 4);
  out.writeUInt16LE(entries.length, directory);
  entries.forEach(([tag, type, value], i) => {
    const at = directory + 2 + i * 12;
    out.writeUInt16LE(tag, at);
    out.writeUInt16LE(type, at + 2);
    out.writeUInt32LE(tag === 258 ? 4 : 1, at + 4);
    const v = tag === 258 ? bitsAt : tag === 273 ? pixelsAt : value;
    if (type === 3 && tag !== 258) out.writeUInt16LE(v, at + 8);
    else out.writeUInt32LE(v, at + 8);
  });
  for (let k = 0; k < 4; k++) out.writeUInt16LE(8, bitsAt + k * 2);
  out.set(cmyk, pixelsAt);
  return out;
}
