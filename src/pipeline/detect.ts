// Detection of the log type when --type is not given. Per input: the first
// records are tried with every type's parser (and validated against its
// schema); an S3-style path (`…/vpcflowlogs/…`) is a strong hint. When the
// evidence is ambiguous or absent we say so and ask for --type: nothing is
// guessed silently.
import { StandardFields } from '../core/standard.js';
import type { Framing, LogTypeDescriptor, ParserOptions } from '../logtypes/types.js';
import type { RecordHandler } from './lines.js';
import { NOWHERE, RecordProcessor, createFramer } from './normalize.js';

/** How much of an input detection reads before it decides. */
export const SAMPLE_BYTES = 64 * 1024;
/** How many records each candidate type is tried on. */
export const SAMPLE_RECORDS = 20;

export interface Detection {
  /** The type, when the evidence names exactly one. */
  type?: LogTypeDescriptor;
  /** Why no type was chosen (for the error reports and `awslogs detect`). */
  reason: string;
  /**
   * The whole input was seen and holds no record (blank lines only, or JSON
   * documents that are all empty wrappers such as `{"Records":[]}`): like an
   * empty input.
   */
  noRecords?: boolean;
  /**
   * When no type was chosen: how the input's records are bounded for their
   * error reports. `json` when the sample is well-formed JSON (one report per
   * document or wrapper element, not per line of a pretty-printed document).
   */
  framing: Framing;
}

interface Score {
  type: LogTypeDescriptor;
  ok: number;
  failed: number;
  /** Pieces the type's framer rejected (not JSON, cut short): failures before any parsing. */
  framingFaults: number;
}

/** Tries one type on the sample: how many of its first records parse and validate. */
function scoreType(type: LogTypeDescriptor, sample: readonly Buffer[], ended: boolean, file: string,
  parserOptions: ParserOptions, maxLineChars: number): Score {
  const processor = new RecordProcessor(file, type, parserOptions, new StandardFields(), NOWHERE, NOWHERE);
  const score: Score = { type, ok: 0, failed: 0, framingFaults: 0 };
  const handler: RecordHandler = {
    record(text, line, shortNumbersOnly) {
      if (score.ok + score.failed >= SAMPLE_RECORDS) return;
      if (processor.attempt(text, line, shortNumbersOnly) === undefined) score.ok++;
      else score.failed++;
    },
    reject() {
      score.framingFaults++;
      if (score.ok + score.failed < SAMPLE_RECORDS) score.failed++;
    },
  };
  const framer = createFramer(type.framing, handler, maxLineChars);
  for (const chunk of sample) framer.push(chunk);
  // A sample cut mid-record must not count that half record against a type.
  if (ended) framer.end();
  else framer.drain?.();
  return score;
}

function names(scores: readonly Score[]): string {
  return scores.map((s) => s.type.name).join(', ');
}

export function pathHint(file: string, candidates: readonly LogTypeDescriptor[]): LogTypeDescriptor | undefined {
  const path = '/' + file.replaceAll('\\', '/');
  return candidates.find((t) => t.s3PathHint !== undefined && path.includes(t.s3PathHint));
}

export function detectFromSample(
  sample: readonly Buffer[],
  ended: boolean,
  file: string,
  candidates: readonly LogTypeDescriptor[],
  parserOptions: ParserOptions,
  maxLineChars: number,
): Detection {
  const scores = candidates.map((t) => scoreType(t, sample, ended, file, parserOptions, maxLineChars));
  if (ended && scores.every((s) => s.ok + s.failed === 0)) return { reason: 'the input holds only blank lines', noRecords: true, framing: 'lines' };
  // A JSON framer that read the whole input without a fault and found no
  // record: its documents are empty wrappers (what AWS writes for a trail
  // file, lookup-events or get-findings with no events). The line types
  // fail on its lines, but there is nothing to detect: no record to lose.
  const json = scores.filter((s) => s.type.framing === 'json');
  if (ended && json.length > 0 && json.every((s) => s.ok + s.failed === 0)) {
    return { reason: 'the input holds only empty JSON wrappers', noRecords: true, framing: 'json' };
  }
  // A type qualifies when its records parse more often than not.
  const qualified = scores.filter((s) => s.ok > 0 && s.ok >= s.failed);
  const hinted = pathHint(file, candidates);
  if (hinted !== undefined) {
    const h = qualified.find((s) => s.type === hinted);
    if (h !== undefined) return { type: h.type, reason: `the path names ${h.type.name}`, framing: h.type.framing };
  }
  if (qualified.length === 1) return { type: qualified[0]!.type, reason: 'only type whose records parse', framing: qualified[0]!.type.framing };
  const framing = wellFormedJson(json) ? 'json' : 'lines';
  if (qualified.length > 1) {
    const clean = qualified.filter((s) => s.failed === 0);
    if (clean.length === 1) return { type: clean[0]!.type, reason: 'only type whose records all parse', framing: clean[0]!.type.framing };
    return { reason: `the first records parse as more than one type (${names(clean.length > 1 ? clean : qualified)}); pass --type to choose`, framing };
  }
  const hintNote = hinted !== undefined ? ` (the path suggests ${hinted.name}, but its records do not parse as that)` : '';
  return { reason: `could not detect the log type: none of ${names(scores)} parses the first records${hintNote}; pass --type`, framing };
}

/** The JSON framer bounded records in the sample and rejected nothing: the input is JSON documents. */
function wellFormedJson(json: readonly Score[]): boolean {
  const s = json[0];
  return s !== undefined && s.framingFaults === 0 && s.ok + s.failed > 0;
}
