// Property test of the JSON framer (issue 13, items 4 and 5): any sequence
// of valid and broken documents, printed compact, with 2 or 4 spaces, with
// tabs or flush left, CRLF or LF, cut into chunks of any size (1, 3 and 7
// bytes among them), gives every valid document (and every element of a
// valid wrapper) exactly once, with its text and starting line, every broken
// document as exactly one error report within its lines, and, through the
// pipeline, read = written + failed + skipped with every valid event written.
//
// What the generator holds to, and why (the rules the framer works by):
// - Documents start in column 0 on a line of their own: a cut is found where
//   the next document starts a line (a document that goes on on the cut
//   line is read as part of it, and reported with it).
// - A cut document is printed with indentation or on one line, never flush
//   left: flush-left arrays legally hold elements in column 0, so a document
//   after a cut there is the array's element.
// - An array cut right after its `[` or a `,` between elements, while
//   nothing has shown how its elements are laid out (a one-line wrapper, a
//   top-level array before its first element, an array element with nothing
//   after its `[`), legally has the next document as its element: such cuts
//   are moved one token on (the case itself is a unit test in
//   json-framer.test.ts).
// - An event never starts with a wrapper key holding a non-empty array (that
//   is a wrapper's shape); it may carry wrapper keys anywhere else, and one
//   holding an empty array first. A wrapper may be followed by keys no
//   wrapper has: with an empty array it is one record, else its elements are
//   records and the rest of the object is one report.
// - Garbage is lines that start with neither a bracket nor what a JSON value
//   starts with, and hold no bracket: after a valid document it is one report
//   (consecutive lines together); after a cut inside a document, an element or
//   a wrapper's tail it is part of that cut's report; after a wrapper cut
//   between elements it is a report of its own.
//
// The default budget keeps `npm test` quick; `npm run fuzz` runs it with
// NUM_RUNS=100000 (FUZZ_SEED=n replays a run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ErrorReport } from '../src/core/errors.js';
import { StandardFields } from '../src/core/standard.js';
import { findLogType } from '../src/logtypes/index.js';
import type { Fields } from '../src/logtypes/types.js';
import { JsonFramer } from '../src/pipeline/json.js';
import { RecordProcessor, type ErrorSink, type OutputSink } from '../src/pipeline/normalize.js';
import { params } from './helpers/property.js';

// ---- documents as trees, printed the way JSON printers do ------------------

/** A JSON value; objects as entry lists, so a key may come twice. */
type Node =
  | { kind: 'value'; value: unknown }
  | { kind: 'object'; entries: Array<[string, Node]>; eventId?: string };

type LayoutName = 'compact' | 'indent2' | 'indent4' | 'tabs' | 'flush';
const INDENT: Record<LayoutName, string | undefined> = { compact: undefined, indent2: '  ', indent4: '    ', tabs: '\t', flush: '' };

function printValue(value: unknown, layout: LayoutName, level: number): string {
  const unit = INDENT[layout];
  if (unit === undefined) return JSON.stringify(value);
  if (unit === '') return JSON.stringify(value, null, 1).replace(/\n +/g, '\n');
  return JSON.stringify(value, null, unit).replaceAll('\n', '\n' + unit.repeat(level));
}

function printNode(node: Node, layout: LayoutName, level: number): string {
  if (node.kind === 'value') return printValue(node.value, layout, level);
  return printEntries(node.entries, layout, level, (n, l) => printNode(n, layout, l)).text;
}

interface Printed {
  text: string;
  /** Offsets in text of each element of the array entry (for wrappers). */
  elements: Array<{ start: number; end: number }>;
  arrayOpen: number;
  arrayClose: number;
}

