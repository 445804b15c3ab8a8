// --format parquet, the parts below the CLI: a JSON Schema → table shape
// (bounded depth, no recursion), and a record → row (values a column cannot
// hold exactly are error messages, never rounded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExactNumber } from '../src/core/exact_number.js';
import { MAX_SHAPE_DEPTH, tableShape, type Shape, type StructShape } from '../src/formats/parquet/schema.js';
import { schemaElements } from '../src/formats/parquet/elements.js';
import { timestampMicros, toRow, type ParquetRow, type ParquetTable } from '../src/formats/parquet/row.js';
import { tableFor } from '../src/formats/parquet/table.js';

function field(shape: StructShape, name: string): Shape {
  const f = shape.fields.find((x) => x.name === name);
  assert.ok(f, name);
  return f.shape;
}

test('tableShape: types from the schema; free-form JSON as text; unknownFields where keys are allowed', () => {
  const ct = tableFor('AWS.CloudTrail').shape;
  assert.deepEqual(field(ct, 'eventTime'), { kind: 'leaf', leaf: 'timestamp' });
  assert.deepEqual(field(ct, 'requestParameters'), { kind: 'leaf', leaf: 'json' });
  assert.deepEqual(field(ct, 'readOnly'), { kind: 'leaf', leaf: 'boolean' });
  assert.deepEqual(field(ct, 'p_any_ip_addresses'), { kind: 'list', element: { kind: 'leaf', leaf: 'string' } });
  assert.deepEqual(field(ct, 'p_log_type'), { kind: 'leaf', leaf: 'string' });
  const identity = field(ct, 'userIdentity');
  assert.equal(identity.kind, 'struct');
  assert.equal((identity as StructShape).extra, true);
  assert.equal(ct.extra, true, 'CloudTrail keeps fields the schema does not list');
  const vpc = tableFor('AWS.VPCFlow').shape;
  assert.deepEqual(field(vpc, 'srcPort'), { kind: 'leaf', leaf: 'int32' });
  assert.deepEqual(field(vpc, 'bytes'), { kind: 'leaf', leaf: 'int64' });
  assert.equal(tableFor('AWS.ALB').shape.extra, false);
});

test('tableShape: nesting past MAX_SHAPE_DEPTH is one JSON text column, and a deep schema builds without recursion', () => {
  let inner: Record<string, unknown> = { type: 'string' };
  for (let i = 0; i < 100_000; i++) inner = { type: 'object', properties: { a: inner } };
  const shape = tableShape({ type: 'object', properties: { top: inner } });
  let s: Shape = field(shape, 'top');
  let depth = 0;
  while (s.kind === 'struct') {
    s = s.fields[0]!.shape;
    depth++;
  }
  assert.equal(depth, MAX_SHAPE_DEPTH);
  assert.deepEqual(s, { kind: 'leaf', leaf: 'json' });
  assert.ok(schemaElements(shape).length > MAX_SHAPE_DEPTH);
});

test('schemaElements: three-level LISTs, TIMESTAMP(MICROS, UTC), every column OPTIONAL', () => {
  const elements = schemaElements(tableFor('AWS.VPCFlow').shape);
  const at = (name: string) => elements.findIndex((e) => e.name === name);
  const list = at('p_any_ip_addresses');
  assert.equal(elements[list]!.converted_type, 'LIST');
  assert.equal(elements[list + 1]!.repetition_type, 'REPEATED');
  assert.equal(elements[list + 2]!.name, 'element');
  assert.deepEqual(elements[at('p_event_time')]!.logical_type, { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' });
  for (const e of elements.slice(1)) assert.ok(e.repetition_type === 'OPTIONAL' || e.repetition_type === 'REPEATED', e.name);
});

test('timestampMicros: exact for every year, before 1970 too; finer than µs is an error', () => {
  assert.equal(timestampMicros('1970-01-01T00:00:00.000001000Z', 't'), 1);
  assert.equal(timestampMicros('1969-12-31T23:59:59.999999000Z', 't'), -1);
  assert.equal(timestampMicros('2018-07-02T22:23:00.186641000Z', 't'), 1530570180186641);
  assert.equal(timestampMicros('0001-01-01T00:00:00.000000000Z', 't'), -62135596800000000n);
  assert.equal(timestampMicros('9999-12-31T23:59:59.999999000Z', 't'), 253402300799999999n);
  assert.throws(() => timestampMicros('2018-07-02T22:23:00.186641001Z', 't'), /finer than the microseconds/);
  assert.throws(() => timestampMicros('2018-07-02 22:23:00.186641000Z', 't'), /expected an RFC3339 timestamp/);
  assert.throws(() => timestampMicros('2018-07-02T22:23:00.1866410000Z', 't'), /expected an RFC3339 timestamp/);
});

const TABLE: ParquetTable = {
  name: 'Test',
  shape: tableShape({
    type: 'object',
    properties: {
      n: { type: 'integer' },
      x: { type: 'number' },
      blob: {},
      nested: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false },
    },
  }),
};

function row(record: Record<string, unknown>): ParquetRow {
  const r = toRow(record, TABLE);
  assert.notEqual(typeof r, 'string', String(r));
  return r as ParquetRow;
}

function cell(r: ParquetRow, column: number): unknown {
  const i = r.cells.indexOf(column);
  return i < 0 ? undefined : r.values[i];
}

test('toRow: int64 stays exact above 2^53; what a column cannot hold is an error message', () => {
  assert.equal(cell(row({ n: new ExactNumber('9007199254740993') }), 0), 9007199254740993n);
  assert.equal(cell(row({ n: 42 }), 0), 42n);
  assert.match(toRow({ n: new ExactNumber('9223372036854775808') }, TABLE) as string, /^parquet: n: 9223372036854775808 does not fit a Parquet INT64/);
  assert.match(toRow({ n: new ExactNumber('1e400') }, TABLE) as string, /^parquet: n: expected an integer/);
  assert.match(toRow({ x: new ExactNumber('0.10000000000000000001') }, TABLE) as string, /^parquet: x: .* cannot be stored in a Parquet DOUBLE column without changing its value/);
  assert.match(toRow({ nested: { a: 'v', b: 1 } }, TABLE) as string, /^parquet: nested: the field "b" has no Parquet column/);
});

test('toRow: JSON text keeps exact numbers and a JSON null; unknown fields, `__proto__` included, are kept as JSON text', () => {
  const r = row({ blob: { big: new ExactNumber('1e400'), list: [new ExactNumber('9007199254740993')] }, n: 1 });
  assert.equal(cell(r, 2), '{"big":1e400,"list":[9007199254740993]}');
  assert.equal(cell(row({ blob: null }), 2), 'null');
  const hostile = JSON.parse('{"n":1,"__proto__":{"polluted":true},"zz":[1]}') as Record<string, unknown>;
  const withExtra = row(hostile);
  assert.equal(cell(withExtra, 4), '{"__proto__":{"polluted":true},"zz":[1]}');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
