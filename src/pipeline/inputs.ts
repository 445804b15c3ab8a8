// Expanding the command line's inputs into the files to read, walking trees
// as find and ripgrep do: directories without recursion, in sorted byte
// order (what `aws s3 sync` leaves behind); symbolic links inside a tree
// passed over unless --follow; FIFOs, sockets and devices never opened;
// hidden files and CloudTrail digests passed over; each file read once
// however many paths reach it. Nothing is passed over without a reason, and
// a path that cannot be read is an error for that path only: the run goes on.
import { isUtf8 } from 'node:buffer';
import type { BigIntStats, Dirent } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { basename, normalize } from 'node:path';
import { formatS3Url, isS3Url, parseS3Url } from '../s3/url.js';

export interface InputFile {
  /**
   * The path to read, or `-` for stdin, as messages and error reports name
   * it. A name that is not valid UTF-8 shows each invalid byte as `\xNN`;
   * `bytes` is then the path to open.
   */
  path: string;
  /** The path relative to the argument it was found under (its name, for a file argument), shown as `path` is: --out-dir mirrors it. */
  relative: string;
  /** Size in bytes, when known (for progress). */
  size?: number;
  /** The path's bytes, set only when they are not valid UTF-8 (a string cannot hold them). */
  bytes?: Buffer;
  /** An S3 object (`path` is `s3://bucket/key`): its ETag as listed, which pins every read to that version. */
  etag?: string;
}

/** Why a walk passed over a path. */
export type SkipReason =
  | 'hidden'
  | 'CloudTrail digest'
  | 'link'
  | 'dangling link'
  | 'link loop'
  | 'duplicate'
  | 'FIFO'
  | 'socket'
  | 'device'
  | 'the --out-dir'
  | 'not a file'
  | 'folder marker';

export interface SkippedFile {
  /** The path passed over, shown as InputFile.path is. */
  file: string;
  reason: SkipReason;
  /** 'duplicate': the path the same file or directory is read under; 'link loop': the directory it leads back to. */
  sameAs?: string;
}

/** A path that could not be read at all: a missing argument, an unreadable directory or entry. */
export interface UnreadableInput {
  file: string;
  problem: string;
}

export interface ExpandedInputs {
  files: InputFile[];
  /** Paths passed over on purpose, each with its reason. */
  skipped: SkippedFile[];
  /** Paths that could not be read (the run goes on, and exits 2). */
  unreadable: UnreadableInput[];
  /** s3:// arguments: objects listed (read or passed over) and ListObjectsV2 requests made. */
  s3?: { listed: number; listCalls: number };
  /** A failure that every S3 request would meet (credentials, a missing bucket, listing denied): the run stops, status 2. */
  fatal?: string;
}

export interface ExpandOptions {
  /** Follow symbolic links inside walked directories (links named as arguments are always followed). */
  follow: boolean;
  /** Never walked into when met inside a tree: a second run must not read the first run's output. */
  outDir?: string;
  /** --since/--until: s3:// prefixes of AWS's dated layouts are listed only for the days that can hold them. */
  range?: { since?: string; until?: string };
}

/** Expands arguments (files, directories, `-`; none means stdin) into the inputs of a run. Never throws for a path that cannot be read. */
export async function expandInputs(args: readonly string[], options: ExpandOptions = { follow: false }): Promise<ExpandedInputs> {
  const into: ExpandedInputs = { files: [], skipped: [], unreadable: [] };
  const outDir = options.outDir === undefined ? undefined : await stat(options.outDir, { bigint: true }).then(identity, () => undefined);
  const walker = new TreeWalker(options.follow, outDir, into);
  for (const arg of args.length === 0 ? ['-'] : args) {
    if (arg === '-') into.files.push({ path: '-', relative: 'stdin' });
    else if (isS3Url(arg)) {
      if (!await expandS3(arg, options, into)) break;
    } else await walker.argument(arg);
  }
  return into;
}

