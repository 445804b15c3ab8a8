// `--jobs N` on one input: a text input (lines framing) is cut at line ends
// into chunks of about CHUNK_BYTES, normalized on N worker threads
// (chunk_worker.ts), and put back in input order, so that output, error
// reports (with the same line numbers), notices and counts are those of
// --jobs 1. This thread only reads (and decompresses: zlib works off the
// main thread), cuts and writes; at most 2 chunks per worker are in flight,
// so a slow stdout stalls reading and memory stays bounded.
//
// What --jobs 1 carries from one line to the next, and how it is kept:
// - line numbers: each chunk counts its lines; reports are renumbered here;
// - a line that changes how the following lines are read (VPC's header,
//   LogTypeDescriptor.layoutLine): a chunk is read after the last such line
//   before it (its "prelude"). The prelude is guessed when the chunk is sent
//   (the one in force after the chunks written so far) and checked when the
//   chunk's turn comes: a wrong guess (a header that changed mid-file while
//   the chunk was in flight) reads the chunk again;
// - UTF-8 decoding: a `\n` or `\r` ends any character, so a chunk that
//   starts after one decodes as the whole input does there;
// - `\r\n`: a chunk never ends between the two; a lone `\r` is a cut point
//   only when the byte after it is known;
// - a line over --max-line-bytes is never held whole: past the limit (in
//   bytes, with room for a BOM) it is measured here by a LineFramer of its
//   own and its report made by a worker like any other;
// - notices told once: the Reporter keeps one of each per input.
import { Worker } from 'node:worker_threads';
import type { AnyErrorReport } from '../core/errors.js';
import type { ParserOptions } from '../logtypes/types.js';
import type { FormatName } from '../formats/index.js';
import { registerStopper } from './cleanup.js';
import { WORKER_RESOURCE_LIMITS, fullCollection, uncapYoungGeneration } from './heap_release.js';
import { InputError } from './input.js';
import { LineFramer, type RecordHandler } from './lines.js';
import { addCounts, type ErrorSink, type RecordFilter } from './normalize.js';
import type { BatchedWriter } from './output.js';
import type { Counts } from './report.js';

/**
 * Bytes of input per chunk (tests lower it with AWSLOGS_CHUNK_BYTES): 512 KiB,
 * between 128 KiB (least memory, most messages) and 1 MiB (README, "One
 * input on all cores", has the figures).
 */
export const CHUNK_BYTES = Number(process.env.AWSLOGS_CHUNK_BYTES) || 1 << 19;

/** Chunks sent to one worker before its first result is back: it never waits for this thread. */
const PER_WORKER = 2;

/** What every chunk of one input is read with. */
export interface ChunkJob {
  file: string;
  logType: string;
  parserOptions: ParserOptions;
  maxLineBytes: number;
  filter?: RecordFilter;
  format?: FormatName;
}

/** A line over --max-line-bytes, measured on this thread: its report's message, start and length in characters. */
export interface LongLine {
  message: string;
  raw: string;
  length: number;
}

/** One chunk for a worker: whole lines of input, or one over-long line already measured. */
export interface ChunkTask extends ChunkJob {
  id: number;
  bytes: Uint8Array;
  longLine?: LongLine;
  /** The layout line (a VPC header) in force before the chunk's first line. */
  prelude?: string;
  /** The input ended early after these bytes (a read fault): a last line without its end is incomplete. */
  cutShort?: boolean;
}

/** An error report (its line counted from the chunk's start) or a notice, in the order they came. */
export type ChunkEvent = { report: AnyErrorReport } | { notice: string };

export interface ChunkResult {
  id: number;
  /** The chunk's output lines, encoded. */
  data: Uint8Array;
  /** The chunk's input, handed back (it was moved to the worker, not copied). */
  bytes: Uint8Array;
  events: ChunkEvent[];
  counts: Counts;
  /** Lines the chunk held (blank ones included): the line number the next chunk starts after. */
  lines: number;
  /** The chunk's last layout line, if it had one. */
  lastLayout?: string;
  /** The prelude the chunk was read after. */
  prelude?: string;
}

type FromWorker = { kind: 'result'; result: ChunkResult } | { kind: 'failed'; id: number; message: string };

interface Waiter {
  resolve(result: ChunkResult): void;
  reject(err: Error): void;
}

interface PoolWorker {
  worker: Worker;
  /** Chunks sent to it and not answered yet. */
  tasks: Set<number>;
}

/**
 * The worker threads of one run, started on the first chunk and shared by
 * all its inputs (one after the other). A worker that dies fails the run
 * with its error: its chunks' records would otherwise be lost.
 */
export class ChunkPool {
  private readonly workers: PoolWorker[] = [];
  private readonly waiting = new Map<number, Waiter>();
  private readonly queue: ChunkTask[] = [];
  private broken: Error | undefined;
  private unregister: (() => void) | undefined;

