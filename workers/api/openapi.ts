/** OpenAPI pieces every route file uses: the validation hook, error responses and security. */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Hook } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import { validationFailed, type FieldError } from "../../src/shared/errors";
import { ProblemSchema } from "../../src/shared/schema/common";
import type { AppEnv } from "./context";

const TARGET_ROOT: Record<string, string> = {
  json: "$",
  query: "$query",
  param: "$path",
  header: "$header",
  form: "$form",
};

const segment = (p: string, k: PropertyKey) =>
  typeof k === "number"
    ? `${p}[${k}]`
    : /^[A-Za-z_$][\w$]*$/.test(String(k))
      ? `${p}.${String(k)}`
      : `${p}[${JSON.stringify(String(k))}]`;

type Issue = ZodError["issues"][number];

/**
 * The branch of a failed union worth reporting: the only one whose value had the right type.
 * For `policy | null` given an object, that is the policy branch with its own field errors.
 */
function relevantBranch(issue: Issue): Issue[] | undefined {
  if (issue.code !== "invalid_union") return undefined;
  const branches = (issue as { errors?: Issue[][] }).errors ?? [];
  const typed = branches.filter((b) => !(b.length === 1 && b[0].code === "invalid_type" && b[0].path.length === 0));
  return typed.length === 1 ? typed[0] : undefined;
}

/** One field error per zod issue; an unknown key is reported at its own path. */
export function zodFieldErrors(error: { issues: Issue[] }, root = "$"): FieldError[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.reduce<string>(segment, root);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) => ({ path: segment(path, k), message: "Unknown field." }));
    }
    const branch = relevantBranch(issue);
    if (branch) return zodFieldErrors({ issues: branch }, path);
    return [{ path, message: issue.message }];
  });
}

/** Every validation failure is a 422 listing every field at fault. */
export const defaultHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (!result.success) {
    const target = (result as { target?: string }).target ?? "json";
    throw validationFailed(zodFieldErrors(result.error as ZodError, TARGET_ROOT[target] ?? "$"));
  }
};

export function router() {
  return new OpenAPIHono<AppEnv>({ defaultHook });
}

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

/** The error responses a route can give, by status. */
export const errors = {
  400: problem("Malformed JSON, cursor or input"),
  401: problem("Missing or invalid credentials"),
  403: problem("The key lacks the scope, or the tenant is suspended"),
  404: problem("Not found (also for another tenant's resources)"),
  409: problem("Conflict"),
  412: problem("If-Match does not match the current ETag"),
  413: problem("Body too large"),
  415: problem("Body is not JSON"),
  422: problem("Validation failed; `errors` lists every field"),
  428: problem("If-Match is required"),
  503: problem("The audit log is unavailable; nothing was changed"),
} as const;

export const pick = <K extends keyof typeof errors>(...codes: K[]) =>
  Object.fromEntries(codes.map((c) => [c, errors[c]])) as Pick<typeof errors, K>;

export const jsonBody = <T extends z.ZodTypeAny>(schema: T, description?: string) => ({
  required: true,
  description,
  content: { "application/json": { schema } },
});

export const jsonResponse = <T extends z.ZodTypeAny>(schema: T, description: string, headers?: z.ZodObject) => ({
  description,
  content: { "application/json": { schema } },
  ...(headers ? { headers } : {}),
});

export const tenantSecurity = [{ apiKey: [] as string[] }];
export const operatorSecurity = [{ operatorToken: [] as string[] }];
