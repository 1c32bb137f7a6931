import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// `npm run screenshots`: rewrites the Marketplace images (images/) and the README screenshot (docs/hub.png).
// Kept out of `npm run test:e2e` so test runs never touch committed files.
export default defineConfig({ ...base, testDir: "test/screenshots" });
