/** The part of the checklist a finding belongs to; `code` names the finding itself. */
export type PreflightCheck = 'file' | 'pdfx' | 'boxes' | 'fonts' | 'colour' | 'ink' | 'images' | 'overprint' | 'transparency' | 'content' | 'actions';

export type Severity = 'error' | 'warning';

export interface PreflightFinding {
  check: PreflightCheck;
  /** What was found, one code per kind of fault (`ink-image`, `spot-shading`, `user-unit`…): the same on every file. */
  code: string;
  severity: Severity;
  page?: number;
  message: string;
}

/** A finding as a check reports it: the page is the caller's to add. */
export type Note = (check: PreflightCheck, code: string, severity: Severity, message: string) => void;
