// gunzip() (issue 13 item 6): every byte inflated before damage is handed
// on, in order, then the damage is raised once; trailing garbage is a
// notice; plain text after the gzip data is read as text. Each case runs as
// a regular file (Node's gunzip, handed over to the member decoder at the
// first irregularity) and as stdin (the member decoder alone), with small
// and large reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, gzipSync, inflateRawSync } from 'node:zlib';
import { GzipDataError, HEADER_BYTES, checkTrailer } from '../src/pipeline/gzip_format.js';
import { TAIL_PROBE_BYTES, TEXT_WINDOW_BYTES } from '../src/pipeline/gzip_tail.js';
import { gunzip } from '../src/pipeline/gunzip.js';
import {
  chunksOf, decode, gzipMember, gzipMemberInSegments, seededBytes, vpcText, withBadCrc, withBadLength, withInvalidBlockType, type Decoded,
} from './helpers/gzip.js';

const WAYS = ['file', 'stdin'] as const;
const CHUNK_SIZES = [1, 7, 4096, 1 << 20];

/** Runs `check` on data decoded every way and with every chunk size (1-byte reads only for small inputs). */
async function everyWay(data: Buffer, check: (d: Decoded, how: string) => void): Promise<void> {
  for (const as of WAYS) {
    for (const size of CHUNK_SIZES) {
      if (size === 1 && data.length > 20_000) continue;
      check(await decode(data, size, as), `${as}, ${size}-byte reads`);
    }
  }
}

const TEXT_A = vpcText(8);
const TEXT_B = vpcText(5, 8);
const TEXT_C = vpcText(3, 13);
const MEMBER_A = gzipMember(TEXT_A);
const MEMBER_B = gzipMember(TEXT_B);
const MEMBER_C = gzipMember(TEXT_C);

test('clean gzip: one member, several members, Node-made and hand-made, any read size, no notice', async () => {
  const cases: Array<[Buffer, string]> = [
    [gzipSync(TEXT_A), TEXT_A],
    [Buffer.concat([MEMBER_A, MEMBER_B, MEMBER_C]), TEXT_A + TEXT_B + TEXT_C],
    [gzipMember(TEXT_A, { level: 0 }), TEXT_A],
    [Buffer.concat([gzipMember(''), MEMBER_B, gzipMember('')]), TEXT_B],
  ];
  for (const [data, expected] of cases) {
    await everyWay(data, (d, how) => {
      assert.equal(d.error, undefined, how);
      assert.deepEqual(d.notices, [], how);
      assert.equal(d.output.toString(), expected, how);
    });
  }
});

test('header fields FEXTRA, FNAME, FCOMMENT and FHCRC are skipped, in every member, whatever their length', async () => {
  const longName = 'n'.repeat(70_000); // longer than a read: never buffered whole
  const data = Buffer.concat([
    gzipMember(TEXT_A, { name: 'vpc.log', comment: 'a comment', extra: Buffer.from('AB\x04\x00data'), headerCrc: true }),
    gzipMember(TEXT_B, { name: longName, headerCrc: true }),
    gzipMember(TEXT_C, { extra: Buffer.alloc(65535, 1), comment: '' }),
  ]);
  await everyWay(data, (d, how) => {
    assert.equal(d.error, undefined, `${how}: ${d.error?.message}`);
    assert.equal(d.output.toString(), TEXT_A + TEXT_B + TEXT_C, how);
  });
});

test('a header CRC that does not match, an unknown method or reserved flags: a fault at the exact byte, after the members before', async () => {
  const badHcrc = gzipMember(TEXT_B, { name: 'x', headerCrc: true });
  const at = MEMBER_A.length + 10 + 2; // fixed header, then "x\0", then the CRC-16
  badHcrc[12] = badHcrc[12]! ^ 0xff;
  const method = Buffer.from(MEMBER_B);
  method[2] = 7;
  const reserved = Buffer.from(MEMBER_B);
  reserved[3] = 0x20;
  const cases: Array<[Buffer, RegExp]> = [
    [badHcrc, new RegExp(`^corrupt gzip data \\(header CRC-16 mismatch: the header says 0x[0-9a-f]{4}, its bytes give 0x[0-9a-f]{4}\\) at compressed byte ${at}$`)],
    [method, new RegExp(`^corrupt gzip data \\(compression method 7, expected 8 \\(deflate\\)\\) at compressed byte ${MEMBER_A.length + 2}$`)],
    [reserved, new RegExp(`^corrupt gzip data \\(reserved header flags set \\(0x20\\)\\) at compressed byte ${MEMBER_A.length + 3}$`)],
  ];
  for (const [second, message] of cases) {
    await everyWay(Buffer.concat([MEMBER_A, second]), (d, how) => {
      assert.equal(d.output.toString(), TEXT_A, how);
      assert.ok(d.error instanceof GzipDataError, how);
      assert.match(d.error.message, message, how);
    });
  }
});

