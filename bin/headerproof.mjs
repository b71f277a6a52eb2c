#!/usr/bin/env node
// Entry point. In a clone (src/ beside this folder) the TypeScript sources run through tsx, so
// there is no build step to forget; the installed package runs what `npm pack` compiled (dist/).
import { existsSync } from 'node:fs';

if (existsSync(new URL('../src/cli/main.ts', import.meta.url))) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
} else {
  await import('../dist/src/cli/main.js');
}
