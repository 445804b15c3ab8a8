// The top-level keys of the first JSON document in a piece of text, read
// without parsing it: enough to tell what shape an input has from its first
// 64 KiB when the document itself may be far longer (a 1 GB trail file, a
// merged `filter-log-events` output). One pass, no recursion.

/** What a key's value starts with: `{`, `[`, `"`, or `other` (a number or literal). */
export type ValueStart = '{' | '[' | '"' | 'other';

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff;
}

/** The index after the string that opens at `i` (a quote), or -1 when the text ends inside it. */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === QUOTE) return j + 1;
  }
  return -1;
}

function skipBlanks(text: string, i: number): number {
  while (i < text.length && isBlank(text.charCodeAt(i))) i++;
  return i;
}

function valueStart(c: number): ValueStart {
  return c === OPEN_BRACE ? '{' : c === OPEN_BRACKET ? '[' : c === QUOTE ? '"' : 'other';
}

/**
 * The keys at depth 1 of the object that starts `text` (after blanks), with
 * what each value starts with, in order, as far as the text goes. Undefined
 * when the text does not start with `{`. Keys are decoded only when they
 * hold no escape (a key with one is kept as written); malformed JSON simply
 * ends the list.
 */
export function topLevelKeys(text: string): Map<string, ValueStart> | undefined {
  let i = skipBlanks(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
  const keys = new Map<string, ValueStart>();
  let depth = 1;
  let expectKey = true;
  for (i++; i < text.length && depth > 0; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) break;
      if (depth === 1 && expectKey) {
        const colon = skipBlanks(text, end);
        if (text.charCodeAt(colon) !== COLON) break;
        const v = skipBlanks(text, colon + 1);
        if (v >= text.length) break;
        keys.set(text.slice(i + 1, end - 1), valueStart(text.charCodeAt(v)));
        expectKey = false;
        i = v - 1;
        continue;
      }
      i = end - 1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    } else if (c === 44 && depth === 1) { // `,` between members
      expectKey = true;
    }
  }
  return keys;
}
