// Naive S3 server access baseline in the style of bench/naive-alb.js:
// split2 + one regex tokenizer (bracketed times, quoted strings or runs of
// non-spaces) + an object of typed fields + JSON.stringify, batched. No p_
// fields, no validation, no error reports, no repair of unquoted spaces
// (a requester ARN with spaces shifts the fields after it, as a naive script
// would); the first 25 fields of AWS's documented order.
// usage: node naive-s3.js FILE > out.ndjson   (run from the project root, where split2 resolves)
import { createReadStream } from 'node:fs';
import split2 from 'split2';

const BATCH = 512;
const TOKEN = /\[([^\]]*)\]|"((?:[^"\\]|\\.)*)"|(\S+)/g;
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
const str = (s) => (s === undefined || s === '-' ? null : s);
const num = (s) => (s === undefined || s === '-' ? null : Number(s));

lines.on('data', (line) => {
  const f = [];
  TOKEN.lastIndex = 0;
  let m;
  while ((m = TOKEN.exec(line)) !== null) f.push(m[1] ?? m[2] ?? m[3]);
  if (f.length < 18) return;
  batch.push(JSON.stringify({
    bucketOwner: str(f[0]), bucket: str(f[1]), time: f[2], remoteIp: str(f[3]), requester: str(f[4]),
    requestId: str(f[5]), operation: str(f[6]), key: str(f[7]), requestUri: str(f[8]),
    httpStatus: num(f[9]), errorCode: str(f[10]), bytesSent: num(f[11]), objectSize: num(f[12]),
    totalTime: num(f[13]), turnAroundTime: num(f[14]), referrer: str(f[15]), userAgent: str(f[16]),
    versionId: str(f[17]), hostId: str(f[18]), signatureVersion: str(f[19]), cipherSuite: str(f[20]),
    authenticationType: str(f[21]), hostHeader: str(f[22]), tlsVersion: str(f[23]), accessPointArn: str(f[24]),
  }));
  if (batch.length === BATCH) flush();
});

lines.on('end', () => {
  if (batch.length > 0) flush();
});
