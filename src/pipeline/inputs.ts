// Expanding the command line's inputs: files as given, directories walked
// recursively in sorted path order (what `aws s3 sync` leaves behind),
// hidden files and CloudTrail digests skipped with one note.
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';

export interface InputFile {
  /** The path to read, or `-` for stdin. */
  path: string;
  /** The path relative to the argument it was found under (its name, for a file argument). */
  relative: string;
  /** Size in bytes, when known (for progress). */
  size?: number;
}

export interface ExpandedInputs {
  files: InputFile[];
  /** Files a directory walk passed over on purpose (hidden, digests). */
  skipped: string[];
}

export class InputListError extends Error {}

function skipReason(path: string, name: string): string | undefined {
  if (name.startsWith('.')) return 'hidden';
  if (name.endsWith('.digest') || path.split(sep).includes('CloudTrail-Digest')) return 'CloudTrail digest';
  return undefined;
}

/** Walks a directory without recursion (an explicit stack), children in sorted order. */
async function walk(root: string, into: ExpandedInputs): Promise<void> {
  const stack = [root];
  const found: InputFile[] = [];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      const path = join(dir, e.name);
      const reason = skipReason(path, e.name);
      if (reason !== undefined) {
        into.skipped.push(`${path} (${reason})`);
        continue;
      }
      if (e.isDirectory()) stack.push(path);
      else if (e.isFile() || e.isSymbolicLink()) {
        const s = await stat(path).catch(() => undefined);
        if (s?.isFile()) found.push({ path, relative: relative(root, path), size: s.size });
        else if (s?.isDirectory()) stack.push(path);
      }
    }
  }
  found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  into.files.push(...found);
}

/**
 * Turns arguments into input files. A missing or unreadable argument is an
 * InputListError (a usage error: nothing has been written yet).
 */
export async function expandInputs(args: readonly string[]): Promise<ExpandedInputs> {
  const result: ExpandedInputs = { files: [], skipped: [] };
  for (const arg of args.length === 0 ? ['-'] : args) {
    if (arg === '-') {
      result.files.push({ path: '-', relative: 'stdin' });
      continue;
    }
    let s;
    try {
      s = await stat(arg);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InputListError(`${arg}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message}`);
    }
    if (s.isDirectory()) {
      try {
        await walk(arg, result);
      } catch (err) {
        throw new InputListError(`${arg}: cannot read the directory (${(err as Error).message})`);
      }
    } else {
      result.files.push({ path: arg, relative: basename(arg), size: s.size });
    }
  }
  return result;
}