test('trailing garbage of any shape after a complete member: all data, a notice naming its length and offset, no fault', async () => {
  const garbage: Array<[string, Buffer]> = [
    ['two letters', Buffer.from('ab')],
    ['random bytes', seededBytes(7, 333)],
    ['random bytes that start with a line end', Buffer.concat([Buffer.from('\n'), seededBytes(11, 100)])],
    ['one word without a line end', Buffer.from('not-gzip-data')],
    ['zero bytes, then more', Buffer.concat([Buffer.alloc(10), Buffer.from('xyz')])],
    ['0x1f, then not 0x8b', Buffer.from([0x1f, 0x8c, 0x08])],
  ];
  for (const [what, tail] of garbage) {
    for (const members of [[MEMBER_A], [MEMBER_A, MEMBER_B]]) {
      const gz = Buffer.concat(members);
      const expected = members.length === 1 ? TEXT_A : TEXT_A + TEXT_B;
      await everyWay(Buffer.concat([gz, tail]), (d, how) => {
        assert.equal(d.error, undefined, `${what}, ${how}: ${d.error?.message}`);
        assert.equal(d.output.toString(), expected, `${what}, ${how}`);
        assert.deepEqual(d.notices, [`trailing garbage ignored: ${tail.length} byte${tail.length === 1 ? '' : 's'} after the end of the gzip data at compressed byte ${gz.length}`], `${what}, ${how}`);
      });
    }
  }
});

test('text without a line end after a member (a record appended without its newline, two words): read as text, after a line end', async () => {
  const tails = ['this is not gzip data', vpcText(1, 99).trimEnd(), '{"a":1}', 'x,y'];
  for (const tail of tails) {
    await everyWay(Buffer.concat([MEMBER_A, Buffer.from(tail)]), (d, how) => {
      assert.equal(d.error, undefined, `${tail}, ${how}`);
      assert.equal(d.output.toString(), TEXT_A + tail, `${tail}, ${how}`);
      assert.deepEqual(d.notices, [`the gzip data ends at compressed byte ${MEMBER_A.length}; the plain text after it is read as text`], `${tail}, ${how}`);
    });
  }
});

test('a second member cut within its 10-byte fixed header (no byte of data after it): a notice; cut later, a fault', async () => {
  const header = gzipMember(TEXT_B, { name: 'second-member.log', headerCrc: true });
  const headerLength = 10 + 'second-member.log'.length + 1 + 2;
  for (let cut = 1; cut < headerLength; cut++) {
    const data = Buffer.concat([MEMBER_A, header.subarray(0, cut)]);
    for (const as of WAYS) {
      const d = await decode(data, 5, as);
      assert.equal(d.output.toString(), TEXT_A, `cut ${cut}, ${as}`);
      if (cut <= HEADER_BYTES) {
        assert.equal(d.error, undefined, `cut ${cut}, ${as}`);
        assert.deepEqual(d.notices, [`trailing garbage ignored: ${cut} byte${cut === 1 ? '' : 's'} after the end of the gzip data at compressed byte ${MEMBER_A.length}: a gzip member header cut short`]);
      } else {
        assert.equal(d.error?.message, `corrupt gzip data (unexpected end of file) at or before compressed byte ${data.length}`, `cut ${cut}, ${as}`);
        assert.deepEqual(d.notices, []);
      }
    }
  }
});

test('a damaged length field in a next member\'s header that runs past the end: a fault, not trailing garbage', async () => {
  const second = gzipMember(TEXT_B, { extra: Buffer.from('ABCDEF') });
  second.writeUInt16LE(60_000, 10); // XLEN
  await everyWay(Buffer.concat([MEMBER_A, second]), (d, how) => {
    assert.equal(d.output.toString(), TEXT_A, how);
    assert.match(d.error?.message ?? '', /^corrupt gzip data \(unexpected end of file\)/, how);
  });
});

