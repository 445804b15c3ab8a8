// LineFramer: however the input is cut into chunks, the same records and
// rejects come out, with the same line numbers, as from one whole chunk;
// and the whole-chunk result matches a plain split on '\n'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { INCOMPLETE_MESSAGE, LineFramer } from '../src/pipeline/lines.js';

const MAX = 12;

function frame(chunks: Buffer[]): string[] {
  const out: string[] = [];
  const framer = new LineFramer({
    record: (text, line) => out.push(`record ${line} ${text}`),
    reject: (_message, raw, line, length) => out.push(`reject ${line} ${raw.slice(0, 20)} ${length ?? ''}`),
  }, MAX);
  for (const c of chunks) framer.push(c);
  framer.end();
  return out;
}

/** What framing means, written the slow and obvious way. */
function reference(text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length > MAX) out.push(`reject ${i + 1} ${line.slice(0, 20)} ${line.length}`);
    else if (line.trim().length > 0) out.push(`record ${i + 1} ${line}`);
  });
  return out;
}

const lineText = fc.oneof(
  fc.stringMatching(/^[a-z ]{0,8}$/),
  fc.stringMatching(/^[a-z]{10,30}$/), // some over MAX
  fc.constantFrom('', ' ', '\t', 'é日😀'),
);

test('lines: any chunking frames like one chunk, and like split on newlines (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(lineText, fc.boolean()), { maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 8 }), (lines, sizes) => {
      const text = lines.map(([l, crlf]) => l + (crlf ? '\r\n' : '\n')).join('');
      const bytes = Buffer.from(text);
      const chunks: Buffer[] = [];
      for (let at = 0, i = 0; at < bytes.length; i++) {
        const size = sizes.length > 0 ? sizes[i % sizes.length]! : bytes.length;
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      const whole = frame([bytes]);
      assert.deepEqual(frame(chunks), whole);
      assert.deepEqual(whole, reference(text.endsWith('\n') ? text.slice(0, -1) : text));
    }),
    { numRuns: 3000 },
  );
});

// ---- lone `\r` line ends (issue 13, item 7) --------------------------------------

/** The framer's output for `text` pushed in chunks of `size` bytes (0: one chunk). */
function frameIn(text: string | Buffer, size: number, max = MAX, cutShort = false): string[] {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const out: string[] = [];
  const framer = new LineFramer({
    record: (t, line) => out.push(`record ${line} ${t}`),
    reject: (message, raw, line, length) => out.push(`reject ${line} ${raw} ${length ?? ''} ${message.slice(0, 12)}`),
  }, max);
  const step = size > 0 ? size : Math.max(bytes.length, 1);
  for (let at = 0; at < bytes.length; at += step) framer.push(bytes.subarray(at, at + step));
  framer.end(cutShort);
  return out;
}

/** Asserts the same output whole and in 1-, 2- and 3-byte chunks, and returns it. */
function frameAllWays(text: string, max = MAX): string[] {
  const whole = frameIn(text, 0, max);
  for (const size of [1, 2, 3]) assert.deepEqual(frameIn(text, size, max), whole, `${size}-byte chunks of ${JSON.stringify(text)}`);
  return whole;
}

test('lines: a lone \\r ends a line, like \\n and \\r\\n (1-, 2-, 3-byte chunks)', () => {
  assert.deepEqual(frameAllWays('a\rb\rc\r'), ['record 1 a', 'record 2 b', 'record 3 c']);
  assert.deepEqual(frameAllWays('a\rb\rc'), ['record 1 a', 'record 2 b', 'record 3 c']);
  assert.deepEqual(frameAllWays('a\nb\r\nc\rd'), ['record 1 a', 'record 2 b', 'record 3 c', 'record 4 d']);
});

test('lines: \\r\\n is one line end, \\n\\r is two, \\r\\r is two (blank lines count, are skipped)', () => {
  assert.deepEqual(frameAllWays('a\r\nb'), ['record 1 a', 'record 2 b']);
  assert.deepEqual(frameAllWays('a\n\rb'), ['record 1 a', 'record 3 b']);
  assert.deepEqual(frameAllWays('a\r\rb'), ['record 1 a', 'record 3 b']);
  assert.deepEqual(frameAllWays('a\r\n\r\nb\r\r\n c \r'), ['record 1 a', 'record 3 b', 'record 5  c ']);
  assert.deepEqual(frameAllWays('\r\n\r \r\t\n'), []);
});

test('lines: a \\r at the end of one chunk and \\n at the start of the next are one CRLF', () => {
  // Cut exactly between the two characters, whatever comes after.
  for (const [text, expected] of [
    ['ab\r\ncd', ['record 1 ab', 'record 2 cd']],
    ['ab\r\n\ncd', ['record 1 ab', 'record 3 cd']],
    ['ab\r\rcd', ['record 1 ab', 'record 3 cd']],
    ['ab\rcd', ['record 1 ab', 'record 2 cd']],
  ] as const) {
    const bytes = Buffer.from(text);
    const out: string[] = [];
    const framer = new LineFramer({ record: (t, l) => out.push(`record ${l} ${t}`), reject: () => out.push('reject') }, MAX);
    framer.push(bytes.subarray(0, 3));
    framer.push(bytes.subarray(3, 3)); // an empty chunk between does not lose the pending half CRLF
    framer.push(bytes.subarray(3));
    framer.end();
    assert.deepEqual(out, expected, JSON.stringify(text));
  }
});

test('lines: a \\r ends an over-long line, and the lines after it keep their numbers', () => {
  const long = 'x'.repeat(MAX + 5);
  assert.deepEqual(frameAllWays(`a\r${long}\rb\r\n${long}\r\nc\r${long}`), [
    'record 1 a', `reject 2 ${long} ${MAX + 5} line is 17 b`, 'record 3 b', `reject 4 ${long} ${MAX + 5} line is 17 b`, 'record 5 c',
    `reject 6 ${long} ${MAX + 5} line is 17 b`,
  ]);
  // Exactly at the limit: a record, whichever ending follows.
  const fits = 'y'.repeat(MAX);
  assert.deepEqual(frameAllWays(`${fits}\r${fits}\r\n${fits}`), [`record 1 ${fits}`, `record 2 ${fits}`, `record 3 ${fits}`]);
});

test('lines: a \\r-ended file with multi-byte characters split across chunks', () => {
  assert.deepEqual(frameAllWays('é\r日\r\n😀\rz'), ['record 1 é', 'record 2 日', 'record 3 😀', 'record 4 z']);
});

test('lines: after a read fault the last line, however it ends, is incomplete only when unterminated', () => {
  assert.deepEqual(frameIn('a\rb', 1, MAX, true), ['record 1 a', `reject 2 b  ${INCOMPLETE_MESSAGE.slice(0, 12)}`]);
  assert.deepEqual(frameIn('a\rb\r', 1, MAX, true), ['record 1 a', 'record 2 b']);
});
