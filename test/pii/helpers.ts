/** PII test helpers: the detect, anonymize and deanonymize routes through the typed client. */
import type { InferRequestType } from "hono/client";
import { client, expectJson } from "../helpers/client";

type Api = ReturnType<typeof client>["api"]["v1"];
export type AnonymizeRequest = InferRequestType<Api["anonymize"]["$post"]>["json"];
export type DeanonymizeRequest = InferRequestType<Api["deanonymize"]["$post"]>["json"];
export type CreateRecognizer = InferRequestType<Api["pii"]["recognizers"]["$post"]>["json"];
export type DetectRequest = InferRequestType<Api["pii"]["detect"]["$post"]>["json"];
/** The `operators` of an anonymize request (entity type → operator). */
export type Operators = NonNullable<AnonymizeRequest["operators"]>;

/** POST /anonymize; fails unless 200. */
export async function anonymize(token: string, json: AnonymizeRequest) {
  return expectJson(await client(token).api.v1.anonymize.$post({ json }), 200);
}

/** POST /deanonymize; fails unless 200. */
export async function deanonymize(token: string, json: DeanonymizeRequest) {
  return expectJson(await client(token).api.v1.deanonymize.$post({ json }), 200);
}

/** POST /pii/detect; fails unless 200. */
export async function detect(token: string, json: DetectRequest) {
  return expectJson(await client(token).api.v1.pii.detect.$post({ json }), 200);
}

/** POST /pii/recognizers; fails unless 201. Returns the recognizer. */
export async function createRecognizer(token: string, json: CreateRecognizer) {
  return expectJson(await client(token).api.v1.pii.recognizers.$post({ json }), 201);
}
