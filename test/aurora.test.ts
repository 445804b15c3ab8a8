// The Aurora audit line splitter, escape decoding and field rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IndicatorCollector } from '../src/core/indicators.js';
import {
  AuditLineSplitter,
  auroraMySQLAudit,
  collectHostIndicator,
  decodeEscape,
  isConnectionType,
  isOperationWord,
  normalizeAuditTime,
} from '../src/logtypes/aurora_mysql_audit.js';
import type { Fields, ParseSink } from '../src/logtypes/types.js';

function split(line: string): { values: string[]; quoted: boolean[] } | string {
  const s = new AuditLineSplitter();
  const problem = s.split(line);
  if (problem !== undefined) return problem;
  return { values: s.values.slice(0, s.count), quoted: s.quoted.slice(0, s.count) };
}

function values(line: string): string[] {
  const r = split(line);
  if (typeof r === 'string') throw new Error(`unexpected error: ${r}`);
  return r.values;
}

type Outcome = { event: Fields } | { error: string };

function parse(line: string): Outcome {
  const outcomes: Outcome[] = [];
  const sink: ParseSink = {
    event: (fields) => outcomes.push({ event: fields }),
    error: (message) => outcomes.push({ error: message }),
    skip: () => assert.fail('no skips in audit logs'),
    notice: () => assert.fail('no notices in audit logs'),
  };
  auroraMySQLAudit.createParser({}).parse(line, sink);
  assert.equal(outcomes.length, 1, 'exactly one outcome per line');
  return outcomes[0]!;
}

function event(line: string): Fields {
  const o = parse(line);
  if ('error' in o) throw new Error(`unexpected error: ${o.error}`);
  return o.event;
}

function error(line: string): string {
  const o = parse(line);
  if ('event' in o) throw new Error(`expected an error, got ${JSON.stringify(o.event)}`);
  return o.error;
}

const HEAD = '1572546356975302,db-1,app,10.0.0.5,7,42,QUERY,shop,';

test('split: plain columns, empty columns kept', () => {
  assert.deepEqual(values('a,b,,d'), ['a', 'b', '', 'd']);
  assert.deepEqual(values(''), ['']);
  assert.deepEqual(values(','), ['', '']);
});

test('split: a trailing comma opens one last empty column (RDS query rows end ",0,,")', () => {
  assert.deepEqual(values(HEAD + "'select 1',0,,").slice(8), ['select 1', '0', '', '']);
  assert.deepEqual(values("'x',"), ['x', '']);
});

test('split: commas inside the quotes do not split', () => {
  assert.deepEqual(values(HEAD + "'select a, b, c from t',0").slice(8), ['select a, b, c from t', '0']);
});

test('split: escaped quotes and backslashes inside the quotes', () => {
  assert.deepEqual(values(String.raw`'it\'s',0`), ["it's", '0']);
  assert.deepEqual(values(String.raw`'a\\',0`), ['a\\', '0']);
  assert.deepEqual(values(String.raw`'\\\'',0`), ["\\'", '0']);
  assert.deepEqual(values(String.raw`'\',\'',0`), ["','", '0'], 'an escaped quote does not end the column');
});

test('split: empty quoted value and quote marks inside unquoted columns', () => {
  const r = split("'',x'y,z'");
  assert.deepEqual(r, { values: ['', "x'y", "z'"], quoted: [true, false, false] });
});

test('split: a quoted value must be followed by a comma or the end of the line', () => {
  assert.equal(split(HEAD + "'select 1'x,0"), 'field object: expected "," after the closing quote, found "x,0"');
  assert.equal(split("'a' ,b"), 'field timestamp: expected "," after the closing quote, found " ,b"');
});

