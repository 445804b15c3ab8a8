// Timestamps in the one form every output line uses: RFC3339, UTC, exactly
// nine fractional digits, `Z` (OUTPUT.md). Fixed width makes string order
// equal time order across log types.
//
// Nothing here goes through `Date`: Date holds milliseconds, and ALB and
// Aurora carry microseconds (CloudTrail/GuardDuty fractions can be longer).
// Calendar arithmetic uses Howard Hinnant's days-from-civil algorithms.

const SECONDS_PER_DAY = 86400;
const NINE_ZEROS = '000000000';
const MIN_DAYS = daysFromCivil(0, 1, 1);
const MAX_DAYS = daysFromCivil(9999, 12, 31);

/** Days since 1970-01-01 for a proleptic Gregorian date. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** `00`…`99`: made once, so formatting a time allocates no digit strings. */
const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, n) => (n < 10 ? '0' : '') + n);

function pad2(n: number): string {
  return TWO_DIGITS[n] ?? String(n);
}

/** `SS.000000000Z` for each second: the tail of every whole-second time. */
const WHOLE_SECOND_TAILS: readonly string[] = Array.from({ length: 60 }, (_, s) => `${pad2(s)}.000000000Z`);

function pad4(n: number): string {
  return n < 10 ? '000' + n : n < 100 ? '00' + n : n < 1000 ? '0' + n : '' + n;
}

/** `YYYY-MM-DDT` for a day number. */
function dayPrefix(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return pad4(y) + '-' + pad2(m) + '-' + pad2(d) + 'T';
}

// Log files are ordered in time, so consecutive records nearly always fall
// within a few minutes of each other: `YYYY-MM-DDTHH:MM:` is made once per
// minute and kept in a small cache (several slots, as a record's start and
// end times alternate), and a time costs one string concatenation.
const MINUTE_SLOTS = 16;
const cachedMinutes = new Float64Array(MINUTE_SLOTS).fill(NaN);
const cachedMinutePrefixes: string[] = new Array<string>(MINUTE_SLOTS).fill('');

function minutePrefix(minutes: number): string {
  const slot = minutes & (MINUTE_SLOTS - 1);
  if (cachedMinutes[slot] !== minutes) {
    const days = Math.floor(minutes / 1440);
    const minuteOfDay = minutes - days * 1440;
    const h = Math.floor(minuteOfDay / 60);
    cachedMinutePrefixes[slot] = dayPrefix(days) + pad2(h) + ':' + pad2(minuteOfDay - h * 60) + ':';
    cachedMinutes[slot] = minutes;
  }
  return cachedMinutePrefixes[slot]!;
}

/**
 * Formats whole Unix seconds plus a fraction given as its nine digits.
 * Returns undefined outside years 0000–9999, which the format cannot express.
 */
export function formatUnix(seconds: number, nineDigits: string = NINE_ZEROS): string | undefined {
  const days = Math.floor(seconds / SECONDS_PER_DAY);
  if (days < MIN_DAYS || days > MAX_DAYS) return undefined;
  const minutes = Math.floor(seconds / 60);
  const s = seconds - minutes * 60;
  if (nineDigits === NINE_ZEROS) return minutePrefix(minutes) + WHOLE_SECOND_TAILS[s]!;
  return minutePrefix(minutes) + pad2(s) + '.' + nineDigits + 'Z';
}

/** Unix epoch microseconds (Aurora) → nine-digit RFC3339, exact. */
export function formatUnixMicros(micros: number): string | undefined {
  if (!Number.isSafeInteger(micros)) return undefined;
  const seconds = Math.floor(micros / 1e6);
  const frac = micros - seconds * 1e6;
  return formatUnix(seconds, (frac + 1e6).toString().slice(1) + '000');
}

/** Unix epoch milliseconds → nine-digit RFC3339 (for `p_parse_time`). */
export function formatUnixMillis(millis: number): string | undefined {
  const seconds = Math.floor(millis / 1000);
  const frac = millis - seconds * 1000;
  return formatUnix(seconds, (frac + 1000).toString().slice(1) + '000000');
}

