// The Parquet layout of a log type, read from its JSON Schema
// (schemas/AWS.<Type>.json, `awslogs schema <Type>`): one column per
// property, in the schema's order. Scalars are typed; arrays are LISTs;
// objects with fixed properties are STRUCTs; free-form JSON (a property
// without a type, an object without properties) is a JSON text column, as
// Athena and Security Lake store it. An object that allows keys the schema
// does not list gets one more JSON text child, `unknownFields`, so that no
// key a record carries is dropped.

/** Leaf kinds. `int32`: an integer whose schema bounds it within 32 bits (ports, protocol). `timestamp`: the nine-digit RFC3339 form, written as TIMESTAMP(MICROS, UTC). `json`: any value, as JSON text. */
export type LeafKind = 'string' | 'int32' | 'int64' | 'double' | 'boolean' | 'timestamp' | 'json';

export type Shape =
  | { readonly kind: 'leaf'; readonly leaf: LeafKind }
  | { readonly kind: 'list'; readonly element: Shape }
  | StructShape;

export interface StructShape {
  readonly kind: 'struct';
  readonly fields: readonly FieldShape[];
  /** The object allows keys the schema does not list: they go to `unknownFields` as JSON text. */
  readonly extra: boolean;
}

export interface FieldShape {
  readonly name: string;
  readonly shape: Shape;
}

/** The JSON text child that holds the keys of an object its schema does not list. */
export const UNKNOWN_FIELDS = 'unknownFields';

/**
 * Nesting deeper than this (objects in lists in objects…) becomes one JSON
 * text column. The project's schemas nest 4 levels at most (CloudTrail
 * `userIdentity.sessionContext.sessionIssuer`); the limit keeps both this
 * builder and the row converter's recursion bounded whatever a schema says.
 */
export const MAX_SHAPE_DEPTH = 8;

/** The definition name of the project's timestamp form (schemas/*.json `definitions.RFC3339`). */
const TIMESTAMP_DEFINITION = 'RFC3339';

type JsonSchema = Readonly<Record<string, unknown>>;

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `#/definitions/X` → [X, its schema]; any other reference is not followed (a JSON text column). */
function resolve(node: JsonSchema, definitions: JsonSchema): { node: JsonSchema; ref?: string } {
  const ref = node.$ref;
  if (typeof ref !== 'string') return { node };
  const name = ref.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : undefined;
  const target = name !== undefined && Object.hasOwn(definitions, name) ? definitions[name] : undefined;
  return isSchema(target) ? { node: target, ref: name! } : { node: {} };
}

const JSON_LEAF: Shape = { kind: 'leaf', leaf: 'json' };

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** An integer schema whose `minimum` and `maximum` both lie within 32 bits: INT32 (a plain number, no BigInt per value). */
function fitsInt32(node: JsonSchema): boolean {
  const { minimum, maximum } = node;
  return typeof minimum === 'number' && typeof maximum === 'number' && minimum >= INT32_MIN && maximum <= INT32_MAX;
}

/**
 * The shape of one property schema. Containers are built by the caller's
 * explicit work list (`pending`), not by recursion: `depth` counts the
 * containers above, and past MAX_SHAPE_DEPTH a container is JSON text.
 */
function shapeOf(schema: JsonSchema, definitions: JsonSchema, depth: number, pending: Array<() => void>): Shape {
  const { node, ref } = resolve(schema, definitions);
  if (ref === TIMESTAMP_DEFINITION) return { kind: 'leaf', leaf: 'timestamp' };
  if (typeof node.const === 'string') return { kind: 'leaf', leaf: 'string' };
  switch (node.type) {
    case 'string': return { kind: 'leaf', leaf: 'string' };
    case 'integer': return { kind: 'leaf', leaf: fitsInt32(node) ? 'int32' : 'int64' };
    case 'number': return { kind: 'leaf', leaf: 'double' };
    case 'boolean': return { kind: 'leaf', leaf: 'boolean' };
    case 'array': {
      if (!isSchema(node.items) || depth >= MAX_SHAPE_DEPTH) return JSON_LEAF;
      const list: { kind: 'list'; element: Shape } = { kind: 'list', element: JSON_LEAF };
      const items = node.items;
      pending.push(() => { list.element = shapeOf(items, definitions, depth + 1, pending); });
      return list;
    }
    case 'object': {
      if (!isSchema(node.properties) || Object.keys(node.properties).length === 0 || depth >= MAX_SHAPE_DEPTH) return JSON_LEAF;
      return structOf(node, definitions, depth + 1, pending);
    }
    default:
      // No type (`requestParameters: {}`), several types, or a reference not followed: free-form JSON.
      return JSON_LEAF;
  }
}

function structOf(node: JsonSchema, definitions: JsonSchema, depth: number, pending: Array<() => void>): StructShape {
  const properties = node.properties as JsonSchema;
  const fields: FieldShape[] = [];
  for (const [name, property] of Object.entries(properties)) {
    // `__proto__` as a member name of a plain object would set its prototype: never a column (it goes to unknownFields).
    if (!isSchema(property) || name === '__proto__') continue;
    const field: { name: string; shape: Shape } = { name, shape: JSON_LEAF };
    fields.push(field);
    pending.push(() => { field.shape = shapeOf(property, definitions, depth, pending); });
  }
  // A schema with its own `unknownFields` property keeps it; no second column of that name.
  const extra = node.additionalProperties !== false && !Object.hasOwn(properties, UNKNOWN_FIELDS);
  return { kind: 'struct', fields, extra };
}

/**
 * The columns of a log type's records, from its JSON Schema (the top-level
 * object). Throws when the schema has no `properties` (every schema in
 * schemas/ has them).
 */
export function tableShape(schema: JsonSchema): StructShape {
  if (!isSchema(schema.properties)) throw new Error('parquet: the log type schema has no properties');
  const definitions = isSchema(schema.definitions) ? schema.definitions : {};
  const pending: Array<() => void> = [];
  const root = structOf(schema, definitions, 0, pending);
  // Breadth first: each step may add the steps of the containers it made.
  for (let i = 0; i < pending.length; i++) pending[i]!();
  return root;
}
