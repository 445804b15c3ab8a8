// The naive baseline of issue 6 (ENGINEERING.md, "split2 + split(' ') + object
// of 14 typed fields + JSON.stringify, batched"): what a careful one-off script
// does with a default-format VPC flow log. No p_ fields, no validation, no
// error reports, no header handling beyond skipping it. The bench runs it on
// the same input as awslogs; the ratio of the two is the figure that survives
// a noisy machine.
//
// usage: node bench/naive-vpc.js FILE > out.ndjson
import { createReadStream } from 'node:fs';
import split2 from 'split2';

const BATCH = 512;

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

lines.on('data', (line) => {
  if (line.startsWith('version ')) return;
  const f = line.split(' ');
  batch.push(JSON.stringify({
    version: Number(f[0]),
    account: f[1],
    interfaceId: f[2],
    srcAddr: f[3],
    dstAddr: f[4],
    srcPort: Number(f[5]),
    dstPort: Number(f[6]),
    protocol: Number(f[7]),
    packets: Number(f[8]),
    bytes: Number(f[9]),
    start: Number(f[10]),
    end: Number(f[11]),
    action: f[12],
    status: f[13],
  }));
  if (batch.length === BATCH) flush();
});

lines.on('end', () => {
  if (batch.length > 0) flush();
});
