// Schema validation: each log type's JSON Schema (schemas/AWS.<Type>.json) is
// compiled once per process; every record is checked before it is written.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv, ValidateFunction } from 'ajv';
import { ExactNumber } from '../core/exact_number.js';

const here = dirname(fileURLToPath(import.meta.url));
/** schemas/ at the package root (this file runs from dist/src/pipeline/). */
export const SCHEMA_DIR = join(here, '..', '..', '..', 'schemas');

/** Standalone validators generated at build time (scripts/build-validators.ts). */
export const VALIDATOR_DIR = join(here, '..', '..', 'validators');

export const AJV_OPTIONS = { allErrors: false, strict: true } as const;
/** Added for the OCSF schemas: their at_least_one constraints are anyOf branches that require their parent's properties. */
export const OCSF_AJV_OPTIONS = { strictRequired: false } as const;

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
    return `schema: ${where} ${e.message ?? 'is invalid'}${extra}${exactNumberNote(record, e.instancePath)}`;
  };
}

/**
 * A typed field (GuardDuty `severity`, `service.count`) that holds a number
 * no double can hold fails validation (an ExactNumber is not a JS number):
 * it is reported rather than written with a value the schema's type cannot
 * promise. Say what was found, since "must be number" alone would puzzle.
 */
function exactNumberNote(record: unknown, instancePath: string): string {
  const found = valueAt(record, instancePath);
  return found instanceof ExactNumber ? ` (found ${found.text}, a number no double can hold exactly)` : '';
}

/** The value at a JSON Pointer (RFC 6901) such as ajv's instancePath, or undefined. */
function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  if (pointer === '') return value;
  for (const token of pointer.slice(1).split('/')) {
    if (typeof value !== 'object' || value === null) return undefined;
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    value = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}
