import type { AppProfile } from '../profile.js';
export function loadGenericProfile(file: string): AppProfile { throw new Error(`not yet: ${file}`); }
