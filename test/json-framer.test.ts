// The JSON framer: record bounds and lines for every input shape, the same
// at any chunk size (1, 3 and 7 bytes cut through strings, escapes and
// multi-byte UTF-8), bad input rejected with its line, bounded memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOLD_CHARS, JsonFramer, type JsonFramerOptions } from '../src/pipeline/json.js';
import { INCOMPLETE_MESSAGE } from '../src/pipeline/lines.js';

type Out = ['record', string, number] | ['reject', string, string, number];

function frame(input: string | Buffer, chunkSize = 0, options: JsonFramerOptions = {}, cutShort = false): Out[] {
  const out: Out[] = [];
  const framer = new JsonFramer({
    record: (text, line) => { out.push(['record', text, line]); },
    reject: (message, raw, line) => { out.push(['reject', message, raw, line]); },
  }, options);
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (chunkSize <= 0) framer.push(buf);
  else for (let i = 0; i < buf.length; i += chunkSize) framer.push(buf.subarray(i, i + chunkSize));
  framer.end(cutShort);
  return out;
}

/** Frames at several chunk sizes and checks they all agree; returns the result. */
function frameAll(input: string, options: JsonFramerOptions = {}): Out[] {
  const whole = frame(input, 0, options);
  for (const size of [1, 2, 3, 7, 64]) {
    assert.deepEqual(frame(input, size, options), whole, `chunk size ${size} gives the same result`);
  }
  return whole;
}

const records = (out: Out[]) => out.filter((o) => o[0] === 'record').map((o) => [o[1], o[2]]);
const rejects = (out: Out[]) => out.filter((o) => o[0] === 'reject');

test('NDJSON: one record per line, with its line number', () => {
  const out = frameAll('{"a":1}\n{"b":2}\r\n\n  {"c":3}\n');
  assert.deepEqual(out, [
    ['record', '{"a":1}', 1],
    ['record', '{"b":2}', 2],
    ['record', '{"c":3}', 4],
  ]);
});

test('documents without separators, and a last line without newline', () => {
  assert.deepEqual(records(frameAll('{"a":1}{"b":2} {"c":3}')), [['{"a":1}', 1], ['{"b":2}', 1], ['{"c":3}', 1]]);
});

test('pretty-printed documents in a row', () => {
  const doc1 = '{\n  "a": {\n    "b": [1, 2]\n  }\n}';
  const doc2 = '{\n  "c": "}"\n}';
  assert.deepEqual(records(frameAll(`${doc1}\n${doc2}\n`)), [[doc1, 1], [doc2, 6]]);
});

test('strings with brackets, escaped quotes, backslashes and multi-byte UTF-8', () => {
  const docs = [
    '{"s":"a}b]c{d[e"}',
    '{"s":"quote \\" inside","t":"\\\\"}',
    '{"s":"ends with backslash \\\\\\\\","u":"\\u00e9\\"\\\\"}',
    '{"s":"日本語 é 😀 \\ud83d\\ude00","k😀":["😀",{"x":"}"}]}',
    '{"s":"\\\\\\""}',
  ];
  const out = frameAll(docs.join('\n'));
  assert.deepEqual(records(out), docs.map((d, i) => [d, i + 1]));
  for (const [text] of records(out)) JSON.parse(text as string);
});

test('UTF-8 BOM at the start is ignored', () => {
  assert.deepEqual(records(frameAll('\ufeff{"a":1}\n')), [['{"a":1}', 1]]);
});

test('empty and blank input give nothing', () => {
  assert.deepEqual(frameAll(''), []);
  assert.deepEqual(frameAll(' \n\r\n\t\n'), []);
});

test('{"Records":[…]} on one line: each element is a record', () => {
  const input = '{"Records":[{"eventID":"1","x":{"y":[1,2]}},{"eventID":"2","s":"]}"} , {"eventID":"3"}]}\n{"eventID":"4"}\n';
  assert.deepEqual(records(frameAll(input)), [
    ['{"eventID":"1","x":{"y":[1,2]}}', 1],
    ['{"eventID":"2","s":"]}"}', 1],
    ['{"eventID":"3"}', 1],
    ['{"eventID":"4"}', 2],
  ]);
});

test('pretty-printed wrapper: each element with its own starting line', () => {
  const input = [
    '{',
    '  "Records": [',
    '    {',
    '      "eventID": "1"',
    '    },',
    '    {',
    '      "eventID": "2",',
    '      "nested": {"a": [',
    '        {"b": 1}',
    '      ]}',
    '    }',
    '  ]',
    '}',
    '',
  ].join('\n');
  const out = frameAll(input);
  assert.deepEqual(out.map((o) => o[0] === 'record' ? o[2] : -1), [3, 6]);
  assert.deepEqual(JSON.parse((out[1] as string[])[1]!), { eventID: '2', nested: { a: [{ b: 1 }] } });
});

