// releaseHeap (src/pipeline/heap_release.ts): the full collection the
// Parquet reader asks for once a row group is done. It must really collect
// (the CLI runs without --expose-gc: the flag is switched on at run time),
// and only when the heap has grown enough to be worth it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapStatistics } from 'node:v8';
import { GROWTH_BYTES, releaseHeap } from '../src/pipeline/heap_release.js';

const used = (): number => getHeapStatistics().used_heap_size;

/** About `bytes` of short strings held in arrays (a decoded column's shape), then dropped. */
function makeGarbage(bytes: number): number {
  let held: string[][] | undefined = [];
  for (let total = 0; total < bytes; total += 1024 * 40) {
    held.push(Array.from({ length: 1024 }, (_, i) => `10.0.${total % 251}.${i}-${total}`));
  }
  const count = held.length;
  held = undefined;
  return count;
}

test('releaseHeap collects the garbage of a decoded row group, without --expose-gc', () => {
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'the test runs as the CLI does, without --expose-gc');
  releaseHeap(); // a first call sets the baseline
  makeGarbage(2 * GROWTH_BYTES);
  const before = used();
  assert.ok(before > GROWTH_BYTES, `garbage made: ${before} bytes in use`);
  releaseHeap();
  const after = used();
  assert.ok(before - after > GROWTH_BYTES / 2, `collected: ${before} → ${after} bytes`);
});

test('releaseHeap does nothing when the heap has not grown by GROWTH_BYTES', () => {
  releaseHeap();
  const baseline = used();
  // Small garbage: not worth a full collection; the heap keeps it until V8's own time.
  makeGarbage(GROWTH_BYTES / 8);
  const before = used();
  assert.ok(before > baseline, 'some garbage in the heap');
  releaseHeap();
  assert.ok(used() >= before - (1 << 20), 'nothing collected for a small growth');
});
