// The generated validators (dist/validators/, rewritten for speed by
// src/pipeline/validator_code.ts) check exactly what ajv's default compile of
// the same schema checks: the same records accepted, the same rejected, with
// the same first error, on every golden record and on mutations of them
// (unknown keys, wrong types, empty and non-ASCII strings, bad timestamps).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { LOG_TYPES } from '../src/logtypes/index.js';
import { AJV_OPTIONS, VALIDATOR_DIR, readSchema } from '../src/pipeline/validate.js';
import { codeUnitUnsafe, withKeySets } from '../src/pipeline/validator_code.js';
import { ROOT } from './helpers/cli.js';

const require = createRequire(import.meta.url);
const GOLDEN = join(ROOT, 'test', 'golden');
const RECORDS_PER_CASE = 1;
/** Enough to cover each type's layouts and odd cases, few enough to keep this file at a second or two. */
const MAX_RECORDS = 16;

/** Golden records of a type, with the masked p_ fields given valid values. */
function goldenRecords(logType: string): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (const name of readdirSync(join(GOLDEN, logType)).sort()) {
    const file = join(GOLDEN, logType, name, 'expected.ndjson');
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('{'));
    for (const line of lines.slice(0, RECORDS_PER_CASE)) {
      const r = JSON.parse(line) as Record<string, unknown>;
      if (r.p_log_type !== logType) continue; // an OCSF case
      r.p_row_id = '0123456789abcdef';
      r.p_parse_time = '2026-12-01T00:00:00.000000000Z';
      records.push(r);
    }
  }
  return records.slice(0, MAX_RECORDS);
}

const ODD_VALUES: unknown[] = [
  undefined, null, 0, -2, 1.5, 65536, 2 ** 53, Number.NaN, true, '', 'x', 'é', '😀', '\ud83d', '1😀',
  '2024-01-01T00:00:00.000000000Z\n', '２024-01-01T00:00:00.000000000Z', '2024-01-01T00:00:00.000000000Z',
  'ABCDEF', 'abc😀', '123456789012', '12345678901😀', [], [''], ['😀'], ['a', 1], {}, { a: 1 },
];
const ODD_KEYS = ['zzz', 'toString', 'hasOwnProperty', 'constructor', '__proto__', 'valueOf', 'p_any_x'];

/** The record, and for each key (and each key of a nested object) the record with that key deleted or set to each odd value; and with each odd key added. */
function* mutations(record: Record<string, unknown>): Generator<Record<string, unknown>> {
  yield record;
  for (const key of Object.keys(record)) {
    const { [key]: _dropped, ...without } = record;
    yield without;
    for (const v of ODD_VALUES) yield { ...record, [key]: v };
    const inner = record[key];
    if (typeof inner === 'object' && inner !== null && !Array.isArray(inner)) {
      for (const k of Object.keys(inner)) {
        for (const v of ODD_VALUES.slice(0, 6)) yield { ...record, [key]: { ...inner, [k]: v } };
      }
    }
  }
  for (const key of ODD_KEYS) {
    const r = { ...record };
    Object.defineProperty(r, key, { value: 'x', enumerable: true, writable: true, configurable: true });
    yield r;
  }
}

function outcome(validate: ValidateFunction, record: unknown): string {
  if (validate(record)) return 'valid';
  const e = validate.errors?.[0];
  return `${e?.instancePath} ${e?.keyword} ${JSON.stringify(e?.params)}`;
}

for (const lt of LOG_TYPES) {
  test(`validator code: the generated ${lt.name} validator accepts and rejects what ajv's default compile does`, () => {
    const generated = require(join(VALIDATOR_DIR, `${lt.name}.cjs`)) as ValidateFunction;
    const reference = new Ajv(AJV_OPTIONS).compile(readSchema(lt.name));
    const records = goldenRecords(lt.name);
    assert.ok(records.length >= 5, `golden records of ${lt.name}`);
    let checked = 0;
    let rejected = 0;
    for (const record of records) {
      for (const r of mutations(record)) {
        const expected = outcome(reference, r);
        const found = outcome(generated, r);
        if (found !== expected) assert.fail(`${found} where ajv says ${expected}, for ${JSON.stringify(r).slice(0, 300)}`);
        checked++;
        if (expected !== 'valid') rejected++;
      }
    }
    // Both kinds of outcome were exercised: a test that sees only one proves little.
    assert.ok(rejected > checked / 4 && rejected < checked, `${rejected} of ${checked} rejected`);
    assert.equal(outcome(generated, records[0]), 'valid');
  });
}

test('validator code: a schema whose checks count code points keeps ajv\'s unicode-aware code', () => {
  assert.equal(codeUnitUnsafe(readSchema('AWS.ALB')), undefined);
  assert.equal(codeUnitUnsafe({ type: 'string', minLength: 1, pattern: '^[0-9a-f]+$' }), undefined);
  assert.match(codeUnitUnsafe({ properties: { a: { type: 'string', maxLength: 3 } } }) ?? '', /maxLength/);
  assert.match(codeUnitUnsafe({ items: [{ type: 'string', minLength: 2 }] }) ?? '', /minLength 2/);
  assert.match(codeUnitUnsafe({ anyOf: [{ maxLength: 4 }, { type: 'number' }] }) ?? '', /maxLength/, 'without a type too');
  for (const pattern of ['^.$', '^[^a]$', '^\\W$', '^\\u{1F600}$', '^é$', '^\\p{L}$']) {
    assert.match(codeUnitUnsafe({ type: 'string', pattern }) ?? '', /pattern/, pattern);
  }
});

test('validator code: withKeySets replaces every properties test, and refuses a hasOwnProperty call it does not know', () => {
  const code = 'const func2 = Object.prototype.hasOwnProperty;if(!(func2.call(schema11.properties, key0))){}if(!(func2.call(schema11.properties, key1))){}if(func2.call(schema12.definitions.x.properties, key2)){}';
  const out = withKeySets(code);
  assert.doesNotMatch(out, /func2\.call/);
  assert.match(out, /ownKeys0\.has\(key0\).*ownKeys0\.has\(key1\).*ownKeys1\.has\(key2\)/s);
  assert.match(out, /const ownKeys0 = new Set\(Object\.keys\(schema11\.properties\)\);const ownKeys1 = new Set\(Object\.keys\(schema12\.definitions\.x\.properties\)\);/);
  assert.throws(() => withKeySets('const func2 = Object.prototype.hasOwnProperty;func2.call(data, key0)'), /update withKeySets/);
  assert.equal(withKeySets('no such call'), 'no such call');
});
