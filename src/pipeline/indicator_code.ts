// Each log type's indicator fields read by generated code (named property
// loads, written to dist/validators/indicators.cjs by the build step, as the
// validators are), or by the generic loop when that file is missing or was
// made from other fields than this build's.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loopExtractor, type IndicatorExtractor, type IndicatorFields } from '../core/indicators.js';
import { VALIDATOR_DIR } from './validate.js';

/** Where the build step writes the extractors (scripts/build-validators.ts). */
export const INDICATOR_CODE_PATH = join(VALIDATOR_DIR, 'indicators.cjs');

type Prebuilt = Record<string, { fields: string; extract: IndicatorExtractor } | undefined>;

let prebuilt: Prebuilt | undefined;
const chosen = new Map<string, IndicatorExtractor>();

/**
 * The extractor of log type `name` whose declared pairs are `fields`: the
 * generated one when it was made from exactly these pairs, else the loop.
 * Made once per type, kept (a function made anew per input would start cold).
 */
export function indicatorExtractorFor(name: string, fields: IndicatorFields): IndicatorExtractor {
  let extract = chosen.get(name);
  if (extract === undefined) {
    prebuilt ??= existsSync(INDICATOR_CODE_PATH) ? (createRequire(import.meta.url)(INDICATOR_CODE_PATH) as Prebuilt) : {};
    const entry = Object.hasOwn(prebuilt, name) ? prebuilt[name] : undefined;
    extract = entry !== undefined && entry.fields === JSON.stringify(fields) ? entry.extract : loopExtractor(fields);
    chosen.set(name, extract);
  }
  return extract;
}
