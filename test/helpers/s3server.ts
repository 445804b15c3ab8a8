// A real S3 protocol server for tests: s3rver (from npm) in this process on
// 127.0.0.1 and a free port, with a temporary directory, behind a small
// HTTP proxy of ours. The proxy
// - counts and records every ListObjectsV2 request (`list-type=2`), so a
//   test can check which prefixes a run listed;
// - works around s3rver 3.7.1's delimiter listing, which does not go below
//   one level (its directory walk stops at the first `/` past the prefix,
//   so `AWSLogs/123/` never shows as a common prefix of `AWSLogs/`): a
//   listing with `delimiter=/` is answered by the proxy from s3rver's own
//   listing without a delimiter (all pages), grouped as S3 groups it;
// - can answer chosen keys with 403 AccessDenied (s3rver has no policies);
// - records every GetObject of a key with its Range and If-Match headers,
//   calls a test's hook before answering one, and answers 412
//   PreconditionFailed when If-Match names another ETag than the object's,
//   as S3 does (s3rver 3.7.1 ignores If-Match on GET).
// s3rver checks the access key id but not the secret key: a test of bad
// credentials uses an unknown key id (InvalidAccessKeyId), never a wrong secret.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** The key id and secret s3rver accepts. */
export const S3RVER_KEY = 'S3RVER';

export interface ListRequest {
  bucket: string;
  prefix: string;
  delimiter: boolean;
}

/** A GetObject request as the proxy saw it. */
export interface GetRequest {
  /** `bucket/key`. */
  path: string;
  /** The Range header (`bytes=0-99`), when sent. */
  range?: string;
  ifMatch?: string;
}

export interface S3TestServer {
  /** `http://127.0.0.1:PORT` (the proxy). */
  endpoint: string;
  /** The environment a CLI run against this server needs. */
  env: Record<string, string>;
  /** ListObjectsV2 requests since the last reset. */
  lists: ListRequest[];
  /** Every request since the last reset, as `METHOD /path?query`. */
  requests: string[];
  /** GetObject requests since the last reset (list and other requests excluded). */
  gets: GetRequest[];
  /** Called before a GetObject is answered (a test may overwrite the object there). */
  beforeGet?: (get: GetRequest, index: number) => Promise<void> | void;
  /** `bucket/key` paths answered 403 AccessDenied. */
  forbidden: Set<string>;
  /** `bucket/key` paths whose GetObject answers 404 NoSuchKey while listings still show them: an object deleted between the list and the read. */
  gone: Set<string>;
  /**
   * The S3 event notifications s3rver emitted (ObjectCreated:Put…, one
   * `{"Records":[…]}` each), in order. s3rver writes the key as stored;
   * `s3EventAsSent` encodes it as S3 does.
   */
  events: unknown[];
  stop(): Promise<void>;
}

/**
 * The proxy's connections to s3rver: no keep-alive, so that s3rver's close
 * does not wait on idle sockets; destroyed at stop, so that a request whose
 * client died mid-body (an interrupted upload) cannot hold the close open.
 */
const upstream = new Agent({ keepAlive: false });

