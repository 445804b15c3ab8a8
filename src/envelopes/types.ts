// What an envelope is, as data: a shape that carries records of an inner log
// type inside another format (CloudWatch Logs subscription payloads, the
// Lambda and Firehose events that carry them, the AWS CLI's output, export
// files). The table in ./index.ts lists one descriptor per shape; a new shape
// (Kinesis get-records, SQS-wrapped S3 events) is a file and a line there.
//
// An envelope only unwraps: it turns one framed unit (a JSON document, an
// element of a streamed wrapper array, or a line) into log events, each a
// message of the inner type with its delivery facts. The pipeline parses the
// message with the inner type's parser as if it were a line, and writes the
// facts as p_source_* fields. No log type knows about envelopes, and an
// envelope knows no log type's format (only, in ./hints.ts, the log group
// and stream names AWS gives each source).
import type { DeliveryFacts } from '../core/source_fields.js';

/** One log event taken out of its envelope. */
export type LogEvent =
  | {
    /** The record of the inner type (a line, or one JSON event as text). */
    message: string;
    facts: DeliveryFacts;
    /** Its index in the payload's `logEvents` or the output's `events`, from 0 (absent for an export line). */
    index?: number;
  }
  | {
    /** The log event cannot be read (no message, a timestamp that is no time). */
    error: string;
    /** What the report shows: the event as JSON text. */
    raw: string;
    index?: number;
  };

/** What an envelope makes of one unit. */
export type Unwrapped =
  | { kind: 'events'; events: LogEvent[] }
  /** Not log data (a CONTROL_MESSAGE): `count` log events skipped, counted, never parsed. */
  | { kind: 'skip'; count: number; notice: string }
  /** The unit is not what the envelope says it must be (bad base64, bad gzip, not an object): one error report. */
  | { kind: 'invalid'; error: string };

interface EnvelopeBase {
  /** `CloudWatchLogs.Subscription`: what `awslogs detect` prints around the inner type. */
  readonly name: string;
  readonly description: string;
  /** The AWS page that defines the shape. */
  readonly referenceUrl: string;
}

/**
 * A JSON envelope. Its units are either whole documents that hold one of
 * `documentKeys` at their top level, or the elements of the array under
 * `wrapperKey`, which the JSON framer streams one by one (so a wrapper of
 * any size costs the memory of one element); `siblingKeys` are the keys that
 * may stand next to that array.
 */
export interface JsonEnvelope extends EnvelopeBase {
  readonly framing: 'json';
  readonly documentKeys?: readonly string[];
  readonly wrapperKey?: string;
  readonly siblingKeys?: readonly string[];
  /** One unit (JSON.parse of its text); `index`: an element's index in its wrapper array, from 0. */
  unwrap(unit: unknown, index: number): Unwrapped;
}

/** What a line envelope knows of the input besides its lines. */
export interface LineContext {
  /** The log stream the input's path names (an export task's `<taskId>/<logStream>/000000.gz`). */
  logStream?: string;
}

/** A line envelope: every line carries one log event. */
export interface LineEnvelope extends EnvelopeBase {
  readonly framing: 'lines';
  /** Whether a line has the envelope's form (cheap: checked once per input on its first lines). */
  matches(line: string): boolean;
  /** The log event a line carries; a line without the envelope's form is passed on whole. */
  unwrap(line: string, context: LineContext): Unwrapped;
  /** What the input's path says about its records. */
  contextFromPath(path: string): LineContext;
}

export type EnvelopeDescriptor = JsonEnvelope | LineEnvelope;
