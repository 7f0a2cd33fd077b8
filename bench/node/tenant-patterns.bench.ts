// Tenant patterns on RE2 vs native RegExp under Node (precise timers).
import { defineTenantPatternBenches } from "../pii/tenant-pattern-cases";

defineTenantPatternBenches("Node");
