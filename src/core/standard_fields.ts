// The names of the standard p_ fields, in the order every record carries them.
import { INDICATOR_FIELDS } from './indicators.js';

export const STANDARD_FIELDS: readonly string[] = ['p_log_type', 'p_row_id', 'p_event_time', 'p_parse_time', ...INDICATOR_FIELDS];
