// A line's UTF-16 code units in a reusable typed array, for parsers that test
// most characters of every line (shape checks). Reading `codes[i]` is several
// times cheaper than `line.charCodeAt(i)` on the sliced strings a framer
// hands out (measured on S3 access lines: about 1 ns against 4.5 ns a
// character), and one native copy per line (`Buffer#write`, UTF-16) costs about
// as much as checking 20 characters. Positions are the string's own, so
// values are still sliced from the string.
import type { CharSet } from './shapes.js';

const INITIAL_UNITS = 4096;

type Ucs2Write = (this: Buffer, s: string, offset: number) => number;
/**
 * Buffer's own UTF-16 writer, which `buf.write(s, 0, 'utf16le')` calls after
 * checking its arguments; called directly when this Node has it.
 */
const ucs2Write = (Buffer.prototype as unknown as { ucs2Write?: Ucs2Write }).ucs2Write;

export class CodeUnits {
  private buffer = Buffer.alloc(2 * INITIAL_UNITS);
  private view = new Uint16Array(this.buffer.buffer, this.buffer.byteOffset, INITIAL_UNITS);

  /**
   * Copies `s` and returns its code units: `codes[i] === s.charCodeAt(i)`
   * for i < s.length, and `codes[s.length] === 0` (a sentinel, so a check of
   * the character after the last stops there). The array is reused: it is
   * valid until the next call, and entries past the sentinel are stale. The
   * buffer grows to the longest string seen (two bytes a character).
   */
  load(s: string): Uint16Array {
    if (s.length + 1 > this.view.length) {
      const units = Math.max(s.length + 1, 2 * this.view.length);
      this.buffer = Buffer.alloc(2 * units);
      this.view = new Uint16Array(this.buffer.buffer, this.buffer.byteOffset, units);
    }
    if (ucs2Write !== undefined) ucs2Write.call(this.buffer, s, 0);
    else this.buffer.write(s, 0, 'utf16le');
    this.view[s.length] = 0;
    return this.view;
  }
}

/**
 * `runEnd` over code units: the first index in [start, end) whose unit is
 * not in `set`, or `end`.
 */
export function runEndInCodes(set: CharSet, codes: Uint16Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const c = codes[i]!;
    if (c > 127 || set[c] === 0) break;
    i++;
  }
  return i;
}
