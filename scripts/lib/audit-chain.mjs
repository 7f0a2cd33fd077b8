// Offline verification of an audit export (NDJSON from GET /api/v1/audit/export).
// Independent of the server code on purpose: it re-implements the documented rule
//   hash = SHA-256( 32 raw bytes of prev_hash || UTF-8 of RFC 8785 canonical event )
// where the canonical event is the stored event without prev_hash and hash.
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

export const GENESIS_HASH = "0".repeat(64);

const HASHED_FIELDS = [
  "seq",
  "event_id",
  "time",
  "actor",
  "action",
  "resource",
  "outcome",
  "request_id",
  "client_ip",
  "details",
];

/** The chain hash of one event given the previous hash (hex). */
export function eventHash(prevHash, event) {
  const body = {};
  for (const k of HASHED_FIELDS) body[k] = event[k];
  return createHash("sha256").update(Buffer.from(prevHash, "hex")).update(canonicalize(body), "utf8").digest("hex");
}

/**
 * A streaming verifier: push events (objects or NDJSON lines) in file order, then call
 * finish(). Stops recording at the first fault. `checkpoint` ({seq, hash}, e.g. from the
 * X-Audit-Checkpoint-* headers or D1) also detects a truncated or rewritten chain.
 */
export function createVerifier({ checkpoint } = {}) {
  let expected = null;
  let prevHash = null;
  let checked = 0;
  let head = { seq: 0, hash: GENESIS_HASH };
  let bad = null;
  let hashAtCheckpoint = null;
  return {
    push(item) {
      if (bad) return;
      let e = item;
      if (typeof item === "string") {
        if (item.trim() === "") return;
        try {
          e = JSON.parse(item);
        } catch {
          bad = { seq: expected ?? 1, reason: "unparseable_line" };
          return;
        }
      }
      if (expected === null) {
        // An export may start after seq 1; its first prev_hash is taken as given.
        expected = e.seq;
        prevHash = e.seq === 1 ? GENESIS_HASH : e.prev_hash;
      }
      if (e.seq !== expected) {
        bad = { seq: expected, reason: "missing" };
        return;
      }
      if (e.prev_hash !== prevHash) {
        bad = { seq: e.seq, reason: "prev_hash_mismatch" };
        return;
      }
      let recomputed;
      try {
        recomputed = eventHash(e.prev_hash, e);
      } catch {
        recomputed = null;
      }
      if (recomputed !== e.hash) {
        bad = { seq: e.seq, reason: "hash_mismatch" };
        return;
      }
      if (checkpoint && e.seq === checkpoint.seq) hashAtCheckpoint = e.hash;
      prevHash = e.hash;
      head = { seq: e.seq, hash: e.hash };
      expected++;
      checked++;
    },
    finish() {
      if (!bad && checkpoint) {
        if (head.seq < checkpoint.seq) bad = { seq: head.seq + 1, reason: "truncated" };
        else if (hashAtCheckpoint !== null && hashAtCheckpoint !== checkpoint.hash)
          bad = { seq: checkpoint.seq, reason: "checkpoint_mismatch" };
      }
      return {
        ok: !bad,
        checked,
        head_seq: head.seq,
        head_hash: head.hash,
        ...(bad ? { first_bad_seq: bad.seq, reason: bad.reason } : {}),
      };
    },
  };
}
