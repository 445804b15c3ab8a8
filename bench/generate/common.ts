// What every generator shares: where text goes, how much to write, and the
// value pools (addresses, ids, times) that make the data look like AWS's.
import { closeSync, openSync, writeSync } from 'node:fs';
import { UPPER_ALNUM, type Rng } from '../prng.js';

/** Where a generator writes its text. `bytes` may lag by one buffer. */
export interface TextSink {
  write(text: string): void;
  /** Binary data (a gzip member): where a generator writes compressed input. */
  writeBytes(bytes: Buffer): void;
  readonly bytes: number;
}

const FLUSH_CHARS = 1 << 20;

/** Streams to a file in 1 MiB writes: a 1 GB file never sits in memory. */
export class FileSink implements TextSink {
  private readonly fd: number;
  private pending = '';
  private written = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= FLUSH_CHARS) this.flush();
  }

  writeBytes(bytes: Buffer): void {
    this.flush();
    this.written += writeSync(this.fd, bytes);
  }

  /** Pending characters count as bytes: the data is nearly all ASCII, and the limit is approximate anyway. */
  get bytes(): number {
    return this.written + this.pending.length;
  }

  private flush(): void {
    this.written += writeSync(this.fd, this.pending);
    this.pending = '';
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Collects everything in memory: for tests with small amounts. */
export class StringSink implements TextSink {
  private parts: string[] = [];
  private size = 0;

  write(text: string): void {
    this.parts.push(text);
    this.size += Buffer.byteLength(text);
  }

  /** Kept as Latin-1 text (one character per byte): tests read it back with Buffer.from(text, 'latin1'). */
  writeBytes(bytes: Buffer): void {
    this.parts.push(bytes.toString('latin1'));
    this.size += bytes.length;
  }

  get bytes(): number {
    return this.size;
  }

  text(): string {
    return this.parts.join('');
  }
}

/** How much to generate: stop when the event count or the byte count is reached, whichever is set and first. */
export interface Amount {
  events?: number;
  bytes?: number;
}

export function scaleAmount(a: Amount, factor: number): Amount {
  const out: Amount = {};
  if (a.events !== undefined) out.events = Math.max(1, Math.round(a.events * factor));
  if (a.bytes !== undefined) out.bytes = Math.max(1, Math.round(a.bytes * factor));
  return out;
}

export function wantMore(amount: Amount, events: number, sink: TextSink): boolean {
  if (amount.events !== undefined && events >= amount.events) return false;
  if (amount.bytes !== undefined && sink.bytes >= amount.bytes) return false;
  return true;
}

/** What a generator wrote: `events` should become output records, `skipped` should be counted as skipped (headers, control lines). */
export interface Generated {
  events: number;
  skipped: number;
  /** For compressed input: its size decompressed, in bytes (the bench reports MB/s of it). */
  plainBytes?: number;
}

export interface LogGenerator {
  /** The log type name, as `awslogs types` prints it (the `--type` the bench passes). */
  readonly type: string;
  /** The bench case's name when it is not the type's (`--types` and the table use it). */
  readonly case?: string;
  /** File name extension of the generated input. */
  readonly extension: string;
  /** The default amount: about 1–5 s of work each on the reference machine. */
  readonly defaultAmount: Amount;
  generate(rng: Rng, sink: TextSink, amount: Amount): Generated;
}

/** 2024-06-20T16:13:20Z: every generator's clock starts here. */
export const START_MS = 1718900000000;

/** A clock that moves forward by random steps, so event times rise like a real log's. */
export class Clock {
  ms = START_MS;
  constructor(private readonly meanStepMs: number) {}
  tick(rng: Rng): number {
    this.ms += rng.float() * 2 * this.meanStepMs;
    return this.ms;
  }
}

/** `2024-06-20T16:13:20Z` (CloudTrail). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19) + 'Z';
}

/** `2024-06-20T16:13:20.123Z` (GuardDuty). */
export function isoMillis(ms: number): string {
  return new Date(Math.floor(ms)).toISOString();
}

/** `2024-06-20T16:13:20.123456Z` (ALB): the clock's fraction gives the last three digits. */
export function isoMicros(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.floor((ms - whole) * 1000);
  return new Date(whole).toISOString().slice(0, 23) + String(micros).padStart(3, '0') + 'Z';
}

/** Unix epoch microseconds as a decimal string (Aurora). */
export function epochMicros(ms: number): string {
  const whole = Math.floor(ms);
  return String(whole) + String(Math.floor((ms - whole) * 1000)).padStart(3, '0');
}

export function uuid(rng: Rng): string {
  return `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-${'89ab'[rng.int(4)]}${rng.hex(3)}-${rng.hex(12)}`;
}

export function accountId(rng: Rng): string {
  return String(rng.range(100000000000, 999999999999));
}

/** `AKIA…`/`ASIA…`/`AIDA…`/`AROA…`: AWS's 20-character id forms. */
export function awsKeyId(rng: Rng, prefix: string): string {
  return prefix + rng.chars(UPPER_ALNUM, 20 - prefix.length);
}

export function instanceId(rng: Rng): string {
  return 'i-' + rng.hex(17);
}

export function privateIPv4(rng: Rng): string {
  switch (rng.int(3)) {
    case 0: return `10.${rng.int(4)}.${rng.int(256)}.${rng.range(1, 254)}`;
    case 1: return `172.31.${rng.int(256)}.${rng.range(1, 254)}`;
    default: return `192.168.${rng.int(8)}.${rng.range(1, 254)}`;
  }
}

// First octets of well-known public ranges (cloud providers, ISPs, documentation nets).
const PUBLIC_FIRST = [3, 13, 18, 23, 31, 34, 35, 44, 46, 52, 54, 62, 66, 77, 81, 89, 91, 104, 109, 138, 151, 176, 185, 188, 195, 198, 203, 212, 217];

export function publicIPv4(rng: Rng): string {
  return `${rng.pick(PUBLIC_FIRST)}.${rng.int(256)}.${rng.int(256)}.${rng.range(1, 254)}`;
}

function group(rng: Rng): string {
  return rng.int(65536).toString(16);
}

/** Eight groups without leading zeros, sometimes `::`-compressed, as AWS prints them. */
export function ipv6(rng: Rng): string {
  const prefix = rng.pick(['2600:1f18', '2a05:d014', '2001:db8', '2a02:a33c']);
  if (rng.chance(0.2)) return `${prefix}:${group(rng)}::${group(rng)}`;
  return `${prefix}:${group(rng)}:${group(rng)}:${group(rng)}:${group(rng)}:${group(rng)}:${group(rng)}`;
}

export const REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'] as const;

/** A fixed pool of values, drawn once from the seed, so ids repeat as they do in real logs. */
export function pool<T>(rng: Rng, size: number, make: (rng: Rng, i: number) => T): T[] {
  const out: T[] = [];
  for (let i = 0; i < size; i++) out.push(make(rng, i));
  return out;
}

export const BROWSER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
] as const;