test('every wrapper key; wrapper keys after sibling keys; sibling keys after the array are skipped', () => {
  for (const key of ['Records', 'Events', 'Findings', 'findings']) {
    assert.deepEqual(records(frameAll(`{"${key}":[{"a":1},{"a":2}]}`)), [['{"a":1}', 1], ['{"a":2}', 1]], key);
  }
  const input = '{"NextToken":"abc","Events":[{"a":1}],"ResponseMetadata":{"Records":[{"no":1}]}}\n{"z":1}';
  assert.deepEqual(frameAll(input), [['record', '{"a":1}', 1], ['record', '{"z":1}', 2]]);
  // Issue 13: any other key after the array was skipped with the tail; now (the array held, below
  // HOLD_CHARS) the object is one record, as an event whose keys sort before its own (see the tests below).
  const other = frameAll('{"NextToken":"abc","Events":[{"a":1}],"More":{"Records":[{"no":1}]}}\n{"z":1}');
  assert.deepEqual(other, [['record', '{"NextToken":"abc","Events":[{"a":1}],"More":{"Records":[{"no":1}]}}', 1], ['record', '{"z":1}', 2]]);
});

test('not wrappers: other keys, nested wrapper keys, wrapper keys holding no array, values named Records', () => {
  const docs = [
    '{"records":[{"a":1}]}',
    '{"detail":{"Records":[{"a":1}]}}',
    '{"Records":null}',
    '{"Records":{"a":[1]}}',
    '{"x":"Records","y":[1]}',
    '{"Record":[1],"Recordss":[2]}',
  ];
  assert.deepEqual(records(frameAll(docs.join('\n'))), docs.map((d, i) => [d, i + 1]));
});

test('empty wrapper gives no record', () => {
  assert.deepEqual(frameAll('{"Records":[]}\n{"Records": [ ]}'), []);
});

test('a top-level array is streamed like a wrapper; scalar elements are records too', () => {
  assert.deepEqual(records(frameAll('[{"a":1},\n {"b":[2]}]\n[1, "x", true, null,-2.5e3]')), [
    ['{"a":1}', 1], ['{"b":[2]}', 2], ['1', 3], ['"x"', 3], ['true', 3], ['null', 3], ['-2.5e3', 3],
  ]);
});

test('garbage between documents: rejected with its line, then the next document line', () => {
  const input = '{"a":1}\nthis is not json\nnor this { "x"\n{"b":2}\n';
  const out = frameAll(input);
  assert.deepEqual(records(out), [['{"a":1}', 1], ['{"b":2}', 4]]);
  const r = rejects(out);
  assert.equal(r.length, 1);
  assert.match(r[0]![1], /^not JSON: expected "\{" or "\[" to start a document, found "this is not json"$/);
  assert.equal(r[0]![2], 'this is not json\nnor this { "x"');
  assert.equal(r[0]![3], 2);
});

test('garbage at the start and trailing garbage at the end', () => {
  const out = frameAll('2024-05-01 hello\n{"a":1} trailing\n');
  assert.deepEqual(rejects(out).map((r) => [r[2], r[3]]), [['2024-05-01 hello', 1], ['trailing', 2]]);
  assert.deepEqual(records(out), [['{"a":1}', 2]]);
});

test('a cut NDJSON line (inside a string) is rejected; the next lines are records', () => {
  const out = frameAll('{"a":"one"}\n{"a":"tw\n{"a":"three"}\n');
  assert.deepEqual(records(out), [['{"a":"one"}', 1], ['{"a":"three"}', 3]]);
  const r = rejects(out);
  assert.equal(r.length, 1);
  assert.equal(r[0]![1], 'malformed JSON: line 2 ends inside a string (the record is cut short or not JSON)');
  assert.deepEqual([r[0]![2], r[0]![3]], ['{"a":"tw', 2]);
});

test('a cut NDJSON line (between values) is rejected; the next lines are records', () => {
  const out = frameAll('{"a":{"b":1},\n{"a":"two"}\n{"a":[1,\n{"a":"four"}\n');
  assert.deepEqual(records(out), [['{"a":"two"}', 2], ['{"a":"four"}', 4]]);
  assert.deepEqual(rejects(out).map((r) => [r[2], r[3]]), [['{"a":{"b":1},', 1], ['{"a":[1,', 3]]);
  assert.match(rejects(out)[0]![1], /record on line 1 is not closed at the end of the line/);
});

