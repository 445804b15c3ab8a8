// A table shape (schema.ts) as the flat, depth-first list of Parquet schema
// elements the file footer holds (parquet-format's SchemaElement, as
// hyparquet-writer takes it). Every column is OPTIONAL: a field a record
// does not carry is a null, as it is absent from the NDJSON line.
import type { SchemaElement } from 'hyparquet-writer';
import type { FieldShape, LeafKind, Shape, StructShape } from './schema.js';
import { UNKNOWN_FIELDS } from './schema.js';

const OPTIONAL = 'OPTIONAL' as const;

/**
 * Leaf columns. Timestamps are TIMESTAMP(MICROS, UTC) rather than NANOS:
 * Spark 3 refuses NANOS ("Illegal Parquet type: INT64 (TIMESTAMP(NANOS,true))",
 * SPARK-40819), Athena/Hive read MILLIS and MICROS, and NANOS covers only
 * the years 1677–2262. No AWS source here is finer than a microsecond (ALB
 * and Aurora carry µs); a finer value is an error report, never rounded.
 * JSON text is a plain STRING (UTF8), which Athena, Spark and DuckDB read
 * as a string column to use with json_extract.
 */
function leafElement(name: string, leaf: LeafKind): SchemaElement {
  switch (leaf) {
    case 'string':
    case 'json':
      return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: OPTIONAL };
    case 'int32':
      return { name, type: 'INT32', repetition_type: OPTIONAL };
    case 'int64':
      return { name, type: 'INT64', repetition_type: OPTIONAL };
    case 'double':
      return { name, type: 'DOUBLE', repetition_type: OPTIONAL };
    case 'boolean':
      return { name, type: 'BOOLEAN', repetition_type: OPTIONAL };
    case 'timestamp':
      return {
        name, type: 'INT64', converted_type: 'TIMESTAMP_MICROS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' }, repetition_type: OPTIONAL,
      };
  }
}

/** The children of a struct, with the `unknownFields` JSON text child when it allows unlisted keys. */
export function structFields(struct: StructShape): FieldShape[] {
  return struct.extra ? [...struct.fields, { name: UNKNOWN_FIELDS, shape: { kind: 'leaf', leaf: 'json' } }] : [...struct.fields];
}

/**
 * The elements of a table: the root, then each column depth first. LISTs
 * use the three-level form of the Parquet spec (LogicalTypes.md, "Lists"):
 * `<name> (LIST)` → `repeated group list` → `element`. An explicit stack,
 * not recursion (shapes are at most MAX_SHAPE_DEPTH deep anyway).
 */
export function schemaElements(table: StructShape): SchemaElement[] {
  const fields = structFields(table);
  const out: SchemaElement[] = [{ name: 'root', num_children: fields.length }];
  const stack: Array<{ name: string; shape: Shape; repeated?: boolean }> = fields.map((f) => ({ name: f.name, shape: f.shape })).reverse();
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const repetition_type = item.repeated === true ? 'REPEATED' as const : OPTIONAL;
    const shape = item.shape;
    if (item.repeated === true) {
      // The middle level of a LIST: one child, `element`.
      out.push({ name: item.name, repetition_type, num_children: 1 });
      stack.push({ name: 'element', shape });
    } else if (shape.kind === 'leaf') {
      out.push(leafElement(item.name, shape.leaf));
    } else if (shape.kind === 'list') {
      out.push({ name: item.name, repetition_type, converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 });
      stack.push({ name: 'list', shape: shape.element, repeated: true });
    } else {
      const children = structFields(shape);
      out.push({ name: item.name, repetition_type, num_children: children.length });
      for (let i = children.length - 1; i >= 0; i--) stack.push({ name: children[i]!.name, shape: children[i]!.shape });
    }
  }
  return out;
}
