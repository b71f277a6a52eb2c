// The run plan: everything one Playwright run needs — the target's settings, the parsed policies,
// the journeys and engines, and how to run them — resolved once, validated with zod and written
// once. `headerproof run` makes one per Playwright run it starts; a plain `npx playwright test`
// makes one in playwright.config.ts from headerproof.config.* and the environment. Below that, the
// Playwright config, global setup, fixtures and reporter read the plan, and three variables only:
//   HEADERPROOF_PLAN             the plan file's path;
//   HEADERPROOF_CREDENTIALS      the target's test user (kept out of the file: never on disk);
//   HEADERPROOF_SHARED_BROWSERS  the browsers global setup started, for the workers.
// This module is the one place that reads the user's other HEADERPROOF_* knobs (planKnobsFromEnv).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { resolveSettings, type Credentials, type TargetSettings } from './config.js';
import { defaultPolicyFiles, loadPolicies } from '../policy/files.js';
import type { Policy } from '../policy/policy.js';

export const RUN_PLAN_VAR = 'HEADERPROOF_PLAN';
export const CREDENTIALS_VAR = 'HEADERPROOF_CREDENTIALS';
export const SHARED_BROWSERS_VAR = 'HEADERPROOF_SHARED_BROWSERS';
/** The hand-off variables: a nested run (headerproof's own tests) must not inherit an enclosing run's. */
export const HAND_OFF_VARS = [RUN_PLAN_VAR, CREDENTIALS_VAR, SHARED_BROWSERS_VAR];
/** Every run's shared folder (the asset cache, src/proxy/host.ts's pacing state, the plan) starts with this. */
export const RUN_STATE_PREFIX = 'headerproof-run-';

const policySchema = z.strictObject({
  name: z.string(),
  description: z.string(),
  file: z.string(),
  csp: z.strictObject({ reportOnly: z.boolean(), alongside: z.boolean().optional(), directives: z.record(z.string(), z.array(z.string())) }).optional(),
  set: z.record(z.string(), z.string()),
  remove: z.array(z.string()),
  paths: z.array(z.string()).optional(),
});

const settingsSchema = z.strictObject({
  app: z.string().min(1),
  journeysDir: z.string().optional(),
  url: z.string().optional(),
  connectTo: z.strictObject({ host: z.string(), port: z.number().int() }).optional(),
  ca: z.string().optional(),
  verifyTls: z.boolean(),
  preserveOrigin: z.boolean(),
  policies: z.array(z.string()).optional(),
  journeys: z.array(z.string()).optional(),
  browsers: z.array(z.enum(['chromium', 'firefox'])).optional(),
  file: z.string().optional(),
});

/** How to run: what `headerproof run`'s options (or a plain run's variables) say. */
const knobsSchema = z.strictObject({
  /** The run's folder (reports, Playwright's artifacts); undefined: reports/run-<time>. */
  outDir: z.string().optional(),
  /** Journeys chosen (names, name@phone, name@firefox); empty: all. */
  journeys: z.array(z.string()),
  /** Also run the journeys whose layout differs in a phone-sized browser. */
  phone: z.boolean(),
  /** How often a failing journey runs again (Playwright's retries). */
  retries: z.number().int().min(0).max(9),
  /** Candidates whose journeys get no retry (a split's members the findings point at). */
  noRetry: z.array(z.string()),
  /** `headerproof run` shows the progress grid and prints the verdicts itself. */
  progress: z.boolean(),
  /** Only the journey matrix (not headerproof's own test suites). */
  journeysOnly: z.boolean(),
  /** No baseline project (tune observes; a re-run compares with its parent's baseline). */
  skipBaseline: z.boolean(),
  screenshots: z.boolean(),
  /** Report-only candidates share one pass. */
  stack: z.boolean(),
  /** Restriction-only enforced candidates share passes (only the CLI can split an unclean one). */
  share: z.boolean(),
  /** The target's own security headers (a candidate replacing one does not share a pass). */
  targetHeaders: z.record(z.string(), z.string()).optional(),
  /** The groups a re-run serves (policy names; a group of one runs alone). */
  shareGroups: z.array(z.array(z.string())).optional(),
  /** A page whose own scripts a policy blocked is closed early (src/observe/boot-failure.ts). */
  failFast: z.boolean(),
  /** One browser per engine for the whole run (else one per worker). */
  sharedBrowser: z.boolean(),
  upstreamTimeoutMs: z.number().int().positive().optional(),
  /** A non-loopback name the browser uses for the proxy. */
  browserHost: z.string().optional(),
  /** Browser binaries to drive instead of the ones found. */
  chromium: z.string().optional(),
  firefox: z.string().optional(),
  /** What a local copy the app's profile starts looks like (the lab: version, build id, onboarding). */
  local: z.strictObject({ version: z.string().optional(), build: z.string().optional(), onboarded: z.boolean().optional() }),
});

