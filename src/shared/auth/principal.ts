/** Who is calling: the operator, or a tenant's API key with its scopes. */
export type Principal =
  { kind: "operator" } | { kind: "key"; keyId: string; tenantId: string; scopes: readonly string[] };

/** The actor string written to audit events. */
export function actorOf(p: Principal | undefined): string {
  if (!p) return "anonymous";
  return p.kind === "operator" ? "operator" : p.keyId;
}
