// AWS.AuroraMySQLAudit: sessions that connect, query and disconnect. QUERY
// objects hold SQL with commas, escaped quotes and backslashes, and now and
// then an escaped newline (multi-line SQL); each query is followed by its
// table events. A few lines are RDS for MySQL's variant (`20240620 16:13:20`
// time, an extra connection-type column, trailing empty columns).
import { Weighted, type Rng } from '../prng.js';
import { Clock, epochMicros, pool, privateIPv4, wantMore, type Amount, type Generated, type LogGenerator, type TextSink } from './common.js';

interface Session {
  id: number;
  user: string;
  host: string;
  database: string;
}

interface Query {
  sql: (r: Rng) => string;
  /** Table events the server logs after the QUERY row, with the same query id. */
  tables: ReadonlyArray<readonly [op: string, table: string]>;
}

/** SQL as the audit plugin writes it inside quotes: `'` → `\'`, `\` → `\\`, newline → `\n`. */
const QUERIES = new Weighted<Query>([
  [{ sql: (r) => `select id, email, created_at from customers where id in (${r.range(1, 999)}, ${r.range(1, 999)}, ${r.range(1, 999)})`, tables: [['READ', 'customers']] }, 30],
  [{ sql: (r) => `select o.id, o.total, c.email from orders o join customers c on c.id = o.customer_id where o.status = \\'open\\' and o.created_at > \\'2024-06-${String(r.range(1, 20)).padStart(2, '0')}\\'`, tables: [['READ', 'orders'], ['READ', 'customers']] }, 15],
  [{ sql: (r) => `update customers set display_name = \\'O\\\\\\'Brien, Pat\\', updated_at = now() where id = ${r.range(1, 99999)}`, tables: [['WRITE', 'customers']] }, 8],
  [{ sql: (r) => `insert into orders (customer_id, total, currency, note) values (${r.range(1, 99999)}, ${r.range(100, 99999) / 100}, \\'EUR\\', \\'gift, wrapped\\')`, tables: [['WRITE', 'orders']] }, 10],
  [{ sql: (r) => `select o.id, o.total\\n  from orders o\\n where o.customer_id = ${r.range(1, 99999)}\\n order by o.created_at desc\\n limit 10`, tables: [['READ', 'orders']] }, 5],
  [{ sql: (r) => `delete from sessions where expires_at < now() - interval ${r.range(1, 30)} day`, tables: [['WRITE', 'sessions']] }, 3],
  [{ sql: (r) => `select * from audit_trail where path like \\'C:\\\\\\\\temp\\\\\\\\%\\' limit ${r.range(1, 100)}`, tables: [['READ', 'audit_trail']] }, 1],
  [{ sql: () => 'SET autocommit=1', tables: [] }, 10],
  [{ sql: () => 'commit', tables: [] }, 8],
  [{ sql: () => 'select @@session.transaction_read_only', tables: [] }, 5],
  [{ sql: () => 'select 1', tables: [] }, 5],
]);

const pad = (n: number): string => String(n).padStart(2, '0');

/** `20240620 16:13:20`: RDS for MySQL's whole-second UTC time. */
function compactTime(ms: number): string {
  const d = new Date(Math.floor(ms));
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export const auroraGenerator: LogGenerator = {
  type: 'AWS.AuroraMySQLAudit',
  extension: 'log',
  defaultAmount: { events: 500_000 },

  generate(rng: Rng, sink: TextSink, amount: Amount): Generated {
    const servers = ['prod-aurora-instance-1', 'prod-aurora-instance-2'];
    const users: ReadonlyArray<readonly [user: string, database: string]> = [['app_rw', 'shop'], ['app_ro', 'shop'], ['reporting', 'analytics'], ['migrator', 'shop']];
    const hosts = [...pool(rng, 30, privateIPv4), 'ip-10-0-3-17.ec2.internal', 'localhost'];
    const clock = new Clock(3);
    const sessions: Session[] = [];
    let nextConnection = 4000;
    let nextQuery = 880000;
    let events = 0;

    let rds = false;
    let server = servers[0]!;
    const row = (ms: number, s: Session, queryId: number, op: string, database: string, object: string, retCode: number): void => {
      let line = `${rds ? compactTime(ms) : epochMicros(ms)},${server},${s.user},${s.host},${s.id},${queryId},${op},${database},${object},${retCode}`;
      if (rds && op === 'QUERY') line += ',,';
      else if (rds && op.endsWith('CONNECT')) line += rng.pick([',SSL', ',TCP/IP', ',SOCKET']);
      sink.write(line + '\n');
      events++;
    };

    while (wantMore(amount, events, sink)) {
      const ms = clock.tick(rng);
      rds = rng.chance(0.02);
      server = rds ? 'ip-172-31-20-11' : rng.pick(servers);
      const r = rng.float();
      if (sessions.length < 5 || r < 0.02) {
        const [user, database] = rng.pick(users);
        const s: Session = { id: nextConnection++, user, host: rng.pick(hosts), database };
        sessions.push(s);
        row(ms, s, 0, 'CONNECT', s.database, '', 0);
      } else if (r < 0.04) {
        const s = sessions.splice(rng.int(sessions.length), 1)[0]!;
        row(ms, s, 0, 'DISCONNECT', s.database, '', 0);
      } else if (r < 0.042) {
        row(ms, { id: nextConnection++, user: rng.pick(['root', 'admin', 'test']), host: rng.pick(hosts), database: '' }, 0, 'FAILED_CONNECT', '', '', 1045);
      } else {
        const s = rng.pick(sessions);
        const q = QUERIES.pick(rng);
        const queryId = nextQuery++;
        const failed = rng.chance(0.005);
        row(ms, s, queryId, 'QUERY', s.database, `'${q.sql(rng)}'`, failed ? rng.pick([1064, 1146, 1205]) : 0);
        if (!failed) for (const [op, table] of q.tables) row(ms + 0.05, s, queryId, op, s.database, table, 0);
      }
    }
    return { events, skipped: 0 };
  },
};
