/**
 * Group commit for a tenant's audit chain: appends that arrive while an earlier batch's commit
 * is in flight are written together, in arrival order, in one transaction, so N concurrent
 * requests cost one commit (one fsync locally) instead of N. Each caller still gets exactly its
 * own stored events, or its own error, and its reply leaves only once the commit holding its
 * events is durable (the output gate), as with a lone append.
 */
import { normalizeEventInput, type AuditEvent, type AuditEventInput } from "./event";
import { appendEvents } from "./store";

interface Waiting {
  inputs: AuditEventInput[];
  resolve: (events: AuditEvent[]) => void;
  reject: (err: unknown) => void;
}

export class GroupAppend {
  private queue: Waiting[] = [];
  private draining = false;

  constructor(private readonly storage: DurableObjectStorage) {}

  /**
   * Appends `inputs` in order (see store.ts `appendEvents`: idempotent by event_id, bound to one
   * tenant) and resolves with the stored events in input order.
   * @throws InvalidAuditEvent for an invalid event or another tenant's, failing this call only.
   */
  append(inputs: AuditEventInput[]): Promise<AuditEvent[]> {
    // Validated before queuing, so an invalid event never joins (and fails) others' batch.
    inputs.forEach(normalizeEventInput);
    return new Promise((resolve, reject) => {
      this.queue.push({ inputs, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0);
        this.write(batch);
        // While this commit is written, later calls queue up: they form the next batch.
        await this.storage.sync();
      }
    } catch {
      // The commit failed: the callers of that batch learn it from their replies, which the
      // broken output gate fails. Calls queued meanwhile are written by a new drain.
    } finally {
      this.draining = false;
      if (this.queue.length) void this.drain();
    }
  }

  private write(batch: Waiting[]): void {
    try {
      const stored = appendEvents(
        this.storage,
        batch.flatMap((w) => w.inputs),
      );
      let at = 0;
      for (const w of batch) {
        w.resolve(stored.slice(at, at + w.inputs.length));
        at += w.inputs.length;
      }
    } catch {
      // One call's events were refused (another tenant's): nothing of the batch was written.
      // Each call then gets its own transaction and its own answer.
      for (const w of batch) {
        try {
          w.resolve(appendEvents(this.storage, w.inputs));
        } catch (err) {
          w.reject(err);
        }
      }
    }
  }
}