/** An object; `arrayKey`'s value (a JS array of nodes) is printed element by element, with offsets. */
function printEntries(entries: Array<[string, Node | Node[]]>, layout: LayoutName, level: number,
  print: (n: Node, level: number) => string): Printed {
  const unit = INDENT[layout];
  const out: Printed = { text: '', elements: [], arrayOpen: -1, arrayClose: -1 };
  if (entries.length === 0) {
    out.text = '{}';
    return out;
  }
  const nl = unit === undefined ? '' : '\n';
  const pad = (l: number) => (unit === undefined ? '' : unit.repeat(l));
  const colon = unit === undefined ? ':' : ': ';
  let text = '{' + nl;
  entries.forEach(([key, value], i) => {
    text += pad(level + 1) + JSON.stringify(key) + colon;
    if (Array.isArray(value)) {
      const printed = printArray(value, layout, level + 1, print, text.length);
      out.elements = printed.elements;
      out.arrayOpen = printed.arrayOpen;
      out.arrayClose = printed.arrayClose;
      text += printed.text;
    } else {
      text += print(value, level + 1);
    }
    text += (i < entries.length - 1 ? ',' : '') + nl;
  });
  out.text = text + pad(level) + '}';
  return out;
}

function printArray(elements: Node[], layout: LayoutName, level: number, print: (n: Node, level: number) => string, offset: number): Printed {
  const unit = INDENT[layout];
  const out: Printed = { text: '[', elements: [], arrayOpen: offset, arrayClose: -1 };
  if (elements.length === 0) {
    out.text = '[]';
    out.arrayClose = offset + 1;
    return out;
  }
  const nl = unit === undefined ? '' : '\n';
  const pad = (l: number) => (unit === undefined ? '' : unit.repeat(l));
  let text = '[' + nl;
  elements.forEach((e, i) => {
    text += pad(level + 1);
    const start = offset + text.length;
    text += print(e, level + 1);
    out.elements.push({ start, end: offset + text.length });
    text += (i < elements.length - 1 ? ',' : '') + nl;
  });
  text += pad(level);
  out.arrayClose = offset + text.length;
  out.text = text + ']';
  return out;
}

// ---- arbitraries -------------------------------------------------------------

const WRAPPER_KEYS = ['Records', 'Events', 'Findings', 'findings'] as const;
const SIBLING_KEYS = ['NextToken', 'nextToken', 'ResponseMetadata', '$metadata'] as const;
/** Keys an event may carry beyond its own: wrapper and sibling keys as data, look-alikes, long and odd ones. */
const EXTRA_KEYS = [...WRAPPER_KEYS, ...SIBLING_KEYS, 'Rec\\u006frds', 'Records2', 'records', 'items', 'extra', 'k'.repeat(70), '日本', 'a"b', 'a\\b', '{', ''];

const nastyString = fc.array(fc.constantFrom('{', '}', '[', ']', '"', '\\', ',', ':', 'é', '日', '😀', '\u2028', '\t', '\n', '\r', 'a', ' ', 'Records', '"Records":[', '\u0001', '\ufeff'), { maxLength: 8 })
  .map((parts) => parts.join(''));

const { jsonish } = fc.letrec<{ jsonish: unknown }>((tie) => ({
  jsonish: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('jsonish'), { maxLength: 3 }),
    fc.array(fc.tuple(fc.constantFrom(...EXTRA_KEYS), tie('jsonish')), { maxLength: 3 }).map((entries) => Object.fromEntries(entries)),
  ),
}));

const siblingEntry: fc.Arbitrary<[string, Node]> = fc.tuple(
  fc.constantFrom(...SIBLING_KEYS),
  fc.oneof(nastyString, fc.constant(null), fc.constant({ RequestId: 'r', HTTPHeaders: { Records: '[x]' }, list: [1, { findings: [] }] })),
).map(([key, value]) => [key, { kind: 'value', value }]);

