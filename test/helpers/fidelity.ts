// Runs one input the two ways a fidelity case must work (issue 13): with
// `--type` and with detection. Tests assert the values each case's README
// line names on both runs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErrorReport } from '../../src/core/errors.js';
import { runCli } from './cli.js';

export interface CaseRun {
  /** `--type AWS.X` or `detected`. */
  label: string;
  code: number | null;
  /** stdout, one string per line, exactly as written. */
  lines: string[];
  /** The same lines parsed (JSON.parse: numbers past 2^53 lose digits; assert on `lines` for those). */
  records: Record<string, unknown>[];
  errors: ErrorReport[];
  stderr: string;
}

async function runOnce(input: string, args: readonly string[], label: string): Promise<CaseRun> {
  const tmp = mkdtempSync(join(tmpdir(), 'awslogs-fidelity-'));
  try {
    const errorsFile = join(tmp, 'errors.ndjson');
    const result = await runCli(['normalize', ...args, '--errors', errorsFile, input]);
    const lines = result.stdout.split('\n').filter((l) => l.length > 0);
    let errorText = '';
    try {
      errorText = readFileSync(errorsFile, 'utf8');
    } catch {
      // no error reports: the file may not exist
    }
    return {
      label,
      code: result.code,
      lines,
      records: lines.map((l) => JSON.parse(l) as Record<string, unknown>),
      errors: errorText.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as ErrorReport),
      stderr: result.stderr,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The input run with `--type logType` and then with detection (plus `extra` arguments on both). */
export async function runBothWays(input: string, logType: string, extra: readonly string[] = []): Promise<CaseRun[]> {
  return [
    await runOnce(input, ['--type', logType, ...extra], `--type ${logType}`),
    await runOnce(input, [...extra], 'detected'),
  ];
}
