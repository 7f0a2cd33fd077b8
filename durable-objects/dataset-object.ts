/**
 * DatasetObject: one per dataset, the single writer of its records. Records, their
 * sequence and the outbox live in its SQLite storage.
 */
import { DurableObject } from "cloudflare:workers";

export class DatasetObject extends DurableObject<Env> {
  /** Number of records stored, read from the object's own storage. */
  async recordCount(): Promise<number> {
    const rows = this.ctx.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'records'").toArray();
    if (!rows[0]?.n) return 0;
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM records").one().n;
  }
}
