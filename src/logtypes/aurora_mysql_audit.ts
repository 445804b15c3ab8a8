// AWS.AuroraMySQLAudit — Aurora MySQL advanced auditing, and the RDS for
// MySQL / MariaDB audit plugin that writes the same comma-separated layout.
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Auditing.html
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MySQL.Options.AuditPlugin.html
//
// timestamp,serverhost,username,host,connectionid,queryid,operation,database,object,retcode
//
// The object of a QUERY row is the SQL inside single quotes. The writer
// escapes only what would break the line or the quoting (see decodeEscape)
// and leaves commas alone, so the split must be quote-aware.
//
// RDS for MySQL runs AWS's port of the MariaDB plugin (github.com/aws/audit-plugin-for-mysql,
// plugin/server_audit/server_audit.cc). It differs from Aurora in two ways:
// - the time is `20240323 13:36:07` (server time, UTC on RDS) instead of epoch microseconds;
// - an 11th column: connection rows end `,<db>,,<status>,<connection type>`
//   (UNDEFINED, TCP/IP, SOCKET, NAMED_PIPE, SSL, SHARED_MEMORY) and query
//   rows end `,'<sql>',<code>,,` (that column empty, plus one more empty one).
import { parseInteger } from '../core/fields.js';
import { quoteValue } from '../core/errors.js';
import type { IndicatorCollector } from '../core/indicators.js';
import { endpointHost, isDigits, isUpperSnakeName } from '../core/shapes.js';
import { formatUnixMicros, normalizeCompactDateTime } from '../core/timestamp.js';
import type { LogTypeDescriptor, Parser, ParseSink, Fields } from './types.js';

/** Output names of the columns, in file order (the seed's names, then RDS's extra). */
export const AURORA_COLUMNS = [
  'timestamp',
  'serverHost',
  'username',
  'host',
  'connectionId',
  'queryId',
  'operation',
  'database',
  'object',
  'retCode',
  'connectionType',
] as const;

/** Columns every record has; the rest are RDS's optional extras. */
export const AURORA_REQUIRED_COLUMNS = 10;
const RET_CODE = 9;
const CONNECTION_TYPE = 10;

const QUOTE = 39; // '
const BACKSLASH = 92;
const COMMA = 44;

function columnName(index: number): string {
  return index < AURORA_COLUMNS.length ? AURORA_COLUMNS[index]! : `column ${index + 1}`;
}

/**
 * What `\x` inside a quoted field stands for. The plugin's escape map
 * (server_audit.cc `esc_map`) writes exactly these seven; a backslash before
 * any other character cannot come from it, and is read as MySQL reads an
 * unknown escape in a string literal: the character itself.
 */
export function decodeEscape(c: number): string {
  switch (c) {
    case 110: return '\n'; // n
    case 114: return '\r'; // r
    case 116: return '\t'; // t
    case 98: return '\b'; // b
    case 102: return '\f'; // f
    default: return String.fromCharCode(c); // \' \\ and anything else
  }
}

/**
 * Splits one audit line into its columns in a single pass. A column that
 * starts with `'` runs to the next unescaped `'`, which must end the column;
 * its text is unquoted and unescaped. Other columns run to the next comma and
 * are taken as written. One splitter per parser: its arrays are reused.
 */
export class AuditLineSplitter {
  /** The columns of the last line split (only the first `count` are valid). */
  readonly values: string[] = [];
  /** Whether each column was quoted. */
  readonly quoted: boolean[] = [];
  count = 0;

  /** Returns undefined on success, else what is wrong with the line. */
  split(line: string): string | undefined {
    const values = this.values;
    const quoted = this.quoted;
    const len = line.length;
    let n = 0;
    let i = 0;
    for (;;) {
      if (line.charCodeAt(i) === QUOTE) {
        // Quoted: copy runs between escapes, so an escape-free SQL text is one slice.
        let text = '';
        let run = ++i;
        for (;;) {
          if (i >= len) {
            this.count = n;
            return `field ${columnName(n)}: the quoted value has no closing quote`;
          }
          const c = line.charCodeAt(i);
          if (c === QUOTE) break;
          if (c === BACKSLASH) {
            if (i + 1 >= len) {
              this.count = n;
              return `field ${columnName(n)}: the quoted value has no closing quote`;
            }
            text += line.slice(run, i) + decodeEscape(line.charCodeAt(i + 1));
            i += 2;
            run = i;
          } else {
            i++;
          }
        }
        values[n] = text.length === 0 ? line.slice(run, i) : text + line.slice(run, i);
        quoted[n] = true;
        n++;
        i++; // past the closing quote
        if (i >= len) break;
        if (line.charCodeAt(i) !== COMMA) {
          this.count = n;
          return `field ${columnName(n - 1)}: expected "," after the closing quote, found ${quoteValue(line.slice(i, i + 20))}`;
        }
        i++;
      } else {
        const comma = line.indexOf(',', i);
        const end = comma < 0 ? len : comma;
        values[n] = line.slice(i, end);
        quoted[n] = false;
        n++;
        if (comma < 0) break;
        i = comma + 1;
      }
      // A comma at the very end opens one last, empty column (`…,0,,`).
      if (i >= len) {
        values[n] = '';
        quoted[n] = false;
        n++;
        break;
      }
    }
    this.count = n;
    return undefined;
  }
}

