// JSON framing: the input is a sequence of JSON documents separated by white
// space (NDJSON is one case; pretty-printed documents, several in a row, are
// another). A top-level object whose `Records`, `Events`, `Findings` or
// `findings` key holds an array, and a top-level array, are wrappers: their
// elements are handed on one by one, each with its own starting line, so a
// trail file of any size (a 1 GB `{"Records":[…]}` on one line) costs the
// memory of one element. Every other document is one record.
//
// The scanner only finds bounds: it tracks strings, escapes and depth, one
// character at a time and without recursion, and leaves parsing to the log
// type (JSON.parse per record; ENGINEERING.md measured this at 156 MB/s
// against 5–16 s for streaming JSON parsers on 210 MB). It scans decoded
// text: ChunkDecoder keeps UTF-8 split across chunks intact, and JSON's
// structural characters are all ASCII.
//
// Input that cannot be a record is rejected with its line and the scanner
// resynchronises at the next line that starts a document, so one bad line
// never takes the rest of the file with it:
// - text between documents that does not start one (`{` or `[`);
// - a raw line break inside a string (JSON forbids it: the record was cut);
// - a one-line record still open at the end of its line when a later line
//   starts with `{` (a cut NDJSON line, whatever lines follow it; pretty
//   printers never put a nested `{` in column 0 after a first line that holds
//   more than the opening bracket);
// - nesting deeper than maxDepth, or a record longer than maxRecordChars
//   (scanned to its end, reported, never parsed).
import { ChunkDecoder } from './decode.js';
import { MAX_RAW_CHARS, quoteValue } from '../core/errors.js';
import { MAX_JSON_DEPTH } from '../core/limits.js';
import { INCOMPLETE_MESSAGE, type Framer, type RecordHandler } from './lines.js';

/** Keys whose array value makes a top-level object a wrapper (CloudTrail, lookup-events, get-findings). */
export const WRAPPER_KEYS: readonly string[] = ['Records', 'Events', 'Findings', 'findings'];
export const DEFAULT_MAX_DEPTH = MAX_JSON_DEPTH;
/** Far above any real CloudTrail event or finding, well below V8's string limit (~512 M). */
export const DEFAULT_MAX_RECORD_CHARS = 256 * 1024 * 1024;

export interface JsonFramerOptions {
  maxDepth?: number;
  maxRecordChars?: number;
}

const enum Mode {
  /** Between top-level documents. */
  Between,
  /** Inside a record that starts with `{`, `[` or `"`. */
  Value,
  /** Inside a number or literal element of a wrapper array. */
  Scalar,
  /** Inside a wrapper array, between elements. */
  WrapperBetween,
  /** After a wrapper array: the rest of its object, skipped. */
  WrapperTail,
  /** Skipping bad input up to the next line that starts a document. */
  Resync,
}

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const BACKSLASH = 92;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const BOM = 0xfeff;

function isBlankChar(c: number): boolean {
  return c === SPACE || c === TAB || c === CR || c === BOM;
}

/** The start of a piece of text's first line, for a message about it. */
function preview(s: string): string {
  let end = s.indexOf('\n');
  if (end < 0) end = s.length;
  return quoteValue(s.slice(0, Math.min(end, 41)).trimEnd(), 40);
}

function hasContentAfterOpener(text: string): boolean {
  for (let i = 1; i < text.length; i++) if (!isBlankChar(text.charCodeAt(i))) return true;
  return false;
}

export class JsonFramer implements Framer {
  private readonly decoder = new ChunkDecoder();
  private readonly maxDepth: number;
  private readonly maxRecordChars: number;
  private first = true;
  private mode = Mode.Between;
  private lineNo = 1;
  /** Last character of the previous chunk (for "column 0" checks at a chunk start). */
  private prevChar = LF;

  // The record being collected: its text is `parts` (earlier chunks) plus
  // the current chunk from `recStart` (-1: nothing being collected).
  private recStart = -1;
  private parts: string[] = [];
  private partsLen = 0;
  /**
   * How much of the current piece is held whole: maxRecordChars for a record;
   * for skipped bad input only what its report shows (a 1 GB line of
   * garbage must not be buffered to report its first 64 KiB).
   */
  private recordLimit: number;
  /** Set once the record is over recordLimit: its head, kept for the report. */
  private overflowHead: string | undefined;
  private recLine = 0;
  /** The record is an element of a wrapper (rather than a top-level document). */
  private inWrapper = false;
  /** Whether a `{` in column 0 of the record's second line means it was cut: 0 unknown, 1 yes, 2 no. */
  private breakable = 0;