/** An event: optional sibling keys and an empty wrapper array first, then its own keys with extra ones anywhere. */
const eventNode: fc.Arbitrary<Node> = fc.record({
  opening: fc.oneof(
    fc.constant<Array<[string, Node]>>([]),
    fc.array(siblingEntry, { minLength: 1, maxLength: 2 }),
    fc.tuple(fc.array(siblingEntry, { maxLength: 1 }), fc.constantFrom(...WRAPPER_KEYS))
      .map(([siblings, key]) => [...siblings, [key, { kind: 'value', value: [] }] as [string, Node]]),
  ),
  extras: fc.array(fc.tuple(fc.constantFrom(...EXTRA_KEYS), jsonish, fc.nat()), { maxLength: 4 }),
}).map(({ opening, extras }) => {
  const own: Array<[string, Node]> = [
    ['eventTime', { kind: 'value', value: '2024-05-01T10:00:00Z' }],
    ['eventID', { kind: 'value', value: '' }], // numbered once the whole input is drawn
    ['eventType', { kind: 'value', value: 'AwsApiCall' }],
    ['awsRegion', { kind: 'value', value: 'us-east-1' }],
    ['eventSource', { kind: 'value', value: 's3.amazonaws.com' }],
    ['eventName', { kind: 'value', value: 'GetObject' }],
  ];
  for (const [key, value, at] of extras) own.splice(at % (own.length + 1), 0, [key, { kind: 'value', value }]);
  return { kind: 'object', entries: [...opening, ['eventVersion', { kind: 'value', value: '1.08' }], ...own], eventId: '' };
});

/** Anything else a document may be: an object whose first key is no wrapper or sibling key, or an empty one. */
const plainNode: fc.Arbitrary<Node> = fc.oneof(
  fc.constant<Node>({ kind: 'object', entries: [] }),
  fc.tuple(fc.constantFrom('detail', 'schemaVersion', 'x'), jsonish, fc.array(fc.tuple(fc.constantFrom(...EXTRA_KEYS), jsonish), { maxLength: 3 }))
    .map(([first, value, rest]): Node => ({
      kind: 'object',
      entries: [[first, { kind: 'value', value }], ...rest.map(([k, v]): [string, Node] => [k, { kind: 'value', value: v }])],
    })),
);

const elementNode: fc.Arbitrary<Node> = fc.oneof(
  { weight: 3, arbitrary: eventNode },
  { weight: 1, arbitrary: plainNode },
  { weight: 1, arbitrary: fc.oneof(fc.array(jsonish, { maxLength: 3 }), nastyString).map((value): Node => ({ kind: 'value', value })) },
);

type Item =
  | { kind: 'document'; node: Node; layout: LayoutName }
  | {
    kind: 'wrapper'; key: string | undefined; before: Array<[string, Node]>; elements: Node[]; after: Array<[string, Node]>;
    /** Keys after the array that no wrapper has: the document is one record (its array is held, far below the bound). */
    others: Array<[string, Node]>; layout: LayoutName;
  }
  | { kind: 'garbage'; lines: string[] };

/** Where to cut: at a fraction of the printed text, or right after the nth of a structural character. */
type Cut = number | { after: string; nth: number };

interface Drawn {
  item: Item;
  /** Flush-left items are never cut. */
  cut: Cut | undefined;
}

const layoutArb = fc.constantFrom<LayoutName>('compact', 'indent2', 'indent4', 'tabs', 'flush');
const documentItem: fc.Arbitrary<Item> = fc.record({ node: fc.oneof({ weight: 3, arbitrary: eventNode }, { weight: 1, arbitrary: plainNode }), layout: layoutArb })
  .map(({ node, layout }) => ({ kind: 'document', node, layout }));
