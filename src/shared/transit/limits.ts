/** Body size limits of the transit routes (enforced by the body guards registered in app.ts). */
import { framedLength } from "./stream";

/** JSON bodies of encrypt, decrypt and rewrap: a 1 MiB payload in base64, or a 1000-item batch. */
export const TRANSIT_JSON_LIMIT_BYTES = 4 * 1024 * 1024;
/** Largest raw (application/octet-stream) plaintext accepted: 10 MiB. */
export const RAW_PLAINTEXT_LIMIT_BYTES = 10 * 1024 * 1024;
/** Largest raw ciphertext accepted: the framing of the largest plaintext. */
export const RAW_CIPHERTEXT_LIMIT_BYTES = framedLength(RAW_PLAINTEXT_LIMIT_BYTES);
