// What follows the last gzip member: zero padding, plain text (read as
// text) or trailing garbage (a notice), unless it is a damaged member.
import { isUtf8 } from 'node:buffer';
import { MEMBER_START, SMALLEST_MEMBER, type CompressedReader } from './gzip_format.js';
import type { Emitted } from './gzip_inflate.js';

/** How much of what follows the last member is looked at for a line end, to tell text from garbage. */
export const TAIL_PROBE_BYTES = 64 * 1024;
/** How much of it must be text (looksLikeText). */
export const TEXT_WINDOW_BYTES = 1024;

const ZEROS = Buffer.alloc(64 * 1024);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const LINE_END = Buffer.from('\n');

/** True when b holds a byte that plain text does not: a C0 control other than tab, LF and CR, or DEL. */
function hasControlBytes(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}

function isAllZero(b: Buffer): boolean {
  for (let i = 0; i < b.length; i += ZEROS.length) {
    const piece = b.subarray(i, i + ZEROS.length);
    if (!piece.equals(ZEROS.subarray(0, piece.length))) return false;
  }
  return true;
}

function isLineEnd(c: number | undefined): boolean {
  return c === 0x0a || c === 0x0d;
}

/** True when b holds a line end or a field separator: a space, tab, comma or JSON opening brace. */
function hasLineEndOrSeparator(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0x0a || c === 0x0d || c === 0x20 || c === 0x09 || c === 0x2c || c === 0x7b || c === 0x5b) return true;
  }
  return false;
}

/**
 * Whether a tail that starts with `probe` (its first TAIL_PROBE_BYTES, or
 * all of it when `whole`) is text: its first TEXT_WINDOW_BYTES are UTF-8 (a
 * character cut at their end aside) without control bytes other than tab,
 * LF and CR, and it holds a line end or a field separator (space, tab,
 * comma, `{` or `[`) or runs past the probe. A final line end is not needed:
 * a record appended without one is a record. Random bytes fail the first
 * test almost surely; a record of every type has two fields or is JSON, so
 * passes both; a few letters alone (`ab`) are no record: trailing garbage.
 */
function looksLikeText(probe: Buffer, whole: boolean): boolean {
  const window = probe.subarray(0, TEXT_WINDOW_BYTES);
  if (window.length === 0 || hasControlBytes(window)) return false;
  const cutShort = window.length < probe.length;
  if (!isUtf8(window) && !(cutShort && endsInCutCharacter(window))) return false;
  return !whole || hasLineEndOrSeparator(probe);
}

/** True when b is UTF-8 once the last 1 to 3 bytes (a character cut short) are left out. */
function endsInCutCharacter(b: Buffer): boolean {
  for (let cut = 1; cut <= 3 && cut < b.length; cut++) if (isUtf8(b.subarray(0, b.length - cut))) return true;
  return false;
}

/** Bytes that are not gzip data: before the start of a member, or to the end (`atEnd`) when they start like one. */
export interface SkippedBytes {
  start: number;
  length: number;
  /** Zero bytes only (padding). */
  zeros: boolean;
  atEnd?: boolean;
}


/**
 * What follows the last complete member, from its first byte (`tail`):
 * - zero bytes only: padding, ignored silently (as gzip does);
 * - text (looksLikeText): handed on as it is, as if the file went
 *   on uncompressed (a UTF-8 byte order mark at their start left out), after
 *   a line end when the gzip data did not end with one (the two must not
 *   merge into one line); a notice says so. Text read this way that is not
 *   a record becomes error reports, never silent loss;
 * - anything else (binary bytes, one word without a line end or separator):
 *   trailing garbage, ignored with a notice. But it is a damaged member
 *   when a member starts in it (its ID1 ID2 CM bytes: the bytes up to there
 *   are returned as skipped, and decoding goes on at that member), or when
 *   it starts with two of those three bytes and is as long as a member at
 *   least (returned as skipped `atEnd`).
 * The tail is streamed: only its first TAIL_PROBE_BYTES are looked at whole.
 */
export async function* readTail(reader: CompressedReader, emitted: Emitted, notice: (m: string) => void): AsyncGenerator<Buffer, SkippedBytes | undefined> {
  const start = reader.offset;
  const unread = await reader.fill(TAIL_PROBE_BYTES);
  if (looksLikeText(unread.subarray(0, TAIL_PROBE_BYTES), unread.length < TAIL_PROBE_BYTES)) {
    notice(`the gzip data ends at compressed byte ${start}; the plain text after it is read as text`);
    if (emitted.lastByte >= 0 && !isLineEnd(emitted.lastByte)) yield LINE_END;
    const bom = unread.subarray(0, 3).equals(UTF8_BOM) ? 3 : 0;
    reader.consume(bom);
    do {
      const text = reader.unread;
      reader.consume(text.length);
      if (text.length > 0) yield text;
    } while (await reader.more());
    return undefined;
  }
  // Garbage that holds the start of a gzip member is a member whose header
  // was damaged, not trailing garbage: decoding goes on at that member.
  const damagedHeader = startsLikeMember(unread);
  let zeros = true;
  let length = 0;
  const skip = (n: number) => {
    if (zeros) zeros = isAllZero(reader.unread.subarray(0, n));
    length += n;
    reader.consume(n);
  };
  for (;;) {
    const at = reader.unread.indexOf(MEMBER_START);
    if (at >= 0) {
      skip(at);
      return { start, length, zeros };
    }
    // A member start may span two reads: keep its first bytes.
    skip(Math.max(0, reader.unread.length - (MEMBER_START.length - 1)));
    if (!(await reader.more())) break;
  }
  skip(reader.unread.length);
  if (damagedHeader && length >= SMALLEST_MEMBER) return { start, length, zeros: false, atEnd: true };
  if (!zeros) notice(garbageNotice(length, start));
  return undefined;
}

/** Two of the three bytes ID1 ID2 CM at the start of b: a member header with a damaged byte, most likely. */
function startsLikeMember(b: Buffer): boolean {
  let same = 0;
  for (let i = 0; i < MEMBER_START.length; i++) if (b[i] === MEMBER_START[i]) same++;
  return same >= 2;
}

export function garbageNotice(length: number, start: number): string {
  return `trailing garbage ignored: ${length} byte${length === 1 ? '' : 's'} after the end of the gzip data at compressed byte ${start}`;
}
