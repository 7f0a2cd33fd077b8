// ESLint: typescript-eslint's recommended rules plus an import-cycle check, so the folder map in
// the README (which way imports go) stays true. Formatting is prettier's job, not the linter's.
import js from "@eslint/js";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";
import globals from "globals";
import tseslint from "typescript-eslint";

// The layers of src/shared (README, design section: "Folders and import directions").
const FOUNDATIONS = [
  "./src/shared/crypto",
  "./src/shared/db",
  "./src/shared/json",
  // errors, ids, pagination, etag, cache-ttl, promise-cache
  "./src/shared/*.ts",
];
const ENGINES = [
  "./src/shared/pii",
  "./src/shared/anonymize",
  "./src/shared/audit",
  "./src/shared/auth",
  "./src/shared/transit",
  "./src/shared/json-schema",
];
const FEATURES = [
  "./src/shared/tenants",
  "./src/shared/datasets",
  "./src/shared/records",
  "./src/shared/search",
  "./src/shared/jobs",
  "./src/shared/imports",
  "./src/shared/exports",
  "./src/shared/queue",
];

export default tseslint.config(
  { ignores: ["node_modules/", "**/dist/", ".wrangler/", "bench-results/", "src/worker-configuration.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { "import-x": importX },
    settings: { "import-x/resolver-next": [createTypeScriptImportResolver()] },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // `catch {}` is how a best-effort cleanup says "nothing to do"; other empty blocks are not.
      "no-empty": ["error", { allowEmptyCatch: true }],
    },
  },
  {
    // Which way imports go (the folder map in the README's design section): the edge (workers/)
    // → Durable Objects → src/shared, never back; inside src/shared, features → engines →
    // foundations, never back; pii/ finds and never changes a value, so it never imports
    // anonymize/. schema/ (the zod contract) is free to read the limits it publishes.
    files: ["src/**/*.ts", "durable-objects/**/*.ts", "workers/**/*.ts"],
    rules: {
      // `import("…").T` type expressions slip past the zones below; a type import does not.
      "no-restricted-syntax": [
        "error",
        { selector: "TSImportType", message: "Use `import type` so the import-direction rule sees it." },
      ],
      "import-x/no-restricted-paths": [
        "error",
        {
          basePath: import.meta.dirname,
          zones: [
            {
              target: "./src",
              from: ["./workers", "./durable-objects"],
              message:
                "src/shared has no HTTP and hosts no object: declare an interface here for the object to implement.",
            },
            {
              target: "./durable-objects",
              from: "./workers",
              message: "Objects are called by the workers, not the reverse.",
            },
            { target: "./workers/api", from: "./workers/queue-consumer", message: "Share it through src/shared." },
            { target: "./workers/queue-consumer", from: "./workers/api", message: "Share it through src/shared." },
            {
              target: [...FOUNDATIONS],
              from: [...ENGINES, ...FEATURES, "./src/shared/schema"],
              message: "Foundations (crypto, db, json, the root modules) import no engine or feature.",
            },
            {
              target: ENGINES,
              from: FEATURES,
              message: "Engines (pii, anonymize, audit, auth, transit, json-schema) import no feature folder.",
            },
            {
              target: "./src/shared/pii",
              from: ENGINES.filter((e) => e !== "./src/shared/pii"),
              message: "pii/ is detection only: what acts on findings lives in anonymize/ and imports pii/.",
            },
          ],
        },
      ],
    },
  },
  {
    // k6 scripts (and the runner's fixtures) get k6's init-context globals.
    files: ["load/k6/**/*.js", "load/fixtures/**/*.js"],
    languageOptions: { globals: { __ENV: "readonly", __VU: "readonly", __ITER: "readonly" } },
  },
  {
    // Tests read untyped JSON answers; a typed client (hono/client) would remove these.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["**/*.mjs", "**/*.js"],
    languageOptions: { globals: globals.node },
  },
);
