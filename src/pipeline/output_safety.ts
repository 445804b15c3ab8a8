// Refusals made before anything is opened for writing (issue 14): an output
// that is an input, since evidence must never be overwritten, and outputs of
// one run that would clash with each other. Paths that exist are compared by
// file identity (device and inode, links followed), never by spelling, so an
// alias, a hard link or `./x` is the same file as `x`; a path that does not
// exist yet is compared by where it would be (the real path of its nearest
// existing folder, then the rest of its name).
import { fstatSync, realpathSync, statSync, type BigIntStats } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { partialPathFor } from './outdir.js';
import { escapeForTerminal as shown } from './terminal.js';

/** An input and the --out-dir file its records go to. */
export interface PlannedOutput {
  input: string;
  output: string;
}

export interface OutputPlan {
  /** The arguments as given: files, folders, or `-`. */
  args: readonly string[];
  /** Every input the arguments expanded to (`-` for stdin). */
  inputs: readonly string[];
  errorsFile?: string;
  outDir?: string;
  /** --out-dir: where each input's output goes. */
  outputs: readonly PlannedOutput[];
  /** Records go to stdout (no --out-dir), which must not be an input either. */
  stdoutUsed: boolean;
}

/** `dev:ino` of a file, as bigints: inode numbers may pass 2^53. */
type Identity = string;

const NOTHING_WRITTEN = 'refusing to overwrite an input; nothing was written';

function identity(s: BigIntStats): Identity {
  return `${s.dev}:${s.ino}`;
}

/** The identity of what `path` names (links followed); undefined when it does not exist or cannot be examined. */
function identityOf(path: string): Identity | undefined {
  try {
    const s = statSync(path, { bigint: true, throwIfNoEntry: false });
    return s === undefined ? undefined : identity(s);
  } catch {
    return undefined; // ENOTDIR, EACCES, ELOOP: not a file anything can be written over through this name
  }
}