/**
 * An `s3://bucket/prefix` argument: its objects in key order (src/s3/list.ts,
 * loaded only now: the SDK costs start-up time a plain run must not pay).
 * `relative` is the key below the argument's last `/`, as below a folder.
 * Returns false when the failure ends the run (`fatal` set).
 */
async function expandS3(arg: string, options: ExpandOptions, into: ExpandedInputs): Promise<boolean> {
  const location = parseS3Url(arg);
  if (typeof location === 'string') {
    into.unreadable.push({ file: arg, problem: location });
    return true;
  }
  const { listS3 } = await import('../s3/list.js');
  const { S3Error } = await import('../s3/errors.js');
  let listed;
  try {
    listed = await listS3(location, options.range);
  } catch (err) {
    if (!(err instanceof S3Error)) throw err;
    if (err.problem.runLevel) {
      into.fatal = err.message;
      return false;
    }
    into.unreadable.push({ file: arg, problem: err.message });
    return true;
  }
  const base = location.key.lastIndexOf('/') + 1;
  into.s3 ??= { listed: 0, listCalls: 0 };
  into.s3.listed += listed.objects.length + listed.skipped.length;
  into.s3.listCalls += listed.listCalls;
  if (listed.objects.length === 0 && listed.skipped.length === 0 && location.key !== '' && !location.key.endsWith('/')) {
    into.unreadable.push({ file: arg, problem: 'no such object, and no objects below it' });
  }
  for (const s of listed.skipped) into.skipped.push({ file: formatS3Url({ bucket: location.bucket, key: s.key }), reason: s.reason });
  for (const o of listed.objects) {
    into.files.push({
      path: formatS3Url({ bucket: location.bucket, key: o.key }),
      relative: o.key.slice(base),
      size: o.size,
      ...(o.etag !== undefined ? { etag: o.etag } : {}),
    });
  }
  return true;
}

/** One line for a skipped path: what it is and why it was not read. */
export function describeSkip(s: SkippedFile): string {
  switch (s.reason) {
    case 'hidden': return 'a hidden file';
    case 'CloudTrail digest': return 'a CloudTrail digest (hashes, not events)';
    case 'link': return 'a symbolic link, not followed without --follow';
    case 'dangling link': return 'a symbolic link to nothing';
    case 'link loop': return s.sameAs !== undefined ? `a symbolic link back to ${s.sameAs} (a loop)` : 'a symbolic link loop';
    case 'duplicate': return s.sameAs === undefined || s.sameAs === s.file ? 'named twice, read once' : `the same file as ${s.sameAs}, read once`;
    case 'FIFO': return 'a FIFO (named pipe), never opened: reading one waits for a writer';
    case 'socket': return 'a socket, not a file';
    case 'device': return 'a device file, never opened';
    case 'the --out-dir': return 'the --out-dir of this run, never read as input';
    case 'not a file': return 'not a regular file';
    case 'folder marker': return 'an empty object named like a folder (the console\'s "Create folder")';
  }
}

