// The registry: one line per envelope. Adding a shape means adding its file
// and a line here (test/envelopes.test.ts checks every entry).
import type { ValueStart } from '../core/json_keys.js';
import { cliEvents } from './cli_events.js';
import { exportTask } from './export_task.js';
import { firehose } from './firehose.js';
import { lambda } from './lambda.js';
import { subscription } from './subscription.js';
import type { EnvelopeDescriptor, JsonEnvelope, LineEnvelope } from './types.js';

export const ENVELOPES: readonly EnvelopeDescriptor[] = [
  subscription,
  lambda,
  firehose,
  cliEvents,
  exportTask,
];

export const JSON_ENVELOPES: readonly JsonEnvelope[] = ENVELOPES.filter((e): e is JsonEnvelope => e.framing === 'json');
export const LINE_ENVELOPES: readonly LineEnvelope[] = ENVELOPES.filter((e): e is LineEnvelope => e.framing === 'lines');

/** What the JSON framer streams in an enveloped input, and the keys allowed next to it. */
export const ENVELOPE_WRAPPER_KEYS: readonly string[] = JSON_ENVELOPES.flatMap((e) => (e.wrapperKey !== undefined ? [e.wrapperKey] : []));
export const ENVELOPE_SIBLING_KEYS: readonly string[] = [...new Set(JSON_ENVELOPES.flatMap((e) => e.siblingKeys ?? []))];

/** The envelope whose wrapper array an element came from. */
export function envelopeOfWrapper(name: string): JsonEnvelope | undefined {
  return JSON_ENVELOPES.find((e) => e.wrapperKey === name);
}

/** The envelope a document belongs to, by its top-level keys (what each value starts with). */
export function envelopeOfKeys(keys: ReadonlyMap<string, ValueStart>): JsonEnvelope | undefined {
  return JSON_ENVELOPES.find((e) =>
    (e.documentKeys ?? []).some((k) => keys.has(k)) || (e.wrapperKey !== undefined && keys.get(e.wrapperKey) === '['));
}

export type { EnvelopeDescriptor, JsonEnvelope, LineEnvelope, LogEvent, Unwrapped } from './types.js';
