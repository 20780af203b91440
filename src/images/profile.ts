import { readFileSync } from 'node:fs';
import sharp from 'sharp';

/** The plant's output profile: what pictures are converted with and what the PDF declares. */
export interface OutputProfile {
  icc: Buffer;
  /** The profile's own description ("Chemical proof"), named as the output condition. */
  description: string;
}

const loaded = new Map<string, Promise<OutputProfile>>();

/**
 * The ICC bytes of the layout's profile: a file as it is, or sharp's built-in `cmyk` profile as
 * sharp embeds it in a CMYK picture, so the PDF declares exactly the profile its pictures use.
 */
export function outputProfile(profile: string): Promise<OutputProfile> {
  let p = loaded.get(profile);
  if (!p) {
    p = (async () => {
      const icc = profile === 'cmyk' ? await builtInCmyk() : readFileSync(profile);
      return { icc, description: iccDescription(icc) ?? profile };
    })();
    loaded.set(profile, p);
  }
  return p;
}

async function builtInCmyk(): Promise<Buffer> {
  const probe = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#ffffff' } }).withIccProfile('cmyk').jpeg().toBuffer();
  const { icc } = await sharp(probe).metadata();
  if (!icc) throw new Error('sharp embedded no profile in a CMYK picture');
  return icc;
}

/** The 'desc' tag of an ICC profile (v2 textDescriptionType or v4 multiLocalizedUnicodeType). */
export function iccDescription(icc: Buffer): string | undefined {
  const count = icc.readUInt32BE(128);
  for (let k = 0; k < count; k++) {
    const at = 132 + k * 12;
    if (icc.toString('latin1', at, at + 4) !== 'desc') continue;
    const offset = icc.readUInt32BE(at + 4);
    const type = icc.toString('latin1', offset, offset + 4);
    if (type === 'desc') {
      const length = icc.readUInt32BE(offset + 8);
      return icc.toString('latin1', offset + 12, offset + 12 + length).replace(/\0+$/, '');
    }
    if (type === 'mluc') {
      // The first record: language, country, length and offset of its UTF-16BE text.
      const length = icc.readUInt32BE(offset + 20);
      const start = offset + icc.readUInt32BE(offset + 24);
      return Buffer.from(icc.subarray(start, start + length)).swap16().toString('utf16le') || undefined;
    }
  }
  return undefined;
}
