/** The k6 modules the local runner implements, and the file (beside this one) that does. */
export const SHIMS = { k6: "./k6.mjs", "k6/http": "./http.mjs", "k6/metrics": "./metrics.mjs" };
