/** A dataset's search settings: checking them, and reading them from the dataset row. */
import { validationFailed } from "../errors";
import type { SearchSettings } from "../schema/search";
import { parsePaths } from "./paths";

/** 422 naming every path outside the supported JSONPath subset. */
export function checkSearchSettings(settings: SearchSettings | null | undefined, root = "$.search.paths"): void {
  if (!settings) return;
  const { errors } = parsePaths(settings.paths, root);
  if (errors.length) throw validationFailed(errors, "Some search paths are not supported JSON paths.");
}

/** The settings of a dataset row when search is on, else null. */
export function enabledSearch(row: { search: string | null }): SearchSettings | null {
  if (row.search === null) return null;
  const s = JSON.parse(row.search) as SearchSettings;
  return s.enabled ? s : null;
}
