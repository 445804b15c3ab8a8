// Enveloped input (CloudWatch Logs): the layer between framing and parsing.
// Each framed unit (a document, a streamed wrapper element, a line) goes to
// its envelope (src/envelopes/), which yields log events; each event's
// message goes through the inner type's RecordProcessor as if it were a line,
// with its delivery facts (p_source_*). The inner type is --type, or is
// detected per log group (one Firehose object can mix log groups of several
// types), from the group's first payload.
//
// Accounting is per log event: read = written + failed + skipped. A unit that
// is not valid (bad base64, bad gzip inside, not an object) is one error
// report, and counts as one record; a CONTROL_MESSAGE counts its log events
// as skipped. What no inner type can be named for is counted as `unknown`.
import { basename } from 'node:path';
import { TextDecoder } from 'node:util';
import { MAX_RAW_CHARS, makeErrorReport, quoteValue } from '../core/errors.js';
import { topLevelKeys, type ValueStart } from '../core/json_keys.js';
import { SOURCE_FIELDS } from '../core/source_fields.js';
import { StandardFields } from '../core/standard.js';
import {
  ENVELOPE_SIBLING_KEYS, ENVELOPE_WRAPPER_KEYS, LINE_ENVELOPES, envelopeOfKeys, envelopeOfWrapper,
  type EnvelopeDescriptor, type JsonEnvelope, type LineEnvelope, type LogEvent, type Unwrapped,
} from '../envelopes/index.js';
import { hintedType } from '../envelopes/hints.js';
import { describe, isObject, jsonText } from '../envelopes/payload.js';
import type { LineContext } from '../envelopes/types.js';
import type { LogTypeDescriptor, ParserOptions } from '../logtypes/types.js';
import { detectFromMessages, SAMPLE_MESSAGES } from './envelope_detect.js';
import { ResyncJsonFramer } from './json_resync.js';
import { LineFramer, type Framer, type RecordHandler } from './lines.js';
import { NOWHERE, RecordProcessor, addCounts, emptyCounts, type ErrorSink, type OutputSink, type RecordFilter } from './normalize.js';
import type { Counts } from './report.js';

/** The name under which what no inner type can be named for is counted (as process_input.ts's UNKNOWN_TYPE). */
const UNKNOWN = 'unknown';
/** How much of the sample the envelope check decodes. */
const SNIFF_CHARS = 64 * 1024;

/** What the first bytes of an input say: which envelope framing, and the first unit's shape. */
export type Sniffed =
  | { framing: 'json'; first: JsonEnvelope }
  | { framing: 'lines'; first: LineEnvelope; context: LineContext };

export interface EnvelopeSettings {
  logType?: LogTypeDescriptor;
  candidates: readonly LogTypeDescriptor[];
  parserOptions: ParserOptions;
  maxLineBytes: number;
  filter?: RecordFilter;
}

