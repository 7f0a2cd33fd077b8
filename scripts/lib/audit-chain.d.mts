// Types for audit-chain.mjs (imported by tests and usable from TypeScript tools).
export declare const GENESIS_HASH: string;
export declare function eventHash(prevHash: string, event: Record<string, unknown>): string;
export interface OfflineResult {
  ok: boolean;
  checked: number;
  head_seq: number;
  head_hash: string;
  first_bad_seq?: number;
  reason?: string;
}
export declare function createVerifier(options?: { checkpoint?: { seq: number; hash: string } }): {
  push(item: string | Record<string, unknown>): void;
  finish(): OfflineResult;
};
