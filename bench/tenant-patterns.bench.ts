// Tenant patterns on RE2 vs native RegExp inside workerd (coarse clock: read hz over many iterations).
import { defineTenantPatternBenches } from "./pii/tenant-pattern-cases";

defineTenantPatternBenches("workerd");
