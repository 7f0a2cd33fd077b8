import { describe, expect, it } from "vitest";
import * as api from "../../workers/api/index";
import * as consumer from "../../workers/queue-consumer/index";

// workerd treats every named export of a worker's main module as an entrypoint and refuses
// to start when one is not a class or handler object; `wrangler deploy --dry-run` does not
// notice, so this test does.
describe("worker main modules", () => {
  for (const [name, mod] of [
    ["api", api],
    ["queue-consumer", consumer],
  ] as const) {
    it(`${name} exports only a default handler and classes`, () => {
      for (const [key, value] of Object.entries(mod)) {
        if (key === "default") {
          expect(typeof value, `${name} default export`).toBe("object");
          continue;
        }
        expect(typeof value, `${name} export ${key}`).toBe("function");
        expect(String(value), `${name} export ${key}`).toMatch(/^class\b/);
      }
    });
  }
});