test('a cut NDJSON line followed by blank lines or more broken lines is rejected; the next record is not swallowed (found by the property tests)', () => {
  const out = frameAll('{"a":{"b":1},\n\n \r\n\t\n{"a":"two"}\n{"a":[1,\r\n\r\n{"a":"four"}\n');
  assert.deepEqual(records(out), [['{"a":"two"}', 5], ['{"a":"four"}', 8]]);
  assert.deepEqual(rejects(out).map((r) => [r[2], r[3]]), [['{"a":{"b":1},', 1], ['{"a":[1,', 6]]);
  // Nor by a broken line that follows it (found by the fuzz run).
  const two = frameAll('{"a":1,{"b":2}\n"c":3,{"d":4}\n{"a":"three"}\n');
  assert.deepEqual(records(two), [['{"a":"three"}', 3]]);
  assert.deepEqual(rejects(two).map((r) => [r[2], r[3]]), [['{"a":1,{"b":2}\n"c":3,{"d":4}', 1]]);
});

test('a wrapper object not closed after its array: reported, and the documents after it are not skipped as its tail', () => {
  const out = frameAll('{"Records":[{"a":1}],"NextToken":{"x":1}\n{"b":2}\n{"Findings":[\n{"c":3}\n],\n"more": {"y": [1]}\n}\n{"d":4}\n{"Records":[]\n');
  // Issue 13: a key other than NextToken & co. after the array ("more") was skipped silently; the
  // object is one record now (its elements held; the white space between them left out).
  assert.deepEqual(records(out), [['{"a":1}', 1], ['{"b":2}', 2], ['{"Findings":[\n{"c":3}],\n"more": {"y": [1]}\n}', 3], ['{"d":4}', 8]]);
  assert.deepEqual(rejects(out).map((r) => [r[1], r[2], r[3]]), [
    ['malformed JSON: the object holding the "Records" array is not closed before line 2 (cut short?)', '],"NextToken":{"x":1}', 1],
    ['incomplete JSON: the input ended before the object holding the "Records" array was closed', '{"Records":[]', 9],
  ]);
  const cutInString = frameAll('{"Records":[{"a":1}],"NextToken":"abc\n{"b":2}\n');
  assert.deepEqual(records(cutInString), [['{"a":1}', 1], ['{"b":2}', 2]]);
  assert.deepEqual(rejects(cutInString).map((r) => [r[1], r[3]]), [['malformed JSON: the object holding the "Records" array is cut short (line 1 ends inside a string)', 1]]);
});

test('a cut element inside a pretty-printed wrapper: rejected, streaming goes on', () => {
  const input = '{"Records":[\n{"eventID":"1"},\n{"eventID":"2\n{"eventID":"3"},\n{"eventID":"4"}\n]}\n{"after":1}\n';
  const out = frameAll(input);
  assert.deepEqual(records(out), [['{"eventID":"1"}', 2], ['{"eventID":"3"}', 4], ['{"eventID":"4"}', 5], ['{"after":1}', 7]]);
  assert.deepEqual(rejects(out).map((r) => [r[2], r[3]]), [['{"eventID":"2', 3]]);
});

test('garbage between wrapper elements is rejected, then the next element line', () => {
  const out = frameAll('{"Records":[\n{"a":1} oops\n{"a":2}\n]}\n');
  assert.deepEqual(records(out), [['{"a":1}', 2], ['{"a":2}', 3]]);
  assert.deepEqual(rejects(out).map((r) => [r[2], r[3]]), [['oops', 2]]);
  assert.match(rejects(out)[0]![1], /expected "," or "\]" between the elements of the "Records" array, found "oops"/);
});

test('input ending inside a record, or inside a wrapper', () => {
  assert.deepEqual(frameAll('{"a":1}\n{"b":{"c":2}'), [['record', '{"a":1}', 1], ['reject', INCOMPLETE_MESSAGE, '{"b":{"c":2}', 2]]);
  assert.deepEqual(frameAll('{"Records":[{"a":1},{"b":'), [['record', '{"a":1}', 1], ['reject', INCOMPLETE_MESSAGE, '{"b":', 1]]);
  const out = frameAll('{"Records":[{"a":1}');
  assert.deepEqual(out[0], ['record', '{"a":1}', 1]);
  assert.deepEqual(out[1], ['reject', 'incomplete JSON: the input ended before the "Records" array was closed', '{"Records":[', 1]);
  assert.equal(out.length, 2);
  assert.equal(frameAll('{"Records":[{"a":1}]').length, 2, 'the wrapper object is not closed');
  // After a read fault the pipeline reports the input itself: no extra report for the wrapper.
  assert.deepEqual(frame('{"Records":[{"a":1},', 0, {}, true), [['record', '{"a":1}', 1]]);
});

