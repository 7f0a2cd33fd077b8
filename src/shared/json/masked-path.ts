/** JSON paths that say where something is without the member names that may be the PII itself. */

/**
 * `path` with every member name that is not a plain field name (written `["…"]`: an e-mail address, a phone number or
 * an id used as a key) replaced by `[<key>]`, and every plain name holding a run of four or more digits by `.<key>`;
 * field names like `user.email`, indices and a trailing `~` (a finding in a member name) stay.
 * @example maskedPath('$.contacts["alice@example.com"]~') // "$.contacts[<key>]~"
 */
export function maskedPath(path: string): string {
  return path
    .replace(/\["(?:[^"\\]|\\.)*"\]/g, "[<key>]")
    .replace(/\.[A-Za-z_$][\w$]*/g, (seg) => (/\d{4}/.test(seg) ? ".<key>" : seg));
}
