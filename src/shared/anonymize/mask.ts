/** The mask operator: hide characters, keeping separators so the shape stays readable. */

export interface MaskOptions {
  char?: string;
  /** Mask at most this many characters. */
  count?: number;
  /** Leave this many maskable characters unmasked at the far end. */
  keep?: number;
  fromEnd?: boolean;
}

const MASKABLE = /[\p{L}\p{N}]/u;

/**
 * Masks letters and digits (not separators), counting in code points.
 * @example mask("4111 1111 1111 1234", { keep: 4 }) // "**** **** **** 1234"
 */
export function mask(value: string, opts: MaskOptions = {}): string {
  const chars = Array.from(value);
  const maskable = chars.map((c, i) => (MASKABLE.test(c) ? i : -1)).filter((i) => i >= 0);
  const order = opts.fromEnd ? [...maskable].reverse() : maskable;
  let n = Math.max(0, order.length - (opts.keep ?? 0));
  if (opts.count !== undefined) n = Math.min(n, opts.count);
  const ch = opts.char ?? "*";
  for (let k = 0; k < n; k++) chars[order[k]] = ch;
  return chars.join("");
}