test('zero bytes after the gzip data (padding) are ignored silently', async () => {
  for (const n of [1, 512, 100_000]) {
    await everyWay(Buffer.concat([MEMBER_A, MEMBER_B, Buffer.alloc(n)]), (d, how) => {
      assert.equal(d.error, undefined, how);
      assert.deepEqual(d.notices, [], how);
      assert.equal(d.output.toString(), TEXT_A + TEXT_B, how);
    });
  }
});

test('bytes that are not gzip data before a member (a damaged member header): a fault, and decoding goes on at that member', async () => {
  const brokenMagic = Buffer.from(MEMBER_B);
  brokenMagic[1] = 0x8c;
  const cases: Array<[string, Buffer, number]> = [
    ['a damaged magic', brokenMagic, MEMBER_B.length],
    ['garbage', seededBytes(3, 500), 500],
    ['text', Buffer.from(vpcText(30, 100)), vpcText(30, 100).length],
  ];
  for (const [what, gap, skipped] of cases) {
    const data = Buffer.concat([MEMBER_A, gap, MEMBER_C]);
    await everyWay(data, (d, how) => {
      if (what === 'text') {
        // Text is read as text to the end: the member after it is not looked for.
        assert.equal(d.output.subarray(0, TEXT_A.length + gap.length).toString(), TEXT_A + gap.toString(), `${what}, ${how}`);
        return;
      }
      assert.equal(d.output.toString(), TEXT_A + TEXT_C, `${what}, ${how}`);
      assert.equal(d.error?.message, `corrupt gzip data (${skipped} bytes that are not gzip data, up to a gzip member at compressed byte ${MEMBER_A.length + gap.length}) at compressed byte ${MEMBER_A.length}`, `${what}, ${how}`);
      assert.equal(d.error?.cutShort, false);
      assert.deepEqual(d.notices, [], `${what}, ${how}`);
    });
  }
  // The last member's magic damaged: not trailing garbage.
  for (const at of [0, 1]) {
    const last = Buffer.from(MEMBER_C);
    last[at] = last[at]! ^ 0x40;
    await everyWay(Buffer.concat([MEMBER_A, last]), (d, how) => {
      assert.equal(d.output.toString(), TEXT_A, how);
      assert.equal(d.error?.message, `corrupt gzip data (${MEMBER_C.length} bytes that are not gzip data but start like a gzip member header) at compressed byte ${MEMBER_A.length}`, how);
    });
  }
  // Zero bytes between members are padding.
  await everyWay(Buffer.concat([MEMBER_A, Buffer.alloc(100), MEMBER_C]), (d, how) => {
    assert.equal(d.error, undefined, how);
    assert.equal(d.output.toString(), TEXT_A + TEXT_C, how);
  });
});

test('a bad CRC-32 or length in the first of three members: every byte of all three, then one fault naming the trailer', async () => {
  for (const [damage, reason, shift] of [[withBadCrc, /CRC-32 mismatch: the trailer says 0x[0-9a-f]{8}, the data gives 0x[0-9a-f]{8}/, 8], [withBadLength, /length mismatch: the trailer says \d+ bytes \(modulo 2\^32\), the data has \d+/, 4]] as const) {
    const data = Buffer.concat([damage(MEMBER_A), MEMBER_B, MEMBER_C]);
    await everyWay(data, (d, how) => {
      assert.equal(d.output.toString(), TEXT_A + TEXT_B + TEXT_C, how);
      assert.ok(d.error instanceof GzipDataError, how);
      assert.match(d.error.message, new RegExp(`^corrupt gzip data \\(${reason.source}\\) at compressed byte ${MEMBER_A.length - shift}$`), how);
      assert.equal(d.error.cutShort, false, 'the data is whole: the last line is a record');
      assert.deepEqual(d.notices, [], how);
    });
  }
});

test('several damaged members: one fault, naming the first and counting the others', async () => {
  const data = Buffer.concat([withBadCrc(MEMBER_A), withBadLength(MEMBER_B), MEMBER_C.subarray(0, MEMBER_C.length - 3)]);
  const d = await decode(data, 4096, 'file');
  assert.equal(d.output.toString(), TEXT_A + TEXT_B + TEXT_C);
  assert.match(d.error?.message ?? '', new RegExp(`^corrupt gzip data \\(CRC-32 mismatch: .*\\) at compressed byte ${MEMBER_A.length - 8}; 2 more faults after it, the last: unexpected end of file at or before compressed byte ${data.length}$`));
  assert.equal(d.error?.cutShort, true);
});

