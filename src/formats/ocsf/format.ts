// The `ocsf` format descriptor: small, so that the format table costs a run
// in another format nothing; the mappings and validators load on first use.
import type { OutputFormat } from '../types.js';

export const OCSF: OutputFormat = {
  name: 'ocsf',
  description: 'one OCSF 1.1.0 event per record, validated against its class (awslogs schema --format ocsf <LogType>)',
  extension: '.ocsf.ndjson',
  converters: async () => (await import('./index.js')).ocsfConverter,
};
