/**
 * The generalize operator: keep the coarse part, drop the precise one. Dates become their
 * year, ages a range ("30-39", "90+"), ZIP codes their first three digits ("627**"), IPv4
 * addresses their /24 network, street addresses their city and state when written, and
 * anything else its entity type (a generalization of last resort).
 */
import { parseDate } from "./dates";

export function generalize(type: string, value: string, bucket = 10): string {
  const v = value.trim();
  switch (type) {
    case "DATE_TIME":
    case "DATE_OF_BIRTH": {
      const p = parseDate(v);
      if (p) return String(p.y);
      const year = /\b(1[89]\d\d|2\d{3})\b/.exec(v);
      return year ? year[1] : `<${type}>`;
    }
    case "AGE": {
      const n = Number(/\d+/.exec(v)?.[0]);
      if (!Number.isFinite(n)) return `<${type}>`;
      if (n >= 90) return "90+";
      const lo = Math.floor(n / bucket) * bucket;
      return `${lo}-${lo + bucket - 1}`;
    }
    case "ZIP_CODE": {
      const d = /\d{5}/.exec(v)?.[0];
      return d ? `${d.slice(0, 3)}**` : `<${type}>`;
    }
    case "IP_ADDRESS": {
      const m = /^(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}$/.exec(v);
      return m ? `${m[1]}.0/24` : `<${type}>`;
    }
    case "STREET_ADDRESS": {
      const tail = /,\s*([^,\d]+?),?\s+([A-Z]{2})(?:\s+(\d{5})(?:-\d{4})?)?$/.exec(v);
      if (tail) return `${tail[1]}, ${tail[2]}`;
      const zip = /\b(\d{5})(?:-\d{4})?$/.exec(v);
      return zip ? `${zip[1].slice(0, 3)}**` : `<${type}>`;
    }
    default:
      return `<${type}>`;
  }
}