  /** `size`: worker threads (--jobs). */
  constructor(readonly size: number) {}

  /** Chunks in flight at most: enough that no worker waits, few enough to bound memory. */
  get limit(): number {
    return this.size * PER_WORKER;
  }

  /** Normalizes a chunk on a worker; rejects when a worker died. */
  run(task: ChunkTask): Promise<ChunkResult> {
    if (this.broken !== undefined) return Promise.reject(this.broken);
    if (this.workers.length === 0) this.start();
    const result = new Promise<ChunkResult>((resolve, reject) => this.waiting.set(task.id, { resolve, reject }));
    this.queue.push(task);
    this.dispatch();
    return result;
  }

  private start(): void {
    // The main thread now only reads, cuts and writes; the process-wide cap would also stop the workers' young generations.
    uncapYoungGeneration();
    for (let i = 0; i < this.size; i++) {
      // execArgv: none of this process's Node options: `--input-type` (a launcher run with -e) makes a worker fail; V8 flags are process-wide anyway.
      const worker = new Worker(new URL('./chunk_worker.js', import.meta.url), { execArgv: [], resourceLimits: WORKER_RESOURCE_LIMITS });
      const pw: PoolWorker = { worker, tasks: new Set() };
      pw.worker.on('message', (msg: FromWorker) => this.answer(pw, msg));
      pw.worker.on('error', (err) => this.fail(new Error(`a worker thread of --jobs failed: ${err.message}`)));
      pw.worker.on('exit', (code) => {
        if (this.unregister !== undefined) this.fail(new Error(`a worker thread of --jobs stopped (exit code ${code}) with chunks unread`));
      });
      this.workers.push(pw);
    }
    // An interrupt ends the threads before the process goes (cleanup.ts); they hold no temporary files.
    this.unregister = registerStopper(() => this.close());
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let best: PoolWorker | undefined;
      for (const pw of this.workers) if (pw.tasks.size < PER_WORKER && (best === undefined || pw.tasks.size < best.tasks.size)) best = pw;
      if (best === undefined) return;
      const task = this.queue.shift()!;
      best.tasks.add(task.id);
      // Moved, not copied (a Buffer of its own: copyOf); the worker hands it back with the result.
      best.worker.postMessage(task, task.bytes.byteLength > 0 ? [task.bytes.buffer as ArrayBuffer] : []);
    }
  }

  private answer(pw: PoolWorker, msg: FromWorker): void {
    const id = msg.kind === 'result' ? msg.result.id : msg.id;
    pw.tasks.delete(id);
    const waiter = this.waiting.get(id);
    this.waiting.delete(id);
    if (msg.kind === 'result') waiter?.resolve(msg.result);
    else waiter?.reject(new Error(`a worker thread of --jobs failed: ${msg.message}`));
    this.dispatch();
  }

  private fail(err: Error): void {
    this.broken ??= err;
    for (const w of this.waiting.values()) w.reject(this.broken);
    this.waiting.clear();
    this.queue.length = 0;
  }

  /** Ends the threads (at the end of the run, or on an interrupt). */
  async close(): Promise<void> {
    const unregister = this.unregister;
    this.unregister = undefined;
    unregister?.();
    await Promise.all(this.workers.splice(0).map((pw) => pw.worker.terminate()));
  }
}

const LF = 0x0a;
const CR = 0x0d;
/** A BOM (3 bytes) is not part of a line's length: a line this many bytes past the limit is over it for sure. */
const LIMIT_SLACK = 4;

/** What the cutter hands on: whole lines, or an over-long line already measured. */
export type Piece = { bytes: Buffer; longLine?: undefined } | { bytes?: undefined; longLine: LongLine };

/**
 * Cuts input into chunks of whole lines of at least `chunkBytes` (the last
 * may be shorter). Cuts after a `\n`, or after a `\r` whose next byte is
 * known not to be `\n`, so a CRLF is never split.
 */
export class LineCutter {
  private parts: Buffer[] = [];
  private size = 0;
  /** Bytes from the start of `parts` up to the last place a chunk may end; 0: none yet. */
  private cut = 0;
  /** The last byte seen was a `\r` (a cut after it waits for the next byte). */
  private endedCR = false;
  /** Set while an over-long line is skipped through. */
  private long: { framer: LineFramer; found?: LongLine } | undefined;
  /** An over-long line ended in `\r` at the end of a buffer: a `\n` next is its second half. */
  private skipLF = false;

  constructor(private readonly chunkBytes: number, private readonly maxLineBytes: number) {}

