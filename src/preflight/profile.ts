/** How white set to overprint is judged: it vanishes on press, so GWG makes it an error. */
export type WhiteOverprint = 'error' | 'warning';

/** The plant's limits a file is checked against. */
export interface PreflightProfile {
  /** Total area coverage, percent. */
  tac: number;
  /** Effective resolution of a grey or colour image below which it is an error, and below which a warning, ppi. */
  minPpi: number;
  warnPpi: number;
  /** The trim every page must have, pt; none: any. */
  trim?: { width: number; height: number };
  /** Spot colours the plant accepts (newsprint: none). */
  spots: string[];
  /** Effective resolution of a 1-bit image (line art, image masks) below which it is an error, ppi. */
  oneBitPpi?: number;
  /** The thinnest stroke the plate holds, pt. */
  minRule?: number;
  /** Text below this size in more than one ink is a warning (register on newsprint), pt. */
  multiInkTextBelow?: number;
  whiteOverprint?: WhiteOverprint;
}

/**
 * The newspaper values, used where a profile or a layout leaves a threshold out. They follow the
 * Ghent Workgroup's GWG2015 specification (17 November 2015), variant GWG_NewspaperAds_2015 CMYK,
 * as its requirements are named there (Total Ink Area Coverage, Image Resolution for Grayscale and
 * Color Images, Image Resolution for 1-bit Images, Effective Line Width, Small Text, Overprint White
 * Text/Paths); the figures are the newspaper layouts' choice in line with it and with the coldset
 * condition's 240 % ink limit.
 */
export const NEWSPAPER: Required<Omit<PreflightProfile, 'trim' | 'spots'>> = {
  tac: 240,
  minPpi: 100,
  warnPpi: 150,
  oneBitPpi: 550,
  minRule: 0.125,
  multiInkTextBelow: 9,
  whiteOverprint: 'error',
};

/** A profile with every threshold given: the defaults filled in. */
export function thresholds(profile: PreflightProfile): Required<Omit<PreflightProfile, 'trim'>> & Pick<PreflightProfile, 'trim'> {
  return {
    ...NEWSPAPER,
    ...Object.fromEntries(Object.entries(profile).filter(([, v]) => v !== undefined)),
    spots: profile.spots,
  } as Required<Omit<PreflightProfile, 'trim'>> & Pick<PreflightProfile, 'trim'>;
}

export type Thresholds = ReturnType<typeof thresholds>;