  // Scanner state inside a value.
  private depth = 0;
  private inString = false;
  private escape = false;
  private tooDeep = false;
  /** A top-level object not yet known to be (or not be) a wrapper. */
  private detect = false;
  /** Wrapper detection: 1 after a wrapper key, 2 after its `:`. */
  private watch = 0;
  /** Start of the current depth-1 string in this chunk, or -1 when it began in an earlier one. */
  private keyStart = -1;
  private keyBuf = '';
  private key = '';
  /**
   * Where the next `\\` and line feed are in the current chunk (-1: not
   * looked up yet). Kept across records, or a one-line file would be
   * searched to its chunk's end for a line feed once per record.
   */
  private nextBackslash = -1;
  private nextLf = -1;

  // The wrapper being streamed.
  private wrapperName = '';
  private wrapperInObject = false;
  private wrapperLine = 0;
  private wrapperHead = '';
  /** The line of the wrapper array's `]`. */
  private wrapperEndLine = 0;

  // Resynchronisation after bad input.
  private resyncMessage = '';
  /** Append `found "<start of the skipped text>"` to the message (whatever the chunking). */
  private resyncShowsFound = false;
  private resyncReturn = Mode.Between;
  private atLineStart = false;

  constructor(private readonly handler: RecordHandler, options: JsonFramerOptions = {}) {
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.maxRecordChars = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
    this.recordLimit = this.maxRecordChars;
  }

  /** Characters held for the record in progress (for tests of bounded memory). */
  get bufferedChars(): number {
    return this.partsLen;
  }

  push(chunk: Buffer): void {
    let s = this.decoder.write(chunk);
    if (this.first && s.length > 0) {
      this.first = false;
      if (s.charCodeAt(0) === BOM) s = s.slice(1);
    }
    if (s.length > 0) this.scan(s);
  }

  end(cutShort = false): void {
    const tail = this.decoder.end();
    if (tail.length > 0) this.scan(tail);
    switch (this.mode) {
      case Mode.Between:
        return;
      case Mode.Value: {
        const length = this.partsLen;
        const text = this.takeText('', 0);
        this.reset();
        this.handler.reject(INCOMPLETE_MESSAGE, text ?? this.overflowHead ?? '', this.recLine, text === undefined ? length : undefined);
        return;
      }
      case Mode.Scalar:
        this.emitRecord('', 0);
        this.mode = Mode.WrapperBetween;
        return this.end(cutShort);
      case Mode.WrapperBetween:
      case Mode.WrapperTail: {
        const what = this.mode === Mode.WrapperTail ? `object holding the ${this.wrapperDescription()}` : this.wrapperDescription();
        this.mode = Mode.Between;
        // After a read fault the pipeline reports the input; an unclosed wrapper is its echo.
        if (!cutShort) this.handler.reject(`incomplete JSON: the input ended before the ${what} was closed`, this.wrapperHead, this.wrapperLine);
        return;
      }
      case Mode.Resync:
        this.mode = Mode.Between;
        this.emitReject('', 0, this.resyncMessage, this.resyncShowsFound);
        return;
    }
  }

  private scan(s: string): void {
    const n = s.length;
    let i = 0;
    this.nextBackslash = this.nextLf = -1;
    while (i < n) {
      switch (this.mode) {
        case Mode.Between: i = this.scanBetween(s, i); break;
        case Mode.Value: i = this.scanValue(s, i); break;
        case Mode.Scalar: i = this.scanScalar(s, i); break;
        case Mode.WrapperBetween: i = this.scanWrapperBetween(s, i); break;
        case Mode.WrapperTail: i = this.scanWrapperTail(s, i); break;
        case Mode.Resync: i = this.scanResync(s, i); break;
      }
    }
    if (this.recStart >= 0) {
      this.appendPart(this.recStart === 0 ? s : s.slice(this.recStart));
      this.recStart = 0;
      if (this.keyStart >= 0 && this.inString && this.detect && this.depth === 1) {
        if (this.keyBuf.length <= 16) this.keyBuf += s.slice(this.keyStart);
        this.keyStart = 0;
      }
    }
    this.prevChar = s.charCodeAt(n - 1);
  }

  // ---- record text -------------------------------------------------------

