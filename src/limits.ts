/**
 * Limits on what one run takes in, so a hostile or broken file ends in a message, not a hang or
 * an exhausted machine. Each has a safe default and can be raised by an environment variable.
 */
function limit(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const issueBytes = limit('BANMIAN_MAX_ISSUE_BYTES', 8 * 2 ** 20);

export const LIMITS = {
  /** Bytes of an issue file. */
  issueBytes,
  /**
   * Characters an issue file comes to once its aliases are expanded, each value counting at least
   * one: as many as its bytes by default, which a file without aliases cannot pass.
   */
  issueCharacters: limit('BANMIAN_MAX_ISSUE_CHARACTERS', issueBytes),
  /** YAML aliases expanded while reading an issue, each counted again inside every alias that repeats it (a "billion laughs" file has millions). */
  yamlAliases: limit('BANMIAN_MAX_YAML_ALIASES', 1000),
  /** Pages in one issue. */
  pages: limit('BANMIAN_MAX_PAGES', 400),
  /** Characters in one article, all its texts together, and in any other text of an issue. */
  articleCharacters: limit('BANMIAN_MAX_ARTICLE_CHARACTERS', 200_000),
  /** Pixels of a picture, and bytes of its file. */
  picturePixels: limit('BANMIAN_MAX_PICTURE_PIXELS', 100_000_000),
  pictureBytes: limit('BANMIAN_MAX_PICTURE_BYTES', 200 * 2 ** 20),
  /** Bytes one stream of a PDF under preflight may decode to (a small stream can inflate to gigabytes). */
  pdfStreamBytes: limit('BANMIAN_MAX_PDF_STREAM_BYTES', 256 * 2 ** 20),
  /** Seconds one issue of a batch may take before its worker is stopped. */
  issueSeconds: limit('BANMIAN_MAX_SECONDS', 300),
};
