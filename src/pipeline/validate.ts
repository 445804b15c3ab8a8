// Schema validation: each log type's JSON Schema (schemas/AWS.<Type>.json) is
// compiled once per process; every record is checked before it is written.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';

const here = dirname(fileURLToPath(import.meta.url));
/** schemas/ at the package root (this file runs from dist/src/pipeline/). */
export const SCHEMA_DIR = join(here, '..', '..', '..', 'schemas');

export function schemaPath(logType: string): string {
  return join(SCHEMA_DIR, `${logType}.json`);
}

export function readSchema(logType: string): Record<string, unknown> {
  return JSON.parse(readFileSync(schemaPath(logType), 'utf8')) as Record<string, unknown>;
}

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

export type RecordValidator = (record: unknown) => string | undefined;

/** A validator for one log type: undefined when valid, else ajv's path and message. */
export function validatorFor(logType: string): RecordValidator {
  let validate = compiled.get(logType);
  if (validate === undefined) {
    ajv ??= new Ajv({ allErrors: false, strict: true });
    validate = ajv.compile(readSchema(logType));
    compiled.set(logType, validate);
  }
  const fn = validate;
  return (record) => {
    if (fn(record)) return undefined;
    // ajv reuses its errors array on the next call: read it now.
    const e = fn.errors?.[0];
    if (e === undefined) return 'schema validation failed';
    const where = e.instancePath === '' ? 'record' : `field ${e.instancePath.slice(1).replaceAll('/', '.')}`;
    const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : '';
    return `schema: ${where} ${e.message ?? 'is invalid'}${extra}`;
  };
}
