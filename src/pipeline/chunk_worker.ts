// A worker thread of `--jobs N` on one input (chunks.ts): normalizes pieces
// of a text input cut at line ends, each on its own as if it were a whole
// input, and sends back its output bytes, its error reports and notices in
// order, its counts and how many lines it held. The main thread puts the
// pieces back in input order and adds the line numbers of the pieces before.
import { parentPort } from 'node:worker_threads';
import { Writable } from 'node:stream';
import type { AnyErrorReport } from '../core/errors.js';
import { StandardFields } from '../core/standard.js';
import { findFormat, type RecordConverter } from '../formats/index.js';
import { findLogType } from '../logtypes/index.js';
import type { LogTypeDescriptor } from '../logtypes/types.js';
import { LineFramer, type RecordHandler } from './lines.js';
import { RecordProcessor, emptyCounts, type ErrorSink } from './normalize.js';
import { BatchedWriter } from './output.js';
import { collectEvery, type ChunkResult, type ChunkTask, type ChunkEvent } from './chunks.js';

/**
 * A chunk is framed in pieces of this size: the text of a piece over about
 * 1 MB would be an external string (Node makes those above 0xFBEE9 bytes),
 * which V8 frees only after a full collection (README, Performance).
 */
const PUSH_BYTES = 256 << 10;

/** The --format converters, loaded once per format (a dynamic import). */
const converters = new Map<string, ((type: string) => RecordConverter | undefined) | undefined>();

async function converterFor(format: string | undefined, type: string): Promise<RecordConverter | undefined> {
  if (format === undefined) return undefined;
  if (!converters.has(format)) converters.set(format, await findFormat(format)?.converters?.());
  return converters.get(format)?.(type);
}

/** Error reports and notices, kept in the order they came; muted while the parser is primed. */
class EventLog implements ErrorSink {
  events: ChunkEvent[] = [];
  muted = false;
  error(report: AnyErrorReport): void {
    if (!this.muted) this.events.push({ report });
  }
  notice(_file: string, message: string): void {
    if (!this.muted) this.events.push({ notice: message });
  }
}

/** Output bytes of a chunk, gathered from a BatchedWriter; `parts` is taken and emptied per chunk. */
function collector(): { stream: Writable; parts: Buffer[] } {
  const gathered = { stream: undefined as unknown as Writable, parts: [] as Buffer[] };
  // A high-water mark no chunk reaches: write() never asks the writer to wait.
  gathered.stream = new Writable({
    highWaterMark: 1 << 30,
    write(chunk: Buffer, _encoding, callback) {
      gathered.parts.push(chunk);
      callback();
    },
  });
  return gathered;
}

/**
 * The processor of the chunks before, kept for the next chunk of the same
 * input and settings: a processor made anew for every chunk (a parser, a
 * record template, a writer's buffer, a VPC header read again) cost ~7 ms a
 * 512 KiB chunk, ~20 % more CPU than one thread (measured on 1M VPC lines).
 * Nothing of its state carries from one chunk into another's output: its
 * counts are taken and zeroed per chunk, its layout (the VPC header in
 * force) is compared with the chunk's prelude, and a notice it does not
 * repeat was already sent with an earlier chunk of this worker (chunks
 * reach a worker in input order, and the main thread keeps each notice's
 * first telling).
 */
interface Reused {
  key: string;
  processor: RecordProcessor;
  writer: BatchedWriter;
  gathered: { stream: Writable; parts: Buffer[] };
  log: EventLog;
  /** The layout line last read by `processor` (undefined: none yet). */
  layout: string | undefined;
}

let reused: Reused | undefined;

