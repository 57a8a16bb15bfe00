/**
 * The console: one single-page app served under /console/ (staff) and /customer/ (public).
 * Its files live under /console/assets/, so one CloudFront behaviour (or the local stack)
 * serves them for both. `npm run console:dev` proxies the API to a running `npm start`.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.CONSOLE_API ?? 'http://127.0.0.1:3000';
const proxied = [
  '/_local',
  '/registrations',
  '/certificates',
  '/entitlements',
  '/products',
  '/serials',
  '/contacts',
  '/imports',
  '/self-service',
  '/health',
  '/console/config.json',
];

export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: process.env.CONSOLE_DIST ?? 'dist',
    emptyOutDir: true,
    // Source maps stay out of what browsers download; the bench counts the JavaScript sent.
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: { proxy: Object.fromEntries(proxied.map((p) => [p, api])) },
});
