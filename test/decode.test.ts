// ChunkDecoder takes a shortcut for ASCII chunks; whatever the chunking, its
// text must be exactly what StringDecoder alone makes of the same chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StringDecoder } from 'node:string_decoder';
import fc from 'fast-check';
import { ChunkDecoder } from '../src/pipeline/decode.js';

function decodeAll(decoder: { write(b: Buffer): string; end(): string }, chunks: Buffer[]): string {
  return chunks.map((c) => decoder.write(c)).join('') + decoder.end();
}

/** Mostly ASCII bytes, with UTF-8 sequences (whole, cut or invalid) now and then. */
const bytes = fc.array(
  fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 0x7f }).map((b) => [b]) },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom([0xc3, 0xa9], [0xe6, 0x97, 0xa5], [0xf0, 0x9f, 0x98, 0x80], [0xe6, 0x97], [0x80], [0xff], [0xef, 0xbb, 0xbf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0xaf]), fc.array(fc.integer({ min: 0x80, max: 0xff }), { minLength: 1, maxLength: 4 })) },
  ),
  { maxLength: 80 },
).map((parts) => Buffer.from(parts.flat()));

test('decode: any chunking of any bytes decodes as StringDecoder does (property)', () => {
  fc.assert(
    fc.property(bytes, fc.array(fc.nat(80), { maxLength: 6 }), (whole, cuts) => {
      const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
      const chunks: Buffer[] = [];
      let from = 0;
      for (const p of [...points, whole.length]) {
        chunks.push(whole.subarray(from, p));
        from = p;
      }
      assert.equal(decodeAll(new ChunkDecoder(), chunks), decodeAll(new StringDecoder('utf8'), chunks));
    }),
    { numRuns: Number(process.env.NUM_RUNS ?? 3000) },
  );
});

test('decode: a character split across chunks after an ASCII chunk', () => {
  const chunks = [Buffer.from('abc'), Buffer.from([0x64, 0xc3]), Buffer.from([0xa9, 0x65]), Buffer.from('fg')];
  assert.equal(decodeAll(new ChunkDecoder(), chunks), 'abcdéefg');
  assert.equal(decodeAll(new ChunkDecoder(), [Buffer.from([0x61, 0xe6, 0x97])]), 'a\ufffd');
});
