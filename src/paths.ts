// Where headerproof's own files are, in a clone (TypeScript run through tsx) and in the installed
// package (compiled to dist/ at pack time): one home for both layouts.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** True in a clone run from the TypeScript sources; false in the compiled package. */
export const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** The folder of playwright.config.{ts,js} and src/: the clone's root, or the package's dist/. */
export const CODE_ROOT = path.resolve(HERE, '..');

/** The folder of package.json, policies/ and examples/: the clone's root, or the installed package. */
export const PACKAGE_ROOT = existsSync(path.join(CODE_ROOT, 'package.json')) ? CODE_ROOT : path.resolve(CODE_ROOT, '..');

/** The Playwright config every run uses. */
export const PLAYWRIGHT_CONFIG = path.join(CODE_ROOT, FROM_SOURCE ? 'playwright.config.ts' : 'playwright.config.js');

/** The rollout bundles shipped with headerproof. */
export const SHIPPED_POLICIES = path.join(PACKAGE_ROOT, 'policies');
