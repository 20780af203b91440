// Every report a test makes the command write is checked against the published schema, so the
// schema and what the pipeline really gets cannot drift apart.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import type { BatchReport } from '../src/cli/batch.js';
import type { RunReport } from '../src/cli/report.js';
import { ROOT } from './spawn.js';

let validator: ValidateFunction | undefined;

function validate(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8')) as object);
  return validator;
}

/** The report as parsed, after it has been checked against schema/report.schema.json. */
export function validReport(report: unknown, what = 'the report'): void {
  const check = validate();
  assert.ok(check(report), `${what} does not follow schema/report.schema.json:\n${JSON.stringify(check.errors, null, 2)}`);
}

/** A report file (`compose -r`), read and checked against the schema. */
export function readRunReport(file: string): RunReport {
  const report = JSON.parse(readFileSync(file, 'utf8')) as RunReport;
  validReport(report, file);
  return report;
}

/** A batch's report.json, read and checked against the schema. */
export function readBatchReport(file: string): BatchReport {
  const report = JSON.parse(readFileSync(file, 'utf8')) as BatchReport;
  validReport(report, file);
  return report;
}
