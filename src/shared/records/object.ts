/** Addressing a dataset's DatasetObject: one per dataset, named from tenant and dataset ids. */
import type { DatasetRef } from "./wire";

export type DatasetNamespaceEnv = Pick<Env, "DATASET">;

/** The object name: the tenant is part of it, so no other tenant's call can reach it. */
export const datasetObjectName = (ref: DatasetRef) => `${ref.tenantId}:${ref.datasetId}`;

export function datasetObject(env: DatasetNamespaceEnv, ref: DatasetRef) {
  return env.DATASET.get(env.DATASET.idFromName(datasetObjectName(ref)));
}

export const refOf = (dataset: { id: string; tenantId: string }): DatasetRef => ({
  tenantId: dataset.tenantId,
  datasetId: dataset.id,
});
