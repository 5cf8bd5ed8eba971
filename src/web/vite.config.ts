import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** The back office (SPEC §8): built into src/web/dist, served by Croupier at / (see serve.ts). */
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // No inline scripts or data-URL modules: the page's Content-Security-Policy allows only 'self'.
    assetsInlineLimit: 0,
  },
  logLevel: 'warn',
});