test('nesting deeper than the limit is one error, and the next record is fine', () => {
  const deep = '['.repeat(600) + ']'.repeat(600);
  const out = frameAll(`{"a":${deep}}\n{"b":1}\n`);
  assert.equal(out.length, 2);
  assert.equal(out[0]![0], 'reject');
  assert.match(out[0]![1], /nested deeper than 512 levels/);
  assert.deepEqual(out[1], ['record', '{"b":1}', 2]);
  assert.equal(frame(`{"a":${'['.repeat(511)}${']'.repeat(511)}}`)[0]![0], 'record', '512 levels are fine');
});

test('a 200,000-level nested array: an error report, no crash, no recursion', () => {
  const n = 200_000;
  const input = '['.repeat(n) + ']'.repeat(n) + '\n{"Records":[' + '['.repeat(n) + ']'.repeat(n) + ',{"ok":1}]}\n' + '{"x":' + '{"y":'.repeat(n);
  const out = frame(input, 65536);
  assert.equal(out.length, 4);
  // top-level array: streamed, its one element is the 199,999-level array
  assert.equal(out[0]![0], 'reject');
  assert.match(out[0]![1], /nested deeper than 512 levels/);
  assert.equal(out[0]![3], 1);
  assert.equal(out[1]![0], 'reject');
  assert.deepEqual(out[2], ['record', '{"ok":1}', 2]);
  assert.deepEqual([out[3]![0], out[3]![1], out[3]![3]], ['reject', INCOMPLETE_MESSAGE, 3]);
});

test('a record over the size limit is rejected with its start; the next one is fine', () => {
  const big = `{"a":"${'x'.repeat(5000)}"}`;
  const out = frameAll(`{"Records":[${big},{"b":1}]}\n{"c":2}`, { maxRecordChars: 1000 });
  assert.equal(out.length, 3);
  assert.equal(out[0]![0], 'reject');
  assert.equal(out[0]![1], 'JSON record is 5008 characters long, over the limit of 1000; raw holds its start');
  assert.ok((out[0]![2] as string).startsWith('{"a":"xxx'));
  assert.deepEqual(out.slice(1), [['record', '{"b":1}', 1], ['record', '{"c":2}', 2]]);
});

test('CRLF pretty-printed input keeps line numbers', () => {
  const input = '{\r\n  "Findings": [\r\n    {\r\n      "id": "a"\r\n    },\r\n    {"id": "b"}\r\n  ]\r\n}\r\n';
  assert.deepEqual(frameAll(input).map((o) => o[0] === 'record' ? o[2] : -1), [3, 6]);
});

test('a one-line wrapper streams with bounded memory', () => {
  const element = JSON.stringify({ eventVersion: '1.08', eventID: 'x'.repeat(36), requestParameters: { a: '}]"\\'.repeat(50) } });
  const count = 20_000; // ~10 MB on one line
  const framer = new JsonFramer({
    record: (text) => { seen++; assert.equal(text, element); },
    reject: (message) => { throw new Error(message); },
  });
  let seen = 0;
  let maxBuffered = 0;
  const chunk = 65536;
  let pending = '{"Records":[';
  for (let i = 0; i < count; i++) {
    pending += (i > 0 ? ',' : '') + element;
    while (pending.length >= chunk) {
      framer.push(Buffer.from(pending.slice(0, chunk)));
      pending = pending.slice(chunk);
      maxBuffered = Math.max(maxBuffered, framer.bufferedChars);
    }
  }
  framer.push(Buffer.from(pending + ']}'));
  framer.end();
  assert.equal(seen, count);
  // Issue 13: the first HOLD_CHARS of an object's array are held (an event with sorted keys may follow), then streamed.
  assert.ok(maxBuffered <= HOLD_CHARS + 2 * element.length, `held at most HOLD_CHARS and one element (${maxBuffered} chars)`);
  assert.ok(maxBuffered >= HOLD_CHARS - chunk, `the bound is reached (seen between chunks) (${maxBuffered} chars)`);
});

