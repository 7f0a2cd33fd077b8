/**
 * A bound on the JSON paths one answer lists. Every finding or changed item repeats its whole path, so a member name
 * (or a chain of long names) holding many findings makes the answer grow with findings × path length: 2,000 e-mail
 * addresses in one 25 KB member name gave a 124 MB /anonymize answer. The sum of the path lengths is checked before
 * the answer is built, and before anything (tokens) is written.
 */
import { ProblemError } from "../errors";

/**
 * Characters of paths one answer may list, summed over its findings or items (UTF-16 code units). Four times the
 * 1 MiB body limit: an array of 50,000 e-mail values (`$.rows[12345].email`, about 1 MB of paths) stays far below.
 */
export const MAX_ANSWER_PATH_CHARS = 4 * 1_048_576;

/**
 * Throws unless the paths of `items` sum to at most MAX_ANSWER_PATH_CHARS characters.
 * @throws ProblemError 422 `answer-too-large`, with `limit_path_chars` and `path_chars` (code units).
 * @example assertPathsBounded([{ path: "$.a" }], "findings") // returns; 3 characters
 */
export function assertPathsBounded(items: readonly { path?: string }[], what: string): void {
  let total = 0;
  for (const i of items) total += i.path?.length ?? 0;
  if (total <= MAX_ANSWER_PATH_CHARS) return;
  throw new ProblemError(422, "answer-too-large", {
    detail:
      `The ${what} of this request would list ${total} characters of JSON paths, more than the limit of ` +
      `${MAX_ANSWER_PATH_CHARS}: a long member name (or chain of names) holds too many findings. Nothing was ` +
      "written. Send the data in smaller parts, or move the text out of member names into values.",
    extensions: { limit_path_chars: MAX_ANSWER_PATH_CHARS, path_chars: total },
  });
}
