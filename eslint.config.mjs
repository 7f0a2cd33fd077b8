// ESLint: typescript-eslint's recommended rules plus an import-cycle check, so the folder map in
// the README (which way imports go) stays true. Formatting is prettier's job, not the linter's.
import js from "@eslint/js";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";
import globals from "globals";
import tseslint from "typescript-eslint";

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
