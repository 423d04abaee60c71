// The port every report store implements (a directory, an OCI registry, GitHub Actions artifacts), and what
// a read can come back with. A stored report is untrusted: each adapter hands its bytes to readStoredReport.
import type { Report } from '../report/json-types.js';

/** One stored report is found by the commit it measured and the fingerprint of how it was measured. */
export interface StoreKey {
  commit: string;
  /** The full fingerprint id (64 hex); adapters may key by its first 12 digits. */
  fingerprint: string;
}

export type StoreRead =
  | { kind: 'found'; report: Report }
  | { kind: 'absent' }
  /** Something is stored but it is not a report we accept (too big, not JSON, fails the schema, wrong key). */
  | { kind: 'invalid'; reason: string }
  /** The store could not be asked (401, 5xx, timeout, unreadable directory). */
  | { kind: 'error'; cause: string };

export interface ReportStore {
  /** How the user named it (`dir://…`, `registry://…`, `actions`), for messages. */
  readonly name: string;
  /** Stores a report with run.commit set; overwrites only the same commit and fingerprint. */
  put(report: Report): Promise<void>;
  get(key: StoreKey): Promise<StoreRead>;
  /** Every report the store holds that parses, newest first. */
  list(): Promise<Report[]>;
}

export class StoreError extends Error {}
