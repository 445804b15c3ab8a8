// Objects an export task (CreateExportTask) writes to S3:
// `<prefix>/<taskId>/<logStream>/000000.gz` (then 000001.gz …), gzip text
// with one log event per line, `<ISO-8601 UTC with milliseconds> <message>`:
//   2023-11-14T22:13:20.000Z 2 123456789012 eni-0a1b2c3d4e5f67890 …
// The prefix is the event's CloudWatch timestamp; the log stream is only in
// the object's key. (The task's permission probe, `aws-logs-write-test`, is
// passed over by the pipeline.)
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/S3Export.html
import { basename, dirname } from 'node:path';
import { normalizeRFC3339 } from '../core/timestamp.js';
import { quoteValue } from '../core/errors.js';
import type { LineContext, LineEnvelope, Unwrapped } from './types.js';

/** `2023-11-14T22:13:20.000Z ` */
const PREFIX = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z /;
const PREFIX_LENGTH = 25;
/** An export object's name: six digits, gzip or not. */
const CHUNK_NAME = /^\d{6}(\.gz)?$/;

function unwrap(line: string, context: LineContext): Unwrapped {
  if (!PREFIX.test(line)) {
    // A continuation line of a multi-line message, or a line of another file: passed on whole.
    return { kind: 'events', events: [{ message: line, facts: context.logStream !== undefined ? { logStream: context.logStream } : {} }] };
  }
  const time = normalizeRFC3339(line.slice(0, PREFIX_LENGTH - 1));
  if (time === undefined) {
    return { kind: 'events', events: [{ error: `export line: its timestamp prefix ${quoteValue(line.slice(0, PREFIX_LENGTH - 1))} is not a valid time`, raw: line }] };
  }
  const message = line.slice(PREFIX_LENGTH);
  return { kind: 'events', events: [{ message, facts: { ...(context.logStream !== undefined ? { logStream: context.logStream } : {}), time } }] };
}

export const exportTask: LineEnvelope = {
  name: 'CloudWatchLogs.Export',
  description: 'export task objects: lines "<ISO-8601 time> <message>", the log stream named by the folder',
  referenceUrl: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/S3Export.html',
  framing: 'lines',
  matches: (line) => PREFIX.test(line),
  unwrap,
  contextFromPath(path: string): LineContext {
    const normalized = path.replaceAll('\\', '/');
    if (!CHUNK_NAME.test(basename(normalized))) return {};
    const stream = basename(dirname(normalized));
    return stream === '' || stream === '.' || stream === '..' ? {} : { logStream: stream };
  },
};
