/**
 * The audit log object's RPC surface as its callers see it. `AuditLogObject`
 * (durable-objects/audit-log-object.ts) implements it, so src/shared names the binding's type
 * without importing the object (imports go from durable-objects/ to src/shared, never back).
 */
import type { AuditEvent, AuditEventInput } from "./event";
import type { AuditPageRequest, ChainHead, VerifyProgress } from "./store";

/** One tenant's audit chain (one object per tenant, named `tenant:<id>`). */
export interface AuditLogRpc {
  /**
   * Appends events in order, in one transaction; an event_id already stored is not stored
   * again. Resolves to the stored events (new or existing) in input order.
   */
  append(events: AuditEventInput[]): Promise<AuditEvent[]>;
  /** The newest seq and hash, read from storage. */
  chainHead(): Promise<ChainHead>;
  /** One page of GET /audit/logs. */
  logs(req: AuditPageRequest): Promise<{ events: AuditEvent[]; more: boolean }>;
  /** One page of verification; the Worker carries the progress between pages. */
  verify(start: { nextSeq: number; prevHash: string | null; toSeq: number; limit: number }): Promise<VerifyProgress>;
  /** The stored hash at one seq (compared with a checkpoint); null when no event has it. */
  hashAt(seq: number): Promise<string | null>;
  /** Events with seq in [fromSeq, toSeq], oldest first, at most `limit` (export pages). */
  exportPage(fromSeq: number, toSeq: number, limit: number): Promise<AuditEvent[]>;
}
