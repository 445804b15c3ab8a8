// The Lambda handler (`import { handler } from 'awslogs/lambda'`): one
// function for every way AWS announces new log data (events.ts). Each S3
// object is streamed from GetObject through the same pipeline as the CLI
// (detection, or AWSLOGS_TYPE) into a multipart upload at a key that is a
// pure function of the object's bucket, key and version/ETag
// (output_key.ts), so a message delivered twice overwrites its output
// instead of duplicating records. Error reports go to their own object
// under AWSLOGS_ERRORS, started only when there is a first one.
//
// Failures: a record that does not normalize is an error report (the object
// still succeeds: retrying cannot change it). An object that cannot be read
// to its end or written fails: its upload is aborted (nothing visible), and
// for SQS its message alone is returned in batchItemFailures
// (ReportBatchItemFailures), for other sources the invocation throws so
// Lambda retries it. One JSON line per object goes to the function's log.
// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
import { PassThrough, type Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { ErrorReport } from '../core/errors.js';
import { StandardFields } from '../core/standard.js';
import { decodeData } from '../envelopes/payload.js';
import { findFormat } from '../formats/index.js';
import { LOG_TYPES } from '../logtypes/index.js';
import type { StreamedInput } from '../pipeline/input.js';
import type { ReportSink } from '../pipeline/normalize.js';
import { capYoungGeneration, limitOldGenerationGrowth } from '../pipeline/heap_release.js';
import { BatchedWriter } from '../pipeline/output.js';
import { processInput, type InputSettings, type ProcessedInput } from '../pipeline/process_input.js';
import type { Counts } from '../pipeline/report.js';
import { escapeForTerminal, jsonForTerminal } from '../pipeline/terminal.js';
import { ConfigError, loadConfig, type LambdaConfig } from './config.js';
import { parseEvent, type LogEventsItem, type S3ObjectItem, type WorkItem } from './events.js';
import {
  errorsKeyForObject, errorsKeyForPayload, outputKeyForObject, outputKeyForPayload, undecodablePayloadIdentity, type PayloadIdentity,
} from './output_key.js';
import { realS3, type LambdaS3, type ObjectUpload } from './s3_io.js';

/** The longest line accepted in a text format (the CLI's default --max-line-bytes). */
const MAX_LINE_BYTES = 8 * 1024 * 1024;
/** Time kept back before Lambda's timeout to abort the upload in progress and report its message. */
const DEADLINE_MARGIN_MS = 10_000;
/** Notices kept per object in its summary line. */
const MAX_NOTICES = 5;

/** What the Lambda runtime passes besides the event (only what is used). */
export interface LambdaContext {
  awsRequestId?: string;
  getRemainingTimeInMillis?: () => number;
}

/** SQS with ReportBatchItemFailures: the messages to be delivered again. */
export interface BatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** The summary line of one object (or payload), as logged. */
export interface ObjectSummary {
  kind: 'object';
  input: string;
  output?: string;
  errors?: string;
  messageId?: string;
  logType?: string;
  status: 'ok' | 'failed';
  read: number;
  written: number;
  failed: number;
  skipped: number;
  /** Bytes read from S3 (compressed, as stored). */
  bytes: number;
  ms: number;
  problem?: string;
  notices?: string[];
}

/** The handler's dependencies: the environment, S3, and where summary lines go. Tests replace them. */
export interface HandlerDeps {
  env: NodeJS.ProcessEnv;
  s3: LambdaS3;
  log: (line: string) => void;
}

let cachedConfig: { env: NodeJS.ProcessEnv; config: LambdaConfig } | undefined;

/** The configuration, read once per environment (a cold start), not per invocation. */
function configFor(env: NodeJS.ProcessEnv): LambdaConfig {
  if (cachedConfig?.env !== env) cachedConfig = { env, config: loadConfig(env) };
  return cachedConfig.config;
}

const defaultDeps: HandlerDeps = { env: process.env, s3: realS3, log: (line) => console.log(line) };

/**
 * The Lambda entry point. Returns `{batchItemFailures}` for an SQS event, and
 * `{objects}` (one summary per object) for the others. Throws when the
 * configuration is bad (ConfigError, one line), when a non-SQS event cannot
 * be read, or when one of its objects failed (so Lambda retries the event).
 */
export async function handler(event: unknown, context: LambdaContext = {}): Promise<BatchResponse | { objects: ObjectSummary[] }> {
  // The handler streams (NDJSON or OCSF, never Parquet) on one thread: keep the heap near what is live (heap_release.ts).
  limitOldGenerationGrowth();
  capYoungGeneration();
  return handle(event, context, defaultDeps);
}

/** `handler` with its dependencies named (tests, other runtimes). */
export async function handle(event: unknown, context: LambdaContext, deps: HandlerDeps): Promise<BatchResponse | { objects: ObjectSummary[] }> {
  let config: LambdaConfig;
  try {
    config = configFor(deps.env);
  } catch (err) {
    if (err instanceof ConfigError) deps.log(jsonForTerminal({ kind: 'config-error', message: err.message }));
    throw err;
  }
  const parsed = parseEvent(event);
  for (const s of parsed.skipped) deps.log(jsonForTerminal({ kind: 'skipped', where: s.where, reason: s.reason, ...(s.messageId !== undefined ? { messageId: s.messageId } : {}) }));
  for (const p of parsed.problems) deps.log(jsonForTerminal({ kind: 'event-problem', where: p.where, message: p.error, ...(p.messageId !== undefined ? { messageId: p.messageId } : {}) }));
  const sqs = parsed.shape === 'SQS';
  // A problem no message id can be given to (a non-SQS event, an SQS record without its id) fails the invocation.
  const unattributed = parsed.problems.filter((p) => !sqs || p.messageId === undefined);
  if (unattributed.length > 0) throw new Error(`awslogs: cannot read the event: ${unattributed.map((p) => p.error).join('; ')}`);

  const failedMessages = new Set(parsed.problems.flatMap((p) => (p.messageId !== undefined ? [p.messageId] : [])));
  const summaries: ObjectSummary[] = [];
  for (const item of parsed.items) {
    // A message that failed already goes back whole: its other objects will be read again then.
    if (item.messageId !== undefined && failedMessages.has(item.messageId)) continue;
    const summary = await processItem(item, config, deps.s3, context);
    deps.log(jsonForTerminal(summary));
    summaries.push(summary);
    if (summary.status === 'failed' && item.messageId !== undefined) failedMessages.add(item.messageId);
  }
  if (sqs) return { batchItemFailures: parsed.messageIds.filter((id) => failedMessages.has(id)).map((id) => ({ itemIdentifier: id })) };
  const failed = summaries.filter((s) => s.status === 'failed');
  // Keys and messages come from the event: escaped, as every line this tool prints.
  if (failed.length > 0) throw new Error(escapeForTerminal(`awslogs: ${failed.length} of ${summaries.length} objects failed: ${failed.map((s) => `${s.input}: ${s.problem ?? 'failed'}`).join('; ')}`));
  return { objects: summaries };
}

function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** Where an item's records and error reports go, and how its bytes are read. */
interface Plan {
  input: StreamedInput;
  output: { bucket: string; key: string };
  errors: { bucket: string; key: string };
  tally: { bytes: number };
  /** Settles once the input is open: a missing or forbidden object rejects here, before any upload starts. */
  opened: Promise<unknown>;
}

function planObject(item: S3ObjectItem, config: LambdaConfig, s3: LambdaS3): Plan {
  const tally = { bytes: 0 };
  const opened = s3.open(item.bucket, item.key, item.eTag);
  // Opened now so that a missing object fails before an upload is started; the rejection is observed by open().
  opened.catch(() => undefined);
  const input: StreamedInput = {
    path: s3Url(item.bucket, item.key),
    open: () => counted(opened.then((o) => o.body), tally),
    reread: async function* (start, end) {
      const o = await opened;
      if (o.reread !== undefined) yield* o.reread(start, end);
    },
    // With reread, a Parquet object is read by ranges (pipeline/parquet_source.ts); its ranged reads are not in `tally`.
    size: async () => {
      const o = await opened;
      return o.reread !== undefined ? o.size : undefined;
    },
  };
  return {
    input,
    output: { bucket: config.output.bucket, key: outputKeyForObject(config.output, item, config.gzip, extensionOf(config)) },
    errors: { bucket: config.errors.bucket, key: errorsKeyForObject(config.errors, item, formatTagOf(config)) },
    tally,
    opened,
  };
}

/** What names a payload: its owner, log group, log stream and first event id (undecodable data: its hash). */
function payloadIdentity(data: string): PayloadIdentity {
  const decoded = decodeData(data, 'awslogs.data');
  if ('error' in decoded) return undecodablePayloadIdentity(data);
  let payload: unknown;
  try {
    payload = JSON.parse(decoded.text);
  } catch {
    return undecodablePayloadIdentity(data);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undecodablePayloadIdentity(data);
  const p = payload as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const events = Object.prototype.hasOwnProperty.call(p, 'logEvents') ? p.logEvents : undefined;
  const first: unknown = Array.isArray(events) ? events[0] : undefined;
  const firstId = typeof first === 'object' && first !== null && Object.prototype.hasOwnProperty.call(first, 'id') ? text((first as Record<string, unknown>).id) : undefined;
  const id: PayloadIdentity = {};
  const owner = Object.prototype.hasOwnProperty.call(p, 'owner') ? text(p.owner) : undefined;
  const logGroup = Object.prototype.hasOwnProperty.call(p, 'logGroup') ? text(p.logGroup) : undefined;
  const logStream = Object.prototype.hasOwnProperty.call(p, 'logStream') ? text(p.logStream) : undefined;
  if (owner !== undefined) id.owner = owner;
  if (logGroup !== undefined) id.logGroup = logGroup;
  if (logStream !== undefined) id.logStream = logStream;
  if (firstId !== undefined) id.firstEventId = firstId;
  // No first event id (a payload without events): the data's hash keeps the name unique and stable.
  return firstId !== undefined ? id : { ...id, firstEventId: undecodablePayloadIdentity(data).firstEventId! };
}

function planPayload(item: LogEventsItem, config: LambdaConfig): Plan {
  const id = payloadIdentity(item.data);
  // The pipeline's own envelope (src/envelopes/lambda.ts) reads the event as the CLI reads a saved one.
  const bytes = Buffer.from(JSON.stringify({ awslogs: { data: item.data } }));
  const tally = { bytes: 0 };
  const name = `CloudWatchLogs:${id.owner ?? '-'}:${id.logGroup ?? '-'}:${id.logStream ?? '-'}`;
  return {
    input: { path: name, open: () => counted(Promise.resolve([bytes]), tally) },
    output: { bucket: config.output.bucket, key: outputKeyForPayload(config.output, id, config.gzip, extensionOf(config)) },
    errors: { bucket: config.errors.bucket, key: errorsKeyForPayload(config.errors, id, formatTagOf(config)) },
    tally,
    opened: Promise.resolve(),
  };
}

/** The chunks of a body, their bytes added up in `tally.bytes`. */
async function* counted(body: Promise<AsyncIterable<Buffer> | Iterable<Buffer>>, tally: { bytes: number }): AsyncGenerator<Buffer> {
  for await (const chunk of await body) {
    tally.bytes += chunk.length;
    yield chunk;
  }
}

function totals(result: ProcessedInput): Counts {
  const sum: Counts = { read: 0, written: 0, failed: 0, skipped: 0, filtered: 0 };
  for (const c of result.counts.values()) {
    sum.read += c.read;
    sum.written += c.written;
    sum.failed += c.failed;
    sum.skipped += c.skipped;
  }
  return sum;
}

/** The output objects' name ending: the format's (`.ndjson`, `.ocsf.ndjson`). */
function extensionOf(config: LambdaConfig): string {
  return findFormat(config.format)?.extension ?? '.ndjson';
}

/** `.ocsf` for the error reports of a format other than ndjson, else nothing. */
function formatTagOf(config: LambdaConfig): string {
  return config.format === 'ndjson' ? '' : `.${config.format}`;
}

function settingsOf(config: LambdaConfig): InputSettings {
  return {
    ...(config.format !== 'ndjson' ? { format: config.format } : {}),
    ...(config.logType !== undefined ? { logType: config.logType } : {}),
    detect: 'input',
    candidates: LOG_TYPES,
    parserOptions: {},
    maxLineBytes: MAX_LINE_BYTES,
  };
}

/** Normalizes one item; never throws: a failure is the summary's `problem`, with status failed. */
async function processItem(item: WorkItem, config: LambdaConfig, s3: LambdaS3, context: LambdaContext): Promise<ObjectSummary> {
  const started = Date.now();
  const plan = item.kind === 's3-object' ? planObject(item, config, s3) : planPayload(item, config);
  const summary: ObjectSummary = {
    kind: 'object', input: plan.input.path, status: 'ok', read: 0, written: 0, failed: 0, skipped: 0, bytes: 0, ms: 0,
    ...(item.messageId !== undefined ? { messageId: item.messageId } : {}),
  };
  const reports = new S3Reports(s3, plan.errors.bucket, plan.errors.key);
  let upload: ObjectUpload | undefined;
  const deadline = deadlineTimer(context, () => { void upload?.abort(); reports.abort(); });
  try {
    await plan.opened;
    upload = await s3.upload(plan.output.bucket, plan.output.key, config.gzip ? 'application/gzip' : 'application/x-ndjson');
    const result = await normalizeInto(plan.input, upload, config, reports);
    Object.assign(summary, totals(result), result.logType !== undefined ? { logType: result.logType } : {});
    if (deadline.expired) throw new Error(`stopped ${DEADLINE_MARGIN_MS / 1000}s before the function's timeout; the upload was aborted`);
    // An input not read to its end is not complete: its records must not look whole.
    if (result.problem !== undefined) throw new Error(result.problem);
    await upload.done;
    summary.output = s3Url(plan.output.bucket, plan.output.key);
    if (await reports.close()) summary.errors = s3Url(plan.errors.bucket, plan.errors.key);
  } catch (err) {
    await upload?.abort();
    reports.abort();
    summary.status = 'failed';
    summary.problem = (err as Error).message ?? String(err);
  } finally {
    deadline.clear();
  }
  summary.bytes = plan.tally.bytes;
  summary.ms = Date.now() - started;
  if (reports.notices.length > 0) summary.notices = reports.notices;
  return summary;
}

/** Runs the pipeline from `input` into the upload (gzip on the way when configured). */
async function normalizeInto(input: StreamedInput, upload: ObjectUpload, config: LambdaConfig, reports: S3Reports): Promise<ProcessedInput> {
  let failure: Error | undefined;
  upload.done.catch((err: Error) => { failure ??= err; });
  let sink: Writable = upload.stream;
  if (config.gzip) {
    const gz = createGzip();
    gz.pipe(upload.stream);
    gz.on('error', (err) => { failure ??= err; });
    sink = gz;
  }
  const writer = new BatchedWriter(sink);
  const result = await processInput(input, settingsOf(config), new StandardFields(), writer, reports, { outputFailure: () => failure });
  await writer.flush();
  sink.end();
  if (failure !== undefined) throw failure;
  return result;
}

function deadlineTimer(context: LambdaContext, onExpiry: () => void): { expired: boolean; clear: () => void } {
  const state = { expired: false, clear: () => undefined as void };
  const remaining = context.getRemainingTimeInMillis?.();
  if (remaining === undefined) return state;
  const timer = setTimeout(() => {
    state.expired = true;
    onExpiry();
  }, Math.max(0, remaining - DEADLINE_MARGIN_MS));
  timer.unref();
  state.clear = () => clearTimeout(timer);
  return state;
}

/**
 * Error reports of one item as NDJSON in their own object, whose upload
 * starts with the first report (an object without errors leaves none).
 * Notices (trailing data after gzip, skipped control messages) are kept for
 * the summary line.
 */
class S3Reports implements ReportSink {
  readonly notices: string[] = [];
  private buffer: PassThrough | undefined;
  private writer: BatchedWriter | undefined;
  private upload: Promise<ObjectUpload> | undefined;
  private failure: Error | undefined;

  constructor(private readonly s3: LambdaS3, private readonly bucket: string, private readonly key: string) {}

  error(report: ErrorReport): void {
    if (this.writer === undefined) this.start();
    this.writer!.write(JSON.stringify(report) + '\n');
  }

  notice(_file: string, message: string): void {
    if (this.notices.length < MAX_NOTICES && !this.notices.includes(message)) this.notices.push(message);
  }

  private start(): void {
    const buffer = new PassThrough({ highWaterMark: 1 << 20 });
    this.buffer = buffer;
    this.writer = new BatchedWriter(buffer);
    this.upload = this.s3.upload(this.bucket, this.key, 'application/x-ndjson').then((u) => {
      u.done.catch((err: Error) => { this.failure ??= err; });
      buffer.pipe(u.stream);
      return u;
    });
    this.upload.catch((err: Error) => { this.failure ??= err; });
  }

  async flushIfFull(): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (this.writer === undefined) return;
    await this.upload;
    await this.writer.flushIfFull();
  }

  /** Completes the errors object; false when there were no reports. Throws when it could not be written. */
  async close(): Promise<boolean> {
    if (this.writer === undefined) return false;
    const upload = await this.upload!;
    await this.writer.flush();
    this.buffer!.end();
    await upload.done;
    return true;
  }

  abort(): void {
    void this.upload?.then((u) => u.abort(), () => undefined);
  }
}
