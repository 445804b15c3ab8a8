// What the property tests share: fast-check parameters that honour
// NUM_RUNS / FUZZ_SEED (`npm run fuzz` runs every property 100,000 times),
// and a sink that keeps what the pipeline wrote, encoded as the CLI encodes it.
import type fc from 'fast-check';
import type { ErrorReport } from '../../src/core/errors.js';
import type { Fields } from '../../src/logtypes/types.js';
import { JsonLineBuffer } from '../../src/pipeline/json_bytes.js';
import type { ErrorSink, OutputSink } from '../../src/pipeline/normalize.js';

/** The runs asked for by NUM_RUNS, or undefined. */
const NUM_RUNS = Number(process.env.NUM_RUNS ?? '') || undefined;
/** FUZZ_SEED, to replay a run, or undefined. */
export const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : undefined;

/** `defaultRuns` for `npm test`, NUM_RUNS when set (at most `maxRuns`), and FUZZ_SEED to replay a run. */
export function params<T>(defaultRuns: number, maxRuns = Infinity): fc.Parameters<T> {
  return { numRuns: Math.min(NUM_RUNS ?? defaultRuns, maxRuns), includeErrorInReport: true, ...(SEED !== undefined ? { seed: SEED } : {}) };
}

/** Where a RecordProcessor's lines, reports and notices go. */
export class Capture implements OutputSink, ErrorSink {
  /** Each record as the CLI writes it: one JSON line, `\n` included. */
  readonly lines: string[] = [];
  readonly reports: ErrorReport[] = [];
  writeRecord(record: Fields): void {
    const encoder = new JsonLineBuffer(64);
    encoder.appendRecord(record);
    this.lines.push(encoder.take().toString('utf8'));
  }
  /** The lines parsed (JSON.parse: for records without numbers past a double's range). */
  get records(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  error(report: ErrorReport): void {
    this.reports.push(report);
  }
  notice(): void {}
}
