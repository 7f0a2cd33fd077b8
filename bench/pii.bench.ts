// PII detection throughput inside workerd (coarse clock: read hz over many iterations).
import { definePiiBenches } from "./pii/cases";

definePiiBenches("workerd");
