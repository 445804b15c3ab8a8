// Runs the whole normalize pipeline in-process (no child process), for
// tests that must observe this process (prototype pollution) or its notices.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { LOG_TYPES, findLogType } from '../../src/logtypes/index.js';
import { runNormalize } from '../../src/pipeline/run.js';
import { Terminal } from '../../src/pipeline/terminal.js';

export interface InProcessResult {
  code: number;
  records: Record<string, unknown>[];
  stdout: string;
  stderr: string;
  errors: Record<string, unknown>[];
}

function collect(stream: PassThrough): () => string {
  const parts: Buffer[] = [];
  stream.on('data', (b: Buffer) => parts.push(b));
  return () => Buffer.concat(parts).toString('utf8');
}

export async function normalizeInProcess(logType: string, input: string | Buffer): Promise<InProcessResult> {
  const type = findLogType(logType);
  if (type === undefined) throw new Error(`no log type ${logType}`);
  const dir = mkdtempSync(join(tmpdir(), 'awslogs-test-'));
  try {
    const file = join(dir, 'input');
    const errorsFile = join(dir, 'errors.ndjson');
    writeFileSync(file, input);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out = collect(stdout);
    const err = collect(stderr);
    const code = await runNormalize({
      inputs: [file], logType: type, detect: 'input', candidates: LOG_TYPES, parserOptions: {}, errorsFile, quiet: false,
      maxLineBytes: 1 << 20, jobs: 1, gzip: false, skipExisting: false, summary: 'text', stdout, terminal: new Terminal(stderr, {}),
    });
    const text = out();
    return {
      code,
      stdout: text,
      stderr: err(),
      records: text.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Record<string, unknown>),
      errors: readFileSync(errorsFile, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Record<string, unknown>),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
