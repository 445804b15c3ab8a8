// Detection of the inner type of enveloped log events (CloudWatch Logs):
// the messages of one payload (or the first log events of an input) are
// tried with every type's parser and schema, as detect.ts does with the
// first records of a file; the log group's or stream's name (envelopes/
// hints.ts) plays the part of the S3 path: a strong hint, taken only when
// the messages parse as that type.
import { StandardFields } from '../core/standard.js';
import type { LogTypeDescriptor, ParserOptions } from '../logtypes/types.js';
import { NOWHERE, RecordProcessor } from './normalize.js';

/** How many messages each candidate type is tried on. */
export const SAMPLE_MESSAGES = 20;

export interface MessageDetection {
  type?: LogTypeDescriptor;
  /** Why this type, or why none. */
  reason: string;
}

interface Score {
  type: LogTypeDescriptor;
  ok: number;
  failed: number;
}

function score(type: LogTypeDescriptor, messages: readonly string[], file: string, parserOptions: ParserOptions): Score {
  const probe = new RecordProcessor(file, type, parserOptions, new StandardFields(), NOWHERE, NOWHERE);
  const s: Score = { type, ok: 0, failed: 0 };
  for (const m of messages.slice(0, SAMPLE_MESSAGES)) {
    if (probe.attempt(m, 1) === undefined) s.ok++;
    else s.failed++;
  }
  return s;
}

function names(scores: readonly Score[]): string {
  return scores.map((s) => s.type.name).join(', ');
}

/** The inner type of these messages, with `hint` (a type name) from the log group or stream. */
export function detectFromMessages(
  messages: readonly string[],
  hint: string | undefined,
  candidates: readonly LogTypeDescriptor[],
  parserOptions: ParserOptions,
  file: string,
): MessageDetection {
  const scores = candidates.map((t) => score(t, messages, file, parserOptions));
  // A type qualifies when its records parse more often than not.
  const qualified = scores.filter((s) => s.ok > 0 && s.ok >= s.failed);
  const hinted = qualified.find((s) => s.type.name === hint);
  if (hinted !== undefined) return { type: hinted.type, reason: `the log group or stream names ${hint}` };
  if (qualified.length === 1) return { type: qualified[0]!.type, reason: 'only type whose messages parse' };
  if (qualified.length > 1) {
    const clean = qualified.filter((s) => s.failed === 0);
    if (clean.length === 1) return { type: clean[0]!.type, reason: 'only type whose messages all parse' };
    return { reason: `the messages parse as more than one type (${names(clean.length > 1 ? clean : qualified)})` };
  }
  const hintNote = hint !== undefined ? ` (the log group or stream suggests ${hint}, but the messages do not parse as that)` : '';
  return { reason: `none of ${names(scores)} parses the messages${hintNote}` };
}
