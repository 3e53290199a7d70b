import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web UI: built into dist-web and served by the payapp process itself (src/http/app.ts).
export default defineConfig({
  root: 'src/web',
  plugins: [react()],
  build: { outDir: '../../dist-web', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1000 },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/respond': 'http://127.0.0.1:3000', '/dev': 'http://127.0.0.1:3000' } },
});