test('plain text after the gzip data is read as text, after a line end when the gzip data lacks one, without a byte order mark', async () => {
  const unended = gzipMember(TEXT_A.trimEnd());
  const cases: Array<[string, Buffer, string, string]> = [
    ['lines', MEMBER_A, TEXT_B, TEXT_A + TEXT_B],
    ['CRLF lines', MEMBER_A, TEXT_B.replace(/\n/g, '\r\n'), TEXT_A + TEXT_B.replace(/\n/g, '\r\n')],
    ['CR lines', MEMBER_A, TEXT_B.replace(/\n/g, '\r'), TEXT_A + TEXT_B.replace(/\n/g, '\r')],
    ['a member without a final line end', unended, TEXT_B, TEXT_A + TEXT_B],
    ['a byte order mark', MEMBER_A, '\ufeff' + TEXT_B, TEXT_A + TEXT_B],
    ['blank lines first', MEMBER_A, '\n\n' + TEXT_B, TEXT_A + '\n\n' + TEXT_B],
    ['after several members', Buffer.concat([MEMBER_A, MEMBER_B]), TEXT_C, TEXT_A + TEXT_B + TEXT_C],
    ['a line longer than the probe', MEMBER_A, 'x'.repeat(TAIL_PROBE_BYTES + 10), TEXT_A + 'x'.repeat(TAIL_PROBE_BYTES + 10)],
  ];
  for (const [what, gz, tail, expected] of cases) {
    await everyWay(Buffer.concat([gz, Buffer.from(tail)]), (d, how) => {
      assert.equal(d.error, undefined, `${what}, ${how}`);
      assert.equal(d.output.toString(), expected, `${what}, ${how}`);
      assert.deepEqual(d.notices, [`the gzip data ends at compressed byte ${gz.length}; the plain text after it is read as text`], `${what}, ${how}`);
    });
  }
});

test('a text tail is text to its end: gzip bytes after it are not looked for (the framer reports them)', async () => {
  const text = vpcText(20, 8); // longer than the text window
  const data = Buffer.concat([MEMBER_A, Buffer.from(text), MEMBER_C]);
  for (const as of WAYS) {
    const d = await decode(data, 4096, as);
    assert.equal(d.error, undefined);
    assert.ok(d.output.equals(Buffer.concat([Buffer.from(TEXT_A + text), MEMBER_C])), as);
  }
});

test('a tail whose first kilobyte is not all text is garbage, even when a short text line starts it', async () => {
  assert.equal(TEXT_WINDOW_BYTES, 1024);
  const tail = Buffer.concat([Buffer.from('short line\n'), seededBytes(5, 2000)]);
  for (const as of WAYS) {
    const d = await decode(Buffer.concat([MEMBER_A, tail]), 4096, as);
    assert.equal(d.output.toString(), TEXT_A, as);
    assert.deepEqual(d.notices, [`trailing garbage ignored: ${tail.length} bytes after the end of the gzip data at compressed byte ${MEMBER_A.length}`], as);
  }
});

test('a file cut at every byte: the output is a prefix of the text; a fault unless the cut is at a member boundary or in a next header', async () => {
  const data = Buffer.concat([gzipMember(TEXT_A, { name: 'a.log' }), gzipMember(TEXT_B, { name: 'b.log' })]);
  const firstLength = gzipMember(TEXT_A, { name: 'a.log' }).length;
  const whole = TEXT_A + TEXT_B;
  for (let cut = 1; cut < data.length; cut++) {
    for (const as of WAYS) {
      const d = await decode(data.subarray(0, cut), 3, as);
      const how = `cut at ${cut}, ${as}`;
      assert.ok(whole.startsWith(d.output.toString()), `${how}: a prefix`);
      if (cut === firstLength) {
        assert.equal(d.error, undefined, how);
        assert.equal(d.output.toString(), TEXT_A, how);
      } else if (cut > firstLength && cut <= firstLength + 10) {
        assert.equal(d.error, undefined, how);
        assert.equal(d.output.toString(), TEXT_A, how);
        assert.equal(d.notices.length, 1, how);
      } else {
        assert.match(d.error?.message ?? '', new RegExp(`^corrupt gzip data \\(unexpected end of file\\) at or before compressed byte ${cut}$`), how);
        assert.equal(d.error?.cutShort, true, how);
      }
      if (cut >= firstLength) assert.ok(d.output.toString().startsWith(TEXT_A), `${how}: the first member is whole`);
    }
  }
});

