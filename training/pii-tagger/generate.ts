/**
 * Training texts for the PERSON/LOCATION/STREET_ADDRESS tagger: this project's templates
 * (templates.ts) in several registers (prose, chat, e-mail, forms, JSON, CSV, log lines),
 * filled from pools.ts, sometimes all lower or all upper case. Offsets are UTF-16.
 */
import { Pools } from "./pools";
import type { Rng } from "./rng";
import { FIELDS, LOG_MESSAGES, LOG_PREFIXES, NEUTRAL_KEYS, PLAIN, PROSE, SHORT } from "./templates";
import { monthNames } from "../../scripts/lib/calendar.mjs";

const MONTHS = monthNames();

export type SpanType = "PERSON" | "LOCATION" | "STREET_ADDRESS";
export interface Span {
  start: number;
  end: number;
  type: SpanType;
}
export interface Example {
  text: string;
  spans: Span[];
}

type CaseMode = "keep" | "lower" | "upper";

class Builder {
  text = "";
  spans: Span[] = [];
  constructor(
    private mode: CaseMode,
    private rng: Rng,
  ) {}
  add(s: string, type?: SpanType): void {
    let mode = this.mode;
    // Now and then one value is typed in lower or upper case inside normal text.
    if (type && mode === "keep" && this.rng.next() < 0.06) mode = this.rng.next() < 0.7 ? "lower" : "upper";
    const v = mode === "lower" ? s.toLowerCase() : mode === "upper" ? s.toUpperCase() : s;
    if (type && v.trim()) this.spans.push({ start: this.text.length, end: this.text.length + v.length, type });
    this.text += v;
  }
}

const TITLES = ["Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Mr", "Ms", "Dr", "Sir", "Herr", "Frau", "Mme", "Sra.", "Sig."];
const DOMAINS = [
  "example.com",
  "mail.com",
  "gmail.com",
  "outlook.com",
  "corp.example.org",
  "web.de",
  "yahoo.co.uk",
  "proton.me",
];

export class Generator {
  private pools: Pools;
  constructor(private rng: Rng) {
    this.pools = new Pools(rng);
  }

  private ascii(s: string): string {
    return (
      s
        .normalize("NFD")
        .replace(/[^\x20-\x7e]/g, "")
        .replace(/[^A-Za-z]/g, "")
        .toLowerCase() || "user"
    );
  }

  private email(): string {
    const p = this.pools.person();
    const r = this.rng.next();
    const local =
      r < 0.4
        ? `${this.ascii(p.first)}.${this.ascii(p.last)}`
        : r < 0.7
          ? `${this.ascii(p.first)}${this.rng.int(99)}`
          : `${this.ascii(p.first)[0]}${this.ascii(p.last)}`;
    return `${local}@${this.rng.pick(DOMAINS)}`;
  }

  private phone(): string {
    const d = (n: number) => Array.from({ length: n }, () => String(this.rng.int(10))).join("");
    return this.rng.pick([
      () => `+1 ${d(3)}-${d(3)}-${d(4)}`,
      () => `(${d(3)}) ${d(3)}-${d(4)}`,
      () => `+44 7${d(3)} ${d(6)}`,
      () => `0${d(2)} ${d(4)} ${d(4)}`,
      () => `0${d(1)}.${d(2)}.${d(2)}.${d(2)}.${d(2)}`,
      () => `+49 ${d(3)} ${d(7)}`,
      () => `0${d(2)}-${d(4)}-${d(4)}`,
      () => `${d(3)}.${d(3)}.${d(4)}`,
    ])();
  }

  private date(): string {
    const y = 1950 + this.rng.int(76);
    const m = 1 + this.rng.int(12);
    const day = 1 + this.rng.int(28);
    return this.rng.pick([
      () => `${y}-${String(m).padStart(2, "0")}-${String(day).padStart(2, "0")}`,
      () => `${m}/${day}/${y}`,
      () => `${day}.${m}.${y}`,
      () => `${MONTHS[m - 1]} ${day}, ${y}`,
      () => `${day} ${MONTHS[m - 1]} ${y}`,
      () => `${MONTHS[m - 1].slice(0, 3)} ${day}`,
    ])();
  }

  /** Fills one slot into the builder. */
  private slot(b: Builder, name: string): void {
    const p = this.pools;
    switch (name) {
      case "P": {
        const r = this.rng.next();
        const person = p.person();
        if (r < 0.04) b.add(`${person.last}, ${person.first}`, "PERSON");
        else b.add(person.text, "PERSON");
        return;
      }
      case "PF":
        return b.add(p.person().first, "PERSON");
      case "PL":
        return b.add(p.person().last, "PERSON");
      case "PLAST":
        return b.add(p.person().last, "PERSON");
      case "PN":
        return b.add(p.person(true).text, "PERSON");
      case "TITLE":
        return b.add(this.rng.pick(TITLES));
      case "L":
        return b.add(this.rng.next() < 0.85 ? p.city() : p.state(), "LOCATION");
      case "C":
        return b.add(p.country(), "LOCATION");
      case "S":
        return b.add(p.state(), "LOCATION");
      case "A":
        return b.add(p.address(), "STREET_ADDRESS");
      case "O":
        return b.add(p.org());
      case "PR":
        return b.add(p.product());
      case "TI":
        return b.add(p.title());
      case "J":
        return b.add(p.job());
      case "W":
        return b.add(p.capWord());
      case "E":
        return b.add(this.email());
      case "T":
        return b.add(this.phone());
      case "D":
        return b.add(this.date());
      case "N":
        return b.add(String(this.rng.int(3000)));
      case "ID":
        return b.add(`${this.rng.pick(["#", "TCK-", "INV-", "AB", ""])}${this.rng.int(999999)}`);
      default:
        b.add(`{${name}}`);
    }
  }

