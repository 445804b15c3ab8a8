// Build step: compiles every schema in schemas/ to standalone validation
// code (ajv "standalone") in dist/validators/, so a run does not pay ajv's
// compile time (~100 ms per schema) at start-up. The runtime falls back to
// compiling when these files are missing.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { AJV_OPTIONS, SCHEMA_DIR, VALIDATOR_DIR, readSchema } from '../src/pipeline/validate.js';

mkdirSync(VALIDATOR_DIR, { recursive: true });
for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json'))) {
  const name = file.slice(0, -'.json'.length);
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  const validate = ajv.compile(readSchema(name));
  writeFileSync(join(VALIDATOR_DIR, `${name}.cjs`), standaloneCode.default(ajv, validate));
}