const planSchema = z.strictObject({
  version: z.literal(1),
  settings: settingsSchema,
  policies: z.array(policySchema),
  /** The folder this run (and its re-runs) shares. */
  stateDir: z.string(),
  /** A plain run made the folder itself: its reporter removes it at the end. */
  ownsStateDir: z.boolean(),
}).extend(knobsSchema.shape);

export type RunPlan = z.infer<typeof planSchema>;
export type RunKnobs = z.infer<typeof knobsSchema>;
/** What the browser side needs from the machine and the run: binaries and the proxy's name. */
export type BrowserMachine = Pick<RunKnobs, 'chromium' | 'firefox' | 'browserHost'>;

export class RunPlanError extends Error {}

const HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

/** A --browser-host / HEADERPROOF_BROWSER_HOST value, checked; undefined when empty. */
export function parseBrowserHost(value: string | undefined, source: string): string | undefined {
  const host = value?.trim().toLowerCase();
  if (!host) return undefined;
  if (!HOST_NAME.test(host)) throw new RunPlanError(`${source}: "${host}" is not a host name such as app.lab.test`);
  return host;
}

/** The browser binaries the environment names (HEADERPROOF_CHROMIUM, HEADERPROOF_FIREFOX) and the proxy's name. */
export function browserMachineFromEnv(env: NodeJS.ProcessEnv = process.env): BrowserMachine {
  const host = parseBrowserHost(env.HEADERPROOF_BROWSER_HOST, 'HEADERPROOF_BROWSER_HOST');
  return {
    ...(env.HEADERPROOF_CHROMIUM ? { chromium: env.HEADERPROOF_CHROMIUM } : {}),
    ...(env.HEADERPROOF_FIREFOX ? { firefox: env.HEADERPROOF_FIREFOX } : {}),
    ...(host ? { browserHost: host } : {}),
  };
}

/** The local copy's shape from the environment (the lab's HEADERPROOF_LAB_VERSION / _BUILD / _ONBOARDED). */
export function localCopyFromEnv(env: NodeJS.ProcessEnv = process.env): RunKnobs['local'] {
  return {
    ...(env.HEADERPROOF_LAB_VERSION ? { version: env.HEADERPROOF_LAB_VERSION } : {}),
    ...(env.HEADERPROOF_LAB_BUILD ? { build: env.HEADERPROOF_LAB_BUILD.replace(/[^A-Za-z0-9]/g, '') } : {}),
    ...(env.HEADERPROOF_LAB_ONBOARDED === '0' ? { onboarded: false } : {}),
  };
}

const json = <T>(value: string | undefined, name: string): T | undefined => {
  if (!value) return undefined;
  try {
    return JSON.parse(value) as T;
  } catch {
    throw new RunPlanError(`${name}: not valid JSON`);
  }
};

/**
 * A plain `npx playwright test`'s knobs: the variables a user (or a CI recipe) sets for it. The
 * CLI sets the same fields from its options instead.
 */
export function planKnobsFromEnv(env: NodeJS.ProcessEnv = process.env): RunKnobs {
  const list = (v: string | undefined) => v?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  const timeout = Number(env.HEADERPROOF_UPSTREAM_TIMEOUT_MS);
  const targetHeaders = json<Record<string, string>>(env.HEADERPROOF_TARGET_HEADERS, 'HEADERPROOF_TARGET_HEADERS');
  return {
    ...(env.HEADERPROOF_OUT ? { outDir: path.resolve(env.HEADERPROOF_OUT) } : {}),
    journeys: list(env.HEADERPROOF_JOURNEYS),
    phone: env.HEADERPROOF_PHONE === '1',
    retries: 0,
    noRetry: [],
    progress: false,
    journeysOnly: env.HEADERPROOF_JOURNEYS_ONLY === '1',
    skipBaseline: false,
    screenshots: env.HEADERPROOF_SCREENSHOTS !== '0',
    stack: env.HEADERPROOF_STACK !== '0',
    share: env.HEADERPROOF_SHARE === '1',
    ...(targetHeaders ? { targetHeaders } : {}),
    failFast: env.HEADERPROOF_FAIL_FAST !== '0',
    sharedBrowser: env.HEADERPROOF_SHARED_BROWSER !== '0',
    ...(timeout > 0 ? { upstreamTimeoutMs: timeout } : {}),
    ...browserMachineFromEnv(env),
    local: localCopyFromEnv(env),
  };
}

