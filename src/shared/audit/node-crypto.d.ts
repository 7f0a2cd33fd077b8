// The part of node:crypto the audit chain uses (workerd provides it under nodejs_compat).
// Declared here rather than loading @types/node, whose globals do not exist in Workers.
declare module "node:crypto" {
  interface Hash {
    update(data: string | Uint8Array, encoding?: "utf8"): Hash;
    digest(encoding: "hex"): string;
  }
  export function createHash(algorithm: "sha256"): Hash;
}