/** A small deterministic PRNG so a failing case can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY = ['{', '}', '[', ']', '"', '\\', ',', ':', 'é', '日', '😀', '\u2028', '\t', 'a', ' ', 'Records', '\u0001'];

function randomValue(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 4 ? 4 : 7));
  switch (k) {
    case 0: return Math.floor(r() * 1e6) / 100;
    case 1: return r() < 0.5;
    case 2: return null;
    case 3: {
      let s = '';
      const len = Math.floor(r() * 12);
      for (let i = 0; i < len; i++) s += NASTY[Math.floor(r() * NASTY.length)];
      return s;
    }
    case 4: case 5: {
      const o: Record<string, unknown> = {};
      const len = Math.floor(r() * 4);
      for (let i = 0; i < len; i++) o[String(randomValue(r, 5)) + i] = randomValue(r, depth + 1);
      return o;
    }
    default: {
      const len = Math.floor(r() * 4);
      return Array.from({ length: len }, () => randomValue(r, depth + 1));
    }
  }
}

test('random documents survive any chunking in NDJSON, pretty-printed and wrapper form', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const r = rng(seed);
    const docs = Array.from({ length: 5 }, (_, i) => ({ i, v: randomValue(r, 0) }));
    const inputs = [
      docs.map((d) => JSON.stringify(d)).join('\n'),
      docs.map((d) => JSON.stringify(d, null, 2)).join('\n'),
      JSON.stringify({ Records: docs }),
      JSON.stringify({ Findings: docs }, null, 4),
      JSON.stringify(docs, null, 1),
    ];
    for (const input of inputs) {
      const size = 1 + Math.floor(r() * 9);
      const out = frame(input, size);
      assert.deepEqual(out.map((o) => o[0] === 'record' ? JSON.parse(o[1]) : o), docs, `seed ${seed}, chunk size ${size}`);
    }
  }
});

test('random bytes never throw, and every output is a record or a reject with a line', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const r = rng(seed);
    const bytes = Buffer.alloc(2000);
    const alphabet = Buffer.from('{}[]",:\\\n\r abc1é{"Records":[');
    for (let i = 0; i < bytes.length; i++) bytes[i] = r() < 0.9 ? alphabet[Math.floor(r() * alphabet.length)]! : Math.floor(r() * 256);
    for (const size of [1, 7, 2000]) {
      for (const o of frame(bytes, size)) {
        assert.ok(o[0] === 'record' || o[0] === 'reject');
        assert.ok(Number.isInteger(o[o.length - 1]) && (o[o.length - 1] as number) >= 1);
      }
    }
  }
});

// ---- issue 13: an event is never mistaken for a wrapper ---------------------

const WRAPPER_KEY_NAMES = ['Records', 'Events', 'Findings', 'findings'];

/** Printed as jq (2), Python (4), with tabs, on one line, or flush left (json.dumps(indent=0)). */
const LAYOUTS: Array<[string, (v: unknown) => string]> = [
  ['compact', (v) => JSON.stringify(v)],
  ['indent 2', (v) => JSON.stringify(v, null, 2)],
  ['indent 4', (v) => JSON.stringify(v, null, 4)],
  ['tabs', (v) => JSON.stringify(v, null, '\t')],
  ['flush', (v) => JSON.stringify(v, null, 1).replace(/^ +/gm, '')],
];

function event(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { eventVersion: '1.08', eventID: '11111111-2222-3333-4444-555555555555', requestParameters: { name: 'a{b"c', list: [{ x: 1 }, [2, 3]] }, ...extra };
}

test('an event that carries a wrapper key is one record, wherever the key is and however it is printed', () => {
  for (const key of WRAPPER_KEY_NAMES) {
    for (const value of [[], [{ a: 1 }], [event()]]) {
      const docs = [
        { ...event(), [key]: value }, // last
        { eventVersion: '1.08', [key]: value, eventID: 'x' }, // in the middle
        { NextToken: 't', eventVersion: '1.08', [key]: value }, // after a sibling key and an event key
        { schemaVersion: '2.0', detail: { [key]: value } }, // nested
      ];
      for (const [layout, print] of LAYOUTS) {
        const texts = docs.map(print);
        const input = texts.join('\n') + '\n';
        const lines = startLines(texts);
        assert.deepEqual(frameAll(input), texts.map((t, i) => ['record', t, lines[i]]), `${key} ${JSON.stringify(value)} ${layout}`);
      }
    }
  }
});

test('a first wrapper key holding an empty array, then an event\'s keys: the whole document is one record', () => {
  for (const key of WRAPPER_KEY_NAMES) {
    for (const [layout, print] of LAYOUTS) {
      for (const doc of [{ [key]: [], ...event() }, { NextToken: 'abc', [key]: [], eventVersion: '1.08' }, { [key]: [], [`${key}`.toUpperCase()]: 1 }]) {
        const text = print(doc);
        assert.deepEqual(frameAll(`${text}\n{"next":1}\n`), [['record', text, 1], ['record', '{"next":1}', text.split('\n').length + 1]], `${key} ${layout} ${text}`);
      }
    }
  }
});

test('wrapper shapes: the wrapper key first, or after NextToken, ResponseMetadata or $metadata (sort_keys order), with those keys after the array', () => {
  const elements = [event(), { a: [1, { b: 2 }] }];
  const shapes = [
    { Records: elements },
    { Events: elements, NextToken: 'eyJ0b2tlbiI6MX0=' }, // aws cloudtrail lookup-events
    { NextToken: 'eyJ0b2tlbiI6MX0=', Events: elements }, // json.dumps(sort_keys=True)
    { Findings: elements }, // aws guardduty get-findings
    { findings: elements, ResponseMetadata: { RequestId: 'r', HTTPHeaders: { Records: '[not json]' }, RetryAttempts: 0 } }, // boto3
    { $metadata: { httpStatusCode: 200, attempts: 1 }, Findings: elements }, // JavaScript SDK v3
    { NextToken: null, ResponseMetadata: { findings: [1] }, findings: elements, nextToken: 'n' },
  ];
  for (const shape of shapes) {
    for (const [layout, print] of LAYOUTS) {
      const text = print(shape);
      const out = frameAll(`${text}\n{"after":1}`);
      assert.deepEqual(out.map((o) => o[0] === 'record' ? JSON.parse(o[1]) : o), [...elements, { after: 1 }], `${layout} ${text}`);
    }
  }
});

