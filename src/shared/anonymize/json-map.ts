/**
 * Rebuilding a JSON value whose leaves and member names may both change (anonymizing, restoring). Each callback gets
 * the path in the input and the path in the output, which differ below a renamed member. A rename that gives two
 * members of one object the same name is refused (MemberNameCollision), never merged.
 */
import { ProblemError } from "../errors";
import { pathSegment } from "../json/i-json";

/**
 * Two members of one object would end up with the same name. `path` is the object's path in the output, so it holds
 * no name that was replaced.
 */
export class MemberNameCollision extends ProblemError {
  constructor(
    readonly path: string,
    action: JsonMapper["action"] = "anonymizing",
  ) {
    const doing = action === "restoring" ? "Restoring" : "Anonymizing";
    super(422, "member-name-collision", {
      detail: `${doing} the member names of an object would give two of its members the same name; nothing was changed.`,
      errors: [{ path, message: "Two member names of this object would become the same." }],
    });
  }
}

export interface JsonMapper {
  /** The new value of a scalar leaf (string, number, boolean, null). */
  leaf: (value: unknown, inPath: string, outPath: string) => Promise<unknown>;
  /** The new name of the member at `inPath` (whose parent is at `outParent` in the output). */
  name: (name: string, inPath: string, outParent: string) => Promise<string>;
  /** What the renames do, for the words of a MemberNameCollision (default "anonymizing"). */
  action?: "anonymizing" | "restoring";
}

/**
 * A copy of `value` with leaves and member names as `mapper` says; objects and arrays are copied.
 * @throws MemberNameCollision (422) when two members of one object would get the same name.
 * @example await mapJson({ "a@b.example": 1 }, { leaf: async (v) => v, name: async () => "<EMAIL>" }) // { "<EMAIL>": 1 }
 */
export async function mapJson(value: unknown, mapper: JsonMapper, inPath = "$", outPath = "$"): Promise<unknown> {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++)
      out.push(await mapJson(value[i], mapper, pathSegment(inPath, i), pathSegment(outPath, i)));
    return out;
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const memberIn = pathSegment(inPath, k);
      const name = await mapper.name(k, memberIn, outPath);
      if (Object.hasOwn(out, name)) throw new MemberNameCollision(outPath, mapper.action);
      // defineProperty: a "__proto__" name must stay a plain member, not set the prototype.
      Object.defineProperty(out, name, {
        value: await mapJson(v, mapper, memberIn, pathSegment(outPath, name)),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return mapper.leaf(value, inPath, outPath);
}
