// Every registered log type is complete and agrees with its schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { LOG_TYPES } from '../src/logtypes/index.js';
import { INDICATOR_FIELDS } from '../src/core/indicators.js';
import { SCHEMA_DIR, readSchema, validatorFor } from '../src/pipeline/validate.js';

const STANDARD = ['p_log_type', 'p_row_id', 'p_event_time', 'p_parse_time', ...INDICATOR_FIELDS];

for (const lt of LOG_TYPES) {
  test(`registry: ${lt.name} is complete`, () => {
    assert.match(lt.name, /^AWS\.[A-Za-z0-9]+$/);
    assert.ok(lt.description.length > 10, 'has a description');
    assert.match(lt.referenceUrl, /^https:\/\/docs\.aws\.amazon\.com\//);
    const schema = readSchema(lt.name);
    const props = schema.properties as Record<string, unknown>;
    assert.equal(schema.title, lt.name);
    assert.ok(props[lt.eventTimeField], `event time field ${lt.eventTimeField} is in the schema`);
    for (const f of lt.eventTimeFallbacks ?? []) assert.ok(props[f], `fallback ${f} is in the schema`);
    for (const [field] of lt.indicators) {
      const top = field.split('.')[0]!;
      assert.ok(props[top], `indicator field ${field} is in the schema`);
    }
    assert.deepEqual(props.p_log_type, { const: lt.name });
    assert.deepEqual(schema.required, [...new Set([...(schema.required as string[])])], 'no duplicate required');
    for (const p of ['p_log_type', 'p_row_id', 'p_event_time', 'p_parse_time']) {
      assert.ok((schema.required as string[]).includes(p), `${p} is required`);
    }
    validatorFor(lt.name); // compiles in strict mode
  });
}

test('registry: names are unique and every schema file belongs to a type', () => {
  const names = LOG_TYPES.map((t) => t.name);
  assert.equal(new Set(names).size, names.length);
  const files = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  assert.deepEqual(files, [...names].sort());
});

test('schemas: the standard p_ fields and definitions are the same in every schema', () => {
  const [first, ...rest] = LOG_TYPES.map((t) => readSchema(t.name));
  const pick = (s: Record<string, unknown>) => {
    const props = s.properties as Record<string, unknown>;
    return {
      fields: STANDARD.filter((f) => f !== 'p_log_type').map((f) => props[f]),
      definitions: [(s.definitions as Record<string, unknown>).RFC3339, (s.definitions as Record<string, unknown>).PantherAnyString],
    };
  };
  for (const s of rest) assert.deepEqual(pick(s), pick(first!));
});
