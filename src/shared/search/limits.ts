/** Search limits, stated in the README and the OpenAPI document. */

/** Longest query, in UTF-16 code units. */
export const MAX_QUERY_LENGTH = 512;
/** Most word tokens in one query (a phrase counts each of its words). */
export const MAX_QUERY_TERMS = 32;
/** Deepest nesting of parentheses in a query. */
export const MAX_QUERY_DEPTH = 8;
/** Results per page: default and maximum. */
export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 100;
/** Tokens indexed per record; text beyond them is stored but not searchable. */
export const MAX_TOKENS_PER_RECORD = 50_000;
/** Indexed JSON paths per dataset. */
export const MAX_SEARCH_PATHS = 32;
/** Datasets searched at once when a search spans the tenant. */
export const FANOUT_CONCURRENCY = 6;
/** Datasets a tenant-wide search covers at most (the search says when it stopped short). */
export const MAX_FANOUT_DATASETS = 200;
/** Records re-indexed per object call (one transaction) of a rebuild. */
export const REBUILD_CHUNK_RECORDS = 200;
/** Object chunks per queue message of a rebuild. */
export const REBUILD_CHUNKS_PER_MESSAGE = 5;
/** Characters of context on each side of the first hit in a snippet. */
export const SNIPPET_CONTEXT = 60;