/** Starts s3rver and the proxy, with these buckets created. */
export async function startS3Server(buckets: readonly string[]): Promise<S3TestServer> {
  const directory = mkdtempSync(join(tmpdir(), 'awslogs-s3rver-'));
  const s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
  const inner = await s3rver.run();
  const events: unknown[] = [];
  s3rver.on('event', (event: unknown) => events.push(event));
  const lists: ListRequest[] = [];
  const requests: string[] = [];
  const forbidden = new Set<string>();
  const gone = new Set<string>();
  const gets: GetRequest[] = [];
  const proxy: Server = createServer((req, res) => {
    void handle(inner, req, res, lists, requests, forbidden, gone, server).catch((err: unknown) => {
      // A client that went away mid-answer (a killed CLI): the headers may be out already.
      if (res.headersSent) res.destroy();
      else res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const server: S3TestServer = {
    endpoint,
    env: {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: S3RVER_KEY,
      AWS_SECRET_ACCESS_KEY: S3RVER_KEY,
      // Not the user's profile or config: nothing from the machine running the tests.
      AWS_CONFIG_FILE: join(directory, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(directory, 'no-credentials'),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    lists,
    requests,
    gets,
    forbidden,
    gone,
    events,
    stop: async () => {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      upstream.destroy();
      await s3rver.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
  return server;
}

/**
 * An event s3rver emitted, as real S3 sends it: s3rver 3.7.1 writes the key
 * as stored, where S3 URL-encodes it with `+` for a space
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
 * A copy: the recorded event is left as it was.
 */
export function s3EventAsSent(event: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(event)) as { Records: Array<{ s3: { object: { key: string } } }> };
  for (const r of copy.Records) r.s3.object.key = encodeURIComponent(r.s3.object.key).replace(/%20/g, '+').replace(/%2F/g, '/');
  return copy;
}

async function handle(inner: AddressInfo, req: IncomingMessage, res: ServerResponse, lists: ListRequest[], requests: string[], forbidden: Set<string>, gone: Set<string>, server: S3TestServer): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://proxy');
  requests.push(`${req.method ?? ''} ${url.pathname}${url.search}`);
  const bucket = decodeURIComponent(url.pathname.split('/')[1] ?? '');
  if (req.method === 'GET' && url.searchParams.get('list-type') === '2') {
    const delimiter = url.searchParams.get('delimiter');
    lists.push({ bucket, prefix: url.searchParams.get('prefix') ?? '', delimiter: delimiter !== null });
    if (delimiter === '/') return listWithDelimiter(inner, bucket, url.searchParams.get('prefix') ?? '', res);
  }
  if (forbidden.has(decodeURIComponent(url.pathname.slice(1)))) {
    req.resume();
    res.writeHead(403, { 'content-type': 'application/xml' });
    res.end('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
    return;
  }
  if (req.method === 'GET' && gone.has(decodeURIComponent(url.pathname.slice(1)))) {
    res.writeHead(404, { 'content-type': 'application/xml' });
    res.end('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
    return;
  }
  const objectPath = decodeURIComponent(url.pathname.slice(1));
  let ifMatch: string | undefined;
  if (req.method === 'GET' && !url.searchParams.has('list-type') && objectPath.includes('/')) {
    const range = req.headers.range;
    ifMatch = typeof req.headers['if-match'] === 'string' ? req.headers['if-match'] : undefined;
    const get: GetRequest = { path: objectPath, ...(range !== undefined ? { range } : {}), ...(ifMatch !== undefined ? { ifMatch } : {}) };
    server.gets.push(get);
    await server.beforeGet?.(get, server.gets.length - 1);
  }
  await forward(inner, req, res, ifMatch);
}

function forward(inner: AddressInfo, req: IncomingMessage, res: ServerResponse, ifMatch?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = request({ agent: upstream, host: inner.address, port: inner.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      const status = answer.statusCode ?? 500;
      if (ifMatch !== undefined && status < 300 && answer.headers.etag !== ifMatch) {
        answer.resume();
        res.writeHead(412, { 'content-type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-Match</Condition></Error>');
        answer.on('end', resolve);
        return;
      }
      res.writeHead(status, answer.headers);
      answer.pipe(res);
      answer.on('end', resolve);
      answer.on('error', reject);
    });
    out.on('error', reject);
    // A client that goes away mid-request (a killed CLI) ends the request upstream too.
    res.on('close', () => { if (!res.writableFinished) out.destroy(); });
    req.pipe(out);
  });
}

interface Entry {
  key: string;
  size: string;
  etag: string;
  lastModified: string;
}

function fetchText(inner: AddressInfo, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ agent: upstream, host: inner.address, port: inner.port, method: 'GET', path }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => resolve({ status: answer.statusCode ?? 500, body: Buffer.concat(chunks).toString('utf8') }));
      answer.on('error', reject);
    }).on('error', reject).end();
  });
}

function tag(xml: string, name: string): string {
  return new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1] ?? '';
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function unescapeXml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x27;|&#39;|&apos;/g, "'").replace(/&amp;/g, '&');
}

/** A delimited listing computed from s3rver's full listing of the prefix (one page: test buckets are small). */
async function listWithDelimiter(inner: AddressInfo, bucket: string, prefix: string, res: ServerResponse): Promise<void> {
  const entries: Entry[] = [];
  let token: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ 'list-type': '2', prefix, ...(token !== undefined ? { 'continuation-token': token } : {}) });
    const page = await fetchText(inner, `/${encodeURIComponent(bucket)}?${query.toString()}`);
    if (page.status !== 200) {
      res.writeHead(page.status, { 'content-type': 'application/xml' });
      res.end(page.body);
      return;
    }
    for (const m of page.body.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
      entries.push({ key: unescapeXml(tag(m[1]!, 'Key')), size: tag(m[1]!, 'Size'), etag: tag(m[1]!, 'ETag'), lastModified: tag(m[1]!, 'LastModified') });
    }
    if (tag(page.body, 'IsTruncated') !== 'true') break;
    token = unescapeXml(tag(page.body, 'NextContinuationToken'));
  }
  const contents: Entry[] = [];
  const prefixes = new Set<string>();
  for (const e of entries) {
    const slash = e.key.indexOf('/', prefix.length);
    if (slash < 0) contents.push(e);
    else prefixes.add(e.key.slice(0, slash + 1));
  }
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    `<Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix><Delimiter>/</Delimiter>`,
    `<KeyCount>${contents.length + prefixes.size}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>`,
    ...contents.map((e) => `<Contents><Key>${escapeXml(e.key)}</Key><LastModified>${e.lastModified}</LastModified><ETag>${e.etag}</ETag><Size>${e.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`),
    ...[...prefixes].sort().map((p) => `<CommonPrefixes><Prefix>${escapeXml(p)}</Prefix></CommonPrefixes>`),
    '</ListBucketResult>',
  ].join('');
  res.writeHead(200, { 'content-type': 'application/xml' });
  res.end(xml);
}
