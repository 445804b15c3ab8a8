// The native format: the normalized record itself, one JSON object per line.
import type { OutputFormat } from './types.js';

export const NDJSON: OutputFormat = {
  name: 'ndjson',
  description: 'the normalized record with its p_ fields (awslogs schema <LogType>)',
  extension: '.ndjson',
};
