import { defineConfig } from "drizzle-kit";

// Migrations are generated as flat NNNN_name.sql files, the layout wrangler and
// readD1Migrations read.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/shared/db/schema.ts",
  out: "./migrations",
});