function sampleText(sample: readonly Buffer[]): string {
  const decoder = new TextDecoder('utf-8');
  let text = '';
  for (const chunk of sample) {
    text += decoder.decode(chunk.subarray(0, SNIFF_CHARS - text.length), { stream: true });
    if (text.length >= SNIFF_CHARS) break;
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The first lines of the sample that are not blank (the last one only when the sample ended). */
function firstLines(text: string, ended: boolean, max: number): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (!ended) lines.pop();
  return lines.filter((l) => l.trim().length > 0).slice(0, max);
}

/** With --type, a line envelope is taken only when a line's message parses as that type. */
function someMessageParses(lines: readonly string[], envelope: LineEnvelope, type: LogTypeDescriptor, settings: EnvelopeSettings, file: string): boolean {
  const probe = new RecordProcessor(file, type, { ...settings.parserOptions, headerless: true, recordKeys: SOURCE_FIELDS }, new StandardFields(), NOWHERE, NOWHERE);
  for (const line of lines) {
    if (!envelope.matches(line)) continue;
    const u = envelope.unwrap(line, {});
    if (u.kind === 'events' && u.events.some((e) => 'message' in e && probe.attempt(e.message, 1) === undefined)) return true;
  }
  return false;
}

/**
 * Whether an input is enveloped, from its first decompressed bytes: a check
 * per input, so records that are not in an envelope never pay for one. JSON:
 * the first document's top-level keys name an envelope (`logEvents`,
 * `awslogs`, `records`, `events`). Lines: the first line has the envelope's
 * form (an export's timestamp prefix); with --type, some line's message must
 * also parse as that type.
 */
export function sniffEnvelope(sample: readonly Buffer[], ended: boolean, file: string, settings: EnvelopeSettings): Sniffed | undefined {
  const text = sampleText(sample);
  const start = text.trimStart();
  if (start.startsWith('{')) {
    const keys = topLevelKeys(start);
    const first = keys === undefined ? undefined : envelopeOfKeys(keys);
    return first === undefined ? undefined : { framing: 'json', first };
  }
  const lines = firstLines(text, ended, SAMPLE_MESSAGES);
  if (lines.length === 0) return undefined;
  for (const envelope of LINE_ENVELOPES) {
    if (!envelope.matches(lines[0]!)) continue;
    if (settings.logType !== undefined && !someMessageParses(lines, envelope, settings.logType, settings, file)) continue;
    return { framing: 'lines', first: envelope, context: envelope.contextFromPath(file) };
  }
  return undefined;
}

function keysOf(o: Record<string, unknown>): Map<string, ValueStart> {
  const keys = new Map<string, ValueStart>();
  for (const [k, v] of Object.entries(o)) {
    keys.set(k, Array.isArray(v) ? '[' : isObject(v) ? '{' : typeof v === 'string' ? '"' : 'other');
  }
  return keys;
}

function keyList(o: Record<string, unknown>): string {
  const keys = Object.keys(o);
  const shown = keys.slice(0, 8).map((k) => quoteValue(k, 40)).join(', ');
  return keys.length > 8 ? `${shown}, …` : shown || 'none';
}

/**
 * A message as the line it was: CloudWatch Logs keeps the writer's line end,
 * so one trailing `\n`, `\r\n` or `\r` is dropped, as the line framer drops
 * it. A message that still holds line breaks (a multi-line message) is one
 * record of the inner type: its parser reports it when it is none.
 */
function asLine(message: string): string {
  if (message.endsWith('\r\n')) return message.slice(0, -2);
  if (message.endsWith('\n') || message.endsWith('\r')) return message.slice(0, -1);
  return message;
}

function tooLongMessage(bytes: number, limit: number): string {
  return `message is ${bytes} bytes long, over the limit of ${limit} (--max-line-bytes); raw holds its start`;
}

/** Why an object names no envelope: no envelope key, or one whose value has the wrong kind. */
function shapeProblem(o: Record<string, unknown>): string {
  const expected: ReadonlyArray<readonly [string, string]> = [['logEvents', 'an array'], ['awslogs', 'an object'], ['records', 'an array'], ['events', 'an array']];
  for (const [key, kind] of expected) {
    if (key in o) return `${key}: expected ${kind}, found ${describe(o[key])}`;
  }
  return 'no logEvents, awslogs, records or events key';
}

/** Turns framed units into log events and sends each message to its inner type's processor. */
export class EnvelopeHandler implements RecordHandler {
  /** What no inner type can be named for. */
  readonly unknown: Counts = emptyCounts();
  /** One processor per inner type, in the order they were first needed. */
  readonly processors = new Map<string, RecordProcessor>();
  /** The shapes and inner types seen, in order: `CloudWatchLogs.Subscription(AWS.VPCFlow)` (for detect and the summary). */
  private readonly seen = new Map<string, Set<string>>();
  /** The inner type decided for each log group ('' for input without groups). */
  private readonly decided = new Map<string, LogTypeDescriptor>();
  private readonly innerOptions: ParserOptions;
  private elementIndex = 0;
  /** The top-level array being streamed was reported already (or none is): its other elements are part of that report. */
  private arrayReported = true;

  constructor(
    private readonly file: string,
    private readonly settings: EnvelopeSettings,
    private readonly newProcessor: (type: LogTypeDescriptor, options: ParserOptions) => RecordProcessor,
    private readonly errors: ErrorSink,
    private readonly sniffed: Sniffed,
  ) {
    this.innerOptions = { ...settings.parserOptions, headerless: true, recordKeys: SOURCE_FIELDS };
  }

  wrapperStart(name: string): void {
    this.elementIndex = 0;
    this.arrayReported = name !== '';
  }

  record(text: string, line: number, _shortNumbersOnly?: boolean, wrapper?: string): void {
    if (this.sniffed.framing === 'lines') {
      this.handle(this.sniffed.first, this.sniffed.first.unwrap(text, this.sniffed.context), text, line);
      return;
    }
    if (wrapper === '') {
      this.topLevelArray(text, line);
      return;
    }
    let unit: unknown;
    try {
      unit = JSON.parse(text);
    } catch (err) {
      this.fail(line, undefined, `not JSON (${(err as Error).message})`, text);
      return;
    }
    const envelope = wrapper === undefined ? undefined : envelopeOfWrapper(wrapper);
    if (envelope !== undefined) {
      this.handle(envelope, envelope.unwrap(unit, this.elementIndex++), text, line);
      return;
    }
    this.document(unit, text, line);
  }

  /**
   * An element of a top-level array: no envelope is an array (CloudWatch
   * Logs, Lambda, Firehose and the CLI all deliver objects), so the array is
   * one unit that is not valid: one report at its first element, with the
   * array's head as raw, counted once.
   */
  private topLevelArray(text: string, line: number): void {
    if (this.arrayReported) return;
    this.arrayReported = true;
    this.fail(line, undefined, 'expected a CloudWatch Logs payload, Lambda event, Firehose event or CLI output (a JSON object), found an array', `[${text}`);
  }

  reject(message: string, raw: string, line: number, length?: number): void {
    this.fail(line, undefined, message, raw, length);
  }

  private document(unit: unknown, text: string, line: number): void {
    if (!isObject(unit)) {
      this.fail(line, undefined, `expected a CloudWatch Logs payload, Lambda event, Firehose event or CLI output (a JSON object), found ${Array.isArray(unit) ? 'an array' : typeof unit}`, text);
      return;
    }
    const envelope = envelopeOfKeys(keysOf(unit));
    if (envelope === undefined) {
      this.fail(line, undefined, `not a CloudWatch Logs shape: ${shapeProblem(unit)} (keys: ${keyList(unit)})`, text);
      return;
    }
    const array = envelope.wrapperKey !== undefined ? unit[envelope.wrapperKey] : undefined;
    if (!Array.isArray(array)) {
      this.handle(envelope, envelope.unwrap(unit, 0), text, line);
      return;
    }
    // A wrapper the framer could not stream (keys it does not expect before the array): read here.
    array.forEach((element: unknown, i) => this.handle(envelope, envelope.unwrap(element, i), jsonText(element), line));
  }

  private handle(envelope: EnvelopeDescriptor, unwrapped: Unwrapped, raw: string, line: number): void {
    this.note(envelope.name);
    switch (unwrapped.kind) {
      case 'invalid':
        this.fail(line, undefined, unwrapped.error, raw);
        return;
      case 'skip': {
        const counts = this.settings.logType !== undefined ? this.processorFor(this.settings.logType).counts : this.unknown;
        counts.read += unwrapped.count;
        counts.skipped += unwrapped.count;
        this.errors.notice(this.file, unwrapped.notice);
        return;
      }
      case 'events':
        this.deliver(envelope, unwrapped.events, line);
        return;
    }
  }

  private deliver(envelope: EnvelopeDescriptor, events: readonly LogEvent[], line: number): void {
    const type = this.innerType(events);
    if (typeof type !== 'string') this.note(envelope.name, type.name);
    for (const event of events) {
      if ('error' in event) {
        this.fail(line, event.index, event.error, event.raw, undefined, typeof type === 'string' ? undefined : type);
      } else if (typeof type === 'string') {
        this.fail(line, event.index, type, event.message);
      } else {
        const message = asLine(event.message);
        const bytes = Buffer.byteLength(message);
        if (bytes > this.settings.maxLineBytes) {
          this.fail(line, event.index, tooLongMessage(bytes, this.settings.maxLineBytes), message.slice(0, MAX_RAW_CHARS), message.length, type);
          continue;
        }
        const processor = this.processorFor(type);
        processor.deliver(event.facts, event.index);
        processor.record(message, line);
        processor.deliver(undefined);
      }
    }
  }

  /** The inner type of a unit's log events (--type, or decided per log group), or why none. */
  private innerType(events: readonly LogEvent[]): LogTypeDescriptor | string {
    if (this.settings.logType !== undefined) return this.settings.logType;
    const messages: string[] = [];
    let facts;
    for (const e of events) {
      if (!('message' in e)) continue;
      facts ??= e.facts;
      if (messages.push(asLine(e.message)) >= SAMPLE_MESSAGES) break;
    }
    const group = facts?.logGroup ?? '';
    const known = this.decided.get(group);
    if (known !== undefined) return known;
    if (facts === undefined) return 'no message to detect the log type from';
    const d = detectFromMessages(messages, hintedType(facts.logGroup, facts.logStream), this.settings.candidates, this.innerOptions, this.file);
    if (d.type !== undefined) {
      this.decided.set(group, d.type);
      return d.type;
    }
    const where = group !== '' ? ` of log group ${quoteValue(group)}` : '';
    return `could not detect the log type of the log events${where}: ${d.reason}; pass --type`;
  }

  private processorFor(type: LogTypeDescriptor): RecordProcessor {
    let p = this.processors.get(type.name);
    if (p === undefined) this.processors.set(type.name, (p = this.newProcessor(type, this.innerOptions)));
    return p;
  }

  private fail(line: number, logEvent: number | undefined, error: string, raw: string, length?: number, type = this.settings.logType): void {
    const counts = type !== undefined ? this.processorFor(type).counts : this.unknown;
    counts.read++;
    counts.failed++;
    this.errors.error(makeErrorReport(this.file, line, type?.name, error, raw, length, logEvent));
  }

  private note(shape: string, type?: string): void {
    let types = this.seen.get(shape);
    if (types === undefined) this.seen.set(shape, (types = new Set()));
    if (type !== undefined) types.add(type);
  }

  /** `CloudWatchLogs.Subscription(AWS.VPCFlow)`; several shapes or types joined by `,`; `unknown` inside when none was named. */
  label(): string {
    if (this.seen.size === 0) return `${this.sniffed.first.name}(${this.settings.logType?.name ?? UNKNOWN})`;
    return [...this.seen].map(([shape, types]) => `${shape}(${types.size > 0 ? [...types].join(',') : UNKNOWN})`).join(',');
  }

  /** Whether some unit named an inner type. */
  get named(): boolean {
    return [...this.seen.values()].some((t) => t.size > 0);
  }

  countsByType(): Map<string, Counts> {
    const counts = new Map<string, Counts>();
    for (const [name, p] of this.processors) counts.set(name, p.counts);
    if (this.settings.logType !== undefined && !counts.has(this.settings.logType.name)) counts.set(this.settings.logType.name, emptyCounts());
    if (this.unknown.read > 0) counts.set(UNKNOWN, this.unknown);
    return counts;
  }

  totals(): Counts {
    const sum = { ...this.unknown };
    for (const p of this.processors.values()) addCounts(sum, p.counts);
    return sum;
  }
}

export function envelopeFramer(sniffed: Sniffed, handler: RecordHandler, maxLineBytes: number): Framer {
  return sniffed.framing === 'json'
    ? new ResyncJsonFramer(handler, { wrapperKeys: ENVELOPE_WRAPPER_KEYS, siblingKeys: ENVELOPE_SIBLING_KEYS })
    : new LineFramer(handler, maxLineBytes);
}

/** The permission probe an export task writes at its prefix root: not log data. */
export function isExportWriteTest(file: string, sample: readonly Buffer[], ended: boolean): boolean {
  return ended && basename(file.replaceAll('\\', '/')) === 'aws-logs-write-test' && sampleText(sample).trim() === 'Permission Check Successful';
}

export const EXPORT_WRITE_TEST_NOTICE = 'passed over: the permission probe an export task writes (aws-logs-write-test), not log data';

/** How far `awslogs detect` reads an enveloped input for a unit that names its inner type (payloads can be large). */
const DETECT_MAX_BYTES = 16 * 1024 * 1024;

/**
 * `awslogs detect` on an enveloped input: the shapes and inner types of the
 * units in its sample, reading on (up to DETECT_MAX_BYTES) until one names
 * an inner type.
 */
export async function labelOfInput(file: string, sniffed: Sniffed, sample: readonly Buffer[], ended: boolean,
  rest: AsyncIterator<Buffer>, settings: EnvelopeSettings): Promise<{ label: string; named: boolean }> {
  const standard = new StandardFields();
  const handler = new EnvelopeHandler(file, settings,
    (type, options) => new RecordProcessor(file, type, options, standard, NOWHERE as OutputSink, NOWHERE), NOWHERE, sniffed);
  const framer = envelopeFramer(sniffed, handler, settings.maxLineBytes);
  let bytes = 0;
  for (const chunk of sample) {
    framer.push(chunk);
    bytes += chunk.length;
  }
  while (!ended && !handler.named && bytes < DETECT_MAX_BYTES) {
    const next = await rest.next();
    if (next.done) {
      ended = true;
      break;
    }
    framer.push(next.value);
    bytes += next.value.length;
  }
  if (ended) framer.end();
  return { label: handler.label(), named: handler.named };
}
