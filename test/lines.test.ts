// LineFramer: however the input is cut into chunks, the same records and
// rejects come out, with the same line numbers, as from one whole chunk;
// and the whole-chunk result matches a plain split on '\n'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineFramer } from '../src/pipeline/lines.js';

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