async function processorFor(task: ChunkTask, type: LogTypeDescriptor, standard: StandardFields): Promise<Reused> {
  const key = JSON.stringify([task.file, task.logType, task.parserOptions, task.format, task.filter]);
  // A chunk with no layout line before it needs a processor that has read none.
  if (reused?.key === key && (task.prelude !== undefined || reused.layout === undefined)) return reused;
  const gathered = collector();
  const writer = new BatchedWriter(gathered.stream);
  const log = new EventLog();
  const processor = new RecordProcessor(task.file, type, task.parserOptions, standard, writer, log, task.filter, await converterFor(task.format, type.name));
  reused = { key, processor, writer, gathered, log, layout: undefined };
  return reused;
}

/** Records the last layout line (ChunkResult.lastLayout) on the way to the processor. */
function layoutTracker(processor: RecordProcessor, isLayout: (line: string) => boolean, seen: { last?: string }): RecordHandler {
  return {
    record(text, line) {
      if (isLayout(text)) seen.last = text;
      processor.record(text, line);
    },
    reject: (message, raw, line, length) => processor.reject(message, raw, line, length),
  };
}

export async function normalizeChunk(task: ChunkTask, standard: StandardFields): Promise<ChunkResult> {
  const type: LogTypeDescriptor | undefined = findLogType(task.logType);
  if (type === undefined) throw new Error(`unknown log type ${task.logType}`);
  const state = await processorFor(task, type, standard);
  const { processor, writer, gathered, log } = state;
  log.events = [];
  gathered.parts = [];
  Object.assign(processor.counts, emptyCounts());
  if (task.prelude !== undefined && task.prelude !== state.layout) {
    // The layout line in force where this chunk starts: read again, its outcome
    // (a skip, or an error already reported with its own chunk) is not this chunk's.
    log.muted = true;
    processor.record(task.prelude, 0);
    log.muted = false;
    state.layout = task.prelude;
    if (processor.counts.written !== 0) throw new Error('a layout line made a record');
    Object.assign(processor.counts, emptyCounts());
  }
  const seen: { last?: string } = {};
  let lines: number;
  if (task.longLine !== undefined) {
    // An over-long line, measured by the main thread (which never held it whole).
    processor.reject(task.longLine.message, task.longLine.raw, 1, task.longLine.length);
    lines = 1;
  } else {
    const handler = type.layoutLine !== undefined ? layoutTracker(processor, type.layoutLine, seen) : processor;
    const framer = new LineFramer(handler, task.maxLineBytes);
    const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
    for (let at = 0; at < bytes.length; at += PUSH_BYTES) framer.push(bytes.subarray(at, at + PUSH_BYTES));
    framer.end(task.cutShort === true);
    lines = framer.lines;
  }
  if (seen.last !== undefined) state.layout = seen.last;
  await writer.flush();
  const parts = gathered.parts;
  // A Buffer of its own (exactly its bytes; Buffer.concat may use the shared
  // pool for small ones), so that it can be handed over without a copy.
  const data = Buffer.allocUnsafeSlow(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) at += p.copy(data, at);
  return {
    id: task.id,
    data,
    bytes: task.bytes,
    events: log.events,
    counts: { ...processor.counts },
    lines,
    ...(seen.last !== undefined ? { lastLayout: seen.last } : {}),
    ...(task.prelude !== undefined ? { prelude: task.prelude } : {}),
  };
}

function serve(port: NonNullable<typeof parentPort>): void {
  const standard = new StandardFields();
  const passed = collectEvery();
  port.on('message', (task: ChunkTask) => {
    standard.refreshParseTime();
    normalizeChunk(task, standard).then(
      (result) => {
        const size = result.bytes.length + result.data.length;
        // Moved, not copied: the output, and the input back to the main thread (a chunk read after the wrong header is read again).
        port.postMessage({ kind: 'result', result }, [result.data.buffer as ArrayBuffer, result.bytes.buffer as ArrayBuffer]);
        passed(size);
      },
      (err: unknown) => port.postMessage({ kind: 'failed', id: task.id, message: (err as Error).message ?? String(err) }),
    );
  });
}

if (parentPort !== null) serve(parentPort);
