// Tenant recognizers in detection (issue 12, section 2): overlapping matches become one span,
// context words count when they are the JSON field name, and negative words in a field name
// lower a score as they do in text.
import { describe, expect, it } from "vitest";
import { detectJson, detectText, prepareOptions } from "../../src/shared/pii/detect";
import { compileRecognizer } from "../../src/shared/pii/recognizer-store";

const rec = (name: string, entity: string, pattern: string, context: string[] = [], score = 0.6) =>
  compileRecognizer({ id: `rcg_${name}`, name, entity, pattern, flags: "", context, score });

describe("tenant recognizers", () => {
  it("merge overlapping matches so no part of the value stays in clear", () => {
    const opts = prepareOptions({
      custom: [rec("head", "CASE_ID", "ACME-\\d{5}"), rec("tail", "CASE_ID", "\\d{5}-[A-Z]{2}", [], 0.7)],
      returnText: true,
    });
    const f = detectText("see ACME-12345-XY today", opts);
    expect(f.map((x) => [x.type, x.text, x.score])).toEqual([["CASE_ID", "ACME-12345-XY", 0.7]]);
  });

  it("merge overlaps across entities under the better-scored one", () => {
    const opts = prepareOptions({
      custom: [rec("a", "CASE_ID", "ACME-\\d{5}", [], 0.9), rec("b", "BADGE_ID", "\\d{5}-[A-Z]{2}")],
      returnText: true,
    });
    expect(detectText("ACME-12345-XY", opts).map((x) => [x.type, x.text])).toEqual([["CASE_ID", "ACME-12345-XY"]]);
  });

  it("count their context words when they are the JSON field name", () => {
    const opts = prepareOptions({ custom: [rec("employee", "EMPLOYEE_ID", "EMP-\\d{6}", ["employee"], 0.4)] });
    expect(detectJson({ badge: "EMP-123456" }, opts)).toEqual([]);
    const f = detectJson({ employee_id: "EMP-123456" }, opts);
    expect(f.map((x) => [x.path, x.type, x.score])).toEqual([["$.employee_id", "EMPLOYEE_ID", 0.75]]);
  });
});

describe("negative field names", () => {
  it("lower a score as the same word in the text does", () => {
    const opts = prepareOptions();
    expect(detectText("version 10.2.3.4", opts)).toEqual([]);
    expect(detectJson({ version: "10.2.3.4" }, opts)).toEqual([]);
    expect(detectJson({ build: "10.2.3.4" }, opts)).toEqual([]);
    expect(detectJson({ server: "10.2.3.4" }, opts).map((x) => x.type)).toEqual(["IP_ADDRESS"]);
  });
});