/** The identity of a standard stream when it is a regular file (a `< file` or `> file` redirection). */
function identityOfStream(fd: number): Identity | undefined {
  try {
    const s = fstatSync(fd, { bigint: true });
    return s.isFile() ? identity(s) : undefined;
  } catch {
    return undefined;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Where `path` is, or would be once created: the real path of its nearest
 * existing ancestor (links resolved) joined with the rest of the path.
 */
export function resolvedPath(path: string): string {
  const absolute = resolve(path);
  const rest: string[] = [];
  for (let p = absolute; ; p = dirname(p)) {
    try {
      return join(realpathSync(p), ...rest.reverse());
    } catch {
      if (dirname(p) === p) return absolute;
      rest.push(basename(p));
    }
  }
}

function isInside(path: string, folder: string): boolean {
  return path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/** Every input by its identity (the first name given for it). */
function inputsByIdentity(inputs: readonly string[]): Map<Identity, string> {
  const byIdentity = new Map<Identity, string>();
  for (const input of inputs) {
    const id = input === '-' ? identityOfStream(0) : identityOf(input);
    if (id !== undefined && !byIdentity.has(id)) byIdentity.set(id, input === '-' ? '- (stdin)' : input);
  }
  return byIdentity;
}

function errorsFileProblem(plan: OutputPlan, inputs: Map<Identity, string>): string | undefined {
  const errors = plan.errorsFile;
  if (errors === undefined) return undefined;
  const id = identityOf(errors);
  const input = id === undefined ? undefined : inputs.get(id);
  if (input !== undefined) return `--errors ${shown(errors)} is the same file as the input ${shown(input)}: ${NOTHING_WRITTEN}`;
  const where = resolvedPath(errors);
  for (const arg of plan.args) {
    if (arg === '-' || !isDirectory(arg)) continue;
    if (isInside(where, resolvedPath(arg))) {
      return `--errors ${shown(errors)} is inside the input folder ${shown(arg)}, where a later run would read it as evidence; put it elsewhere (nothing was written)`;
    }
  }
  const name = basename(where);
  for (const o of plan.outputs) {
    for (const output of [o.output, partialPathFor(o.output)]) {
      if (basename(output) === name && resolvedPath(output) === where) {
        return `--errors ${shown(errors)} is also the --out-dir output of the input ${shown(o.input)}; put it elsewhere (nothing was written)`;
      }
    }
  }
  return undefined;
}

function outDirProblem(plan: OutputPlan, inputs: Map<Identity, string>): string | undefined {
  const outDir = plan.outDir;
  if (outDir === undefined) return undefined;
  for (const o of plan.outputs) {
    for (const output of [o.output, partialPathFor(o.output)]) {
      const id = identityOf(output);
      const input = id === undefined ? undefined : inputs.get(id);
      if (input === undefined) continue;
      const whose = input === o.input ? 'its own output' : `the output of ${shown(o.input)}`;
      return `--out-dir ${shown(outDir)}: the input ${shown(input)} would be overwritten by ${whose} ${shown(output)}: ${NOTHING_WRITTEN}`;
    }
  }
  const outDirId = identityOf(outDir);
  for (const arg of plan.args) {
    if (arg !== '-' && outDirId !== undefined && isDirectory(arg) && identityOf(arg) === outDirId) {
      return `--out-dir ${shown(outDir)} is the input folder ${shown(arg)}: outputs would be mixed with the evidence and read back as input; choose another folder (nothing was written)`;
    }
  }
  return undefined;
}

function stdoutProblem(plan: OutputPlan, inputs: Map<Identity, string>): string | undefined {
  if (!plan.stdoutUsed) return undefined;
  const id = identityOfStream(1);
  const input = id === undefined ? undefined : inputs.get(id);
  return input === undefined ? undefined : `stdout is the same file as the input ${shown(input)}: ${NOTHING_WRITTEN}`;
}

/**
 * Why this run would write over one of its own inputs, or undefined: the
 * --errors file, an --out-dir output (or its `.partial`), or stdout
 * redirected to a file, that is the same file as an input; an --errors
 * file inside an input folder or equal to an --out-dir output; an --out-dir
 * that is an input folder. Only reads (stat, realpath). The message names
 * both paths, escaped for the terminal.
 */
export function findOutputOverInput(plan: OutputPlan): string | undefined {
  // Nothing is written but stdout (a pipe or a terminal): no input to compare, no stat per input.
  const stdoutIsFile = plan.stdoutUsed && identityOfStream(1) !== undefined;
  if (plan.errorsFile === undefined && plan.outDir === undefined && !stdoutIsFile) return undefined;
  const inputs = inputsByIdentity(plan.inputs);
  return errorsFileProblem(plan, inputs) ?? outDirProblem(plan, inputs) ?? stdoutProblem(plan, inputs);
}

/**
 * --out-dir outputs that cannot exist next to an earlier one of the same
 * run: one would be a file where the other needs a folder (an input `a`
 * next to a folder `a.ndjson/`), at any depth. Found from the names alone,
 * before anything is written; the earlier output (in the order given) is
 * kept, and each later one that clashes with it gets a message (by its
 * index in `outputs`): an error for that input only. (Two inputs with the
 * very same output are found by the caller.)
 */
export function findOutputClashes(outDir: string, outputs: readonly PlannedOutput[]): Map<number, string> {
  const top = join(outDir);
  /** Output files (and their `.partial` names) and output folders claimed so far, with the input that claimed them. */
  const files = new Map<string, string>();
  const folders = new Map<string, string>();
  const clashes = new Map<number, string>();
  outputs.forEach((o, index) => {
    const parents: string[] = [];
    for (let folder = dirname(o.output); folder.length > top.length && folder !== dirname(folder); folder = dirname(folder)) parents.push(folder);
    const names = [o.output, partialPathFor(o.output)];
    const heldAsFolder = names.find((name) => folders.has(name));
    const heldAsFile = parents.find((folder) => files.has(folder));
    if (heldAsFolder !== undefined) {
      clashes.set(index, `cannot write ${shown(o.output)}: ${shown(heldAsFolder)} is a folder holding the output of ${shown(folders.get(heldAsFolder)!)}; convert this input on its own to another --out-dir`);
    } else if (heldAsFile !== undefined) {
      clashes.set(index, `cannot write ${shown(o.output)}: ${shown(heldAsFile)} is the output file of ${shown(files.get(heldAsFile)!)}, so it cannot be a folder too; convert this input on its own to another --out-dir`);
    } else {
      for (const name of names) files.set(name, o.input);
      for (const folder of parents) if (!folders.has(folder)) folders.set(folder, o.input);
    }
  });
  return clashes;
}
