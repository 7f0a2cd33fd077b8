/**
 * The PII scan report: what was found, per entity type and per JSON path, as counts, a
 * score histogram and positions of a few samples — never the values. Chunks build parts
 * over their records; the finish merges the parts in seq order and compares the result
 * with the previous scan of the dataset.
 */
import { pathMasker } from "../../json/masked-path";
import type { Finding } from "../../pii/types";

/** Bins of the score histogram: [0, 0.1), [0.1, 0.2), ... [0.9, 1.0]. */
export const HISTOGRAM_BINS = 10;
/** Distinct paths kept per entity type; findings on further paths count under OTHER_PATHS. */
export const MAX_PATHS_PER_TYPE = 200;
export const OTHER_PATHS = "(other paths)";

export interface Tally {
  /** Records with at least one finding. */
  records: number;
  findings: number;
  histogram: number[];
}

export interface EntityTally extends Tally {
  paths: Record<string, Tally>;
}

/** Where a finding is, without its value. `seq` orders samples and is dropped from the report. */
export interface Sample {
  record_id: string;
  path: string;
  start: number;
  end: number;
  score: number;
}

export interface ScanPart {
  records: number;
  records_with_findings: number;
  findings: number;
  entities: Record<string, EntityTally>;
  /** Up to the sample limit per entity type, in seq order. */
  samples: Record<string, (Sample & { seq: number })[]>;
}

export interface Comparison {
  job_id: string;
  new_types: string[];
  new_paths: { type: string; path: string }[];
}

export interface ScanReport {
  job_id: string;
  dataset_id: string;
  from_seq: number;
  through_seq: number;
  entities_requested: string[] | null;
  min_score: number | null;
  records_scanned: number;
  records_with_findings: number;
  findings: number;
  entities: Record<string, EntityTally>;
  samples: Record<string, Sample[]>;
  /** The previous successful scan of the dataset and what this one found that it did not; null for the first. */
  compared_with: Comparison | null;
  created_at: string;
}

const emptyTally = (): Tally => ({ records: 0, findings: 0, histogram: new Array<number>(HISTOGRAM_BINS).fill(0) });

/** Array indices become `[*]`, so one field of every array element is one path. */
const toPattern = (shown: string) => shown.replace(/\[\d+\]/g, "[*]");

const bin = (score: number) => Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor(score * HISTOGRAM_BINS)));

export function emptyPart(): ScanPart {
  return { records: 0, records_with_findings: 0, findings: 0, entities: {}, samples: {} };
}

/** Adds one record's findings to a part; samples stop at `sampleLimit` per type. */
export function addRecord(
  part: ScanPart,
  record: { id: string; seq: number },
  findings: readonly Finding[],
  sampleLimit: number,
): void {
  part.records++;
  if (!findings.length) return;
  part.records_with_findings++;
  part.findings += findings.length;
  const seenTypes = new Set<string>();
  const seenPaths = new Set<string>();
  // What a report says of a path: where PII is, never what it is. A member name that is not a plain field name, or
  // holds four digits, or in which a finding was made, is `[<key>]` in every path of the record (json/masked-path.ts).
  const masked = pathMasker(findings);
  for (const f of findings) {
    const entity = (part.entities[f.type] ??= { ...emptyTally(), paths: {} });
    const shown = masked(f.path ?? "$");
    let pattern = toPattern(shown);
    if (!(pattern in entity.paths) && Object.keys(entity.paths).length >= MAX_PATHS_PER_TYPE) pattern = OTHER_PATHS;
    const path = (entity.paths[pattern] ??= emptyTally());
    entity.findings++;
    path.findings++;
    entity.histogram[bin(f.score)]++;
    path.histogram[bin(f.score)]++;
    if (!seenTypes.has(f.type)) {
      seenTypes.add(f.type);
      entity.records++;
    }
    const pathKey = `${f.type}\u0000${pattern}`;
    if (!seenPaths.has(pathKey)) {
      seenPaths.add(pathKey);
      path.records++;
    }
    const samples = (part.samples[f.type] ??= []);
    if (samples.length < sampleLimit) {
      samples.push({
        seq: record.seq,
        record_id: record.id,
        path: shown,
        start: f.start,
        end: f.end,
        score: f.score,
      });
    }
  }
}

function addTally(into: Tally, from: Tally): void {
  into.records += from.records;
  into.findings += from.findings;
  from.histogram.forEach((n, i) => (into.histogram[i] += n));
}

/** Merges parts (any order) into one; samples are re-sorted by seq and cut to `sampleLimit` per type. */
export function mergeParts(parts: readonly ScanPart[], sampleLimit: number): ScanPart {
  const out = emptyPart();
  for (const p of parts) {
    out.records += p.records;
    out.records_with_findings += p.records_with_findings;
    out.findings += p.findings;
    for (const [type, e] of Object.entries(p.entities)) {
      const into = (out.entities[type] ??= { ...emptyTally(), paths: {} });
      addTally(into, e);
      for (const [path, t] of Object.entries(e.paths)) {
        let key = path;
        if (!(key in into.paths) && Object.keys(into.paths).length >= MAX_PATHS_PER_TYPE) key = OTHER_PATHS;
        addTally((into.paths[key] ??= emptyTally()), t);
      }
    }
    for (const [type, s] of Object.entries(p.samples)) (out.samples[type] ??= []).push(...s);
  }
  for (const [type, s] of Object.entries(out.samples)) {
    s.sort((a, b) => a.seq - b.seq || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || a.start - b.start);
    out.samples[type] = s.slice(0, sampleLimit);
  }
  return out;
}

/** Entity types and (type, path) pairs in `current` that `previous` did not have. */
export function compareReports(
  current: Pick<ScanReport, "entities">,
  previous: Pick<ScanReport, "entities" | "job_id">,
): Comparison {
  const new_types = Object.keys(current.entities)
    .filter((t) => !(t in previous.entities))
    .sort();
  const new_paths: { type: string; path: string }[] = [];
  for (const [type, e] of Object.entries(current.entities)) {
    for (const path of Object.keys(e.paths)) if (!previous.entities[type]?.paths[path]) new_paths.push({ type, path });
  }
  new_paths.sort((a, b) => (a.type + a.path < b.type + b.path ? -1 : 1));
  return { job_id: previous.job_id, new_types, new_paths };
}

/** Strips the ordering seq from samples for the report. */
export function reportSamples(part: ScanPart): Record<string, Sample[]> {
  return Object.fromEntries(
    Object.entries(part.samples).map(([type, s]) => [
      type,
      s.map(({ record_id, path, start, end, score }) => ({ record_id, path, start, end, score })),
    ]),
  );
}
