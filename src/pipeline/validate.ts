// Schema validation: each log type's JSON Schema (schemas/AWS.<Type>.json) is
// compiled once per process; every record is checked before it is written.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv, ValidateFunction } from 'ajv';

const here = dirname(fileURLToPath(import.meta.url));
/** schemas/ at the package root (this file runs from dist/src/pipeline/). */
export const SCHEMA_DIR = join(here, '..', '..', '..', 'schemas');

/** Standalone validators generated at build time (scripts/build-validators.ts). */
export const VALIDATOR_DIR = join(here, '..', '..', 'validators');

export const AJV_OPTIONS = { allErrors: false, strict: true } as const;

const requireValidator = createRequire(import.meta.url);

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
    const prebuilt = join(VALIDATOR_DIR, `${logType}.cjs`);
    if (existsSync(prebuilt)) {
      validate = requireValidator(prebuilt) as ValidateFunction;
    } else {
      // Only without the build step's validators: ajv itself takes ~50 ms to load.
      ajv ??= new (requireValidator('ajv') as { Ajv: typeof Ajv }).Ajv(AJV_OPTIONS);
      validate = ajv.compile(readSchema(logType));
    }
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
