/** The error of a stored record that no longer decrypts. */
import { DomainError } from "../errors";

/**
 * A stored record's ciphertext is missing, altered, moved or sealed under a key that no longer
 * opens it: the vault's own data failed, not the request (500 at the API edge). Its detail
 * names the record, never its content.
 */
export class RecordIntegrityError extends DomainError {
  constructor(detail: string) {
    super("decryption-failed", detail);
    this.name = "RecordIntegrityError";
  }
}
