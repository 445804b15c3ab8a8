// AWS.ALB access log lines in the current 30-field layout (through
// conn_trace_id), with the odd lines real logs have: no target (`-`, -1
// timings), redirects and fixed responses, unescaped spaces in URLs, IPv6
// clients, malformed requests, h2/grpcs/ws/wss, the control line, and now
// and then the newer transform fields or a field newer than those.
import { Weighted, type Rng } from '../prng.js';
import {
  BROWSER_AGENTS, Clock, REGIONS, accountId, ipv6, isoMicros, pool, privateIPv4, publicIPv4, uuid, wantMore,
  type Amount, type Generated, type LogGenerator, type TextSink,
} from './common.js';

type AlbType = 'http' | 'https' | 'h2' | 'grpcs' | 'ws' | 'wss';
const TYPES = new Weighted<AlbType>([['https', 58], ['h2', 20], ['http', 14], ['grpcs', 4], ['wss', 3], ['ws', 1]]);
const METHODS = new Weighted<string>([['GET', 74], ['POST', 15], ['HEAD', 3], ['PUT', 3], ['OPTIONS', 3], ['DELETE', 2]]);
type Outcome = 'forward' | 'noTarget' | 'redirect' | 'fixed';
const OUTCOMES = new Weighted<Outcome>([['forward', 93], ['noTarget', 3], ['redirect', 3], ['fixed', 1]]);
const OK_STATUS = new Weighted<number>([[200, 80], [201, 3], [204, 3], [302, 2], [304, 4], [400, 1], [401, 1], [403, 1], [404, 3], [500, 1], [502, 0.5]]);
const NO_TARGET_STATUS = [502, 503, 503, 504, 460, 400, 408] as const;

const AGENTS = [
  ...BROWSER_AGENTS,
  'curl/8.5.0',
  'python-requests/2.32.3',
  'okhttp/4.12.0',
  'Go-http-client/2.0',
  'ELB-HealthChecker/2.0',
  'Amazon CloudFront',
  'grpc-go/1.64.0',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
] as const;

const PATHS: ReadonlyArray<(r: Rng) => string> = [
  () => '/',
  (r: Rng) => `/api/v1/orders/${r.range(1, 999_999)}`,
  (r: Rng) => `/api/v1/users/${r.range(1, 99_999)}/profile?fields=name,email`,
  (r: Rng) => `/static/js/app.${r.hex(8)}.js`,
  (r: Rng) => `/images/products/${r.range(1, 20_000)}.webp`,
  (r: Rng) => `/search?q=${r.pick(['shoes', 'red+dress', 'laptop%20bag', 'caf%C3%A9'])}&page=${r.range(1, 9)}`,
  () => '/health',
  () => '/login',
  () => '/favicon.ico',
  (r: Rng) => `/cart/${r.hex(12)}/items`,
];

const CIPHERS13 = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384'] as const;
const CIPHERS12 = ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384'] as const;

interface Balancer {
  elb: string;
  dnsName: string;
  targetGroups: string[];
  certs: string[];
}

function seconds(value: number): string {
  return value.toFixed(3);
}

