// PII in JSON member names in the dataset jobs, through the real queue: a scan counts a finding in a name under the
// member's path with a `~` marker (the name itself written `[<key>]`), as /pii/detect finds it, with no value in the
// report; an anonymize job renames such members with the operator of their type, the same name to the same output
// in every record, in place and into a target; a record whose renames would merge two members is left as it was
// (in place) or not copied, counted `name_collisions`, and the job says so.
import { describe, expect, it } from "vitest";
import { createDataset, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { allRecords, waitForJob } from "../imports/helpers";
import { postAll, startJob } from "./helpers";

const records = [
  { contacts: { "alice@example.com": { phone: "+1 415 555 0132" } } },
  { contacts: { "alice@example.com": { phone: "+1 212 555 0199" }, "bob@example.org": { phone: "+1 415 555 0132" } } },
  { contacts: { team: { size: 3 } } },
];

describe("dataset jobs and PII in member names", () => {
  it("pii-scan reports findings in member names at a `~` path, never the name, as /pii/detect finds them", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const created = await postAll(token, ds.id, records);
    const started = await startJob(token, ds.id, { type: "pii-scan", samples: 100 });
    const job = await waitForJob(token, started.id);
    expect(job.status).toBe("succeeded");
    const { result: report } = await expectJson(
      await client(token).api.v1.jobs[":id"].result.$get({ param: { id: job.id } }),
      200,
    );
    // What /pii/detect says of the names, record by record.
    const nameFindings: { record_id: string; type: string; start: number; end: number }[] = [];
    for (const [i, data] of records.entries()) {
      const body = await expectJson(await client(token).api.v1.pii.detect.$post({ json: { data } }), 200);
      for (const f of body.findings)
        if (f.path!.endsWith("~"))
          nameFindings.push({ record_id: created[i].id, type: f.type, start: f.start, end: f.end });
    }
    expect(nameFindings.map((f) => f.type)).toEqual(["EMAIL", "EMAIL", "EMAIL"]);
    expect(report.entities.EMAIL.paths["$.contacts[<key>]~"]).toMatchObject({ findings: 3, records: 2 });
    expect(report.entities.PHONE.paths["$.contacts[<key>].phone"]).toMatchObject({ findings: 3, records: 2 });
    const samples = report.samples.EMAIL.filter((s) => s.path.endsWith("~"));
    expect(samples.map((s) => [s.record_id, s.path, s.start, s.end]).sort()).toEqual(
      nameFindings.map((f) => [f.record_id, "$.contacts[<key>]~", f.start, f.end]).sort(),
    );
    const text = JSON.stringify(report);
    for (const v of ["alice", "bob@", "example.com"]) expect(text).not.toContain(v);
  });

  it("anonymize in place renames members consistently across records; a colliding record is left whole and counted", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    // The fourth record's two names would both become `<EMAIL>`.
    const data = [...records, { inbox: { "carol@example.com": 1, "dave@example.com": 2 } }];
    await postAll(token, ds.id, data);
    const started = await startJob(token, ds.id, {
      type: "anonymize",
      target: "in_place",
      operators: { EMAIL: { type: "pseudonymize" }, PHONE: { type: "pseudonymize" } },
    });
    const job = await waitForJob(token, started.id);
    expect(job.status).toBe("succeeded");
    expect(job.progress).toMatchObject({ items: 4, anonymized: 3, unchanged: 1, name_collisions: 0 });
    const after = (await allRecords(token, ds.id)).map(
      (r) => r.data as { contacts: Record<string, { phone: string }> },
    );
    const [a, b] = [Object.keys(after[0].contacts), Object.keys(after[1].contacts)];
    expect(a).toHaveLength(1);
    expect(a[0]).toMatch(/^EMAIL_[0-9a-f]+$/);
    // alice is one pseudonym in both records; bob another (stored names are in canonical order).
    expect(b).toHaveLength(2);
    expect(b).toContain(a[0]);
    const bob = b.find((n) => n !== a[0])!;
    // The same phone number under different names gets the same pseudonym.
    expect(after[1].contacts[bob].phone).toBe(after[0].contacts[a[0]].phone);
    expect(after[2]).toEqual(data[2]);
    expect(JSON.stringify(after.slice(0, 3))).not.toMatch(/alice|bob|555/);
    // Pseudonyms of distinct names differ, so the fourth record anonymized fine; now a collision.
    const ds2 = await createDataset(token);
    await postAll(token, ds2.id, [data[3], data[0]]);
    const started2 = await startJob(token, ds2.id, {
      type: "anonymize",
      target: "in_place",
      operators: { EMAIL: { type: "replace" } },
    });
    const job2 = await waitForJob(token, started2.id);
    expect(job2.status).toBe("succeeded");
    expect(job2.progress).toMatchObject({ items: 2, anonymized: 1, name_collisions: 1 });
    expect(job2.error).toBe(
      "member-name-collision: 1 records were left unchanged: anonymizing their member names would give two members of one object the same name.",
    );
    const after2 = await allRecords(token, ds2.id);
    expect(after2[0].data).toEqual(data[3]);
    expect(after2[1].data).toEqual({ contacts: { "<EMAIL>": { phone: "<PHONE>" } } });
  });

  it("anonymize into a target renames members in the copy and leaves a colliding record out", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    await postAll(token, ds.id, [records[0], { inbox: { "carol@example.com": 1, "dave@example.com": 2 } }]);
    const name = `copy-${crypto.randomUUID().slice(0, 8)}`;
    const started = await startJob(token, ds.id, {
      type: "anonymize",
      target: { dataset_name: name },
      operators: { EMAIL: { type: "tokenize" }, PHONE: { type: "redact" } },
    });
    const job = await waitForJob(token, started.id);
    expect(job.status).toBe("succeeded");
    expect(job.progress).toMatchObject({ items: 2, written: 2, name_collisions: 0 });
    const copied = await allRecords(token, started.params.target_dataset_id as string);
    const names = copied.map((r) =>
      Object.keys((r.data as { contacts?: object; inbox?: object }).contacts ?? (r.data as { inbox: object }).inbox),
    );
    expect(names.flat().every((n) => n.startsWith("TOK_EMAIL_"))).toBe(true);
    expect(JSON.stringify(copied)).not.toMatch(/alice|carol|dave/);
    const restored = await expectJson(
      await client(token).api.v1.deanonymize.$post({ json: { data: copied[0].data } }),
      200,
    );
    expect(restored.data).toEqual({ contacts: { "alice@example.com": { phone: "" } } });

    // With `replace` the second record's two names would both be `<EMAIL>`: it is not copied.
    const again = await startJob(token, ds.id, {
      type: "anonymize",
      target: { dataset_name: `${name}-2` },
      operators: { EMAIL: { type: "replace" } },
    });
    const job2 = await waitForJob(token, again.id);
    expect(job2.progress).toMatchObject({ items: 2, written: 1, name_collisions: 1 });
    expect(job2.error).toContain("member-name-collision: 1 records were not copied");
    const copied2 = await allRecords(token, again.params.target_dataset_id as string);
    expect(copied2.map((r) => r.data)).toEqual([{ contacts: { "<EMAIL>": { phone: "<PHONE>" } } }]);
  });
});
