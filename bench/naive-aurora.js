// Naive Aurora MySQL audit baseline in the style of bench/naive-alb.js:
// split2 + one regex tokenizer (single-quoted values with backslash escapes,
// or runs of non-commas) + an object of typed fields + JSON.stringify,
// batched. No p_ fields, no validation, no error reports; escapes inside the
// quoted object are left as written (no MariaDB unescaping).
// usage: node naive-aurora.js FILE > out.ndjson   (run from the project root, where split2 resolves)
import { createReadStream } from 'node:fs';
import split2 from 'split2';

const BATCH = 512;
const TOKEN = /'((?:[^'\\]|\\.)*)'|([^,]*)/g;
const lines = createReadStream(process.argv[2]).pipe(split2());
let batch = [];

function flush() {
  const ok = process.stdout.write(batch.join('\n') + '\n');
  batch = [];
  if (!ok) {
    lines.pause();
    process.stdout.once('drain', () => lines.resume());
  }
}
const str = (s) => (s === undefined || s === '' ? null : s);
const num = (s) => (s === undefined || s === '' ? null : Number(s));

lines.on('data', (line) => {
  const f = [];
  TOKEN.lastIndex = 0;
  let m;
  while ((m = TOKEN.exec(line)) !== null) {
    f.push(m[1] ?? m[2]);
    // Past the value: skip its comma, or stop at the end of the line.
    if (TOKEN.lastIndex >= line.length) break;
    TOKEN.lastIndex++;
  }
  if (f.length < 10) return;
  batch.push(JSON.stringify({
    timestamp: num(f[0]), serverHost: str(f[1]), username: str(f[2]), host: str(f[3]),
    connectionId: num(f[4]), queryId: num(f[5]), operation: str(f[6]), database: str(f[7]),
    object: str(f[8]), retCode: num(f[9]),
  }));
  if (batch.length === BATCH) flush();
});

lines.on('end', () => {
  if (batch.length > 0) flush();
});