const wrapperItem: fc.Arbitrary<Item> = fc.record({
  key: fc.option(fc.constantFrom(...WRAPPER_KEYS), { nil: undefined, freq: 4 }), // undefined: a top-level array
  before: fc.array(siblingEntry, { maxLength: 2 }),
  elements: fc.array(elementNode, { maxLength: 4 }),
  after: fc.array(siblingEntry, { maxLength: 2 }),
  others: fc.oneof(
    { weight: 3, arbitrary: fc.constant<Array<[string, Node]>>([]) },
    { weight: 1, arbitrary: fc.array(fc.tuple(fc.constantFrom('eventVersion', 'schemaVersion', ...WRAPPER_KEYS, 'x'), jsonish).map(([k, value]): [string, Node] => [k, { kind: 'value', value }]), { minLength: 1, maxLength: 2 }) },
  ),
  layout: layoutArb,
}).map((w) => ({ kind: 'wrapper', ...w }));
const GARBAGE_START = 'ABCDEFGHIJKLMOPQRSUVWXYZ#<>!?*=@~%';
const garbageLine = fc.tuple(fc.constantFrom(...GARBAGE_START), fc.array(fc.constantFrom('a', 'Z', '1', ' ', '\t', ':', ',', '"', '\\', 'é', '日', '-', '.'), { maxLength: 12 }))
  .map(([first, rest]) => first + rest.join(''));
const garbageItem: fc.Arbitrary<Item> = fc.array(garbageLine, { minLength: 1, maxLength: 2 }).map((lines) => ({ kind: 'garbage', lines }));

const cutArb: fc.Arbitrary<Cut> = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.record({ after: fc.constantFrom('[', ',', ':', '{', '"', '\n'), nth: fc.nat() }),
);

const drawnItem: fc.Arbitrary<Drawn> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ item: fc.oneof(documentItem, wrapperItem), cut: fc.option(cutArb, { nil: undefined, freq: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ item: garbageItem, cut: fc.constant(undefined) }) },
);

const inputArb = fc.record({
  items: fc.array(drawnItem, { minLength: 1, maxLength: 7 }),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  blankLines: fc.array(fc.constantFrom('', ' ', '\t', '  '), { maxLength: 8 }),
  finalNewline: fc.boolean(),
  chunks: fc.oneof(fc.constant<number[]>([]), fc.array(fc.oneof(fc.constantFrom(1, 3, 7), fc.integer({ min: 1, max: 300 })), { minLength: 1, maxLength: 5 })),
});

// ---- the model: what the framer must give --------------------------------

interface Expected {
  text: string;
  line: number;
  eventId: string | undefined;
}

interface Owner {
  from: number;
  to: number;
  what: string;
}

interface Model {
  input: string;
  records: Expected[];
  /** Line ranges that must each hold exactly one error report. */
  owners: Owner[];
}

