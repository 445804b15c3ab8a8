// The command line: parses options and wires streams; all the work is in
// the pipeline. Usage errors exit 2 with one line (OUTPUT.md).
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { z } from 'zod';
import { LOG_TYPES, LOG_TYPE_NAMES, findLogType } from './logtypes/index.js';
import { parseVpcFormat } from './logtypes/vpc_flow.js';
import { EXIT_USAGE, runNormalize } from './pipeline/run.js';
import { schemaPath } from './pipeline/validate.js';

const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;

class UsageError extends Error {}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const normalizeOptions = z.object({
  type: z.string().optional(),
  errors: z.string().min(1).optional(),
  quiet: z.boolean().default(false),
  vpcFormat: z.string().optional(),
  maxLineBytes: z.coerce.number().int().min(1024, 'must be at least 1024').max(1 << 29, 'must be at most 536870912').default(DEFAULT_MAX_LINE_BYTES),
});

function unknownTypeMessage(name: string): string {
  return `unknown log type ${JSON.stringify(name)}; valid types: ${LOG_TYPE_NAMES.join(', ')}`;
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('awslogs')
    .description('Normalize raw AWS logs into Panther-style NDJSON')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(`awslogs: ${str.replace(/^error: /, '')}`) })
    .showHelpAfterError('(run awslogs --help for usage)');

  program
    .command('normalize')
    .description('parse log files (or stdin) and write one normalized JSON object per line to stdout')
    .argument('[files...]', 'input files, gzip or plain; - or nothing reads stdin')
    .addOption(new Option('-t, --type <LogType>', `the log type (${LOG_TYPE_NAMES.join(', ')})`))
    .option('-e, --errors <file>', 'write error reports to this file as NDJSON instead of stderr')
    .option('-q, --quiet', 'no summary and no notices on stderr')
    .option('--vpc-format <fields>', 'AWS.VPCFlow field list for input without a header line, e.g. "version srcaddr dstaddr" or "${srcaddr} ${dstaddr}"')
    .option('--max-line-bytes <n>', `longest line accepted in a text format (default ${DEFAULT_MAX_LINE_BYTES})`)
    .addHelpText('after', `
Examples:
  awslogs normalize --type AWS.VPCFlow flow.log.gz
  zcat flow.log.gz | awslogs normalize --type AWS.VPCFlow | jq -c 'select(.action == "REJECT")'
  awslogs normalize --type AWS.VPCFlow --vpc-format '\${srcaddr} \${dstaddr} \${action}' cwl-export.log
  awslogs normalize --type AWS.VPCFlow --errors bad.ndjson *.log.gz > flows.ndjson
  awslogs normalize --type AWS.CloudTrail AWSLogs/*/CloudTrail/*/2024/05/01/*.json.gz
  aws guardduty get-findings --detector-id D --finding-ids F | awslogs normalize --type AWS.GuardDuty`)
    .action(async (files: string[], raw: Record<string, unknown>) => {
      const parsed = normalizeOptions.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new UsageError(`--${String(issue.path[0]).replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}: ${issue.message}`);
      }
      const opts = parsed.data;
      if (opts.type === undefined) throw new UsageError(`--type is required; valid types: ${LOG_TYPE_NAMES.join(', ')}`);
      const logType = findLogType(opts.type);
      if (logType === undefined) throw new UsageError(unknownTypeMessage(opts.type));
      if (opts.vpcFormat !== undefined) {
        const format = parseVpcFormat(opts.vpcFormat);
        if (typeof format === 'string') throw new UsageError(`--vpc-format: ${format}`);
      }
      setExit(await runNormalize({
        inputs: files,
        logType,
        parserOptions: opts.vpcFormat !== undefined ? { vpcFormat: opts.vpcFormat } : {},
        ...(opts.errors !== undefined ? { errorsFile: opts.errors } : {}),
        quiet: opts.quiet,
        maxLineBytes: opts.maxLineBytes,
        stdout: process.stdout,
        stderr: process.stderr,
      }));
    });

  program
    .command('types')
    .description('list the supported log types, one per line')
    .action(() => {
      const width = Math.max(...LOG_TYPE_NAMES.map((n) => n.length));
      for (const t of LOG_TYPES) process.stdout.write(`${t.name.padEnd(width)}  ${t.description}\n`);
    });

  program
    .command('schema')
    .description('print the JSON Schema of a log type')
    .argument('<LogType>', 'e.g. AWS.VPCFlow')
    .addHelpText('after', '\nExample:\n  awslogs schema AWS.VPCFlow | jq .properties')
    .action((name: string) => {
      if (findLogType(name) === undefined) throw new UsageError(unknownTypeMessage(name));
      process.stdout.write(readFileSync(schemaPath(name), 'utf8'));
    });

  return program;
}

/** A closed stdout (`| head`) ends the program quietly with status 0. */
function exitQuietlyOnClosedStdout(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') process.exit(0);
    process.stderr.write(`awslogs: cannot write to stdout: ${err.message}\n`);
    process.exit(EXIT_USAGE);
  });
}

export async function main(argv: readonly string[]): Promise<number> {
  exitQuietlyOnClosedStdout();
  let code = 0;
  const program = buildProgram((c) => { code = c; });
  try {
    await program.parseAsync(argv as string[]);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`awslogs: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof CommanderError) {
      // help and version exit 0; everything else commander rejects is a usage error
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    process.stderr.write(`awslogs: internal error (please report it): ${(err as Error).stack ?? String(err)}\n`);
    return EXIT_USAGE;
  }
  return code;
}
