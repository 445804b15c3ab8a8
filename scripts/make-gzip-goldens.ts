// Writes the inputs of the gzip golden cases that are not copies of the
// fidelity cases (test/golden/AWS.VPCFlow/gzip-*): each is another example of
// a kind of damage issue 13 item 6 names. Deterministic: the bytes depend
// only on zlib's deflate output. Run: npm run build && node dist/scripts/make-gzip-goldens.js
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  gzipMember, gzipMemberInSegments, seededBytes, vpcText, withBadCrc, withBadLength, withInvalidBlockType,
} from '../test/helpers/gzip.js';

const GOLDEN = join(fileURLToPath(import.meta.url), '..', '..', '..', 'test', 'golden', 'AWS.VPCFlow');

interface Case {
  input: Buffer;
  /** args.json of the case (alsoDetect is always on). */
  args?: { stdin?: boolean; exit?: number };
}

function cases(): Record<string, Case> {
  const a = gzipMember(vpcText(4));
  const b = gzipMember(vpcText(3, 4));
  const c = gzipMember(vpcText(2, 7));
  const segmented = gzipMemberInSegments([vpcText(3, 4), vpcText(3, 7), vpcText(3, 10)]);
  const brokenThird = withInvalidBlockType(segmented.member, segmented.segmentStarts[2]!);
  const named = gzipMember(vpcText(3, 4), { name: 'vpc-0001.log', comment: 'second member', extra: Buffer.from('AB\x02\x00hi'), headerCrc: true });
  const twoMembers = Buffer.concat([a, b]);
  return {
    'gzip-trailing-zeros': { input: Buffer.concat([a, b, Buffer.alloc(4096)]) },
    'gzip-trailing-random-bytes': { input: Buffer.concat([a, b, seededBytes(13, 64)]) },
    'gzip-trailing-text-without-line-end': { input: Buffer.concat([a, Buffer.from('end of the log file')]) },
    // 16 bytes: past the fixed header, the optional fields a flag byte names may hold data (issue 13): a fault.
    'gzip-trailing-cut-member-header': { input: Buffer.concat([a, b, named.subarray(0, 16)]), args: { exit: 2 } },
    'gzip-header-fields-then-garbage': { input: Buffer.concat([a, named, Buffer.from('ab')]) },
    'gzip-bad-length-first-of-three': { input: Buffer.concat([withBadLength(a), b, c]), args: { exit: 2 } },
    'gzip-bad-crc-first-of-three-stdin': { input: Buffer.concat([withBadCrc(a), b, c]), args: { stdin: true, exit: 2 } },
    'gzip-member-then-plain-unterminated': { input: Buffer.concat([gzipMember(vpcText(4).trimEnd()), Buffer.from(vpcText(2, 4))]) },
    'gzip-member-then-plain-stdin': { input: Buffer.concat([a, Buffer.from(vpcText(3, 4))]), args: { stdin: true } },
    'gzip-truncated-second-member': { input: twoMembers.subarray(0, a.length + Math.floor(b.length * 0.8)), args: { exit: 2 } },
    'gzip-corrupt-block-header': { input: Buffer.concat([a, brokenThird, c]), args: { exit: 2 } },
    'gzip-corrupt-block-header-stdin': { input: Buffer.concat([a, brokenThird, c]), args: { stdin: true, exit: 2 } },
  };
}

for (const [name, { input, args }] of Object.entries(cases())) {
  const dir = join(GOLDEN, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'input.log.gz'), input);
  writeFileSync(join(dir, 'args.json'), JSON.stringify({ alsoDetect: true, ...args }) + '\n');
}
