// Limits that several layers enforce alike: the JSON framer (pipeline) when
// it frames a record, and a log type when it parses JSON found inside a
// string (lookup-events' `CloudTrailEvent`).

/**
 * Deepest JSON nesting (objects and arrays) a record may have. Far above
 * any real AWS event; deeper documents are reported, never parsed, because
 * JSON.stringify recurses and would overflow the stack writing them back.
 */
export const MAX_JSON_DEPTH = 512;