  private beginRecord(i: number, inWrapper: boolean): void {
    this.recStart = i;
    this.recLine = this.lineNo;
    this.parts = [];
    this.partsLen = 0;
    this.overflowHead = undefined;
    this.recordLimit = this.maxRecordChars;
    this.inWrapper = inWrapper;
    this.breakable = 0;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.tooDeep = false;
    this.detect = false;
    this.watch = 0;
    this.keyStart = -1;
    this.keyBuf = '';
  }

  private appendPart(piece: string): void {
    this.partsLen += piece.length;
    if (this.overflowHead !== undefined) {
      this.growHead(piece);
      return;
    }
    this.parts.push(piece);
    if (this.partsLen > this.recordLimit) this.startOverflow();
  }

  /** Over the size limit: keep only the record's first MAX_RAW_CHARS characters, for the report. */
  private startOverflow(): void {
    this.overflowHead = '';
    for (const p of this.parts) this.growHead(p);
    this.parts = [];
  }

  private growHead(piece: string): void {
    const room = MAX_RAW_CHARS - this.overflowHead!.length;
    if (room > 0) this.overflowHead += piece.length <= room ? piece : piece.slice(0, room);
  }

  /** The record's text up to `end` in `s`; undefined when it is over the size limit. */
  private takeText(s: string, end: number): string | undefined {
    const last = this.recStart >= 0 ? s.slice(this.recStart, end) : '';
    if (this.overflowHead === undefined && this.partsLen + last.length <= this.recordLimit) {
      return this.parts.length === 0 ? last : this.parts.join('') + last;
    }
    this.appendPart(last);
    if (this.overflowHead === undefined) this.startOverflow();
    return undefined;
  }

  private reset(): void {
    this.recStart = -1;
    this.parts = [];
    this.partsLen = 0;
  }

  private emitRecord(s: string, end: number): void {
    const length = this.partsLen + (this.recStart >= 0 ? end - this.recStart : 0);
    const text = this.takeText(s, end);
    const head = this.overflowHead;
    this.reset();
    if (text === undefined) {
      this.handler.reject(`JSON record is ${length} characters long, over the limit of ${this.maxRecordChars}; raw holds its start`, head ?? '', this.recLine, length);
    } else if (this.tooDeep) {
      this.handler.reject(`JSON record nested deeper than ${this.maxDepth} levels (the limit); not parsed`, text, this.recLine);
    } else {
      this.handler.record(text, this.recLine);
    }
  }

  private emitReject(s: string, end: number, message: string, showFound = false): void {
    const length = this.partsLen + (this.recStart >= 0 ? end - this.recStart : 0);
    const text = this.takeText(s, end);
    const raw = text === undefined ? this.overflowHead ?? '' : text.trimEnd();
    this.reset();
    this.handler.reject(showFound ? `${message}, found ${preview(raw)}` : message, raw, this.recLine, text === undefined ? length : undefined);
  }

  private startResync(i: number, message: string, returnTo: Mode, showFound = false): void {
    if (this.recStart < 0) this.beginRecord(i, returnTo === Mode.WrapperBetween);
    this.recordLimit = MAX_RAW_CHARS;
    if (this.overflowHead === undefined && this.partsLen > MAX_RAW_CHARS) this.startOverflow();
    this.resyncMessage = message;
    this.resyncShowsFound = showFound;
    this.resyncReturn = returnTo;
    this.atLineStart = false;
    this.mode = Mode.Resync;
  }

  private wrapperDescription(): string {
    return this.wrapperInObject ? `"${this.wrapperName}" array` : 'top-level array';
  }

  // ---- modes -------------------------------------------------------------

