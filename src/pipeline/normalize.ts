// One input through the pipeline: read → decompress → frame → parse →
// enrich → validate → write. Every framed record ends as exactly one of: a
// line on stdout, an error report, or a counted skip (header, control line).
import { IndicatorCollector } from '../core/indicators.js';
import { makeErrorReport } from '../core/errors.js';
import type { StandardFields } from '../core/standard.js';
import type { LogTypeDescriptor, Fields, Framing, Parser, ParseSink, ParserOptions } from '../logtypes/types.js';
import { InputError, readInput, type InputInfo } from './input.js';
import { JsonFramer } from './json.js';
import { LineFramer, type Framer, type RecordHandler } from './lines.js';
import type { BatchedWriter } from './output.js';
import { emptyCounts, type Counts, type Reporter } from './report.js';
import { validatorFor, type RecordValidator } from './validate.js';

export interface NormalizeSettings {
  logType: LogTypeDescriptor;
  parserOptions: ParserOptions;
  /** Longest line accepted by line framing (characters). */
  maxLineChars: number;
}

/** Turns parser callbacks into output lines, error reports and counts. */
export class RecordProcessor implements ParseSink, RecordHandler {
  readonly counts: Counts = emptyCounts();
  private readonly parser: Parser;
  private readonly validate: RecordValidator;
  private readonly indicators = new IndicatorCollector();
  private readonly logTypeName: string;
  private line = 0;
  private raw = '';
  private outcomes = 0;

  constructor(
    private readonly file: string,
    private readonly logType: LogTypeDescriptor,
    parserOptions: ParserOptions,
    private readonly standard: StandardFields,
    private readonly out: BatchedWriter,
    private readonly reporter: Reporter,
  ) {
    this.parser = logType.createParser(parserOptions);
    this.validate = validatorFor(logType.name);
    this.logTypeName = logType.name;
  }

  /** One framed record: a line, or a JSON document or array element. */
  record(text: string, line: number): void {
    this.line = line;
    this.raw = text;
    this.outcomes = 0;
    try {
      this.parser.parse(text, this);
    } catch (err) {
      // A parser bug must not lose the record or kill the run.
      this.indicators.clear();
      this.error(`internal error while parsing: ${(err as Error).message ?? String(err)}`);
    }
    if (this.outcomes === 0) this.error('the parser produced no event for this record');
  }

  /** Input the framer could not make a record of (a line over --max-line-bytes). */
  reject(message: string, raw: string, line: number): void {
    this.line = line;
    this.raw = raw;
    this.error(message);
  }

  event(fields: Fields): void {
    this.outcomes++;
    this.counts.read++;
    const lt = this.logType;
    const collector = this.indicators;
    for (const [field, kind] of lt.indicators) {
      const v = fields[field];
      if (v !== undefined) collector.addAs(kind, v);
    }
    lt.collectIndicators?.(fields, collector);
    this.standard.apply(fields, this.logTypeName, this.eventTime(fields), collector);
    const problem = this.validate(fields);
    if (problem !== undefined) {
      this.counts.read--; // error() counts it again
      this.outcomes--;
      return this.error(problem);
    }
    this.out.write(JSON.stringify(fields) + '\n');
    this.counts.written++;
  }

  private eventTime(fields: Fields): string | undefined {
    const t = fields[this.logType.eventTimeField];
    if (typeof t === 'string') return t;
    for (const f of this.logType.eventTimeFallbacks ?? []) {
      const v = fields[f];
      if (typeof v === 'string') return v;
    }
    return undefined;
  }

  skip(): void {
    this.outcomes++;
    this.counts.read++;
    this.counts.skipped++;
  }

  error(message: string): void {
    this.outcomes++;
    this.counts.read++;
    this.counts.failed++;
    this.indicators.clear();
    this.reporter.error(makeErrorReport(this.file, this.line, this.logTypeName, message, this.raw));
  }

  notice(message: string): void {
    this.reporter.notice(this.file, `${this.logTypeName}: ${message}`);
  }
}

export interface InputResult {
  counts: Counts;
  /** Set when the input could not be read or decompressed to its end. */
  problem?: string;
}

function createFramer(framing: Framing, handler: RecordHandler, maxLineChars: number): Framer {
  switch (framing) {
    case 'lines': return new LineFramer(handler, maxLineChars);
    case 'json': return new JsonFramer(handler);
  }
}

/**
 * Normalizes one input (a path, or `-` for stdin). When the input cannot be
 * read or decompressed to its end, the records before the fault are still
 * written and `problem` says what went wrong.
 */
export async function normalizeInput(
  file: string,
  settings: NormalizeSettings,
  standard: StandardFields,
  out: BatchedWriter,
  reporter: Reporter,
): Promise<InputResult> {
  const processor = new RecordProcessor(file, settings.logType, settings.parserOptions, standard, out, reporter);
  const info: InputInfo = { gzip: false, bytesRead: 0 };
  const framer = createFramer(settings.logType.framing, processor, settings.maxLineChars);
  try {
    for await (const chunk of readInput(file, info)) {
      framer.push(chunk);
      standard.refreshParseTime();
      if (out.full) await out.flush();
      await reporter.flushIfFull();
    }
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    // Whatever was read before the fault is still written and counted.
    framer.end(true);
    return { counts: processor.counts, problem: err.message };
  }
  framer.end();
  return { counts: processor.counts };
}