test('an empty wrapper, with or without sibling keys, gives nothing', () => {
  for (const [, print] of LAYOUTS) {
    assert.deepEqual(frameAll([{ Events: [], NextToken: 'x' }, { ResponseMetadata: {}, Findings: [] }, { findings: [] }].map(print).join('\n')), []);
  }
});

test('a wrapper array followed by an event\'s keys: within HOLD_CHARS one record (sorted keys); past it the elements are records and the rest one report, never skipped', () => {
  const input = '{"Records":[{"a":1},{"a":2}],"eventVersion":"1.08","eventID":"x"}\n{"b":3}\n';
  assert.deepEqual(frameAll(input), [['record', '{"Records":[{"a":1},{"a":2}],"eventVersion":"1.08","eventID":"x"}', 1], ['record', '{"b":3}', 2]]);
  // Pretty-printed: one record from the document's line, the white space between elements left out.
  const pretty = JSON.stringify({ Findings: [{ a: 1 }, { a: 2 }], NextToken: 'n', schemaVersion: '2.0' }, null, 2);
  const p = frameAll(pretty + '\n{"b":3}');
  assert.equal(p.length, 2);
  assert.deepEqual(JSON.parse((p[0] as string[])[1]!), { Findings: [{ a: 1 }, { a: 2 }], NextToken: 'n', schemaVersion: '2.0' });
  assert.deepEqual([p[0]![0], p[0]![2]], ['record', 1]);
  // Past the bound the array is a wrapper's: its elements are streamed, the rest reported.
  const big = JSON.stringify({ x: 'y'.repeat(4000) });
  const count = Math.ceil(HOLD_CHARS / big.length) + 2;
  const overInput = `{"Records":[${Array(count).fill(big).join(",")}],"eventVersion":"1.08"}\n{"b":3}\n`;
  const over = frame(overInput, 65536);
  assert.deepEqual(frame(overInput), over);
  assert.equal(records(over).length, count + 1);
  assert.deepEqual(rejects(over).map((r) => [r[2], r[3]]), [['],"eventVersion":"1.08"}', 1]]);
  assert.match(rejects(over)[0]![1], /the object holding the "Records" array \(line 1\) has other keys after the array: expected only NextToken, nextToken, ResponseMetadata or \$metadata, found "eventVersion"/);
});

test('the same wrapper key twice: never streamed twice, never skipped', () => {
  // Empty first array: the document is one record (JSON.parse keeps the last value).
  assert.deepEqual(frameAll('{"Records":[],"Records":[{"a":1}]}'), [['record', '{"Records":[],"Records":[{"a":1}]}', 1]]);
  // A held first array: the document is one record too.
  assert.deepEqual(frameAll('{"Records":[{"a":1}],"Records":[{"b":2}]}'), [['record', '{"Records":[{"a":1}],"Records":[{"b":2}]}', 1]]);
});

test('keys are compared as written: escaped, longer or split across chunks', () => {
  const docs = [
    '{"Rec\\u006frds":[{"a":1}]}', // JSON.parse reads "Records", the framer does not stream it: one record, for the parser to judge
    '{"Next\\u0054oken":"x","Events":[{"a":1}]}',
    `{"${'k'.repeat(100)}":1,"Records":[{"a":1}]}`,
    '{"Records2":[],"Records":[{"a":1}]}',
  ];
  assert.deepEqual(frameAll(docs.join('\n')), docs.map((d, i) => ['record', d, i + 1]));
  // A long page token before the array: still a wrapper, at every chunking (frameAll).
  assert.deepEqual(frameAll(`{"NextToken":"${'t'.repeat(200)}","Events":[{"a":1}]}`), [['record', '{"a":1}', 1]]);
});

test('a cut wrapper tail: reported with the text after the array, then the next document', () => {
  const out = frameAll('{\n  "Events": [\n    {"a": 1}\n  ],\n  "NextToken": "abc\n{"b":2}\n{"Records":[],"eventVersion":"1.0\n{"c":3}\n');
  assert.deepEqual(records(out), [['{"a": 1}', 3], ['{"b":2}', 6], ['{"c":3}', 8]]);
  assert.deepEqual(rejects(out).map((r) => [r[1], r[2], r[3]]), [
    ['malformed JSON: the object holding the "Events" array is cut short (line 5 ends inside a string)', '],\n  "NextToken": "abc', 4],
    ['malformed JSON: the object holding the "Records" array is cut short (line 7 ends inside a string)', '{"Records":[],"eventVersion":"1.0', 7],
  ]);
});