/**
 * The longest prefix of deflate data that zlib inflates without an error
 * (prefixes that fail only grow: binary search), and its output: what a
 * decoder that hands on everything before the error gives.
 */
function longestGoodPrefix(deflate: Buffer): { length: number; output: Buffer } {
  const inflate = (n: number) => inflateRawSync(deflate.subarray(0, n), { finishFlush: constants.Z_SYNC_FLUSH });
  let lo = 0;
  let hi = deflate.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      inflate(mid);
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return { length: lo, output: inflate(lo) };
}

test('corrupt deflate data: everything zlib inflates before the error is handed on, and the error names its byte', async () => {
  const text = vpcText(3000);
  const member = gzipMember(text);
  let found = 0;
  for (let at = 200; at < member.length - 8 && found < 6; at += 997) {
    const damaged = Buffer.from(member);
    damaged[at] = damaged[at]! ^ 0x5a;
    const deflate = damaged.subarray(10, damaged.length - 8);
    const good = longestGoodPrefix(deflate);
    if (good.length === deflate.length) continue; // the flip made no zlib error (a CRC mismatch then)
    found++;
    const data = Buffer.concat([MEMBER_A, damaged, MEMBER_B]);
    for (const as of WAYS) {
      for (const size of [4096, 1 << 20]) {
        const d = await decode(data, size, as);
        const how = `flip at ${at}, ${as}, ${size}-byte reads`;
        // The member after the damage is read too (issue 15: a Firehose object's later payloads are not lost).
        const expected = Buffer.concat([Buffer.from(TEXT_A), good.output, Buffer.from(TEXT_B)]);
        assert.ok(d.output.equals(expected), `${how}: ${d.output.length} bytes, expected ${expected.length}`);
        assert.match(d.error?.message ?? '', new RegExp(`^corrupt gzip data \\(.+; decoding went on at the next gzip member\\) at or before compressed byte ${MEMBER_A.length + 10 + good.length}$`), how);
      }
    }
  }
  assert.ok(found >= 3, `${found} flips made zlib errors`);
});

/** Where each stored block (BTYPE 00, RFC 1951 section 3.2.4) of level-0 deflate data starts, and the data before it. */
function storedBlocks(deflate: Buffer): Array<{ at: number; before: number }> {
  const blocks: Array<{ at: number; before: number }> = [];
  let before = 0;
  for (let at = 0; at + 5 <= deflate.length;) {
    blocks.push({ at, before });
    const len = deflate.readUInt16LE(at + 1);
    before += len;
    at += 5 + len;
  }
  return blocks;
}

test('a broken block header in the third segment of a member: the two segments before it are handed on whole', async () => {
  const texts = [vpcText(40), vpcText(40, 40), vpcText(40, 80)];
  const { member, segmentStarts } = gzipMemberInSegments(texts);
  assert.equal((await decode(member, 4096, 'file')).output.toString(), texts.join(''), 'the segments make one valid member');
  const data = Buffer.concat([MEMBER_A, withInvalidBlockType(member, segmentStarts[2]!), MEMBER_B]);
  await everyWay(data, (d, how) => {
    assert.equal(d.output.toString(), TEXT_A + texts[0]! + texts[1]! + TEXT_B, how);
    assert.equal(d.error?.message, `corrupt gzip data (invalid block type; decoding went on at the next gzip member) at or before compressed byte ${MEMBER_A.length + segmentStarts[2]!}`, how);
  });
});