test('split: unterminated quotes are errors, also when the line ends in a backslash', () => {
  assert.equal(split(HEAD + "'select 1,0"), 'field object: the quoted value has no closing quote');
  assert.equal(split(HEAD + "'select 1\\',0"), 'field object: the quoted value has no closing quote');
  assert.equal(split(HEAD + "'select \\"), 'field object: the quoted value has no closing quote');
  assert.equal(split(HEAD.repeat(2) + "'x"), 'field column 17: the quoted value has no closing quote');
});

test('decodeEscape: the seven escapes the plugin writes, and the character itself otherwise', () => {
  const written: Array<[string, string]> = [['n', '\n'], ['r', '\r'], ['t', '\t'], ['b', '\b'], ['f', '\f'], ["'", "'"], ['\\', '\\']];
  for (const [c, decoded] of written) assert.equal(decodeEscape(c.charCodeAt(0)), decoded, `\\${c}`);
  for (const c of ['"', 'Z', '0', '%', '_', 'x', ',']) assert.equal(decodeEscape(c.charCodeAt(0)), c, `\\${c}`);
  assert.deepEqual(values(String.raw`'a\Zb\"c',0`), ['aZb"c', '0']);
});

test('split: multi-line SQL written with \\n comes back as real newlines', () => {
  assert.equal(values(HEAD + String.raw`'select 1,\n2,\n# comment\n3',0`)[8], 'select 1,\n2,\n# comment\n3');
  assert.equal(values(HEAD + String.raw`'a\r\n\tb',0`)[8], 'a\r\n\tb');
});

// The writer's escaping, written from the plugin's escape map
// (aws/audit-plugin-for-mysql server_audit.cc `esc_map`): \b \t \n \f \r ' \.
function pluginEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    switch (ch) {
      case '\b': out += '\\b'; break;
      case '\t': out += '\\t'; break;
      case '\n': out += '\\n'; break;
      case '\f': out += '\\f'; break;
      case '\r': out += '\\r'; break;
      case "'": out += "\\'"; break;
      case '\\': out += '\\\\'; break;
      default: out += ch;
    }
  }
  return out;
}