// ---- issue 13: one bad document does not swallow the good ones after it ----

/** Line numbers where each piece starts when they are joined by "\n". */
function startLines(pieces: readonly string[]): number[] {
  const lines: number[] = [];
  let line = 1;
  for (const p of pieces) {
    lines.push(line);
    line += p.split('\n').length;
  }
  return lines;
}

const CUT_DOC = {
  eventVersion: '1.08',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/alice', sessionContext: { attributes: { mfa: 'false' } } },
  eventTime: '2024-05-01T10:00:01Z',
  requestParameters: { list: [{ a: 1 }, [], [1, 'two', { three: [null] }], {}], quote: 'say "hi" \\ {not a brace}', n: -1.5e3, t: true, f: false },
  resources: [{ ARN: 'arn:aws:s3:::amzn-s3-demo-bucket' }],
  readOnly: false,
};
const GOOD_DOCS = [event(), { eventVersion: '1.09', nested: { a: [{ b: 1 }] } }];

test('a pretty-printed stream whose first document is cut: one report at its line, every later document a record (the fidelity case)', () => {
  const good = GOOD_DOCS.map((d) => JSON.stringify(d, null, 2));
  const cut = JSON.stringify(CUT_DOC, null, 2).split('\n').slice(0, 4).join('\n');
  const pieces = [cut, ...good];
  const out = frameAll(pieces.join('\n') + '\n');
  const lines = startLines(pieces);
  assert.deepEqual(records(out), good.map((g, i) => [g, lines[i + 1]]));
  assert.deepEqual(rejects(out).map((r) => [r[1], r[2], r[3]]), [
    ['malformed JSON: the record starting on line 1 is not closed before line 5, where a new document starts (cut short?)', cut, 1],
  ]);
});

test('a document cut at any point, in any layout but flush left, is one report and the documents after it are records', () => {
  for (const [layout, print] of LAYOUTS.filter(([name]) => name !== 'flush')) {
    const full = print(CUT_DOC);
    for (const eol of ['\n', '\r\n']) {
      for (let at = 1; at < full.length - 1; at++) {
        const cut = full.slice(0, at).replaceAll('\n', eol);
        const good = GOOD_DOCS.map((d) => print(d).replaceAll('\n', eol));
        const input = [cut, ...good].join(eol) + eol;
        const out = frame(input, at % 2 === 0 ? 0 : 1 + (at % 7));
        const what = `${layout}, cut at ${at}: ${JSON.stringify(cut.slice(-20))}`;
        assert.equal(rejects(out).length, 1, what);
        assert.equal(rejects(out)[0]![3], 1, what);
        const lines = startLines([cut, ...good].map((p) => p.replaceAll('\r\n', '\n')));
        assert.deepEqual(records(out), good.map((g, i) => [g, lines[i + 1]]), what);
      }
    }
  }
});