  push(input: Buffer, out: Piece[]): void {
    let buf: Buffer | undefined = input;
    if (this.skipLF && buf.length > 0) {
      this.skipLF = false;
      if (buf[0] === LF) buf = buf.subarray(1);
    }
    if (this.long !== undefined) {
      buf = this.continueLong(buf, out);
      if (buf === undefined || buf.length === 0) return;
    }
    this.add(buf);
    if (this.size >= this.chunkBytes && this.cut > 0) this.cutChunks(out);
    if (this.cut === 0 && this.size > this.maxLineBytes + LIMIT_SLACK) this.startLong(out);
  }

  /** Hands on chunks of at least chunkBytes, each ending at the first line end past that size. */
  private cutChunks(out: Piece[]): void {
    const data = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
    let start = 0;
    for (;;) {
      if (data.length - start < this.chunkBytes) break;
      const end = nextCut(data, start + this.chunkBytes - 1);
      if (end < 0) break;
      out.push({ bytes: copyOf(data, start, end) });
      start = end;
    }
    // No line end past chunkBytes: the whole lines held so far make the chunk.
    if (start === 0) {
      out.push({ bytes: copyOf(data, 0, this.cut) });
      start = this.cut;
    }
    const endedCR = this.endedCR;
    this.parts = [];
    this.size = 0;
    this.cut = 0;
    this.endedCR = false;
    this.add(data.subarray(start));
    this.endedCR = endedCR;
  }

  /** The rest of the input: a last chunk (possibly empty), or the end of an over-long line. */
  end(cutShort: boolean, out: Piece[]): void {
    if (this.long !== undefined) {
      this.long.framer.end(cutShort);
      out.push({ longLine: this.finishLong() });
      return;
    }
    if (this.size > 0) out.push({ bytes: copyOf(Buffer.concat(this.parts, this.size), 0, this.size) });
  }

  private add(buf: Buffer): void {
    if (buf.length === 0) return;
    const base = this.size;
    if (this.endedCR && buf[0] !== LF) this.cut = base;
    // After the last `\n`, or after a `\r` that is not the last byte: if a
    // `\n` follows that one, the cut after the `\n` is the later one.
    const lf = buf.lastIndexOf(LF);
    const cr = buf.length >= 2 ? buf.lastIndexOf(CR, buf.length - 2) : -1;
    const end = Math.max(lf, cr);
    if (end >= 0) this.cut = base + end + 1;
    this.endedCR = buf[buf.length - 1] === CR;
    this.parts.push(buf);
    this.size += buf.length;
  }

  /** The held bytes are the start of a line over the limit: measured from here on, never held whole. */
  private startLong(out: Piece[]): void {
    const capture: { found?: LongLine } = {};
    const handler: RecordHandler = {
      record() {
        throw new Error('internal error: a line past --max-line-bytes was framed as a record');
      },
      reject(message, raw, _line, length) {
        capture.found = { message, raw, length: length ?? raw.length };
      },
    };
    const framer = new LineFramer(handler, this.maxLineBytes);
    this.long = { framer, get found() { return capture.found; } };
    const parts = this.parts;
    const endsInCR = this.endedCR;
    this.parts = [];
    this.size = 0;
    this.cut = 0;
    this.endedCR = false;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      framer.push(endsInCR && i === parts.length - 1 ? p.subarray(0, p.length - 1) : p);
    }
    if (endsInCR) {
      // The line ended with the last byte held; a `\n` after it is the rest of a CRLF.
      framer.end();
      out.push({ longLine: this.finishLong() });
      this.skipLF = true;
    }
  }

  /** Feeds the long line on; returns what follows its end, or undefined while it goes on. */
  private continueLong(buf: Buffer, out: Piece[]): Buffer | undefined {
    const framer = this.long!.framer;
    let end = buf.indexOf(LF);
    const cr = buf.indexOf(CR);
    if (cr >= 0 && (end < 0 || cr < end)) end = cr;
    if (end < 0) {
      framer.push(buf);
      return undefined;
    }
    framer.push(buf.subarray(0, end));
    framer.end();
    out.push({ longLine: this.finishLong() });
    if (buf[end] === CR) {
      if (end + 1 === buf.length) {
        this.skipLF = true;
        return buf.subarray(end + 1);
      }
      if (buf[end + 1] === LF) return buf.subarray(end + 2);
    }
    return buf.subarray(end + 1);
  }

  private finishLong(): LongLine {
    const found = this.long!.found;
    this.long = undefined;
    if (found === undefined) throw new Error('internal error: a line past --max-line-bytes was not reported');
    return found;
  }
}

/**
 * Where a chunk may end at the first line end at or after `from`: past a
 * `\n`, past a `\r\n`, or past a lone `\r` whose next byte is there to
 * show it is lone; -1 when there is none.
 */
