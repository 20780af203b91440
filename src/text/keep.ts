/**
 * What newspaper copy keeps on one line where it can: the dateline (电头) that opens a story and
 * the credit that closes it. Rule tables, matched on a paragraph's text.
 */

/** 电头 typed as plain text at a paragraph's start: 本报讯（记者 X）, 新华社北京12月24日电, 本报北京12月24日电（记者 X）. */
export const LEAD_INS: readonly RegExp[] = [/^本报讯（[^（）]{1,40}）/, /^(?:新华社|中新社|本报)[^，。；：、（）\s]{1,20}电(?:（[^（）]{1,40}）)?/];

/** The characters a lead-in may open with, and the most it can span: the patterns are tried only on such a paragraph's opening. */
export const LEAD_IN_FIRST = '本新中';
export const LEAD_IN_MAX = 64;

/** A credit in parentheses after a paragraph's last sentence: （记者 周松）, （王长浩 摄/视觉重庆）. */
export const CREDIT = /(?<=[。！？”])（[^（）]{1,30}）$/;
/** The credit's closing mark, and how far back from the end its match may start. */
export const CREDIT_LAST = '）';
export const CREDIT_MAX = 33;
