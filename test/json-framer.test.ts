// The JSON framer: record bounds and lines for every input shape, the same
// at any chunk size (1, 3 and 7 bytes cut through strings, escapes and
// multi-byte UTF-8), bad input rejected with its line, bounded memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonFramer, type JsonFramerOptions } from '../src/pipeline/json.js';
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

test('every wrapper key; wrapper keys after other keys; the rest of the wrapper is skipped', () => {
  for (const key of ['Records', 'Events', 'Findings', 'findings']) {
    assert.deepEqual(records(frameAll(`{"${key}":[{"a":1},{"a":2}]}`)), [['{"a":1}', 1], ['{"a":2}', 1]], key);
  }
  const input = '{"NextToken":"abc","Events":[{"a":1}],"More":{"Records":[{"no":1}]}}\n{"z":1}';
  assert.deepEqual(records(frameAll(input)), [['{"a":1}', 1], ['{"z":1}', 2]]);
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
  assert.deepEqual(records(out), [['{"a":1}', 1], ['{"b":2}', 2], ['{"c":3}', 4], ['{"d":4}', 8]]);
  assert.deepEqual(rejects(out).map((r) => [r[1], r[3]]), [
    ['malformed JSON: the object holding the "Records" array is not closed before line 2 (cut short?)', 1],
    ['incomplete JSON: the input ended before the object holding the "Records" array was closed', 9],
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
  assert.ok(maxBuffered <= element.length, `held at most one element (${maxBuffered} chars)`);
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
