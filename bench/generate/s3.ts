// AWS.S3ServerAccess lines in the current layout (through source region),
// with the odd ones: CloudFront origin access identities (a requester with
// spaces), lifecycle and checksum operations with `-` nearly everywhere
// (S3.EXPIRE.OBJECT, four-part S3.COMPUTE.OBJECT.CHECKSUM), batch deletes,
// IPv6 clients, access points, lines from before the newer fields, and a
// token newer than any named field.
import { BASE64, UPPER_ALNUM, Weighted, type Rng } from '../prng.js';
import {
  BROWSER_AGENTS, Clock, REGIONS, accountId, ipv6, pool, privateIPv4, publicIPv4, wantMore,
  type Amount, type Generated, type LogGenerator, type TextSink,
} from './common.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `[20/Jun/2024:16:13:20 +0000]`; some S3 log files carry a non-zero offset, so a few do too. */
function commonLogTime(ms: number, offsetMinutes: number): string {
  const d = new Date(Math.floor(ms) + offsetMinutes * 60_000);
  const p = (n: number): string => String(n).padStart(2, '0');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const off = Math.abs(offsetMinutes);
  return `[${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${sign}${p(Math.floor(off / 60))}${p(off % 60)}]`;
}

type Op =
  | 'REST.GET.OBJECT' | 'REST.PUT.OBJECT' | 'REST.HEAD.OBJECT' | 'REST.GET.BUCKET' | 'REST.GET.VERSIONING'
  | 'REST.GET.BUCKETPOLICY' | 'REST.DELETE.OBJECT' | 'REST.PUT.PART' | 'REST.POST.UPLOADS' | 'WEBSITE.GET.OBJECT'
  | 'BATCH.DELETE.OBJECT' | 'S3.EXPIRE.OBJECT' | 'S3.TRANSITION_SIA.OBJECT' | 'S3.COMPUTE.OBJECT.CHECKSUM';
const OPS = new Weighted<Op>([
  ['REST.GET.OBJECT', 50], ['REST.PUT.OBJECT', 12], ['REST.HEAD.OBJECT', 12], ['REST.GET.BUCKET', 5],
  ['REST.GET.VERSIONING', 1], ['REST.GET.BUCKETPOLICY', 1], ['REST.DELETE.OBJECT', 2], ['REST.PUT.PART', 2],
  ['REST.POST.UPLOADS', 1], ['WEBSITE.GET.OBJECT', 4], ['BATCH.DELETE.OBJECT', 2], ['S3.EXPIRE.OBJECT', 2.5],
  ['S3.TRANSITION_SIA.OBJECT', 0.5], ['S3.COMPUTE.OBJECT.CHECKSUM', 0.5],
]);
const AGENTS = [
  ...BROWSER_AGENTS,
  'aws-sdk-java/2.25.60 Linux/5.10.219-208.866.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.11+9-LTS Java/17.0.11 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/standard',
  'Boto3/1.34.131 md/Botocore#1.34.131 ua/2.0 os/linux#5.10.219 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.131',
  'aws-cli/2.17.0 Python/3.11.8 Linux/6.1.0 exe/x86_64.debian.12 prompt/off command/s3.cp',
  'S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 Linux/5.10.217-183.860.amzn2int.x86_64',
  'Amazon CloudFront',
  'python-requests/2.32.3',
] as const;

const KEYS: ReadonlyArray<(r: Rng) => string> = [
  (r) => `images/2024/06/IMG_${r.range(1000, 9999)}.jpg`,
  (r) => `raw/2024/06/${String(r.range(1, 30)).padStart(2, '0')}/events-${String(r.range(0, 99999)).padStart(6, '0')}.json.gz`,
  (r) => `reports/annual%20report%20${r.range(2019, 2024)}.pdf`,
  (r) => `data/part-${String(r.range(0, 9999)).padStart(5, '0')}-${r.hex(8)}.snappy.parquet`,
  (r) => `uploads/${r.hex(8)}/r%C3%A9sum%C3%A9.docx`,
  () => 'index.html',
];

interface Bucket {
  name: string;
  owner: string;
  region: string;
}