/** `QUERY`, `FAILED_CONNECT`, `QUERY_DDL`: an upper-case letter, then upper-case letters, digits or `_`. */
export const isOperationWord = isUpperSnakeName;

/** Aurora: epoch microseconds. RDS for MySQL: `20240323 13:36:07`. */
export function normalizeAuditTime(value: string): string | undefined {
  if (value.length === 17 && value.charCodeAt(8) === 32) return normalizeCompactDateTime(value);
  // Epoch microseconds have 16 digits today; parseInteger decides what is exact.
  if (!isDigits(value, 0, value.length, 20)) return undefined;
  const micros = parseInteger(value);
  return micros === undefined ? undefined : formatUnixMicros(micros);
}

const EXPECTED_LAYOUT = 'timestamp,serverhost,username,host,connectionid,queryid,operation,database,object,retcode';

class AuroraMySQLAuditParser implements Parser {
  private readonly splitter = new AuditLineSplitter();

  parse(line: string, sink: ParseSink): void {
    const splitter = this.splitter;
    const problem = splitter.split(line);
    if (problem !== undefined) return sink.error(problem);
    const count = splitter.count;
    if (count < AURORA_REQUIRED_COLUMNS) {
      return sink.error(`expected at least ${AURORA_REQUIRED_COLUMNS} comma-separated fields (${EXPECTED_LAYOUT}), found ${count}`);
    }
    const ambiguous = ambiguousTableName(splitter);
    if (ambiguous !== undefined) return sink.error(ambiguous);
    const fields: Fields = {};
    const wrong = readHeader(splitter, fields) ?? readTail(splitter, fields);
    if (wrong !== undefined) return sink.error(wrong);
    sink.event(fields);
  }
}

const OBJECT = 8;

/**
 * Why a table event's line reads two ways, or undefined when it reads one
 * way. The plugin writes a table name bare and as it is, commas included
 * (MySQL allows them in a quoted identifier), so a bare, non-empty object
 * followed by more columns than the layout's 10 may be a name holding
 * commas: table events end `,db,table,code` (Aurora) or `,db,table,`
 * (MariaDB, an empty retcode), so when the last column is an integer, empty
 * or `-`, `…,CREATE,appdb,customers,0,` is both the table `customers` with
 * retcode 0 and one more column, and the table `customers,0` with no
 * retcode. Not ambiguous: exactly 10 columns (a comma in the name would
 * make 11), a quoted object (QUERY rows: the SQL), an empty object
 * (connection rows), and a last column no table event ends with, such as
 * RDS's connection type (`…,CONNECT,mysql,,0,SOCKET`).
 * https://mariadb.com/kb/en/mariadb-audit-plugin-log-format/
 */
function ambiguousTableName(splitter: AuditLineSplitter): string | undefined {
  const count = splitter.count;
  const v = splitter.values;
  if (count <= AURORA_REQUIRED_COLUMNS || splitter.quoted[OBJECT] || v[OBJECT]!.length === 0) return undefined;
  const last = v[count - 1]!;
  if (last.length > 0 && !isAbsent(last, false) && !isDigits(last, 0, last.length, 20)) return undefined;
  const name = v.slice(OBJECT, count - 1).join(',');
  return `field object: a table event's bare table name may hold commas, and the line has ${count} columns for ${AURORA_REQUIRED_COLUMNS}: `
    + `the name reads as ${quoteValue(v[OBJECT]!)} or as ${quoteValue(name)}; the line cannot be read unambiguously`;
}

/** The columns up to the object: timestamp … object. Returns what is wrong, if anything. */
function readHeader(splitter: AuditLineSplitter, fields: Fields): string | undefined {
  const v = splitter.values;
  const q = splitter.quoted;
  const time = v[0]!;
  if (!isAbsent(time, q[0]!)) {
    const ts = normalizeAuditTime(time);
    if (ts === undefined) {
      return `field timestamp: expected Unix epoch microseconds or "YYYYMMDD hh:mm:ss", found ${quoteValue(time)}`;
    }
    fields.timestamp = ts;
  }
  if (!isAbsent(v[1]!, q[1]!)) fields.serverHost = v[1];
  if (!isAbsent(v[2]!, q[2]!)) fields.username = v[2];
  if (!isAbsent(v[3]!, q[3]!)) fields.host = v[3];
  for (let c = 4; c <= 5; c++) {
    if (isAbsent(v[c]!, q[c]!)) continue;
    const n = parseInteger(v[c]!);
    if (n === undefined) return `field ${AURORA_COLUMNS[c]}: expected an integer, found ${quoteValue(v[c]!)}`;
    fields[AURORA_COLUMNS[c]!] = n;
  }
  const operation = v[6]!;
  if (!isAbsent(operation, q[6]!)) {
    if (!isOperationWord(operation)) {
      return `field operation: expected an upper-case word such as QUERY or CONNECT, found ${quoteValue(operation)}`;
    }
    fields.operation = operation;
  }
  if (!isAbsent(v[7]!, q[7]!)) fields.database = v[7];
  if (!isAbsent(v[8]!, q[8]!)) fields.object = v[8];
  return undefined;
}