function digitsAt(s: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function validDate(y: number, mo: number, d: number): boolean {
  return y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

function validClock(h: number, mi: number, s: number): boolean {
  return h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 59;
}

/**
 * Builds the output form from calendar parts and an offset in minutes east of
 * UTC.
 */
function fromParts(y: number, mo: number, d: number, h: number, mi: number, s: number, nine: string, offsetMinutes: number): string | undefined {
  if (!validDate(y, mo, d) || !validClock(h, mi, s)) return undefined;
  // Through Unix seconds even at offset 0: the minute cache makes that a single concatenation.
  const seconds = daysFromCivil(y, mo, d) * SECONDS_PER_DAY + h * 3600 + mi * 60 + s - offsetMinutes * 60;
  return formatUnix(seconds, nine);
}

/**
 * Parses RFC3339 (`2018-08-26T14:17:23.186641Z`, `…+02:00`, any number of
 * fraction digits up to nine, `t`/`z`/space accepted as AWS tools write them)
 * into the nine-digit UTC form. Returns undefined when it is not a timestamp.
 */
export function normalizeRFC3339(s: string): string | undefined {
  const len = s.length;
  if (len < 20) return undefined;
  const y = digitsAt(s, 0, 4);
  const mo = digitsAt(s, 5, 2);
  const d = digitsAt(s, 8, 2);
  const h = digitsAt(s, 11, 2);
  const mi = digitsAt(s, 14, 2);
  const sec = digitsAt(s, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return undefined;
  const t = s.charCodeAt(10);
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (t !== 84 && t !== 116 && t !== 32) ||
      s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  let i = 19;
  let nine = NINE_ZEROS;
  if (s.charCodeAt(i) === 46) {
    const fracStart = ++i;
    while (i < len) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      i++;
    }
    const digits = i - fracStart;
    if (digits === 0 || digits > 9) return undefined;
    nine = digits === 9 ? s.slice(fracStart, i) : s.slice(fracStart, i) + NINE_ZEROS.slice(digits);
  }
  const z = s.charCodeAt(i);
  if ((z === 90 || z === 122) && i + 1 === len) return fromParts(y, mo, d, h, mi, sec, nine, 0);
  if ((z === 43 || z === 45) && i + 6 === len && s.charCodeAt(i + 3) === 58) {
    const oh = digitsAt(s, i + 1, 2);
    const om = digitsAt(s, i + 4, 2);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return undefined;
    const offset = (oh * 60 + om) * (z === 45 ? -1 : 1);
    return fromParts(y, mo, d, h, mi, sec, nine, offset);
  }
  return undefined;
}

const MONTHS: Record<string, number> = {
  Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12,
};

/**
 * The S3 access log time, `06/Feb/2019:00:00:38 +0000` (brackets already
 * removed, the two tokens joined by one space), with its offset applied.
 * The offset is strftime's `%z`, `±hhmm`: hours 00–23 and minutes 00–59 as
 * RFC 3339's time-numoffset allows (section 5.6); `+2400` or `-0075` would
 * move the time by a day or more, so the value is no time (undefined).
 * https://www.rfc-editor.org/rfc/rfc3339#section-5.6
 */
export function normalizeCommonLogTime(s: string): string | undefined {
  if (s.length !== 26 || s.charCodeAt(2) !== 47 || s.charCodeAt(6) !== 47 || s.charCodeAt(11) !== 58 ||
      s.charCodeAt(14) !== 58 || s.charCodeAt(17) !== 58 || s.charCodeAt(20) !== 32) return undefined;
  const mo = MONTHS[s.slice(3, 6)];
  if (mo === undefined || !Object.hasOwn(MONTHS, s.slice(3, 6))) return undefined;
  const d = digitsAt(s, 0, 2);
  const y = digitsAt(s, 7, 4);
  const h = digitsAt(s, 12, 2);
  const mi = digitsAt(s, 15, 2);
  const sec = digitsAt(s, 18, 2);
  const sign = s.charCodeAt(21);
  const oh = digitsAt(s, 22, 2);
  const om = digitsAt(s, 24, 2);
  if (d < 0 || y < 0 || h < 0 || mi < 0 || sec < 0 || oh < 0 || oh > 23 || om < 0 || om > 59) return undefined;
  if (sign !== 43 && sign !== 45) return undefined;
  const offset = (oh * 60 + om) * (sign === 45 ? -1 : 1);
  return fromParts(y, mo, d, h, mi, sec, NINE_ZEROS, offset);
}

/** MariaDB audit plugin time, `20240323 13:36:07` (UTC, whole seconds). */
export function normalizeCompactDateTime(s: string): string | undefined {
  if (s.length !== 17 || s.charCodeAt(8) !== 32 || s.charCodeAt(11) !== 58 || s.charCodeAt(14) !== 58) return undefined;
  const y = digitsAt(s, 0, 4);
  const mo = digitsAt(s, 4, 2);
  const d = digitsAt(s, 6, 2);
  const h = digitsAt(s, 9, 2);
  const mi = digitsAt(s, 12, 2);
  const sec = digitsAt(s, 15, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return undefined;
  return fromParts(y, mo, d, h, mi, sec, NINE_ZEROS, 0);
}