// An independent decoder: JSON string literals use the same escapes for
// \b \t \n \f \r \\; each ' in the escaped text is part of its own \' pair.
function jsonOracle(escaped: string): string {
  const body = escaped
    .replaceAll("\\'", "'")
    .replaceAll('"', '\\"')
    .replace(/[\u0000-\u001f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  return JSON.parse('"' + body + '"') as string;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('differential: escape decoding agrees with the plugin encoder and with JSON.parse', () => {
  const alphabet = ["'", '\\', ',', '\n', '\r', '\t', '\b', '\f', '\u000b', '"', ' ', 'a', 'Z', '0', '`', '%', 'é', '😀', 'n', 't'];
  const random = mulberry32(0x5eed);
  const splitter = new AuditLineSplitter();
  for (let round = 0; round < 3000; round++) {
    const length = Math.floor(random() * 24);
    let sql = '';
    for (let i = 0; i < length; i++) sql += alphabet[Math.floor(random() * alphabet.length)];
    const escaped = pluginEscape(sql);
    const line = HEAD + "'" + escaped + "',0";
    assert.equal(splitter.split(line), undefined, `splits: ${JSON.stringify(line)}`);
    assert.equal(splitter.count, 10, `ten columns: ${JSON.stringify(line)}`);
    assert.equal(splitter.values[8], sql, `round trip of ${JSON.stringify(sql)}`);
    assert.equal(splitter.values[8], jsonOracle(escaped), `agrees with JSON.parse for ${JSON.stringify(escaped)}`);
    assert.equal(splitter.values[9], '0');
  }
});

test('normalizeAuditTime: epoch microseconds exactly, and the MariaDB form', () => {
  assert.equal(normalizeAuditTime('1572546356975302'), '2019-10-31T18:25:56.975302000Z');
  assert.equal(normalizeAuditTime('1572546356000001'), '2019-10-31T18:25:56.000001000Z');
  assert.equal(normalizeAuditTime('0'), '1970-01-01T00:00:00.000000000Z');
  assert.equal(normalizeAuditTime('20240323 13:36:07'), '2024-03-23T13:36:07.000000000Z');
  assert.equal(normalizeAuditTime('20240229 23:59:59'), '2024-02-29T23:59:59.000000000Z');
  for (const bad of ['', '-1', '1.5', '15725463569753020000', '157254635697530x', '20230229 00:00:00', '20240323T13:36:07', '2024-03-23 13:36', ' 1572546356975302']) {
    assert.equal(normalizeAuditTime(bad), undefined, JSON.stringify(bad));
  }
});

test('isOperationWord: upper-case words only', () => {
  for (const ok of ['QUERY', 'CONNECT', 'FAILED_CONNECT', 'QUERY_DDL', 'PROXY_CONNECT', 'READ', 'X', 'QUERY_DML2']) assert.ok(isOperationWord(ok), ok);
  for (const bad of ['', 'query', 'Query', '_QUERY', '1QUERY', 'QUERY DDL', 'QUERY-DDL', 'ÉCRIRE']) assert.ok(!isOperationWord(bad), bad);
});

test('parse: Aurora QUERY row (Panther vector shape)', () => {
  assert.deepEqual(event(HEAD + String.raw`'select * from t where a = \'x, y\'',0`), {
    timestamp: '2019-10-31T18:25:56.975302000Z',
    serverHost: 'db-1',
    username: 'app',
    host: '10.0.0.5',
    connectionId: 7,
    queryId: 42,
    operation: 'QUERY',
    database: 'shop',
    object: "select * from t where a = 'x, y'",
    retCode: 0,
  });
});

test('parse: empty database and object stay ""', () => {
  const e = event('1572546356975302,db-1,app,10.0.0.5,7,0,CONNECT,,,0');
  assert.equal(e.database, '');
  assert.equal(e.object, '');
  assert.ok(!('connectionType' in e));
});

test('parse: RDS 11 columns keep the connection type; 12 columns with empty extras add nothing', () => {
  const connect = event('20240323 13:36:07,ip-10-0-1-5,admin,10.0.0.9,26,0,CONNECT,mysql,,0,TCP/IP');
  assert.equal(connect.connectionType, 'TCP/IP');
  assert.equal(connect.timestamp, '2024-03-23T13:36:07.000000000Z');
  const query = event("20240323 13:36:07,ip-10-0-1-5,admin,10.0.0.9,26,31,QUERY,mysql,'select 1',0,,");
  assert.ok(!('connectionType' in query));
  assert.ok(!('additionalFields' in query));
  assert.equal(query.object, 'select 1');
  assert.equal(event('1572546356975302,db-1,app,10.0.0.5,7,0,CONNECT,,,0,').object, '', 'one trailing empty column');
});

test('parse: columns after the known ones are kept in order, never an error', () => {
  const e = event('1572546356975302,db-1,app,10.0.0.5,7,0,CONNECT,,,0,SSL,,new-field,');
  assert.equal(e.connectionType, 'SSL');
  assert.deepEqual(e.additionalFields, ['', 'new-field']);
});

test('parse: a bare - is absent, a quoted one is SQL text', () => {
  const e = event("1572546356975302,db-1,-,-,7,42,QUERY,-,'-',0");
  assert.ok(!('username' in e) && !('host' in e) && !('database' in e));
  assert.equal(e.object, '-');
});

test('parse: integer fields that are not integers name the field and the value', () => {
  assert.equal(error('1572546356975302,db-1,app,10.0.0.5,abc,42,QUERY,shop,,0'), 'field connectionId: expected an integer, found "abc"');
  assert.equal(error('1572546356975302,db-1,app,10.0.0.5,7,4.2,QUERY,shop,,0'), 'field queryId: expected an integer, found "4.2"');
  assert.equal(error('1572546356975302,db-1,app,10.0.0.5,7,42,QUERY,shop,,x1'), 'field retCode: expected an integer, found "x1"');
});

test('parse: bad timestamp, bad operation, too few columns', () => {
  assert.equal(error('2019-10-31 18:25:56,db-1,app,h,7,42,QUERY,shop,,0'),
    'field timestamp: expected Unix epoch microseconds or "YYYYMMDD hh:mm:ss", found "2019-10-31 18:25:56"');
  assert.equal(error('1572546356975302,db-1,app,h,7,42,query,shop,,0'),
    'field operation: expected an upper-case word such as QUERY or CONNECT, found "query"');
  assert.equal(error('1572546356975302,db-1,app,h,7,42,QUERY'),
    'expected at least 10 comma-separated fields (timestamp,serverhost,username,host,connectionid,queryid,operation,database,object,retcode), found 7');
});

test('parse: the parser keeps no state from a bad line', () => {
  const parser = auroraMySQLAudit.createParser({});
  const got: string[] = [];
  const sink: ParseSink = {
    event: (f) => got.push(String(f.object)),
    error: (m) => got.push('error: ' + m),
    skip: () => undefined,
    notice: () => undefined,
  };
  parser.parse(HEAD + "'a,b,c,d,e,f,g,h,i,j,k,l',0,SSL,y,z", sink);
  parser.parse(HEAD + "'unterminated", sink);
  parser.parse('1572546356975302,db-1,app,h,7,0,CONNECT,,,0', sink);
  assert.deepEqual(got, ['a,b,c,d,e,f,g,h,i,j,k,l', 'error: field object: the quoted value has no closing quote', '']);
});

test('parse: an empty retcode is absent, trailing (MariaDB table events end ",db,table,") or followed by RDS columns', () => {
  const table = event('1714557609123456,db-1,app,192.0.2.55,1234,5678,CREATE,appdb,customers,');
  assert.ok(!('retCode' in table));
  assert.equal(table.object, 'customers');
  const middle = event('1714557609123456,db-1,app,192.0.2.55,1234,5678,READ,appdb,orders,,SSL');
  assert.ok(!('retCode' in middle));
  assert.equal(middle.connectionType, 'SSL');
  // Empty columns after a bare table name: the name may be `orders,,` (see ambiguousTableName).
  assert.match(error('1714557609123456,db-1,app,192.0.2.55,1234,5678,WRITE,appdb,orders,,,'), /^field object: .* "orders" or as "orders,,"/);
  assert.equal(event(HEAD + "'select 1',-").retCode, undefined, 'a bare - is absent too');
});

test('parse: a bare table name followed by columns that may be part of it is an error naming object', () => {
  const ambiguous: Array<[tail: string, whole: string]> = [
    ['customers,0,', 'customers,0'], // MariaDB: table `customers,0`, empty retcode; or retcode 0 and one more column
    ['customers,0,0', 'customers,0'], // Aurora: table `customers,0`, retcode 0; or retcode 0 and connection type 0
    ['a,b,c,', 'a,b,c'],
    ['a,1,X,0', 'a,1,X'], // Aurora's `a,1,X` with retcode 0; never connection type X and additionalFields
    ['orders,-,-', 'orders,-'],
  ];
  for (const [tail, whole] of ambiguous) {
    const message = error(`20240323 13:36:07,ip-10-0-0-1,appuser,192.0.2.5,26,7,CREATE,appdb,${tail}`);
    assert.match(message, /^field object: a table event's bare table name may hold commas/, tail);
    assert.ok(message.includes(`as ${JSON.stringify(whole)};`), `${tail}: ${message}`);
  }
  // One reading only: exactly 10 columns, a quoted object, an empty object, a last column no table event ends with.
  assert.equal(event('1700000200000002,aurora-1,app,10.1.2.3,501,13001,READ,shop,customers,0').object, 'customers');
  assert.equal(event('20240323 13:36:07,ip-10-0-0-1,appuser,192.0.2.5,26,7,CREATE,appdb,customers,').object, 'customers');
  assert.equal(event("20240323 13:36:09,ip-1,admin,10.0.0.9,27,31,QUERY,,'select 1',0,,").retCode, 0);
  assert.equal(event('20240323 13:36:07,ip-1,root,localhost,26,0,CONNECT,mysql,,0,SOCKET').connectionType, 'SOCKET');
  assert.equal(event('20240323 13:36:14,ip-1,admin,10.0.0.9,29,0,CONNECT,,,0,').retCode, 0);
  assert.equal(event('1714557609123456,db-1,app,192.0.2.55,1234,5678,READ,appdb,orders,,SSL').object, 'orders');
});

test('parse: SQL with an unescaped quote that shifts the columns is an error, never a record', () => {
  // What the line would be if the writer had not escaped the quotes in the SQL.
  const shifted: Array<[sql: string, message: RegExp]> = [
    ["x',5,'y", /^field connectionType: expected an unquoted value/],
    ["x',5,SSL,'y", /^field column 12: expected an unquoted value/],
    ["x',5,SSL,y", /^field column 12: a bare value holds a quote/],
    ["x',5,SSL,,z", /^field column 13: a bare value holds a quote/],
    ["x',5", /^field retCode: a bare value holds a quote/],
    ["x',,5", /^field connectionType: a bare value holds a quote/],
    ["x',0,ssl", /^field connectionType: a bare value holds a quote/],
    ["it's", /^field object: expected "," after the closing quote/],
    ["x',", /^field retCode: the quoted value has no closing quote/],
  ];
  for (const [sql, message] of shifted) assert.match(error(`${HEAD}'${sql}',0`), message, sql);
  assert.match(error(HEAD + "'select 1',0,ssl"), /^field connectionType: expected a connection type such as TCP\/IP or SSL, found "ssl"/);
});

test('isConnectionType: RDS connection types and later ones of the same form', () => {
  for (const ok of ['UNDEFINED', 'TCP/IP', 'SOCKET', 'NAMED_PIPE', 'SSL', 'SHARED_MEMORY', 'TLS1_3']) assert.ok(isConnectionType(ok), ok);
  for (const bad of ['', 'tcp/ip', 'Ssl', '/TCP', "SSL'", 'TCP IP', '1SSL']) assert.ok(!isConnectionType(bad), bad);
});

test('host indicator: ip:port, [v6]:port and host:port give the address; the field keeps what was written', () => {
  const cases: Array<[host: string, ips: string[] | undefined, domains: string[] | undefined]> = [
    ['192.0.2.44:53422', ['192.0.2.44'], undefined],
    ['192.0.2.44', ['192.0.2.44'], undefined],
    ['[2001:db8::17]:53422', ['2001:db8::17'], undefined],
    ['2001:db8::17', ['2001:db8::17'], undefined],
    // a valid address as written is never cut: the last group may be a port or part of it
    ['2001:db8::17:3306', ['2001:db8::17:3306'], undefined],
    // not an address whole (a 5-digit group), but an address and a port
    ['2001:db8::17:53422', ['2001:db8::17'], undefined],
    ['db-client:5432', undefined, ['db-client']],
    ['localhost:unavailable', undefined, ['localhost']],
    ['app-7.internal.example.com', undefined, ['app-7.internal.example.com']],
    ['192.0.2.44:99999', undefined, undefined],
    ['[192.0.2.44]:5432', undefined, undefined],
  ];
  for (const [host, ips, domains] of cases) {
    const line = `1714557609123456,-,app,${host},1,2,CONNECT,appdb,,0`;
    const fields = event(line);
    assert.equal(fields.host, host);
    const collector = new IndicatorCollector();
    collectHostIndicator(fields, collector);
    const record: Record<string, unknown> = {};
    collector.writeTo(record);
    assert.deepEqual(record.p_any_ip_addresses, ips, host);
    assert.deepEqual(record.p_any_domain_names, domains, host);
  }
});
