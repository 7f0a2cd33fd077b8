// The PII endpoints are described in the OpenAPI document.
import { describe, expect, it } from "vitest";
import { openapiDocument } from "../helpers/api";

describe("OpenAPI", () => {
  it("documents detect, anonymize, deanonymize and recognizers", async () => {
    const body = await openapiDocument();
    for (const path of [
      "/api/v1/pii/detect",
      "/api/v1/anonymize",
      "/api/v1/deanonymize",
      "/api/v1/pii/recognizers",
      "/api/v1/pii/recognizers/{id}",
    ]) {
      expect(body.paths[path], path).toBeDefined();
    }
    for (const name of [
      "DetectRequest",
      "Finding",
      "Operator",
      "AnonymizeRequest",
      "DeanonymizeRequest",
      "Recognizer",
      "PiiPolicy",
    ]) {
      expect(body.components.schemas[name], name).toBeDefined();
    }
  });
});