function nextCut(data: Buffer, from: number): number {
  const lf = data.indexOf(LF, from);
  const cr = data.indexOf(CR, from);
  if (cr < 0 || (lf >= 0 && lf < cr)) return lf < 0 ? -1 : lf + 1;
  if (cr + 1 >= data.length) return -1;
  return data[cr + 1] === LF ? cr + 2 : cr + 1;
}

/** Bytes [start, end) in a Buffer of their own: posted to another thread, a view would copy all it views. */
function copyOf(data: Buffer, start: number, end: number): Buffer {
  const chunk = Buffer.allocUnsafeSlow(end - start);
  data.copy(chunk, 0, start, end);
  return chunk;
}

/**
 * Bytes of chunks and results this thread passes between collections. Its
 * own work allocates little on V8's heap, so V8 seldom collects on its own
 * and the buffers it is done with (input read, chunks sent, results
 * written) pile up to V8's 64 MB allowance for memory outside its heap:
 * each collection takes a few ms on this thread's small heap (README,
 * Performance, has the figures).
 */
const COLLECT_EVERY_BYTES = 16 << 20;

/** Collects garbage once COLLECT_EVERY_BYTES have passed since the last time (this thread, and each worker for its own). */
export function collectEvery(): (bytes: number) => void {
  const collect = fullCollection();
  let passed = 0;
  return (bytes) => {
    passed += bytes;
    if (passed < COLLECT_EVERY_BYTES) return;
    passed = 0;
    collect();
  };
}

/** A report's line counted from the input's start instead of its chunk's. */
function renumbered(report: AnyErrorReport, offset: number): AnyErrorReport {
  return 'line' in report ? { ...report, line: report.line + offset } : report;
}

/**
 * Frames, parses and writes a lines-framed input on the pool's threads, in
 * input order; adds its counts to `counts`. Returns the InputError's message
 * when reading failed part way (the records before it are written, a last
 * half line reported as incomplete), as frameChunks does. `afterChunk` runs
 * after each chunk written.
 */
export async function frameInChunks(
  source: AsyncIterable<Buffer>,
  job: ChunkJob,
  usesLayout: boolean,
  pool: ChunkPool,
  out: BatchedWriter,
  reporter: ErrorSink,
  counts: Counts,
  afterChunk: () => Promise<void>,
  chunkBytes = CHUNK_BYTES,
): Promise<string | undefined> {
  const cutter = new LineCutter(chunkBytes, job.maxLineBytes);
  const passed = collectEvery();
  const inFlight: Array<{ task: ChunkTask; result: Promise<ChunkResult> }> = [];
  let nextId = 0;
  let lineOffset = 0;
  /** The layout line in force after the chunks written so far. */
  let layout: string | undefined;

  const send = (task: ChunkTask) => {
    const result = pool.run(task);
    result.catch(() => {}); // awaited in turn; a failure of a later chunk must not go unhandled meanwhile
    inFlight.push({ task, result });
  };
  const writeHead = async (): Promise<void> => {
    const { task } = inFlight[0]!;
    let r = await inFlight[0]!.result;
    inFlight.shift();
    if (r.prelude !== layout) {
      // The guess was wrong (a header changed while this chunk was in flight): read it again after the right one.
      const { prelude: _stale, ...rest } = task;
      r = await pool.run(layout === undefined ? { ...rest, bytes: r.bytes } : { ...rest, bytes: r.bytes, prelude: layout });
    }
    await out.writeBytes(r.data);
    passed(r.bytes.length + r.data.length);
    for (const e of r.events) {
      if ('report' in e) reporter.error(renumbered(e.report, lineOffset));
      else reporter.notice(job.file, e.notice);
    }
    addCounts(counts, r.counts);
    lineOffset += r.lines;
    if (r.lastLayout !== undefined) layout = r.lastLayout;
    await afterChunk();
  };
  const dispatch = async (pieces: Piece[], cutShort: boolean): Promise<void> => {
    for (const piece of pieces) {
      while (inFlight.length >= pool.limit) await writeHead();
      const task: ChunkTask = {
        ...job,
        id: nextId++,
        bytes: piece.bytes ?? Buffer.alloc(0),
        ...(piece.longLine !== undefined ? { longLine: piece.longLine } : {}),
        ...(layout !== undefined ? { prelude: layout } : {}),
        ...(cutShort ? { cutShort } : {}),
      };
      send(task);
      // The first chunk usually holds the header the others are read after: waiting for it saves reading them twice.
      if (usesLayout && task.id === 0) await writeHead();
    }
    pieces.length = 0;
  };

  const pieces: Piece[] = [];
  let problem: string | undefined;
  try {
    for await (const buf of source) {
      cutter.push(buf, pieces);
      await dispatch(pieces, false);
    }
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    problem = err.message;
  }
  cutter.end(problem !== undefined, pieces);
  await dispatch(pieces, problem !== undefined);
  while (inFlight.length > 0) await writeHead();
  return problem;
}