test('stdin: a member past the in-memory replay limit with corrupt deflate data says that output may be missing', async () => {
  // Stored blocks (level 0) of random bytes; the length check of the block 9 MiB in is broken.
  const body = Buffer.concat(Array.from({ length: 10 }, (_, i) => seededBytes(i + 1, 1 << 20)));
  const member = gzipMember(body, { level: 0 });
  const block = storedBlocks(member.subarray(10, member.length - 8)).find((b) => b.before >= 9 << 20)!;
  const nlenAt = 10 + block.at + 3;
  const damaged = Buffer.from(member);
  damaged[nlenAt] = damaged[nlenAt]! ^ 0xff;
  const stdin = await decode(damaged, 1 << 16, 'stdin');
  assert.match(stdin.error?.message ?? '', /^corrupt gzip data \(invalid stored block lengths; output decompressed just before it may be missing \(stdin cannot be read again\)\) at or before compressed byte \d+$/);
  const file = await decode(damaged, 1 << 16, 'file');
  assert.equal(file.output.length, block.before, 'a file is read again: nothing before the broken block is missing');
  assert.ok(body.subarray(0, block.before).equals(file.output));
  assert.match(file.error?.message ?? '', new RegExp(`^corrupt gzip data \\(invalid stored block lengths\\) at or before compressed byte ${nlenAt + 1}$`));
});

test('a read error part way: the bytes before it are handed on, then the read error itself is raised', async () => {
  const data = Buffer.concat([MEMBER_A, MEMBER_B]);
  for (const failAfter of [5, MEMBER_A.length + 3]) {
    async function* failing(): AsyncGenerator<Buffer> {
      yield data.subarray(0, failAfter);
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    }
    const parts: Buffer[] = [];
    await assert.rejects(async () => {
      for await (const b of gunzip(failing(), {})) parts.push(b);
    }, /EIO/);
    if (failAfter > MEMBER_A.length) assert.equal(Buffer.concat(parts).toString(), TEXT_A);
  }
});

test('250,000 lines with trailing garbage, a bad CRC or a bad length: every line decoded, both ways', async () => {
  const text = vpcText(250_000);
  const member = gzipSync(text);
  for (const [what, data] of [['garbage', Buffer.concat([member, Buffer.from('ab')])], ['crc', withBadCrc(member)], ['length', withBadLength(member)]] as const) {
    for (const as of WAYS) {
      const d = await decode(data, 1 << 20, as);
      assert.equal(d.output.length, text.length, `${what}, ${as}`);
      assert.ok(d.output.equals(Buffer.from(text)), `${what}, ${as}`);
      assert.equal(d.error === undefined, what === 'garbage', `${what}, ${as}`);
    }
  }
});

test('thousands of small members, then garbage: every member decoded, in order', async () => {
  const members: Buffer[] = [];
  let text = '';
  for (let i = 0; i < 3000; i++) {
    const part = vpcText(3, i * 3);
    members.push(gzipMember(part));
    text += part;
  }
  const data = Buffer.concat([...members, Buffer.from([0x1f, 0x8b, 0x08])]);
  for (const as of WAYS) {
    const d = await decode(data, 1 << 20, as);
    assert.equal(d.error, undefined);
    assert.ok(d.output.equals(Buffer.from(text)), as);
    assert.equal(d.notices.length, 1);
  }
});

test('checkTrailer: CRC first, then the length modulo 2^32', () => {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(0xdeadbeef, 0);
  trailer.writeUInt32LE(5, 4);
  assert.equal(checkTrailer(trailer, { crc: 0xdeadbeef, size: 5 }, 100), undefined);
  assert.equal(checkTrailer(trailer, { crc: 0xdeadbeef, size: 2 ** 32 + 5 }, 100), undefined, 'ISIZE is the length modulo 2^32');
  assert.deepEqual(checkTrailer(trailer, { crc: 0xdeadbeef, size: 6 }, 100), { reason: 'length mismatch: the trailer says 5 bytes (modulo 2^32), the data has 6', offset: 104, exact: true });
  assert.equal(checkTrailer(trailer, { crc: 1, size: 5 }, 100)?.reason, 'CRC-32 mismatch: the trailer says 0xdeadbeef, the data gives 0x00000001');
});

test('reads are consumed lazily: gunzip pulls compressed chunks only as its output is read', async () => {
  const data = gzipSync(vpcText(200_000));
  let pulled = 0;
  async function* counting(): AsyncGenerator<Buffer> {
    for await (const c of chunksOf(data, 64 * 1024)) {
      pulled += c.length;
      yield c;
    }
  }
  for (const options of [{}, { reread: (s: number, e?: number) => chunksOf(data.subarray(s, e), 1 << 20) }]) {
    pulled = 0;
    const it = gunzip(counting(), options)[Symbol.asyncIterator]();
    await it.next();
    assert.ok(pulled < data.length / 2, `${pulled} of ${data.length} compressed bytes read for the first chunk of output`);
    await it.return(undefined);
  }
});
