// Validation of OCSF events against the generated class schemas
// (schemas/ocsf/<class>.json, scripts/build-ocsf-schemas.ts). The build
// compiles them to standalone validators (dist/validators/ocsf/, by
// scripts/build-validators.ts); they are loaded at the first event of a
// class, so a run without --format ocsf never loads one.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';

const here = dirname(fileURLToPath(import.meta.url));
/** This file runs from dist/src/formats/ocsf/. */
const VALIDATORS = join(here, '..', '..', '..', 'validators', 'ocsf');
export const OCSF_SCHEMA_DIR = join(here, '..', '..', '..', '..', 'schemas', 'ocsf');

const requireHere = createRequire(import.meta.url);
const loaded = new Map<string, ValidateFunction>();
let ajv: Ajv | undefined;

function load(className: string): ValidateFunction {
  let fn = loaded.get(className);
  if (fn !== undefined) return fn;
  const prebuilt = join(VALIDATORS, `${className}.cjs`);
  if (existsSync(prebuilt)) {
    fn = requireHere(prebuilt) as ValidateFunction;
  } else {
    // Without the build step's validators (a source checkout): compile, once per class.
    ajv ??= new (requireHere('ajv') as { Ajv: typeof Ajv }).Ajv({ allErrors: false, strict: true, strictRequired: false });
    fn = ajv.compile(JSON.parse(readFileSync(join(OCSF_SCHEMA_DIR, `${className}.json`), 'utf8')) as object);
  }
  loaded.set(className, fn);
  return fn;
}

function describe(e: ErrorObject): string {
  const where = e.instancePath === '' ? 'event' : `field ${e.instancePath.slice(1).replaceAll('/', '.')}`;
  const params = e.params as { additionalProperty?: string; allowedValues?: unknown[] };
  const extra = e.keyword === 'additionalProperties' ? ` (${String(params.additionalProperty)})`
    : e.keyword === 'enum' ? ` (${JSON.stringify(params.allowedValues)})` : '';
  return `${where} ${e.message ?? 'is invalid'}${extra}`;
}

/** Undefined when `event` is valid for the class, else `ocsf <class>: <where> <what>` (ajv's first error). */
export function checkOcsf(className: string, event: object): string | undefined {
  const fn = load(className);
  if (fn(event)) return undefined;
  const e = fn.errors?.[0];
  return `ocsf ${className}: ${e === undefined ? 'schema validation failed' : describe(e)}`;
}