/** `4 files passed over (link: 2, FIFO: 1, hidden: 1)`: the counts by reason, most frequent first. */
export function skippedCounts(skipped: readonly SkippedFile[]): string {
  const counts = new Map<SkipReason, number>();
  for (const s of skipped) counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${reason}: ${n}`);
  return `${skipped.length} ${skipped.length === 1 ? 'file' : 'files'} passed over (${parts.join(', ')})`;
}

/**
 * A path's bytes as text: valid UTF-8 as it is, each byte of an invalid
 * sequence as `\xNN` (as `ls -b` and ripgrep show them).
 */
export function showPathBytes(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let shown = '';
  let i = 0;
  while (i < bytes.length) {
    const n = utf8SequenceLength(bytes[i]!);
    if (n > 0 && i + n <= bytes.length && isUtf8(bytes.subarray(i, i + n))) {
      shown += bytes.toString('utf8', i, i + n);
      i += n;
    } else {
      shown += `\\x${bytes[i]!.toString(16).padStart(2, '0')}`;
      i++;
    }
  }
  return shown;
}

function utf8SequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** A file system object's identity: the same file whatever path or link reaches it. */
function identity(s: BigIntStats): string {
  return `${s.dev}:${s.ino}`;
}

/** The one-line reason a path could not be read, from a file system error. */
export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'ENOTDIR': return 'not a directory';
    case 'ELOOP': return 'too many levels of symbolic links';
    default: return e.message ?? String(err);
  }
}

const SLASH = Buffer.from('/');
const DOT = 0x2e;

/** `dir/name` as path.join makes it for a normalized `dir` (`.` joins to the bare name). */
function joinPath(dir: Buffer, name: Buffer): Buffer {
  if (dir.length === 0 || (dir.length === 1 && dir[0] === DOT)) return name;
  return dir[dir.length - 1] === SLASH[0] ? Buffer.concat([dir, name]) : Buffer.concat([dir, SLASH, name]);
}

/** A directory of the walk; `parent` links let a followed link tell a loop from a second path. */
interface Directory {
  path: Buffer;
  /** Below the argument. */
  relative: Buffer;
  id: string;
  parent?: Directory;
}

interface FoundFile {
  path: Buffer;
  relative: Buffer;
  id: string;
  size: number;
}

/** What an entry is, once links are dealt with. */
type EntryKind = { kind: 'directory'; id: string } | { kind: 'file'; id: string; size: number } | { kind: 'skip'; reason: SkipReason; sameAs?: string };

class TreeWalker {
  /** Every regular file taken, by identity: the path it is read under. */
  private readonly files = new Map<string, string>();
  /** Every directory walked, by identity: the path it is walked under. */
  private readonly directories = new Map<string, string>();

  constructor(private readonly follow: boolean, private readonly outDir: string | undefined, private readonly into: ExpandedInputs) {}

  /** One command-line argument: followed if a link (the user named it), walked if a directory, read as given otherwise. */
  async argument(arg: string): Promise<void> {
    let s: BigIntStats;
    try {
      s = await stat(arg, { bigint: true });
    } catch (err) {
      this.into.unreadable.push({ file: arg, problem: describeFsError(err) });
      return;
    }
    if (s.isDirectory()) return this.walk(arg, identity(s));
    if (s.isFile()) {
      this.take([{ path: Buffer.from(arg), relative: Buffer.from(basename(arg)), id: identity(s), size: Number(s.size) }]);
      return;
    }
    // A FIFO or device named on the command line is read as given: the user
    // chose it (`<(zcat x.gz)` is a pipe, /dev/stdin a device).
    this.into.files.push({ path: arg, relative: basename(arg) });
  }

  /** Walks one directory argument with an explicit stack (a deep tree cannot overflow it), entries in byte order. */
  private async walk(arg: string, rootId: string): Promise<void> {
    const rootPath = Buffer.from(normalize(arg).replace(/(.)\/+$/, '$1'));
    const seen = this.directories.get(rootId);
    if (seen !== undefined) {
      this.into.skipped.push({ file: arg, reason: 'duplicate', sameAs: seen });
      return;
    }
    this.directories.set(rootId, showPathBytes(rootPath));
    const found: FoundFile[] = [];
    const skipped: SkippedFile[] = [];
    const unreadable: UnreadableInput[] = [];
    const stack: Directory[] = [{ path: rootPath, relative: Buffer.alloc(0), id: rootId }];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      let entries: Dirent<Buffer>[];
      try {
        entries = await readdir(dir.path, { withFileTypes: true, encoding: 'buffer' });
      } catch (err) {
        unreadable.push({ file: showPathBytes(dir.path), problem: `cannot read the directory (${describeFsError(err)})` });
        continue;
      }
      entries.sort((a, b) => Buffer.compare(a.name, b.name));
      const subdirectories: Directory[] = [];
      for (const entry of entries) {
        const path = joinPath(dir.path, entry.name);
        const relative = joinPath(dir.relative, entry.name);
        const shown = showPathBytes(path);
        const passOver = passOverByName(entry.name, shown);
        if (passOver !== undefined) {
          skipped.push({ file: shown, reason: passOver });
          continue;
        }
        let kind: EntryKind;
        try {
          kind = await this.classify(path, dir);
        } catch (err) {
          unreadable.push({ file: shown, problem: describeFsError(err) });
          continue;
        }
        if (kind.kind === 'skip') skipped.push({ file: shown, reason: kind.reason, ...(kind.sameAs !== undefined ? { sameAs: kind.sameAs } : {}) });
        else if (kind.kind === 'file') found.push({ path, relative, id: kind.id, size: kind.size });
        else {
          this.directories.set(kind.id, shown);
          subdirectories.push({ path, relative, id: kind.id, parent: dir });
        }
      }
      // Pushed last first, so the walk goes down in byte order.
      for (let i = subdirectories.length - 1; i >= 0; i--) stack.push(subdirectories[i]!);
    }
    found.sort((a, b) => Buffer.compare(a.path, b.path));
    this.take(found);
    const byPath = (a: { file: string }, b: { file: string }) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
    this.into.skipped.push(...skipped.sort(byPath));
    this.into.unreadable.push(...unreadable.sort(byPath));
  }

  /** What an entry is: lstat'ed, and a link stat'ed through only with --follow (a dangling one is told apart either way). */
  private async classify(path: Buffer, parent: Directory): Promise<EntryKind> {
    let s = await lstat(path, { bigint: true });
    if (s.isSymbolicLink()) {
      let target: BigIntStats;
      try {
        target = await stat(path, { bigint: true });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'skip', reason: 'dangling link' };
        if (code === 'ELOOP') return { kind: 'skip', reason: 'link loop' };
        if (!this.follow) return { kind: 'skip', reason: 'link' };
        throw err;
      }
      if (!this.follow) return { kind: 'skip', reason: 'link' };
      s = target;
    }
    if (s.isFile()) return { kind: 'file', id: identity(s), size: Number(s.size) };
    if (s.isDirectory()) return this.directoryKind(identity(s), parent);
    if (s.isFIFO()) return { kind: 'skip', reason: 'FIFO' };
    if (s.isSocket()) return { kind: 'skip', reason: 'socket' };
    if (s.isBlockDevice() || s.isCharacterDevice()) return { kind: 'skip', reason: 'device' };
    return { kind: 'skip', reason: 'not a file' };
  }

  /** A directory is walked once: not the out-dir, not one already walked (through a link: a loop when it is an ancestor). */
  private directoryKind(id: string, parent: Directory): EntryKind {
    if (id === this.outDir) return { kind: 'skip', reason: 'the --out-dir' };
    const seen = this.directories.get(id);
    if (seen === undefined) return { kind: 'directory', id };
    for (let d: Directory | undefined = parent; d !== undefined; d = d.parent) {
      if (d.id === id) return { kind: 'skip', reason: 'link loop', sameAs: seen };
    }
    return { kind: 'skip', reason: 'duplicate', sameAs: seen };
  }

  /** Adds files in order, each identity once: a second path to a taken file (a link, a hard link, an overlapping argument) is a duplicate. */
  private take(found: readonly FoundFile[]): void {
    for (const f of found) {
      const shown = showPathBytes(f.path);
      const seen = this.files.get(f.id);
      if (seen !== undefined) {
        this.into.skipped.push({ file: shown, reason: 'duplicate', sameAs: seen });
        continue;
      }
      this.files.set(f.id, shown);
      const file: InputFile = { path: shown, relative: showPathBytes(f.relative), size: f.size };
      if (!isUtf8(f.path)) file.bytes = f.path;
      this.into.files.push(file);
    }
  }
}

/** Hidden files and CloudTrail digests are passed over by name, before anything is opened or stat'ed. */
function passOverByName(name: Buffer, shownPath: string): SkipReason | undefined {
  if (name[0] === DOT) return 'hidden';
  const text = name.toString('utf8');
  if (text.endsWith('.digest') || shownPath.split('/').includes('CloudTrail-Digest')) return 'CloudTrail digest';
  return undefined;
}