export const albGenerator: LogGenerator = {
  type: 'AWS.ALB',
  extension: 'log',
  defaultAmount: { events: 500_000 },

  generate(rng: Rng, sink: TextSink, amount: Amount): Generated {
    const account = accountId(rng);
    const domains = ['www.example.com', 'api.example.com', 'shop.example.org', 'static.example.net'];
    const balancers = pool<Balancer>(rng, 3, (r, i) => {
      const name = ['web', 'api', 'internal-tools'][i]!;
      const region = r.pick(REGIONS);
      const id = r.hex(16);
      return {
        elb: `app/${name}/${id}`,
        dnsName: `${name}-${r.range(100000000, 2099999999)}.${region}.elb.amazonaws.com`,
        targetGroups: pool(r, 3, (rr) => `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/${name}-${rr.hex(4)}/${rr.hex(16)}`),
        certs: pool(r, 2, (rr) => `arn:aws:acm:${region}:${account}:certificate/${uuid(rr)}`),
      };
    });
    const targets = pool(rng, 40, (r) => `${privateIPv4(r)}:${r.pick([80, 8080, 8443, 3000])}`);
    const clients = pool(rng, 5_000, (r) => (r.chance(0.05) ? ipv6(r) : publicIPv4(r)));
    const clock = new Clock(2);
    let events = 0;
    let skipped = 0;

    const control = (): void => {
      sink.write(`Enable AccessLog for ELB: ${rng.pick(balancers).elb} at ${isoMicros(clock.ms)}\n`);
      skipped++;
    };
    control();

    while (wantMore(amount, events, sink)) {
      if (rng.chance(0.0001)) control();
      const ms = clock.tick(rng);
      const lb = rng.pick(balancers);
      let type = TYPES.pick(rng);
      const tls = type === 'https' || type === 'h2' || type === 'grpcs' || type === 'wss';
      const host = rng.chance(0.9) ? rng.pick(domains) : rng.chance(0.5) ? lb.dnsName : publicIPv4(rng);
      let method = type === 'grpcs' ? 'POST' : METHODS.pick(rng);
      let path = type === 'grpcs'
        ? rng.pick(['/helloworld.Greeter/SayHello', '/orders.v1.OrderService/GetOrder', '/grpc.health.v1.Health/Check'])
        : type === 'ws' || type === 'wss' ? '/socket.io/?EIO=4&transport=websocket' : rng.pick(PATHS)(rng);
      let classification = '"-" "-"';
      if (rng.chance(0.005)) {
        path += ' world';  // unescaped space: ALB logs it as is and classifies it
        classification = '"Acceptable" "SpaceInUri"';
      }
      const url = `${tls ? 'https' : 'http'}://${host}:${tls ? 443 : 80}${path}`;
      let request = `${method} ${url} ${type === 'h2' || type === 'grpcs' ? 'HTTP/2.0' : 'HTTP/1.1'}`;
      let agent = rng.chance(0.02) ? '-' : rng.pick(AGENTS);
      if (rng.chance(0.001)) agent = 'Mozilla/5.0 \\x22quoted\\x22 agent';

      let outcome = OUTCOMES.pick(rng);
      let elbStatus: number;
      let targetStatus = '-';
      let target = '-';
      let times = '-1 -1 -1';
      let actions = 'forward';
      let redirect = '-';
      let errorReason = '-';
      let priority = rng.chance(0.6) ? '0' : String(rng.range(1, 200));
      let targetGroup = rng.pick(lb.targetGroups);
      if (rng.chance(0.001)) {
        // A request line ALB could not parse; it still appears, with status 400.
        request = `- ${url}- -`;
        method = '-';
        agent = '-';
        outcome = 'noTarget';
        type = tls ? 'https' : 'http';
      }
      switch (outcome) {
        case 'forward': {
          target = rng.pick(targets);
          elbStatus = OK_STATUS.pick(rng);
          targetStatus = String(elbStatus);
          const targetTime = elbStatus === 304 ? rng.float() * 0.01 : rng.logUniform(3000) / 1000;
          times = `${seconds(rng.float() * 0.002)} ${seconds(targetTime)} ${seconds(rng.float() * 0.001)}`;
          if (rng.chance(0.1)) actions = 'waf,forward';
          else if (rng.chance(0.05)) actions = 'authenticate,forward';
          break;
        }
        case 'noTarget':
          elbStatus = method === '-' ? 400 : rng.pick(NO_TARGET_STATUS);
          if (elbStatus === 400 || elbStatus === 408) { actions = '-'; priority = '-'; targetGroup = '-'; }
          if (elbStatus === 502 && rng.chance(0.5)) errorReason = 'LambdaConnectionError';
          break;
        case 'redirect':
          elbStatus = 301;
          actions = 'redirect';
          redirect = `https://${host}:443${path}`;
          targetGroup = '-';
          break;
        case 'fixed':
          elbStatus = rng.pick([200, 404, 503]);
          actions = 'fixed-response';
          targetGroup = '-';
          break;
      }
      const client = `${rng.pick(clients)}:${rng.range(1024, 65535)}`;
      const received = rng.range(80, method === 'POST' || method === 'PUT' ? 20_000 : 1_500);
      const sent = outcome !== 'forward' || elbStatus === 304 || elbStatus === 204 ? rng.range(110, 700) : rng.logUniform(2_000_000);
      const ssl = tls ? (rng.chance(0.7) ? `${rng.pick(CIPHERS13)} TLSv1.3` : `${rng.pick(CIPHERS12)} TLSv1.2`) : '- -';
      const domain = tls ? host : '-';
      const cert = tls ? (rng.chance(0.1) ? 'session-reused' : rng.pick(lb.certs)) : '-';
      const traceId = `Root=1-${Math.floor(ms / 1000).toString(16)}-${rng.hex(24)}`;
      const created = isoMicros(ms - rng.float() * 5);
      const targetList = target === '-' ? '-' : target;
      let line = `${type} ${isoMicros(ms)} ${lb.elb} ${client} ${target} ${times} ${elbStatus} ${targetStatus} ${received} ${sent} "${request}" "${agent}" ${ssl} ${targetGroup} "${traceId}" "${domain}" "${cert}" ${priority} ${created} "${actions}" "${redirect}" "${errorReason}" "${targetList}" "${targetStatus}" ${classification} TID_${rng.hex(32)}`;
      const newer = rng.float();
      if (newer < 0.05) line += rng.chance(0.8) ? ' "-" "-" "-"' : ` "backend.internal" "/v2${path.split(' ')[0]}" "TRANSFORMED"`;
      if (newer < 0.003) line += ' "a-field-from-the-future"';
      sink.write(line + '\n');
      events++;
    }
    return { events, skipped };
  },
};
