// Where a run points: the bundled lab, or a staging host named in headerproof.config.json/.ts or
// the environment (the environment wins, so CI secrets never need to be in a file). Validated
// once with zod; a mistake names the file (or variable), the field and the fix.
import { DEFAULT_APP, SHIPPED_APP_NAMES } from '../apps/shipped.js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { APP_CREDENTIAL_ENV, credentialHint, GENERIC_CREDENTIAL_ENV, needsCredentials } from '../apps/credentials.js';

export const CONFIG_FILES = ['headerproof.config.ts', 'headerproof.config.json'];

export class ConfigError extends Error {
  constructor(readonly source: string, readonly problems: { field: string; problem: string }[]) {
    super(`${source}: invalid configuration\n${problems.map((p) => `  - ${p.field || '(file)'}: ${p.problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const hostPort = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port, e.g. 10.0.0.5:443 (like curl --connect-to)');

/** Where one target of a run across several is (see src/config/targets.ts): the fields a target owns. */
const targetEntry = z.strictObject({
  /** How reports and --targets name it: lower-case letters, digits and dashes. */
  name: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'a short name of lower-case letters, digits, dots and dashes, e.g. photos or photos-v3'),
  app: z.string().regex(/^([a-z][a-z0-9-]*|.+\.(ya?ml|json))$/, `a shipped app (${SHIPPED_APP_NAMES.join(', ')}) or the path of an app config file ending in .yaml or .json`).optional(),
  target: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, e.g. https://photos-staging.example.org' }).optional(),
  /** Without target: the version the bundled local copy imitates (Immich's lab: v1.135, v3.1). */
  version: z.string().min(1).optional(),
  connectTo: hostPort.optional(),
  caFile: z.string().min(1).optional(),
  insecure: z.boolean({ error: 'must be true or false' }).optional(),
  journeysDir: z.string().min(1).optional(),
  journeys: z.array(z.string().regex(/^[a-z0-9-]+(@phone|@firefox)?$/, 'a journey name such as map, map@phone or map@firefox')).min(1).optional(),
});

export type TargetEntry = z.infer<typeof targetEntry>;

const schema = z.strictObject({
  /** The app behind the target: a shipped profile (immich, node-red, actual) or an app config file (.yaml/.json). */
  app: z.string().regex(/^([a-z][a-z0-9-]*|.+\.(ya?ml|json))$/, `a shipped app (${SHIPPED_APP_NAMES.join(', ')}) or the path of an app config file ending in .yaml or .json`).optional(),
  /** A folder of your own journeys (*.spec.ts using headerproof's fixtures), run instead of the app's. */
  journeysDir: z.string().min(1).optional(),
  target: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, e.g. https://photos-staging.example.org' }).optional(),
  /** Connect to this address instead of what DNS says for the target's name (split-horizon DNS, or a test). */
  connectTo: hostPort.optional(),
  /** PEM file with the CA (or self-signed certificate) the target's TLS certificate chains to. */
  caFile: z.string().min(1).optional(),
  /** Do not verify the target's certificate. */
  insecure: z.boolean({ error: 'must be true or false' }).optional(),
  /** The browser uses the target's real https:// origin; the proxy terminates TLS for that name. */
  preserveOrigin: z.boolean({ error: 'must be true or false' }).optional(),
  credentials: z.strictObject({
    email: z.string().min(3).optional(),
    user: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    apiKey: z.string().min(8, "an API key (from the app's account settings)").optional(),
  }).optional(),
  /** Policy files (default: every file in policies/). */
  policies: z.array(z.string().min(1)).min(1).optional(),
  /** Journeys to run (default: all). */
  journeys: z.array(z.string().regex(/^[a-z0-9-]+(@phone|@firefox)?$/, 'a journey name such as map, map@phone for its run on a phone, or map@firefox for its run in Firefox')).min(1).optional(),
  /** Browser engines (default: chromium). */
  browsers: z.array(z.enum(['chromium', 'firefox'], { error: 'chromium or firefox (WebKit cannot run here)' })).min(1).optional(),
  /**
   * Several targets for one run (apps behind one edge, or two versions of one app): each with its
   * own app and credentials (HEADERPROOF_<NAME>_USER / _PASSWORD / _API_KEY). `--targets` picks some.
   */
  targets: z.array(targetEntry).min(1).refine((t) => new Set(t.map((x) => x.name)).size === t.length, 'each target needs a name of its own').optional(),
});

export type ConfigFile = z.infer<typeof schema>;

/** A test user: a name (Immich: the e-mail) and password, a password alone (Actual), or an API key. */
export type Credentials = { user?: string; password: string } | { apiKey: string };

export interface TargetSettings {
  /** The app profile: a shipped name or an app config file's absolute path (default: immich). */
  app: string;
  /** A folder of the user's own journeys (absolute). */
  journeysDir?: string;
  /** Origin of the staging host; undefined = the bundled lab. */
  url?: string;
  connectTo?: { host: string; port: number };
  /** PEM text of extra trusted CAs for the target. */
  ca?: string;
  verifyTls: boolean;
  preserveOrigin: boolean;
  credentials?: Credentials;
  policies?: string[];
  journeys?: string[];
  /** Browser engines to run the journeys in (undefined: chromium). */
  browsers?: ('chromium' | 'firefox')[];
  /** The config file read, if any. */
  file?: string;
}

function problemsOf(err: z.ZodError): { field: string; problem: string }[] {
  return err.issues.map((i) => ({
    field: i.path.join('.'),
    problem: i.code === 'unrecognized_keys' ? `unknown field(s) ${i.keys.join(', ')}; allowed: ${Object.keys(schema.shape).join(', ')}` : i.message,
  }));
}

/** The config file named by HEADERPROOF_CONFIG, else the first of CONFIG_FILES in dir. */
export function findConfigFile(dir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.HEADERPROOF_CONFIG) {
    const named = path.resolve(dir, env.HEADERPROOF_CONFIG);
    if (!existsSync(named)) throw new ConfigError('HEADERPROOF_CONFIG', [{ field: '', problem: `${named} does not exist; fix the path or unset HEADERPROOF_CONFIG` }]);
    return named;
  }
  return CONFIG_FILES.map((f) => path.join(dir, f)).find((f) => existsSync(f));
}

export async function readConfigFile(file: string): Promise<ConfigFile> {
  let raw: unknown;
  try {
    if (file.endsWith('.json')) raw = JSON.parse(readFileSync(file, 'utf8'));
    else {
      // A TypeScript config is loaded with jiti (made for loading config files), with no cache
      // written anywhere and a fresh read every time: the same in a clone and in the package.
      const { createJiti } = await import('jiti');
      raw = await createJiti(import.meta.url, { fsCache: false, moduleCache: false }).import(file, { default: true });
    }
  } catch (err) {
    throw new ConfigError(file, [{ field: '', problem: `could not be read: ${(err as Error).message.split('\n')[0]}` }]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(file, problemsOf(parsed.error));
  return parsed.data;
}

/** File settings overlaid with the environment (HEADERPROOF_*, IMMICH_*), validated together. */
export async function resolveSettings(dir: string, env: NodeJS.ProcessEnv = process.env, options: { needCredentials?: boolean } = {}): Promise<TargetSettings> {
  const file = findConfigFile(dir, env);
  // A run for one of several targets (src/config/targets.ts) is told everything about its target
  // by the environment: the file's single-target fields and credentials are another target's.
  const oneOfSeveral = Boolean(env.HEADERPROOF_TARGET_NAME);
  const read: ConfigFile = file ? await readConfigFile(file) : {};
  const fromFile: ConfigFile = oneOfSeveral ? { ...(read.policies ? { policies: read.policies } : {}), ...(read.browsers ? { browsers: read.browsers } : {}) } : read;
  const list = (v: string | undefined) => v?.split(',').map((s) => s.trim()).filter(Boolean);
  const fromEnv = {
    app: env.HEADERPROOF_APP?.trim() || undefined,
    journeysDir: env.HEADERPROOF_JOURNEYS_DIR?.trim() || undefined,
    target: env.HEADERPROOF_TARGET?.trim() || undefined,
    connectTo: env.HEADERPROOF_CONNECT_TO?.trim() || undefined,
    caFile: env.HEADERPROOF_CA_FILE?.trim() || undefined,
    insecure: env.HEADERPROOF_INSECURE === '1' ? true : undefined,
    preserveOrigin: env.HEADERPROOF_PRESERVE_ORIGIN === '1' ? true : undefined,
    policies: list(env.HEADERPROOF_POLICIES)?.length ? list(env.HEADERPROOF_POLICIES) : undefined,
    journeys: list(env.HEADERPROOF_JOURNEYS)?.length ? list(env.HEADERPROOF_JOURNEYS) : undefined,
    browsers: list(env.HEADERPROOF_BROWSERS?.toLowerCase())?.length ? list(env.HEADERPROOF_BROWSERS?.toLowerCase()) : undefined,
  };
  const envParsed = schema.safeParse(Object.fromEntries(Object.entries(fromEnv).filter(([, v]) => v !== undefined)));
  if (!envParsed.success) {
    const names: Record<string, string> = { app: 'HEADERPROOF_APP (--app)', journeysDir: 'HEADERPROOF_JOURNEYS_DIR (--journeys-dir)', target: 'HEADERPROOF_TARGET (--target)', connectTo: 'HEADERPROOF_CONNECT_TO (--connect-to)', caFile: 'HEADERPROOF_CA_FILE (--ca-file)', journeys: 'HEADERPROOF_JOURNEYS (--journeys)', browsers: 'HEADERPROOF_BROWSERS (--browsers)' };
    throw new ConfigError('environment / command line', problemsOf(envParsed.error).map((p) => ({ ...p, field: names[p.field.split('.')[0]!] ?? p.field })));
  }
  const merged: ConfigFile = { ...fromFile, ...envParsed.data };
  const source = file ?? 'environment';

  const base = file ? path.dirname(file) : dir;
  const appSpec = merged.app ?? DEFAULT_APP;
  const app = /\.(ya?ml|json)$/.test(appSpec) ? path.resolve(fromEnv.app ? dir : base, appSpec) : appSpec;
  if (app !== appSpec && !existsSync(app)) throw new ConfigError(fromEnv.app ? 'HEADERPROOF_APP (--app)' : source, [{ field: 'app', problem: `${app} does not exist; give the path of your app config file (see docs/apps.md, "Any web app")` }]);
  // The app's own variable names (IMMICH_EMAIL, …), else headerproof's generic ones, else the file.
  const own = oneOfSeveral ? undefined : APP_CREDENTIAL_ENV[app];
  const pick = (k: 'user' | 'password' | 'apiKey') => (own?.[k] ? env[own[k]!] : undefined) || (GENERIC_CREDENTIAL_ENV[k] ? env[GENERIC_CREDENTIAL_ENV[k]!] : undefined);
  const user = pick('user') || fromFile.credentials?.user || fromFile.credentials?.email;
  const password = pick('password') || fromFile.credentials?.password;
  const apiKey = pick('apiKey') || fromFile.credentials?.apiKey;
  const needsUser = APP_CREDENTIAL_ENV[app] ? Boolean(APP_CREDENTIAL_ENV[app]!.user) : true;
  let credentials: Credentials | undefined;
  if (password && (user || !needsUser)) credentials = user ? { user, password } : { password };
  else if (apiKey) credentials = { apiKey };

  const settings: TargetSettings = {
    app,
    ...(merged.journeysDir ? { journeysDir: path.resolve(fromEnv.journeysDir ? dir : base, merged.journeysDir) } : {}),
    verifyTls: merged.insecure !== true,
    preserveOrigin: merged.preserveOrigin === true,
    ...(merged.policies ? { policies: merged.policies.map((p) => path.resolve(base, p)) } : {}),
    ...(merged.journeys ? { journeys: merged.journeys } : {}),
    ...(merged.browsers ? { browsers: [...new Set(merged.browsers)] } : {}),
    ...(file ? { file } : {}),
  };
  if (!merged.target) {
    if (merged.preserveOrigin) throw new ConfigError(source, [{ field: 'preserveOrigin', problem: 'needs an https:// target (HEADERPROOF_TARGET or "target"); the bundled lab is plain http on loopback' }]);
    return settings;
  }
  const url = new URL(merged.target);
  if (!credentials && options.needCredentials !== false && needsCredentials(app)) {
    throw new ConfigError(source, [{ field: 'credentials', problem: `a staging host needs a test user: ${credentialHint(app)}` }]);
  }
  if (merged.preserveOrigin && url.protocol !== 'https:') {
    throw new ConfigError(source, [{ field: 'preserveOrigin', problem: `needs an https:// target, got ${url.origin}` }]);
  }
  let ca: string | undefined;
  if (merged.caFile) {
    const caPath = path.resolve(base, merged.caFile);
    if (!existsSync(caPath)) throw new ConfigError(source, [{ field: 'caFile', problem: `${caPath} does not exist; point it at the PEM of your staging CA` }]);
    ca = readFileSync(caPath, 'utf8');
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError(source, [{ field: 'caFile', problem: `${caPath} is not a PEM certificate (-----BEGIN CERTIFICATE-----)` }]);
  }
  let connectTo: TargetSettings['connectTo'];
  if (merged.connectTo) {
    const i = merged.connectTo.lastIndexOf(':');
    connectTo = { host: merged.connectTo.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(merged.connectTo.slice(i + 1)) };
  }
  return { ...settings, url: url.origin, ...(credentials ? { credentials } : {}), ...(ca ? { ca } : {}), ...(connectTo ? { connectTo } : {}) };
}

/** Command-line flags shared by run, seed and audit, as the variables resolveSettings reads. */
export interface TargetFlags { app?: string; journeysDir?: string; target?: string; insecure?: boolean; preserveOrigin?: boolean; connectTo?: string; caFile?: string }

export function flagsToEnv(flags: TargetFlags): NodeJS.ProcessEnv {
  return {
    ...(flags.app ? { HEADERPROOF_APP: /\.(ya?ml|json)$/.test(flags.app) ? path.resolve(flags.app) : flags.app } : {}),
    ...(flags.journeysDir ? { HEADERPROOF_JOURNEYS_DIR: path.resolve(flags.journeysDir) } : {}),
    ...(flags.target ? { HEADERPROOF_TARGET: flags.target } : {}),
    ...(flags.insecure ? { HEADERPROOF_INSECURE: '1' } : {}),
    ...(flags.preserveOrigin ? { HEADERPROOF_PRESERVE_ORIGIN: '1' } : {}),
    ...(flags.connectTo ? { HEADERPROOF_CONNECT_TO: flags.connectTo } : {}),
    ...(flags.caFile ? { HEADERPROOF_CA_FILE: path.resolve(flags.caFile) } : {}),
  };
}

/** How the proxy, seed, audit and the reachability check connect to the target. */
export function upstreamOf(settings: TargetSettings): { verifyTls: boolean; connectTo?: { host: string; port: number }; ca?: string } {
  return { verifyTls: settings.verifyTls, ...(settings.connectTo ? { connectTo: settings.connectTo } : {}), ...(settings.ca ? { ca: settings.ca } : {}) };
}

/** The secret values of a configuration (for redaction): never print these. */
export function secretsOf(settings: Partial<TargetSettings>): string[] {
  const c = settings.credentials;
  if (!c) return [];
  return 'apiKey' in c ? [c.apiKey] : [c.password, ...(c.user ? [c.user] : [])];
}
