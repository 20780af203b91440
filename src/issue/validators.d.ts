// The validators are generated from the schema at build time (scripts/build.mjs) into dist/, so
// that no schema is compiled when the command runs.
import type { ValidateFunction } from 'ajv';

/** Each part's validator by its JSON pointer in the issue schema: "#", "#/definitions/…", and each branch of an anyOf or oneOf. */
export declare const VALIDATORS: Readonly<Record<string, ValidateFunction>>;
