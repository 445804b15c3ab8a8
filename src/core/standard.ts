// The standard p_ fields added to every record (OUTPUT.md). The clock and the
// row-id source are injected so tests can pin them.
import { IndicatorCollector } from './indicators.js';
import { RowIds, type RowIdSource } from './rowid.js';
import { formatUnixMillis } from './timestamp.js';

export interface Clock {
  nowMillis(): number;
}

export const systemClock: Clock = { nowMillis: () => Date.now() };

export class StandardFields {
  private parseTime: string;

  constructor(
    private readonly rowIds: RowIdSource = new RowIds(),
    private readonly clock: Clock = systemClock,
  ) {
    this.parseTime = this.formatNow();
  }

  private formatNow(): string {
    return formatUnixMillis(this.clock.nowMillis()) ?? '1970-01-01T00:00:00.000000000Z';
  }

  /** p_parse_time is refreshed once per batch, not per record. */
  refreshParseTime(): void {
    this.parseTime = this.formatNow();
  }

  get currentParseTime(): string {
    return this.parseTime;
  }

  /**
   * Appends the p_ fields to an event in their documented order.
   * A record without its own time takes the parse time as its event time.
   */
  apply(record: Record<string, unknown>, logType: string, eventTime: string | undefined, indicators: IndicatorCollector): void {
    record.p_log_type = logType;
    record.p_row_id = this.rowIds.next();
    record.p_event_time = eventTime ?? this.parseTime;
    record.p_parse_time = this.parseTime;
    indicators.writeTo(record);
  }
}