export const s3Generator: LogGenerator = {
  type: 'AWS.S3ServerAccess',
  extension: 'log',
  defaultAmount: { events: 300_000 },

  generate(rng: Rng, sink: TextSink, amount: Amount): Generated {
    const account = accountId(rng);
    const buckets = pool<Bucket>(rng, 4, (r, i) => ({
      name: ['example-assets', 'example-data', 'example-logs', `backups-${account}`][i]!,
      owner: r.hex(64),
      region: r.pick(REGIONS),
    }));
    const requesters = pool(rng, 60, (r) => {
      const kind = r.float();
      if (kind < 0.2) return r.hex(64);
      if (kind < 0.35) return `arn:aws:iam::${account}:user/${r.pick(['etl-user', 'backup-bot', 'alice', 'deploy'])}`;
      if (kind < 0.75) return `arn:aws:sts::${account}:assumed-role/${r.pick(['etl-job', 'analytics', 'lambda-thumbnailer'])}/${r.chance(0.5) ? 'i-' + r.hex(17) : 'session-' + r.hex(8)}`;
      if (kind < 0.9) return '-';
      return `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E${r.chars(UPPER_ALNUM, 13)}`;
    });
    const clients = pool(rng, 3_000, (r) => (r.chance(0.03) ? ipv6(r) : r.chance(0.3) ? privateIPv4(r) : publicIPv4(r)));
    const clock = new Clock(20);
    let events = 0;
    while (wantMore(amount, events, sink)) {
      const ms = clock.tick(rng);
      const bucket = rng.pick(buckets);
      const op = OPS.pick(rng);
      const time = commonLogTime(ms, rng.chance(0.002) ? -420 : 0);
      const requestId = rng.chars(UPPER_ALNUM, 16);
      const hostId = rng.chars(BASE64, 75) + '=';
      const key = rng.pick(KEYS)(rng);
      const size = rng.logUniform(50_000_000);
      let line: string;
      if (op === 'S3.EXPIRE.OBJECT' || op === 'S3.TRANSITION_SIA.OBJECT' || op === 'S3.COMPUTE.OBJECT.CHECKSUM') {
        // S3 itself acts: no client, no request, no TLS.
        line = `${bucket.owner} ${bucket.name} ${time} - AmazonS3 ${requestId} ${op} ${key} "-" - - - ${size} - - "-" "-" ${rng.chance(0.3) ? rng.chars(BASE64, 32) : '-'} ${hostId} - - - - - - - -`;
      } else if (op === 'BATCH.DELETE.OBJECT') {
        line = `${bucket.owner} ${bucket.name} ${time} ${rng.pick(clients)} ${rng.pick(requesters)} ${requestId} ${op} ${key} - 204 - - ${size} - - "-" "-" - ${hostId} - - - - - - - -`;
      } else {
        let requester = rng.pick(requesters);
        const website = op === 'WEBSITE.GET.OBJECT';
        if (website) requester = '-';
        const anonymous = requester === '-';
        const objectOp = op.endsWith('OBJECT') || op === 'REST.PUT.PART' || op === 'REST.POST.UPLOADS';
        let status = 200;
        let errorCode = '-';
        const e = rng.float();
        if (e < (anonymous ? 0.3 : 0.03)) { status = 403; errorCode = 'AccessDenied'; }
        else if (e < 0.06 && objectOp) { status = 404; errorCode = 'NoSuchKey'; }
        else if (e < 0.062) { status = 503; errorCode = 'SlowDown'; }
        else if (op === 'REST.DELETE.OBJECT') status = 204;
        else if (op === 'REST.GET.OBJECT' && e < 0.09) status = 304;
        else if (op === 'REST.GET.OBJECT' && e < 0.1) status = 206;
        const method = op.split('.')[1]!;
        const path = !objectOp ? (op === 'REST.GET.BUCKET' ? '/?list-type=2&prefix=raw%2F&max-keys=1000' : op === 'REST.GET.VERSIONING' ? `/${bucket.name}?versioning` : `/${bucket.name}?policy`)
          : op === 'REST.PUT.PART' ? `/${key}?partNumber=${rng.range(1, 40)}&uploadId=${rng.chars(BASE64, 24).replace(/[+/]/g, 'x')}`
            : op === 'REST.POST.UPLOADS' ? `/${key}?uploads` : `/${key}`;
        const failed = status >= 400;
        const bytesSent = failed ? String(rng.range(200, 400)) : method === 'GET' && status !== 304 ? String(op === 'REST.GET.OBJECT' ? size : rng.range(300, 9000)) : '-';
        const objectSize = objectOp && !failed && op !== 'REST.POST.UPLOADS' ? String(size) : '-';
        const total = rng.logUniform(5_000);
        const turnaround = failed ? '-' : String(Math.max(1, total - rng.int(total)));
        const referrer = website || rng.chance(0.05) ? 'https://www.example.org/' : '-';
        const agent = website ? rng.pick(BROWSER_AGENTS) : anonymous && rng.chance(0.5) ? 'python-requests/2.32.3' : rng.pick(AGENTS);
        const tls13 = rng.chance(0.6);
        const https = !website && rng.chance(0.97);
        const signature = anonymous ? '-' : rng.chance(0.98) ? 'SigV4' : 'SigV2';
        const cipher = https ? (tls13 ? 'TLS_AES_128_GCM_SHA256' : 'ECDHE-RSA-AES128-GCM-SHA256') : '-';
        const auth = anonymous ? '-' : rng.chance(0.9) ? 'AuthHeader' : 'QueryString';
        const accessPoint = !anonymous && rng.chance(0.03) ? `arn:aws:s3:${bucket.region}:${account}:accesspoint/${bucket.name}-ap` : '-';
        const hostHeader = website ? `${bucket.name}.s3-website-${bucket.region}.amazonaws.com`
          : accessPoint !== '-' ? `${bucket.name}-ap-${account}.s3-accesspoint.${bucket.region}.amazonaws.com`
            : `${bucket.name}.s3.${bucket.region}.amazonaws.com`;
        const tlsVersion = https ? (tls13 ? 'TLSv1.3' : 'TLSv1.2') : '-';
        line = `${bucket.owner} ${bucket.name} ${time} ${rng.pick(clients)} ${requester} ${requestId} ${op} ${objectOp ? key : '-'} "${method} ${path} HTTP/1.1" ${status} ${errorCode} ${bytesSent} ${objectSize} ${total} ${turnaround} "${referrer}" "${agent}" ${rng.chance(0.1) ? rng.chars(BASE64, 32) : '-'} ${hostId} ${signature} ${cipher} ${auth} ${hostHeader} ${tlsVersion}`;
        const layout = rng.float();
        // Lines written before 2020 end at the TLS version; a few carry a token newer than any named field.
        if (layout >= 0.05) line += ` ${accessPoint} ${rng.chance(0.02) ? 'Yes' : '-'} ${rng.chance(0.05) ? rng.pick(REGIONS) : '-'}`;
        if (layout >= 0.995) line += ' -';
      }
      sink.write(line + '\n');
      events++;
    }
    return { events, skipped: 0 };
  },
};
