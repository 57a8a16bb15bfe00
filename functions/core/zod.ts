/**
 * zod's tree-shakable "mini" API, with English messages for the issues our own
 * messages do not cover. The classic `z` namespace is not tree-shakable and made each
 * function bundle ~450 KB. Import as `import * as z from './zod.ts'` so esbuild keeps
 * only what is used (re-exporting a namespace object would keep everything).
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
