/** Exit codes, kept from the first release on: the nightly pipeline acts on them. */
export const EXIT = { clean: 0, findings: 1, badInput: 2, internal: 3 } as const;

/** Each command reports its outcome here; the process exits with it. */
export type SetExit = (code: number) => void;
