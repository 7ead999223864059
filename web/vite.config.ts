/// <reference types="vitest/config" />
// The console is built into dist/ and served by the API at "/"; in development `npm run dev` proxies
// /api (and the live feed's WebSocket) to a Kuzet server, by default the demo on port 8051.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const api = process.env["KUZET_API"] ?? "http://127.0.0.1:8051";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // Everything is a file of the build; nothing inlined as data: URLs that the CSP would have to allow.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        // MapLibre's worker is an .mjs file; as .js every server sends it with a JavaScript MIME type
        // (a module worker with another type is refused under X-Content-Type-Options: nosniff).
        assetFileNames: (asset) =>
          asset.names.some((name) => name.endsWith(".mjs"))
            ? "assets/[name]-[hash].js"
            : "assets/[name]-[hash][extname]",
      },
    },
  },
  server: {
    port: 5173,
    proxy: { "/api": { target: api, ws: true, changeOrigin: false } },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