/**
 * The columns after the object: retcode, then RDS's connection type and its
 * trailing empty column, then any later column. The plugin quotes only the
 * object, so a quoted value here, or a bare one ending in the quote that
 * closed the object, means the SQL held a quote its writer did not escape
 * and the columns shifted: an error, never a record.
 */
function readTail(splitter: AuditLineSplitter, fields: Fields): string | undefined {
  const v = splitter.values;
  const q = splitter.quoted;
  const count = splitter.count;
  for (let c = RET_CODE; c < count; c++) {
    if (q[c]) return `field ${columnName(c)}: expected an unquoted value, found ${quoteValue(`'${v[c]!}'`)} (only the object is quoted: the SQL before it holds an unescaped quote)`;
    if (v[c]!.indexOf("'") >= 0) return `field ${columnName(c)}: a bare value holds a quote, found ${quoteValue(v[c]!)} (the SQL before it holds an unescaped quote)`;
  }
  // MariaDB ends table events (READ, WRITE, CREATE, …) with `,db,table,`: the
  // retcode column is there but empty, so the code is absent.
  const code = v[RET_CODE]!;
  if (code.length > 0 && !isAbsent(code, false)) {
    const n = parseInteger(code);
    if (n === undefined) return `field retCode: expected an integer, found ${quoteValue(code)}`;
    fields.retCode = n;
  }
  if (count <= CONNECTION_TYPE) return undefined;
  // Query rows leave it empty: the column is not written for them, so no key.
  const type = v[CONNECTION_TYPE]!;
  if (type.length > 0 && !isAbsent(type, false)) {
    if (!isConnectionType(type)) return `field connectionType: expected a connection type such as TCP/IP or SSL, found ${quoteValue(type)}`;
    fields.connectionType = type;
  }
  // RDS ends query rows with one more empty column; anything after that is
  // a field this version does not know, kept in order.
  let last = count - 1;
  while (last > CONNECTION_TYPE && v[last]!.length === 0) last--;
  if (last > CONNECTION_TYPE) fields.additionalFields = v.slice(CONNECTION_TYPE + 1, last + 1);
  return undefined;
}

/**
 * RDS's connection types (`connection_type_map` in server_audit.cc:
 * UNDEFINED, TCP/IP, SOCKET, NAMED_PIPE, SSL, SHARED_MEMORY) and any later
 * one of the same form: an upper-case letter, then upper-case letters,
 * digits, `_` and `/`.
 */
export function isConnectionType(s: string): boolean {
  const len = s.length;
  if (len === 0 || len > 32) return false;
  const c0 = s.charCodeAt(0);
  if (c0 < 65 || c0 > 90) return false;
  for (let i = 1; i < len; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 47)) return false;
  }
  return true;
}

/** `-` written bare is the text formats' "no value" (a quoted `'-'` is SQL text). */
function isAbsent(value: string, quoted: boolean): boolean {
  return !quoted && value.length === 1 && value.charCodeAt(0) === 45;
}

/**
 * `host` through the hostname rule, after taking off a port: MariaDB 12
 * writes the client as `ip:port` or `host:port` (MDEV-12182), and an IPv6
 * client may come as `[v6]:port`. The field keeps what was written; the
 * indicator is the address (see endpointHost for unbracketed IPv6).
 */
export function collectHostIndicator(fields: Fields, collector: IndicatorCollector): void {
  const host = fields.host;
  if (typeof host !== 'string') return;
  const address = endpointHost(host);
  if (address !== undefined) collector.addHostname(address);
}

export const auroraMySQLAudit: LogTypeDescriptor = {
  name: 'AWS.AuroraMySQLAudit',
  description: 'Aurora MySQL advanced auditing (and the RDS for MySQL MariaDB audit plugin): connections, queries and table access.',
  referenceUrl: 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Auditing.html',
  framing: 'lines',
  eventTimeField: 'timestamp',
  indicators: [
    ['serverHost', 'domain'],
  ],
  collectIndicators: collectHostIndicator,
  createParser(): Parser {
    return new AuroraMySQLAuditParser();
  },
};