/** The plan of one Playwright run, validated: settings without their secrets, the loaded policies. */
export function makeRunPlan(settings: TargetSettings, policies: Policy[], knobs: RunKnobs, state: { dir: string; owned: boolean }): RunPlan {
  const { credentials: _secret, ...rest } = settings;
  const plan = { version: 1 as const, settings: rest, policies, stateDir: state.dir, ownsStateDir: state.owned, ...knobs };
  const parsed = planSchema.safeParse(plan);
  if (!parsed.success) throw new RunPlanError(`the run plan is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Writes the plan into the run's state folder (readable by this user only); returns its path. */
export function writeRunPlan(plan: RunPlan): string {
  mkdirSync(plan.stateDir, { recursive: true, mode: 0o700 });
  const file = path.join(plan.stateDir, `plan-${randomBytes(4).toString('hex')}.json`);
  writeFileSync(file, `${JSON.stringify(plan, null, 1)}\n`, { mode: 0o600 }); // a new file: created with this mode
  return file;
}

/** The variables that hand a plan (and the target's test user) to a Playwright run. */
export function handOffEnv(planFile: string, credentials: Credentials | undefined): NodeJS.ProcessEnv {
  return { [RUN_PLAN_VAR]: planFile, ...(credentials ? { [CREDENTIALS_VAR]: JSON.stringify(credentials) } : {}) };
}

export function readRunPlan(file: string): RunPlan {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RunPlanError(`${RUN_PLAN_VAR}: ${file} could not be read (${(err as Error).message.split('\n')[0]}); run through headerproof run, or unset ${RUN_PLAN_VAR}`);
  }
  const parsed = planSchema.safeParse(raw);
  if (!parsed.success) throw new RunPlanError(`${RUN_PLAN_VAR}: ${file} is not a run plan this headerproof writes (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  return parsed.data;
}

let current: RunPlan | undefined;

/**
 * This Playwright run's plan. The first call in a process without one (a plain `npx playwright
 * test`'s runner) resolves it from headerproof.config.* and the environment, writes it and hands
 * it to the workers it starts; every other call reads it.
 */
export async function currentRunPlan(dir = process.cwd()): Promise<RunPlan> {
  if (current) return current;
  const file = process.env[RUN_PLAN_VAR];
  if (file) return (current = readRunPlan(file));
  const env = process.env;
  const settings = await resolveSettings(dir, env);
  // settings.policies holds HEADERPROOF_POLICIES or the config file's list (resolveSettings).
  const policies = loadPolicies(settings.policies ?? defaultPolicyFiles());
  const knobs = planKnobsFromEnv(env);
  if (!knobs.journeys.length && settings.journeys) knobs.journeys = settings.journeys;
  const stateDir = path.join(os.tmpdir(), `${RUN_STATE_PREFIX}${process.pid}`);
  current = makeRunPlan(settings, policies, knobs, { dir: stateDir, owned: true });
  Object.assign(process.env, handOffEnv(writeRunPlan(current), settings.credentials));
  return current;
}

/** The plan already read or resolved in this process (the reporter's and fixtures' synchronous view). */
export function runPlanSync(): RunPlan {
  if (current) return current;
  const file = process.env[RUN_PLAN_VAR];
  if (!file) throw new RunPlanError(`no run plan: ${RUN_PLAN_VAR} is not set (playwright.config.ts makes one)`);
  return (current = readRunPlan(file));
}

/** The target's test user handed to this run, if any. */
export function runCredentials(): Credentials | undefined {
  return json<Credentials>(process.env[CREDENTIALS_VAR], CREDENTIALS_VAR);
}
