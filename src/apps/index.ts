// The app profiles headerproof ships, and the one a run uses: a shipped name (immich, node-red,
// actual) or an app config file (src/apps/generic/) — `--app`, HEADERPROOF_APP or the config's "app".
import { immich } from './immich/profile.js';
import { nodeRed } from './node-red/profile.js';
import { actual } from './actual/profile.js';
import { loadGenericProfile } from './generic/profile.js';
import { AppError, SeedError, type AppProfile } from './profile.js';

export { AppError, SeedError };

export const SHIPPED_APPS: readonly AppProfile[] = [immich, nodeRed, actual];

const loaded = new Map<string, AppProfile>();

/** The profile for an app setting (TargetSettings.app); throws AppError with the fix for an unknown one. */
export function appProfile(spec: string): AppProfile {
  const shipped = SHIPPED_APPS.find((a) => a.name === spec);
  if (shipped) return shipped;
  if (!/\.(ya?ml|json)$/.test(spec)) throw new AppError(`--app: "${spec}" is not an app headerproof knows; use one of ${SHIPPED_APPS.map((a) => a.name).join(', ')}, or the path of an app config file (.yaml/.json, see docs/apps.md, "Any web app")`);
  let profile = loaded.get(spec);
  if (!profile) {
    profile = loadGenericProfile(spec);
    loaded.set(spec, profile);
  }
  return profile;
}
