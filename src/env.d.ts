// Secrets are not in wrangler.toml, so `wrangler types` cannot see them: declared here.
declare namespace Cloudflare {
  interface Env {
    /** Versioned master keys: `1:<base64 32 bytes>,2:<...>`; the highest version wraps new KEKs. */
    MASTER_KEYS: string;
    /** Bearer token of the operator endpoints (tenants and keys). */
    OPERATOR_TOKEN: string;
  }
}
