// The web UI is a static bundle served by `overlook serve`; it talks only to the server's HTTP API.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 2000 },
  // `npm run web:dev` proxies the API to a running `overlook serve` on the default port.
  server: { proxy: { '/api': 'http://127.0.0.1:19999', '/x-overlook': 'http://127.0.0.1:19999', '/login/embed': 'http://127.0.0.1:19999' } },
});