  private scanBetween(s: string, i: number): number {
    const n = s.length;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === LF) { this.lineNo++; continue; }
      if (isBlankChar(c)) continue;
      if (c === OPEN_BRACE) {
        this.beginRecord(i, false);
        this.detect = true;
        this.mode = Mode.Value;
        return i;
      }
      if (c === OPEN_BRACKET) {
        this.wrapperName = '';
        this.wrapperInObject = false;
        this.wrapperLine = this.lineNo;
        this.wrapperHead = '[';
        this.mode = Mode.WrapperBetween;
        return i + 1;
      }
      this.startResync(i, 'not JSON: expected "{" or "[" to start a document', Mode.Between, true);
      return i;
    }
    return n;
  }

  private scanWrapperBetween(s: string, i: number): number {
    const n = s.length;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === LF) { this.lineNo++; continue; }
      if (c === COMMA || isBlankChar(c)) continue;
      if (c === CLOSE_BRACKET) {
        if (this.wrapperInObject) {
          this.wrapperEndLine = this.lineNo;
          this.depth = 1;
          this.inString = false;
          this.escape = false;
          this.mode = Mode.WrapperTail;
        } else {
          this.mode = Mode.Between;
        }
        return i + 1;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET || c === QUOTE) {
        this.beginRecord(i, true);
        this.mode = Mode.Value;
        return i;
      }
      if (c === 45 || (c >= 48 && c <= 57) || c === 116 || c === 102 || c === 110) { // - 0-9 t f n
        this.beginRecord(i, true);
        this.mode = Mode.Scalar;
        return i;
      }
      this.startResync(i, `malformed JSON: expected "," or "]" between the elements of the ${this.wrapperDescription()}`, Mode.WrapperBetween, true);
      return i;
    }
    return n;
  }

  private scanScalar(s: string, i: number): number {
    const n = s.length;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE || c === LF || isBlankChar(c)) {
        this.emitRecord(s, i);
        this.mode = Mode.WrapperBetween;
        return i;
      }
    }
    return n;
  }

  /** The rest of a wrapper object after its array (`, "NextToken": "…"}`): skipped. */
  private scanWrapperTail(s: string, i: number): number {
    const n = s.length;
    let depth = this.depth;
    let inString = this.inString;
    let escape = this.escape;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === LF) {
        this.lineNo++;
        if (inString) {
          // JSON strings hold no raw line break: the object was cut inside one.
          this.mode = Mode.Between;
          this.handler.reject(`malformed JSON: the object holding the ${this.wrapperDescription()} is cut short (line ${this.lineNo - 1} ends inside a string)`, this.wrapperHead, this.wrapperLine);
          return i + 1;
        }
      }
      if (inString) {
        if (escape) escape = false;
        else if (c === QUOTE) inString = false;
        else if (c === BACKSLASH) escape = true;
      } else if (c === QUOTE) {
        inString = true;
      } else if (c === OPEN_BRACE && this.lineNo > this.wrapperEndLine && (i > 0 ? s.charCodeAt(i - 1) : this.prevChar) === LF) {
        // A document in column 0 after the array's line: the wrapper object was cut
        // short, and what follows must not be skipped as its tail.
        this.mode = Mode.Between;
        this.handler.reject(`malformed JSON: the object holding the ${this.wrapperDescription()} is not closed before line ${this.lineNo} (cut short?)`, this.wrapperHead, this.wrapperLine);
        return i;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        depth++;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth === 0) {
          this.mode = Mode.Between;
          return i + 1;
        }
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escape = escape;
    return n;
  }

  private scanResync(s: string, i: number): number {
    const n = s.length;
    while (i < n) {
      if (!this.atLineStart) {
        const nl = s.indexOf('\n', i);
        if (nl < 0) return n;
        this.lineNo++;
        this.atLineStart = true;
        i = nl + 1;
        continue;
      }
      const c = s.charCodeAt(i);
      if (c === LF) { this.lineNo++; i++; continue; }
      if (isBlankChar(c)) { i++; continue; }
      if (c === OPEN_BRACE || (c === OPEN_BRACKET && this.resyncReturn === Mode.Between)) {
        this.emitReject(s, i, this.resyncMessage, this.resyncShowsFound);
        this.mode = this.resyncReturn;
        return i;
      }
      this.atLineStart = false;
    }
    return n;
  }

  /**
   * The hot loop: one record's bounds. Inside strings (most of the text) it
   * jumps with indexOf to the next quote, backslash or line break, each
   * position cached until the scan passes it.
   */
  private scanValue(s: string, i: number): number {
    const n = s.length;
    const detect = this.detect;
    let depth = this.depth;
    let inString = this.inString;
    let escape = this.escape;
    let watch = this.watch;
    let nextQuote = -1; // the closing quote of a finished record is behind us
    let nextBackslash = this.nextBackslash;
    let nextLf = this.nextLf;
    for (; i < n; i++) {
      if (inString) {
        if (escape) {
          escape = false;
          if (s.charCodeAt(i) !== LF) continue;
        } else {
          if (nextQuote < i) { nextQuote = s.indexOf('"', i); if (nextQuote < 0) nextQuote = n; }
          if (nextBackslash < i) { nextBackslash = s.indexOf('\\', i); if (nextBackslash < 0) nextBackslash = n; }
          if (nextLf < i) { nextLf = s.indexOf('\n', i); if (nextLf < 0) nextLf = n; }
          i = nextQuote < nextBackslash ? nextQuote : nextBackslash;
          if (nextLf < i) i = nextLf;
          if (i >= n) break;
          const c = s.charCodeAt(i);
          if (c === QUOTE) {
            inString = false;
            if (depth === 0) { // a string element
              this.inString = false;
              this.nextBackslash = nextBackslash;
              this.nextLf = nextLf;
              this.finishValue(s, i + 1);
              return i + 1;
            }
            if (detect && depth === 1) watch = this.keyEnded(s, i) ? 1 : 0;
            continue;
          }
          if (c === BACKSLASH) {
            escape = true;
            continue;
          }
        }
        // A raw line break inside a string: JSON forbids it, so the record was cut short.
        this.depth = depth;
        this.inString = true;
        this.escape = false;
        this.nextBackslash = nextBackslash;
        this.nextLf = nextLf;
        this.startResync(i, `malformed JSON: line ${this.lineNo} ends inside a string (the record is cut short or not JSON)`, this.inWrapper ? Mode.WrapperBetween : Mode.Between);
        return i;
      }
      const c = s.charCodeAt(i);
      if (watch !== 0 && c > SPACE) {
        if (watch === 1 && c === COLON) { watch = 2; continue; }
        if (watch === 2 && c === OPEN_BRACKET) {
          this.nextBackslash = nextBackslash;
          this.nextLf = nextLf;
          this.becomeWrapper(s, i);
          return i + 1;
        }
        watch = 0;
      }
      switch (c) {
        case QUOTE:
          inString = true;
          if (detect && depth === 1) {
            this.keyStart = i + 1;
            this.keyBuf = '';
          }
          break;
        case OPEN_BRACE:
          if (depth > 0 && this.breakable === 1 && this.lineNo > this.recLine &&
              (i > 0 ? s.charCodeAt(i - 1) : this.prevChar) === LF) {
            // An earlier line held an unclosed one-line record; this line starts the next one.
            this.emitReject(s, i, `malformed JSON: the record on line ${this.recLine} is not closed at the end of the line (cut short?)`);
            this.beginRecord(i, this.inWrapper);
            this.detect = !this.inWrapper;
            // scanValue's locals belong to the old record: start over on this character.
            this.nextBackslash = nextBackslash;
            this.nextLf = nextLf;
            return i;
          }
          if (++depth > this.maxDepth) this.tooDeep = true;
          break;
        case OPEN_BRACKET:
          if (++depth > this.maxDepth) this.tooDeep = true;
          break;
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          if (--depth === 0) {
            this.depth = 0;
            this.nextBackslash = nextBackslash;
            this.nextLf = nextLf;
            this.finishValue(s, i + 1);
            return i + 1;
          }
          break;
        case LF:
          if (this.lineNo === this.recLine && this.breakable === 0) this.breakable = this.firstLineHasContent(s, i) ? 1 : 2;
          this.lineNo++;
          break;
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escape = escape;
    this.watch = watch;
    return n;
  }

  /** Whether the string that just closed at `end` (at depth 1 of a top-level object) is a wrapper key. */
  private keyEnded(s: string, end: number): boolean {
    const start = this.keyStart;
    const len = this.keyBuf.length + (end - start);
    this.keyStart = -1;
    if (len < 6 || len > 8) return false;
    const key = this.keyBuf + s.slice(start, end);
    if (!WRAPPER_KEYS.includes(key)) return false;
    this.key = key;
    return true;
  }

  private firstLineHasContent(s: string, i: number): boolean {
    const length = this.partsLen + (i - this.recStart);
    if (length > 64) return true;
    return hasContentAfterOpener(this.parts.join('') + s.slice(this.recStart, i));
  }

  private becomeWrapper(s: string, i: number): void {
    const prefix = this.takeText(s, i + 1);
    this.wrapperHead = (prefix ?? this.overflowHead ?? '').slice(0, 200);
    this.wrapperName = this.key;
    this.wrapperInObject = true;
    this.wrapperLine = this.recLine;
    this.reset();
    this.detect = false;
    this.watch = 0;
    this.mode = Mode.WrapperBetween;
  }

  private finishValue(s: string, end: number): void {
    this.emitRecord(s, end);
    this.mode = this.inWrapper ? Mode.WrapperBetween : Mode.Between;
  }
}
