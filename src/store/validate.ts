// A stored report is input from whoever could write to the store: it is read only when it is small, parses,
// passes the report schema, and is the report it claims to be. Anything else is a reason, never a crash.
import { gunzipSync } from 'node:zlib';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Report } from '../report/json-types.js';
import schema from '../report/report.schema.json' with { type: 'json' };
import type { StoreKey, StoreRead } from './store.js';

/** Reports are tens of kilobytes; a store entry larger than this is refused unread. */
export const MAX_STORED_REPORT_BYTES = 5_000_000;

// Formats are checked by the schema's own patterns; ajv only needs to know the keyword is not a typo.
const ajv = new Ajv2020({ allErrors: false, strict: false, validateFormats: false });
const check = ajv.compile<Report>(schema);

/** Reads stored bytes (plain or gzip JSON) as the report for `key`, or says why not. */
export function readStoredReport(bytes: Uint8Array, key: StoreKey | null): StoreRead {
  if (bytes.byteLength > MAX_STORED_REPORT_BYTES) return tooBig(bytes.byteLength);
  let text: string;
  try {
    const raw = Buffer.from(bytes);
    const plain =
      raw[0] === 0x1f && raw[1] === 0x8b
        ? gunzipSync(raw, { maxOutputLength: MAX_STORED_REPORT_BYTES + 1 })
        : raw;
    if (plain.byteLength > MAX_STORED_REPORT_BYTES) return tooBig(plain.byteLength);
    text = plain.toString('utf8');
  } catch (error) {
    const message = (error as Error).message;
    if (/buffer|length/i.test(message)) return tooBig(null);
    return { kind: 'invalid', reason: 'it is not readable gzip' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'it is not JSON' };
  }
  if (!check(value)) {
    const first = check.errors?.[0];
    // The path can hold the stored JSON's own keys: printable ASCII only, so it can never start a workflow command.
    const where = (first?.instancePath || '/').replace(/[^\x20-\x7e]|::/g, '?');
    return {
      kind: 'invalid',
      reason: `it does not match the report schema (${where.slice(0, 80)} ${first?.message ?? 'is invalid'})`,
    };
  }
  if (key) {
    const run = value.run;
    if (!run || run.commit !== key.commit || run.fingerprint.id !== key.fingerprint) {
      return {
        kind: 'invalid',
        reason: 'it is the report of another commit or fingerprint than its key says',
      };
    }
  }
  return { kind: 'found', report: value };
}

/** null: a gzip stream that unpacks past the cap (its full size is never computed). */
function tooBig(bytes: number | null): StoreRead {
  const size = bytes === null ? 'it unpacks to more' : `it is ${bytes} bytes`;
  return {
    kind: 'invalid',
    reason: `${size}, over the ${MAX_STORED_REPORT_BYTES / 1_000_000} MB (10^6 bytes) a stored report may be`,
  };
}