  private fill(b: Builder, template: string): void {
    const re = /\{([A-Z]+)\}/g;
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(template)) !== null) {
      b.add(template.slice(last, m.index));
      this.slot(b, m[1]);
      last = m.index + m[0].length;
    }
    b.add(template.slice(last));
  }

  private mode(): CaseMode {
    const r = this.rng.next();
    return r < 0.12 ? "lower" : r < 0.2 ? "upper" : "keep";
  }

  private prose(): Example {
    const b = new Builder(this.mode(), this.rng);
    const n = 1 + this.rng.int(3);
    for (let i = 0; i < n; i++) {
      if (i) b.add(this.rng.pick([" ", "\n", "\n\n", " "]));
      this.fill(b, this.rng.next() < 0.25 ? this.rng.pick(PLAIN) : this.rng.pick(PROSE));
    }
    return b;
  }

  private fieldSlots(): string[] {
    const all = ["P", "PF", "PLAST", "L", "C", "S", "A", "O", "PR", "J", "E", "T", "D", "N", "W"];
    const n = 2 + this.rng.int(5);
    const slots = this.rng.shuffle([...all]).slice(0, n);
    if (!slots.some((s) => s.startsWith("P")) && this.rng.next() < 0.7) slots.unshift("P");
    return slots;
  }

  private form(): Example {
    const b = new Builder(this.mode(), this.rng);
    const sep = this.rng.pick([": ", ":", " - ", "\t", " = ", ": "]);
    // A single "field: value" is what the detector sees for a JSON string under its key.
    if (this.rng.next() < 0.3) {
      // A neutral field whose value is a sentence: "content: Sure, we will call you."
      b.add(`${this.rng.pick(NEUTRAL_KEYS)}${sep}`);
      this.fill(b, this.rng.next() < 0.5 ? this.rng.pick(PLAIN) : this.rng.pick(PROSE));
      return b;
    }
    const slots =
      this.rng.next() < 0.35
        ? [this.rng.pick(["P", "PF", "PLAST", "L", "C", "A", "O", "PR", "J", "W", "O", "PR"])]
        : this.fieldSlots();
    for (const s of slots) {
      b.add(`${this.rng.pick(FIELDS[s])}${sep}`);
      this.slot(b, s);
      b.add("\n");
    }
    return b;
  }

  private json(): Example {
    const b = new Builder(this.rng.next() < 0.1 ? "lower" : "keep", this.rng);
    const pretty = this.rng.next() < 0.3;
    const slots = this.fieldSlots();
    b.add(pretty ? "{\n  " : "{");
    slots.forEach((s, i) => {
      if (i) b.add(pretty ? ",\n  " : ", ");
      b.add(`"${this.rng.pick(FIELDS[s]).replace(/ /g, "_")}": `);
      if (s === "N") this.slot(b, s);
      else {
        b.add('"');
        this.slot(b, s);
        b.add('"');
      }
    });
    b.add(pretty ? "\n}" : "}");
    return b;
  }

  private csv(): Example {
    const b = new Builder(this.rng.next() < 0.1 ? "upper" : "keep", this.rng);
    const sep = this.rng.pick([",", ";", "|", "\t", ","]);
    const slots = this.fieldSlots().filter((s) => s !== "A" || sep !== ",");
    if (this.rng.next() < 0.6) b.add(slots.map((s) => this.rng.pick(FIELDS[s]).replace(/ /g, "_")).join(sep) + "\n");
    const rows = 1 + this.rng.int(3);
    for (let r = 0; r < rows; r++) {
      slots.forEach((s, i) => {
        if (i) b.add(sep);
        this.slot(b, s);
      });
      b.add("\n");
    }
    return b;
  }

  private log(): Example {
    const b = new Builder(this.rng.next() < 0.15 ? "lower" : "keep", this.rng);
    this.fill(b, this.rng.pick(LOG_PREFIXES));
    b.add(" ");
    if (this.rng.next() < 0.5) this.fill(b, this.rng.pick(LOG_MESSAGES));
    else {
      const slots = this.fieldSlots();
      slots.forEach((s, i) => {
        if (i) b.add(" ");
        const key = this.rng.pick(FIELDS[s]).replace(/ /g, "_").toLowerCase();
        const quoted = this.rng.next() < 0.5;
        b.add(`${key}=${quoted ? '"' : ""}`);
        this.slot(b, s);
        if (quoted) b.add('"');
      });
    }
    return b;
  }

  private short(): Example {
    const b = new Builder(this.mode(), this.rng);
    this.fill(b, this.rng.pick(SHORT));
    return b;
  }

  /** One training example in a register chosen by weight. */
  example(): Example {
    const r = this.rng.next();
    const ex =
      r < 0.5
        ? this.prose()
        : r < 0.63
          ? this.form()
          : r < 0.75
            ? this.json()
            : r < 0.85
              ? this.csv()
              : r < 0.93
                ? this.log()
                : this.short();
    return { text: ex.text, spans: ex.spans };
  }
}