test('flush-left documents (json.dumps(indent=0)): array elements in column 0 are elements; a cut where no value may come is still found', () => {
  const flush = LAYOUTS.find(([name]) => name === 'flush')![1];
  const docs = [CUT_DOC, { list: [{ a: 1 }, { b: [{ c: 2 }, { d: 3 }] }] }, GOOD_DOCS[0]].map(flush);
  assert.match(docs[1]!, /\n\{\n"a": 1/);
  assert.deepEqual(frameAll(docs.join('\n')), docs.map((d, i) => ['record', d, startLines(docs)[i]]));
  // Cut after a key, a value, a "," between keys, a ":" or a "{": found.
  const full = flush(CUT_DOC);
  for (const end of ['"userIdentity"', '"IAMUser",', '"eventTime":', '"attributes": {', '"mfa": "false"', '"quote": "say']) {
    const cut = full.slice(0, full.indexOf(end) + end.length);
    const out = frameAll(`${cut}\n${docs[2]}\n`);
    assert.deepEqual(out.map((o) => o[0]), ['reject', 'record'], end);
    assert.deepEqual(records(out), [[docs[2], cut.split('\n').length + 1]], end);
  }
});

test('a wrapper key cut after its ":" and a top-level array on the next line: a cut, not a wrapper (found by the property test)', () => {
  const out = frameAll('{"Records":\n[]\n{"Events":\n[{"a":1}]\ngarbage');
  assert.deepEqual(out.map((o) => [o[0], o[o.length - 1]]), [['reject', 1], ['reject', 3], ['record', 4], ['reject', 5]]);
  assert.deepEqual(rejects(out).map((r) => r[2]), ['{"Records":', '{"Events":', 'garbage']);
});

test('hand-written JSON with a value on the line after its key, indented: not a cut', () => {
  const doc = '{"a":\n  {"b": 1},\n "c": [\n  {"d": 2}\n ]}';
  assert.deepEqual(frameAll(`${doc}\n{"e":3}`), [['record', doc, 1], ['record', '{"e":3}', 6]]);
});

test('a document cut where a value may come, followed by a document in column 0: a cut when the record cannot have put it there', () => {
  for (const cut of ['{"a":', '{"a": [', '{"a": [1,', '{\n  "a":', '{\n  "a": [', '{\n  "a": [\n    1,', '{\n\t"a": [\n\t\t{"b": 1},']) {
    const out = frameAll(`${cut}\n{"ok":1}\n`);
    assert.deepEqual(out, [['reject', out[0]![1], cut, 1], ['record', '{"ok":1}', cut.split('\n').length + 1]], cut);
  }
});

test('a wrapper cut anywhere is one report; the elements before the cut and the documents after it are records', () => {
  const elements = [event(), { a: [{ b: 1 }] }];
  const good = JSON.stringify(GOOD_DOCS[1]);
  for (const [layout, print] of LAYOUTS.filter(([name]) => name !== 'flush')) {
    for (const shape of [{ Records: elements }, { NextToken: 'x', Events: elements, ResponseMetadata: { a: [1] } }, elements]) {
      const full = print(shape);
      for (let at = 1; at < full.length - 1; at++) {
        const cut = full.slice(0, at);
        // A one-line wrapper cut right after its "[" or a "," between elements: the next document is legally its element.
        // A wrapper cut right after its "[" or a "," may have a document in column 0 after it
        // legally as its next element (see the next test): a plain document is written all the same.
        const out = frame(`${cut}\n${good}\n`, at % 3 === 0 ? 0 : at % 7 + 1);
        const what = `${layout} cut at ${at}: ${JSON.stringify(cut.slice(-30))}`;
        assert.equal(rejects(out).length, 1, `${what}\n${JSON.stringify(out)}`);
        const written = records(out);
        assert.deepEqual(written.at(-1), [good, cut.split('\n').length + 1], what);
        for (const [text] of written.slice(0, -1)) assert.ok(elements.some((e) => JSON.stringify(JSON.parse(text as string)) === JSON.stringify(e)), `${what}: ${text as string}`);
      }
    }
  }
});

test('a one-line wrapper (or a top-level array) cut right after its "[" or a ",": the document in column 0 after it is legally its element', () => {
  // Elements of a wrapper may start in column 0 (`[\n{…},\n{…}\n]`): until one has started a line, nothing says they do not.
  const out = frameAll('{"Records":[{"a":1},\n{"ok":1}\n{"Records":[{"b":2}]}\n[\n{"ok":2}\n');
  assert.deepEqual(records(out), [['{"a":1}', 1], ['{"ok":1}', 2], ['{"b":2}', 3], ['{"ok":2}', 5]]);
  assert.deepEqual(rejects(out).map((r) => [r[1], r[3]]), [
    ['malformed JSON: the "Records" array is not closed before line 3 (cut short?)', 1],
    ['incomplete JSON: the input ended before the top-level array was closed', 4],
  ]);
  // The limit of the rule: a wrapper document there is taken whole, as one element (the parser then reports it).
  assert.deepEqual(records(frameAll('{"Records":[{"a":1},\n{"Records":[{"b":2}]}')), [['{"a":1}', 1], ['{"Records":[{"b":2}]}', 2]]);
  // Indented elements say it: a document in column 0 is no element.
  const pretty = frameAll('{\n  "Records": [\n    {"a": 1},\n{"ok":1}\n[\n  {"b": 2},\n{"ok":2}\n');
  assert.deepEqual(records(pretty), [['{"a": 1}', 3], ['{"ok":1}', 4], ['{"b": 2}', 6], ['{"ok":2}', 7]]);
  assert.equal(rejects(pretty).length, 2);
});

test('garbage after a cut document is in its report; garbage after a good one is a report of its own', () => {
  const out = frameAll('{\n  "a": [\n    1,\nnot json: "x" \\ here\n{"b":1}\nmore garbage\n{"c":2}\n{"d":\nthe end');
  assert.deepEqual(records(out), [['{"b":1}', 5], ['{"c":2}', 7]]);
  assert.deepEqual(rejects(out).map((r) => [r[2], r[3]]), [
    ['{\n  "a": [\n    1,\nnot json: "x" \\ here', 1],
    ['more garbage', 6],
    ['{"d":\nthe end', 8],
  ]);
});
