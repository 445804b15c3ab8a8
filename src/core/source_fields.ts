// The p_source_* fields: where a record was delivered from when it reached
// us through a log service (CloudWatch Logs) rather than as a line of its
// own file. Core knows the fields, not the services: an envelope
// (src/envelopes/) fills the facts, the pipeline writes them.

/** What the delivery says about one record; every fact is optional. */
export interface DeliveryFacts {
  /** The log group (`p_source_log_group`). */
  logGroup?: string;
  /** The log stream (`p_source_log_stream`). */
  logStream?: string;
  /** The account that owns the log data, 12 digits (`p_source_account`). */
  account?: string;
  /** The log event's id (`p_source_event_id`). */
  eventId?: string;
  /** When the log event happened as the service recorded it, in the nine-digit form (`p_source_time`). */
  time?: string;
}

/** The field names, in the order a record carries them (after the p_any_* fields). */
export const SOURCE_FIELDS: readonly string[] = [
  'p_source_log_group', 'p_source_log_stream', 'p_source_account', 'p_source_event_id', 'p_source_time',
];

/** Appends the known facts to a record; an empty string is no fact and is left out. */
export function writeSourceFields(record: Record<string, unknown>, facts: DeliveryFacts): void {
  if (facts.logGroup) record.p_source_log_group = facts.logGroup;
  if (facts.logStream) record.p_source_log_stream = facts.logStream;
  if (facts.account) record.p_source_account = facts.account;
  if (facts.eventId) record.p_source_event_id = facts.eventId;
  if (facts.time) record.p_source_time = facts.time;
}