function printItem(item: Item): Printed {
  if (item.kind === 'garbage') return { text: item.lines.join('\n'), elements: [], arrayOpen: -1, arrayClose: -1 };
  const print = (n: Node, level: number) => printNode(n, item.layout, level);
  if (item.kind === 'document') {
    if (item.node.kind !== 'object') return { text: print(item.node, 0), elements: [], arrayOpen: -1, arrayClose: -1 };
    // An event that opens with a wrapper key's empty array is read as a wrapper up to its "]": note where that array is.
    const opening = item.node.entries.findIndex(([key]) => !(SIBLING_KEYS as readonly string[]).includes(key));
    const entries: Array<[string, Node | Node[]]> = item.node.entries.map(([key, value], i) =>
      [key, i === opening && (WRAPPER_KEYS as readonly string[]).includes(key) && value.kind === 'value' && Array.isArray(value.value) && value.value.length === 0 ? [] : value]);
    return printEntries(entries, item.layout, 0, print);
  }
  if (item.key === undefined) return printArray(item.elements, item.layout, 0, print, 0);
  return printEntries([...item.before, [item.key, item.elements], ...item.after, ...item.others], item.layout, 0, print);
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

function lastSignificant(text: string): string {
  const trimmed = text.trimEnd();
  return trimmed.at(-1) ?? '';
}

/**
 * Where to cut a printed wrapper or document (fraction `at` of it), and
 * whether its cut is between wrapper elements (then garbage after it is a
 * report of its own).
 */
function cutPoint(item: Item, printed: Printed, at: Cut): { end: number; between: boolean } {
  const text = printed.text;
  let end = 1 + Math.floor((typeof at === 'number' ? at : 0.5) * (text.length - 2)); // 1 … length-1: never whole
  if (typeof at !== 'number') {
    const found: number[] = [];
    for (let i = text.indexOf(at.after); i >= 0 && i < text.length - 1; i = text.indexOf(at.after, i + 1)) found.push(i + 1);
    if (found.length > 0) end = found[at.nth % found.length]!;
  }
  const between = (e: number) => printed.arrayOpen >= 0 && printed.arrayOpen < e && e <= printed.arrayClose &&
    !printed.elements.some((el) => el.start < e && e < el.end);
  const ambiguous = (e: number) => {
    const last = lastSignificant(text.slice(0, e));
    const unknownLayout = item.kind !== 'garbage' && (item.layout === 'compact' || (item.kind === 'wrapper' && item.key === undefined && last === '['));
    if (between(e)) return (last === '[' || last === ',') && unknownLayout;
    // An array element cut right after its own "[": its second line would be the next document's.
    const inside = printed.elements.find((el) => el.start < e && e < el.end);
    return inside !== undefined && text[inside.start] === '[' && text.slice(inside.start, e).trim() === '[';
  };
  while (ambiguous(end)) {
    // Legally the next document would be an element: cut one token on instead.
    while (/\s/.test(text[end]!)) end++;
    end++;
  }
  return { end, between: between(end) };
}

function buildModel(drawn: Drawn[], eol: string, blankLines: readonly string[], finalNewline: boolean): Model {
  const records: Expected[] = [];
  const owners: Owner[] = [];
  const pieces: string[] = [];
  let line = 1;
  /** After a cut inside a value, garbage belongs to that cut's report; after a valid item it starts one. */
  let state: 'clean' | 'merging' | 'garbage' = 'clean';
  drawn.forEach(({ item, cut }, index) => {
    const printed = printItem(item);
    let text = printed.text;
    const lines = (t: string) => t.split('\n').length;
    if (item.kind === 'garbage') {
      if (state === 'clean') owners.push({ from: line, to: line + lines(text) - 1, what: `garbage item ${index}` });
      else owners.at(-1)!.to = line + lines(text) - 1;
      if (state === 'clean') state = 'garbage';
    } else if (cut !== undefined && item.layout !== 'flush' && cutPoint(item, printed, cut).end < text.length) {
      // (An empty top-level array cut after its "[" would be whole again: never cut.)
      const { end, between } = cutPoint(item, printed, cut);
      text = text.slice(0, end);
      owners.push({ from: line, to: line + lines(text) - 1, what: `cut item ${index} at ${end}` });
      for (const el of printed.elements) {
        if (el.end <= end && item.kind === 'wrapper') records.push(expected(item.elements[printed.elements.indexOf(el)]!, printed.text, el, line));
      }
      state = between ? 'clean' : 'merging';
    } else {
      if (item.kind === 'document') {
        records.push(expected(item.node, text, { start: 0, end: text.length }, line));
      } else if (item.key !== undefined && item.others.length > 0 && item.elements.length === 0) {
        records.push({ text, line, eventId: undefined }); // no wrapper's shape: one record
      } else if (item.key !== undefined && item.others.length > 0) {
        // Keys no wrapper has after the array (held: far below HOLD_CHARS): one record, an event
        // whose keys sort before its own; its text without the white space between elements.
        const inner = printed.elements.map((el) => text.slice(el.start, el.end)).join(',');
        records.push({ text: text.slice(0, printed.elements[0]!.start) + inner + text.slice(printed.arrayClose), line, eventId: undefined });
      } else {
        printed.elements.forEach((el, i) => records.push(expected(item.elements[i]!, text, el, line)));
      }
      state = 'clean';
    }
    pieces.push(text);
    const blank = blankLines[index % Math.max(1, blankLines.length)] ?? '';
    line += lines(text) + (index % 2 === 0 && blankLines.length > 0 ? 1 : 0);
    if (index % 2 === 0 && blankLines.length > 0) pieces.push(blank);
  });
  let input = pieces.join('\n');
  if (finalNewline) input += '\n';
  // Owners of garbage after a between-cut: the cut's own report and the garbage's are separate owners already.
  return { input: input.replaceAll('\n', eol), records, owners };
}

function expected(node: Node, text: string, span: { start: number; end: number }, firstLine: number): Expected {
  return { text: text.slice(span.start, span.end), line: firstLine + lineOf(text, span.start) - 1, eventId: node.kind === 'object' ? node.eventId : undefined };
}

/** Numbers every event (their eventID is the one thing told apart in the output). */
function numberEvents(drawn: Drawn[]): void {
  let n = 0;
  const visit = (node: Node) => {
    if (node.kind !== 'object' || node.eventId === undefined) return;
    node.eventId = `e-${++n}`;
    const entry = node.entries.find(([k]) => k === 'eventID');
    if (entry !== undefined) entry[1] = { kind: 'value', value: node.eventId };
  };
  for (const { item } of drawn) {
    if (item.kind === 'document') visit(item.node);
    if (item.kind === 'wrapper') item.elements.forEach(visit);
  }
}

// ---- running it ----------------------------------------------------------

function chunk(bytes: Buffer, sizes: readonly number[]): Buffer[] {
  if (sizes.length === 0) return [bytes];
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

class Capture implements OutputSink, ErrorSink {
  readonly records: Fields[] = [];
  readonly reports: ErrorReport[] = [];
  writeRecord(record: Fields): void {
    this.records.push(record);
  }
  error(report: ErrorReport): void {
    this.reports.push(report);
  }
  notice(): void {}
}

const cloudTrail = findLogType('AWS.CloudTrail')!;
const standard = new StandardFields();

test('any sequence of valid, cut and garbage documents: every valid one once with its line, every broken one one report, nothing lost', () => {
  fc.assert(fc.property(inputArb, (f) => {
    // fast-check shares drawn values between runs: number a copy.
    const drawn = structuredClone(f.items);
    numberEvents(drawn);
    const eol = f.crlf ? '\r\n' : '\n';
    const model = buildModel(drawn, eol, f.blankLines, f.finalNewline);
    const bytes = Buffer.from((f.bom ? '\ufeff' : '') + model.input, 'utf8');

    const framed: Array<{ text: string; line: number }> = [];
    const rejected: number[] = [];
    const capture = new Capture();
    const processor = new RecordProcessor('fuzz', cloudTrail, {}, standard, capture, capture);
    const framer = new JsonFramer({
      record(text, line) { framed.push({ text, line }); processor.record(text, line); },
      reject(message, raw, line, length) { rejected.push(line); processor.reject(message, raw, line, length); },
    });
    for (const piece of chunk(bytes, f.chunks)) framer.push(piece);
    framer.end();

    // Every valid document and wrapper element, once, in order, with its text (as decoded) and line.
    const decode = (t: string) => Buffer.from(t.replaceAll('\n', eol), 'utf8').toString('utf8');
    assert.deepEqual(framed, model.records.map((r) => ({ text: decode(r.text), line: r.line })));
    // Every broken document (and each run of garbage) exactly one report, within its lines.
    for (const owner of model.owners) {
      const inside = rejected.filter((l) => l >= owner.from && l <= owner.to);
      assert.equal(inside.length, 1, `${owner.what} (lines ${owner.from}–${owner.to}): reports at ${JSON.stringify(rejected)}`);
    }
    assert.equal(rejected.length, model.owners.length, `reports at ${JSON.stringify(rejected)}, expected in ${JSON.stringify(model.owners)}`);
    // Through the pipeline: counted once each; every valid event written once.
    const c = processor.counts;
    assert.equal(c.read, framed.length + rejected.length);
    assert.equal(c.read, c.written + c.failed + c.skipped);
    assert.equal(capture.reports.length, c.failed);
    const written = capture.records.map((r) => r.eventID);
    const events = model.records.filter((r) => r.eventId !== undefined).map((r) => r.eventId);
    assert.deepEqual(written, events);
  }), params(300));
});
