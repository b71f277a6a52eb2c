// Several targets for one run: apps behind one edge, or two versions of one app. Each target is run
// on its own (its own baseline, app profile and credentials); this module says which targets a run
// has and what environment each target's run gets. Nothing of one target reaches another's run:
// every variable that describes a target is dropped from the parent's environment first, and a
// target's credentials come only from its own variables (HEADERPROOF_<NAME>_USER / _PASSWORD /
// _API_KEY).
import { APPS_WITH_LOCAL_VERSIONS, DEFAULT_APP } from '../apps/shipped.js';
import path from 'node:path';
import { APP_CREDENTIAL_ENV, GENERIC_CREDENTIAL_ENV } from '../apps/credentials.js';
import type { ConfigFile, TargetEntry } from './config.js';

export class TargetsError extends Error {}

/** The variables that describe one target (where, which app, as whom): never inherited by a target's run. */
const TARGET_VARS = ['HEADERPROOF_APP', 'HEADERPROOF_TARGET', 'HEADERPROOF_LAB_VERSION', 'HEADERPROOF_CONNECT_TO', 'HEADERPROOF_CA_FILE',
  'HEADERPROOF_INSECURE', 'HEADERPROOF_PRESERVE_ORIGIN', 'HEADERPROOF_JOURNEYS_DIR', 'HEADERPROOF_JOURNEYS', 'HEADERPROOF_TARGET_NAME',
  ...[GENERIC_CREDENTIAL_ENV, ...Object.values(APP_CREDENTIAL_ENV)].flatMap((c) => [c.user, c.password, c.apiKey].filter((v): v is string => Boolean(v)))];

/** The shipped apps headerproof can start a local copy of (a target named by its app alone). */
const LOCAL_APPS = Object.keys(APP_CREDENTIAL_ENV);

/** "photos" → HEADERPROOF_PHOTOS_PASSWORD's prefix. */
export function credentialPrefix(name: string): string {
  return `HEADERPROOF_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
}

/**
 * The targets a run has: `--targets` (comma-separated names from the config file's "targets", or a
 * shipped app's local copy: immich, immich@v1.135, node-red, actual), else every target the config
 * file lists; undefined when the run has a single target.
 */
export function selectTargets(spec: string | undefined, file: ConfigFile | undefined, source = 'the config file'): TargetEntry[] | undefined {
  const listed = file?.targets ?? [];
  if (spec === undefined) return listed.length ? listed : undefined;
  const names = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (!names.length) throw new TargetsError('--targets: name at least one target');
  const chosen = names.map((n): TargetEntry => {
    const entry = listed.find((t) => t.name === n);
    if (entry) return entry;
    const [app, version] = n.split('@') as [string, string | undefined];
    if (LOCAL_APPS.includes(app)) return { name: version ? `${app}-${version}` : app, app, ...(version ? { version } : {}) };
    const known = [...listed.map((t) => t.name), ...LOCAL_APPS.map((a) => (APPS_WITH_LOCAL_VERSIONS.includes(a) ? `${a}[@version]` : a))];
    throw new TargetsError(`--targets: "${n}" is neither a target in ${source} nor a local copy; use one of ${known.join(', ')}`);
  });
  const seen = new Set<string>();
  for (const t of chosen) {
    if (seen.has(t.name)) throw new TargetsError(`--targets: "${t.name}" is named twice`);
    seen.add(t.name);
  }
  return chosen;
}

/**
 * The environment of one target's run: the parent's, without anything that describes a target,
 * plus this target's fields and its own credentials. Relative paths are the config file's.
 */
export function targetEnv(entry: TargetEntry, parent: NodeJS.ProcessEnv, baseDir: string): NodeJS.ProcessEnv {
  // Every target's own credentials (this one's too) are dropped; this one's come back by generic name.
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(parent).filter(([k]) => !TARGET_VARS.includes(k) && !/^HEADERPROOF_.+_(USER|PASSWORD|API_KEY)$/.test(k)));
  const app = entry.app ?? DEFAULT_APP;
  if (entry.version && entry.target) throw new TargetsError(`target "${entry.name}": "version" picks what a local copy imitates; a staging host (target) reports its own version — remove one of them`);
  if (entry.version && !APPS_WITH_LOCAL_VERSIONS.includes(app)) throw new TargetsError(`target "${entry.name}": only ${APPS_WITH_LOCAL_VERSIONS.join(', ')}'s bundled copy imitates versions; the local ${app} is the version real-apps/ pins — remove "version"`);
  const resolve = (p: string) => path.resolve(baseDir, p);
  Object.assign(env, {
    HEADERPROOF_TARGET_NAME: entry.name,
    HEADERPROOF_APP: /\.(ya?ml|json)$/.test(app) ? resolve(app) : app,
    ...(entry.target ? { HEADERPROOF_TARGET: entry.target } : {}),
    ...(entry.version ? { HEADERPROOF_LAB_VERSION: entry.version } : {}),
    ...(entry.connectTo ? { HEADERPROOF_CONNECT_TO: entry.connectTo } : {}),
    ...(entry.caFile ? { HEADERPROOF_CA_FILE: resolve(entry.caFile) } : {}),
    ...(entry.insecure ? { HEADERPROOF_INSECURE: '1' } : {}),
    ...(entry.journeysDir ? { HEADERPROOF_JOURNEYS_DIR: resolve(entry.journeysDir) } : {}),
    ...(entry.journeys ? { HEADERPROOF_JOURNEYS: entry.journeys.join(',') } : {}),
  });
  const prefix = credentialPrefix(entry.name);
  for (const k of ['user', 'password', 'apiKey'] as const) {
    const value = parent[`${prefix}${k === 'apiKey' ? 'API_KEY' : k.toUpperCase()}`];
    if (value) env[GENERIC_CREDENTIAL_ENV[k]!] = value;
  }
  return env;
}
