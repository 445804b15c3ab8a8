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
  /** Why no type was chosen, in short (each record's error report says it). */
  reason: string;
  /**
   * When no type parses: the first problem each of the closest types found,
   * and what the path suggests. Said once per input (stderr, the summary's
   * `problem`, `awslogs detect`); see describeDetection.
   */
  detail?: string;
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
  /** The first record this type could not read: its line and why. */
  firstProblem?: { line: number; message: string };
  /** Pieces the type's framer rejected (not JSON, cut short): failures before any parsing. */
  framingFaults: number;
}

/** A problem quoted in a detection's detail is cut to this many characters, so the line stays readable. */
const PROBLEM_CHARS = 160;

/** Tries one type on the sample: how many of its first records parse and validate. */
function scoreType(type: LogTypeDescriptor, sample: readonly Buffer[], ended: boolean, file: string,
  parserOptions: ParserOptions, maxLineBytes: number): Score {
  const processor = new RecordProcessor(file, type, parserOptions, new StandardFields(), NOWHERE, NOWHERE);
  const score: Score = { type, ok: 0, failed: 0, framingFaults: 0 };
  const failed = (line: number, message: string) => {
    score.failed++;
    score.firstProblem ??= { line, message };
  };
  const handler: RecordHandler = {
    record(text, line, shortNumbersOnly) {
      if (score.ok + score.failed >= SAMPLE_RECORDS) return;
      const failure = processor.attempt(text, line, shortNumbersOnly);
      if (failure === undefined) score.ok++;
      else failed(line, failure);
    },
    reject(message, _raw, line) {
      score.framingFaults++;
      if (score.ok + score.failed < SAMPLE_RECORDS) failed(line, message);
    },
  };
  const framer = createFramer(type.framing, handler, maxLineBytes);
  for (const chunk of sample) framer.push(chunk);
  // A sample cut mid-record must not count that half record against a type.
  if (ended) framer.end();
  else framer.drain?.();
  return score;
}

function names(scores: readonly Score[]): string {
  return scores.map((s) => s.type.name).join(', ');
}

/**
 * The type an S3-style path names: its folder (`/vpcflowlogs/`), or the
 * same name as the Hive-compatible prefix AWS writes when asked
 * (`/aws-service=vpcflowlogs/`, flow-logs-s3-path.html).
 */
export function pathHint(file: string, candidates: readonly LogTypeDescriptor[]): LogTypeDescriptor | undefined {
  const path = '/' + file.replaceAll('\\', '/');
  return candidates.find((t) => t.s3PathHint !== undefined
    && (path.includes(t.s3PathHint) || path.includes(`/aws-service=${t.s3PathHint.slice(1)}`)));
}

export function detectFromSample(
  sample: readonly Buffer[],
  ended: boolean,
  file: string,
  candidates: readonly LogTypeDescriptor[],
  parserOptions: ParserOptions,
  maxLineBytes: number,
): Detection {
  const scores = candidates.map((t) => scoreType(t, sample, ended, file, parserOptions, maxLineBytes));
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
  return {
    reason: `could not detect the log type: none of ${names(scores)} parses the first records; pass --type`,
    detail: explainFailure(scores, firstCharacter(sample), hinted),
    framing,
  };
}

/** The reason with its detail: what an input's one message about its detection says. */
export function describeDetection(d: Detection): string {
  return d.detail === undefined ? d.reason : `${d.reason}. ${d.detail}`;
}

/** The first character of the sample that is not white space or a byte order mark (its bytes' start, as ASCII). */
function firstCharacter(sample: readonly Buffer[]): string | undefined {
  for (const chunk of sample) {
    for (const byte of chunk) {
      // space, tab, CR, LF, and the UTF-8 BOM's bytes
      if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0a && byte !== 0xef && byte !== 0xbb && byte !== 0xbf) return String.fromCharCode(byte);
    }
  }
  return undefined;
}

function quoteProblem(p: { line: number; message: string }): string {
  const message = p.message.length > PROBLEM_CHARS ? `${p.message.slice(0, PROBLEM_CHARS)}…` : p.message;
  return `line ${p.line}: ${message}`;
}

/**
 * Why no type fits, for a person to act on: the types closest to the input
 * (those whose framing fits its first character, JSON types for `{` or `[`,
 * the text types otherwise; the ones with most records read first) with
 * the first problem each found, and the type the S3 path names, if any,
 * with its own first problem (`the path suggests AWS.VPCFlow
 * (/vpcflowlogs/), but line 1 does not parse as that: …`).
 */
function explainFailure(scores: readonly Score[], first: string | undefined, hinted: LogTypeDescriptor | undefined): string | undefined {
  const framing = first === undefined ? undefined : first === '{' || first === '[' ? 'json' : 'lines';
  const closest = scores
    .filter((s) => s.type !== hinted && s.firstProblem !== undefined && (framing === undefined || s.type.framing === framing))
    .sort((a, b) => b.ok - a.ok);
  const parts: string[] = [];
  if (closest.length > 0) parts.push(`Closest: ${closest.map((s) => `${s.type.name} (${quoteProblem(s.firstProblem!)})`).join('; ')}`);
  const h = hinted === undefined ? undefined : scores.find((s) => s.type === hinted);
  if (h !== undefined) {
    const problem = h.firstProblem !== undefined ? `, but ${quoteProblem(h.firstProblem).replace(/^line (\d+): /, 'line $1 does not parse as that: ')}` : '';
    parts.push(`The path suggests ${h.type.name} (${h.type.s3PathHint ?? ''})${problem}`);
  }
  return parts.length > 0 ? parts.join('. ') : undefined;
}

/** The JSON framer bounded records in the sample and rejected nothing: the input is JSON documents. */
function wellFormedJson(json: readonly Score[]): boolean {
  const s = json[0];
  return s !== undefined && s.framingFaults === 0 && s.ok + s.failed > 0;
}
