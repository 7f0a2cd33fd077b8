// The Luhn check digit (ISO/IEC 7812-1), for generators of test data that need valid card
// numbers. Written from the public algorithm, apart from the detector's own check
// (src/shared/pii/checksums.ts), so test data does not share a bug with what it tests.

/**
 * The Luhn check digit ("0"–"9") to append to `body`, a string of decimal digits.
 * @param {string} body
 * @returns {string}
 */
export function luhnDigit(body) {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let x = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      x *= 2;
      if (x > 9) x -= 9;
    }
    sum += x;
  }
  return String((10 - (sum % 10)) % 10);
}
