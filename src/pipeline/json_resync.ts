// Glued payloads (a Firehose S3 object's gzip members decoded back to back,
// or `}{`-joined text) must not let one bad payload swallow the ones after
// it: the JSON framer, after a cut or invalid document, reads on to the end
// of the line, which in such an input is the end of the file. This framer
// cuts the input at the points where a payload starts and hands each piece to
// a fresh JsonFramer: a bad piece is one error report, the next piece a new
// document (issue 15 §7).
//
// A cut point is `{"` + a payload key (PAYLOAD_OPENERS) where no valid
// document can hold it: inside a string (valid JSON escapes the quote there),
// nested in an object (no envelope nests a payload), or at the top level when
// something else came before it since the last cut. Only a top-level
// array's elements (`[payload, payload]`) stay in their array. The scan
// keeps a few integers: memory is bounded whatever the input.
import type { Framer, RecordHandler } from './lines.js';
import { JsonFramer, type JsonFramerOptions } from './json.js';

/** `{"key"` byte patterns that start a CloudWatch Logs payload or a Lambda event. */
const PAYLOAD_OPENERS: readonly Buffer[] = ['messageType', 'owner', 'logGroup', 'logStream', 'logEvents', 'awslogs']
  .map((k) => Buffer.from(`{"${k}"`));
const LONGEST_OPENER = Math.max(...PAYLOAD_OPENERS.map((p) => p.length));

const EMPTY = Buffer.alloc(0);
const LF = 10;
const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** What a piece ended by a cut point is reported as, instead of the framer's "input ended". */
const CUT_MESSAGE = 'incomplete payload: the next payload starts before it is closed (cut short or damaged)';

/**
 * Hands records of one piece on with their line numbers in the whole input,
 * and the index of the payload (the piece, counted from 0) they came from.
 */
class PieceHandler implements RecordHandler {
  linesBefore = 0;
  /** The piece ends at a cut point: its "input ended" report is about the cut. */
  cut = false;
  constructor(private readonly inner: RecordHandler) {}
  record(text: string, lineNo: number, shortNumbersOnly?: boolean, wrapper?: string): void {
    this.inner.record(text, lineNo + this.linesBefore, shortNumbersOnly, wrapper);
  }
  wrapperStart(name: string, lineNo: number): void {
    this.inner.wrapperStart?.(name, lineNo + this.linesBefore);
  }
  reject(message: string, raw: string, lineNo: number, length?: number): void {
    const shown = this.cut && message.startsWith('incomplete record') ? CUT_MESSAGE : message;
    this.inner.reject(shown, raw, lineNo + this.linesBefore, length);
  }
}

/** Receives the index (from 0) of the payload whose records follow: one per piece with content. */
export interface PayloadCounter {
  payloadStart?(index: number): void;
}

/**
 * A JsonFramer that resynchronises at payload starts (see the file comment).
 * Records and reports keep their line numbers in the whole input.
 */
export class ResyncJsonFramer implements Framer {
  private readonly pieces: PieceHandler;
  private framer: JsonFramer;
  // The structure scan (bytes; the patterns are ASCII, which no multi-byte UTF-8 character holds).
  private depth = 0;
  private inString = false;
  private escape = false;
  /** The opener of the top-level value: `[` keeps payloads at depth 1 together. */
  private topOpener = 0;
  /** Something not blank was passed to the current framer. */
  private content = false;
  /** The scan met something not blank in the current piece (a top-level payload start after it is a cut point). */
  private seen = false;
  /** Line feeds passed to the current framer. */
  private lines = 0;
  /** The last bytes of the previous chunk, not scanned yet: they may be the start of a pattern. */
  private pending: Buffer = EMPTY;
  private payload = 0;

  constructor(private readonly handler: RecordHandler & PayloadCounter, private readonly options: JsonFramerOptions) {
    this.pieces = new PieceHandler(handler);
    this.framer = new JsonFramer(this.pieces, options);
  }

  push(chunk: Buffer): void {
    const bytes = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = EMPTY;
    let from = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === OPEN_BRACE && bytes.length - i < LONGEST_OPENER && mayStartPayload(bytes, i)) {
        // A pattern may straddle chunks: its start waits for the next chunk, unscanned.
        this.send(bytes.subarray(from, i));
        this.pending = Buffer.from(bytes.subarray(i));
        return;
      }
      if (!this.step(bytes, i)) continue;
      this.send(bytes.subarray(from, i));
      this.cutHere();
      this.structure(bytes[i]!);
      from = i;
    }
    this.send(bytes.subarray(from));
  }

  /** Scans byte i; true when the input is to be cut before it. */
  private step(bytes: Buffer, i: number): boolean {
    const c = bytes[i]!;
    if (this.inString) {
      if (this.escape) this.escape = false;
      else if (c === BACKSLASH) this.escape = true;
      else if (c === QUOTE) this.inString = false;
      else if (c === OPEN_BRACE && startsPayload(bytes, i)) return true;
      return false;
    }
    if (c === OPEN_BRACE && startsPayload(bytes, i)) {
      const atTop = this.depth === 0;
      const inTopArray = this.depth === 1 && this.topOpener === OPEN_BRACKET;
      if ((atTop && this.seen) || (!atTop && !inTopArray)) return true;
    }
    this.structure(c);
    return false;
  }

  private structure(c: number): void {
    if (this.depth === 0 && !isBlank(c)) this.seen = true;
    if (c === QUOTE && this.depth > 0) this.inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (this.depth === 0) this.topOpener = c;
      this.depth++;
    } else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && this.depth > 0) this.depth--;
  }

  private send(part: Buffer): void {
    if (part.length === 0) return;
    for (let i = 0; i < part.length; i++) {
      const c = part[i]!;
      if (c === LF) this.lines++;
      else if (!this.content && !isBlank(c)) this.startContent();
    }
    this.framer.push(part);
  }

  private startContent(): void {
    this.content = true;
    this.handler.payloadStart?.(this.payload++);
  }

  /** Ends the current piece (what is open in it is reported) and starts a new framer. */
  private cutHere(): void {
    this.pieces.cut = true;
    this.framer.end();
    this.pieces.cut = false;
    this.pieces.linesBefore += this.lines;
    this.lines = 0;
    this.content = false;
    this.seen = false;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.topOpener = 0;
    this.framer = new JsonFramer(this.pieces, this.options);
  }

  /** Characters held by the current piece's framer, and bytes waiting for the next chunk (for tests of bounded memory). */
  get bufferedChars(): number {
    return this.framer.bufferedChars + this.pending.length;
  }

  end(cutShort?: boolean): void {
    const rest = this.pending;
    this.pending = EMPTY;
    for (let i = 0; i < rest.length; i++) this.step(rest, i);
    this.send(rest);
    this.framer.end(cutShort);
  }

  drain(): void {
    this.framer.drain();
  }
}

function startsPayload(bytes: Buffer, i: number): boolean {
  for (const p of PAYLOAD_OPENERS) {
    if (i + p.length <= bytes.length && bytes.compare(p, 0, p.length, i, i + p.length) === 0) return true;
  }
  return false;
}

/** Whether the bytes from i to the end are the start of a pattern (it may go on in the next chunk). */
function mayStartPayload(bytes: Buffer, i: number): boolean {
  const n = bytes.length - i;
  return PAYLOAD_OPENERS.some((p) => p.length > n && bytes.compare(p, 0, n, i, bytes.length) === 0);
}
