/** Recognizing D1 constraint failures, which reach us only as error text. */

/**
 * True when a D1 write failed on a UNIQUE or PRIMARY KEY constraint: the caller turns it
 * into a 409 naming what is taken. D1 may put the SQLite message in the error's cause.
 */
export function isUniqueViolation(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : String(err);
  return /UNIQUE constraint failed|PRIMARY KEY/i.test(text);
}
