// A run's orchestration (`headerproof run`, and the runs of targets, subset, plan and tune): validates
// the inputs, runs the journey matrix through Playwright Test (the same projects `npx playwright
// test` runs), settles shared passes, paced failures and blame, and turns the verdicts into an exit
// code. The CLI and tune call it; it imports nothing from the CLI.
import { readRecordsFile as readRecords, readSummaryFile, RECORDS_FILE } from '../report/files.js';
import { DEFAULT_APP } from '../apps/shipped.js';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { RUN_STATE_PREFIX } from '../config/run-plan.js';
import type { IncomingHttpHeaders } from 'node:http';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BASELINE_POLICY_FILE, loadPolicies, defaultPolicyFiles } from '../policy/files.js';
import { buildSummary } from '../verdict/summary.js';
import { describeSignIns } from '../report/sign-in.js';
import { defaultRunDir, mergeRanAlone, mergeSplit, pacedBaselineFailures, pacedFailures, writeRecords, writeReports } from '../report/summary.js';
import { ownSecurityHeaders, planShares, splitShared } from '../proxy/share.js';
import { blameRun } from '../blame/blame.js';
import { browserMachineFromEnv, handOffEnv, HAND_OFF_VARS, localCopyFromEnv, makeRunPlan, parseBrowserHost, planKnobsFromEnv, RunPlanError, writeRunPlan } from '../config/run-plan.js';
import { EngineListError, FIREFOX_SUFFIX, parseEngines, type Engine } from '../harness/engines.js';
import { PHONE_SUFFIX } from '../harness/devices.js';
import type { RanAloneWhy, Summary } from '../report/model.js';
import { flagsToEnv, resolveSettings, upstreamOf, type TargetSettings } from '../config/config.js';
import { requestTarget, upstreamAgent } from '../proxy/upstream.js';
import { appProfile, AppError, SHIPPED_APPS } from '../apps/index.js';
import type { AppProfile, LaunchedApp, LocalCopyShape } from '../apps/profile.js';
import { fixturesProblem, journeyPlan, JourneysDirError } from '../harness/journeys.js';
import { exitCodeFor, FAIL_ON, type FailOn } from '../verdict/verdict.js';
import { addLoad, describeLoad, type RunLoad } from '../proxy/host.js';

import { PACKAGE_ROOT, PLAYWRIGHT_CONFIG, SHIPPED_POLICIES } from '../paths.js';

/** The policies a run tests when none are named: the user's policies/ folder here, else the shipped bundles. */
export function defaultPolicies(dir = process.cwd()): string[] {
  const own = path.join(dir, 'policies');
  const files = existsSync(own) ? defaultPolicyFiles(own) : [];
  return files.length ? files : defaultPolicyFiles(SHIPPED_POLICIES);
}

/** A run's folder when --out is not given: reports/run-<time> under the folder it was started in. */
export function defaultOutDir(): string {
  return path.resolve(process.env.HEADERPROOF_OUT ?? defaultRunDir());
}

export class UsageError extends Error {}

export class UnreachableError extends Error {}

export interface RunOptions {
  /** The app profile: immich (default), node-red, actual, or an app config file. */
  app?: string;
  /** A folder of the user's own journeys. */
  journeysDir?: string;
  target?: string;
  policy?: string[];
  journeys?: string;
  /** Browser engines, e.g. "chromium,firefox" (src/harness/engines.ts). */
  browsers?: string;
  /** Also run the journeys whose layout differs in a phone-sized browser (journey@phone). */
  phone?: boolean;
  out?: string;
  workers?: string;
  /** How often a failing journey runs again before its failure counts (default 1). */
  retries?: string;
  insecure?: boolean;
  browserHost?: string;
  /** The browser uses the target's real https:// origin (proxy terminates TLS for that name). */
  preserveOrigin?: boolean;
  /** host:port to reach the target at instead of DNS's answer. */
  connectTo?: string;
  /** PEM of the CA the target's certificate chains to. */
  caFile?: string;
  /** Print nothing but errors (Playwright's output and the verdict lines). */
  quiet?: boolean;
  /** With quiet: still show the journeys' progress lines (a re-run inside a run the user watches). */
  progress?: boolean;
  /** Run only the policies, no baseline project (tune compares nothing, it only observes). */
  skipBaseline?: boolean;
  /** false: no blame pass for breaking policies (commander's --no-blame). */
  blame?: boolean;
  /** Blame bisects the parts instead of re-running each (src/blame/blame.ts). */
  bisect?: boolean;
  /** false: no screenshots in the report (commander's --no-screenshots). */
  screenshots?: boolean;
  /** false: every report-only candidate gets a pass of its own (commander's --no-stack). */
  stack?: boolean;
  /** false: every enforced candidate gets a pass of its own (commander's --no-share). */
  share?: boolean;
  /** The folder this run and its re-runs share (asset cache, recent requests per worker slot); made when absent. */
  stateDir?: string;
  /** Candidates whose journeys get no retry (a split's members that the findings point at). */
  noRetry?: string[];
  /** A re-run made to settle another run (a baseline journey alone): no shared, paced or blame rounds of its own. */
  settled?: boolean;
  /** The groups a re-run serves (policy names; a group of one runs alone): set by the split below. */
  shareGroups?: string[][];
  /** The least serious verdict that makes the exit code 1 (src/verdict/verdict.ts; default would-break). */
  failOn?: string;
  /** The environment this run reads its target from (default: process.env); one target's of several. */
  env?: NodeJS.ProcessEnv;
}

/** The journeys of the app (or of the user's folder) a run would have. */
export function availableJourneys(settings: Pick<TargetSettings, 'app' | 'journeysDir'> = { app: DEFAULT_APP }): string[] {
  return journeyPlan(appProfile(settings.app), settings.journeysDir).names;
}

/**
 * The headers a local copy of the app sends on its front page: one copy started, asked once and
 * stopped, before the run's workers start their own. Undefined when it cannot start here (the run's
 * own start then says why).
 */
export async function localCopyHeaders(app: AppProfile, shape: LocalCopyShape, settings: TargetSettings): Promise<IncomingHttpHeaders | undefined> {
  if (!app.launch) return undefined;
  let copy: LaunchedApp | undefined;
  try {
    copy = await app.launch(shape);
    return await checkReachable({ ...settings, url: copy.url });
  } catch {
    return undefined;
  } finally {
    await copy?.close().catch(() => {});
  }
}

/**
 * The security headers a target sends itself on its front page (a local copy is started and asked
 * once when it has no URL); undefined when it cannot be asked.
 */
export async function targetOwnHeaders(env: NodeJS.ProcessEnv): Promise<Record<string, string> | undefined> {
  const settings = await resolveSettings(process.cwd(), env);
  const upstream = settings.url ? await checkReachable(settings).catch(() => undefined)
    : await localCopyHeaders(appProfile(settings.app), localCopyFromEnv(env) ?? {}, settings);
  return upstream ? ownSecurityHeaders(upstream) : undefined;
}

/** One request to the target (through the same connection rules as the proxy) before starting browsers. */
export async function checkReachable(settings: TargetSettings, timeoutMs = 10_000): Promise<IncomingHttpHeaders> {
  const origin = new URL(settings.url!);
  const agent = upstreamAgent(origin, upstreamOf(settings));
  try {
    return (await requestTarget(origin, agent, '/', { timeoutMs, headOnly: true })).headers;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const hint = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(e.code ?? '') ? ' (its certificate is not trusted: give its CA with --ca-file, or skip verification with --insecure)' : '';
    throw new UnreachableError(`target ${origin.origin} unreachable: ${e.code ?? e.message}${hint}`);
  } finally {
    agent.destroy();
  }
}

/**
 * Splits the members of unclean shared passes (src/proxy/share.ts: those the findings point at
 * alone, the rest together, else halves) and re-runs them through `rerun` into a folder of this
 * run — only the journeys that were not clean for some member, when the pass says which — replacing
 * their records, until no verdict is unsettled. Every split group is smaller than the pass it came
 * from, so this ends; the bound is a guard.
 */
export async function settleShared(summary: Summary, outDir: string, rerun: (groups: string[][], outDir: string, journeys: string[] | undefined, noRetry: string[]) => Promise<void>): Promise<Summary> {
  let records = readRecords(outDir);
  for (let round = 1; summary.policies.some((p) => p.unsettled) && round <= 32; round++) {
    const groups: string[][] = [];
    const pointed = new Set(summary.policies.filter((x) => x.unsettled?.pointed).map((x) => x.policy.name));
    const done = new Set<string>();
    // The journeys to re-run: those not clean in some pass (all of them if a pass cannot say).
    let journeys: Set<string> | undefined = new Set();
    for (const p of summary.policies.filter((x) => x.unsettled)) {
      if (done.has(p.policy.name)) continue;
      const pass = [p.policy.name, ...p.unsettled!.with];
      const members = summary.policies.filter((x) => x.unsettled && pass.includes(x.policy.name));
      members.forEach((m) => done.add(m.policy.name));
      groups.push(...splitShared(members.map((m) => ({ name: m.policy.name, pointed: m.unsettled!.pointed }))));
      const unclean = p.unsettled!.journeys;
      if (!unclean) journeys = undefined;
      else unclean.forEach((j) => journeys?.add(j));
    }
    const folder = `split-${round}`;
    const list = journeys ? [...journeys].sort() : undefined;
    // A member re-run alone because the findings point at it already failed in the shared pass.
    await rerun(groups, path.join(outDir, folder), list, groups.filter((g) => g.length === 1 && pointed.has(g[0]!)).flat());
    if (!existsSync(path.join(outDir, folder, RECORDS_FILE))) throw new UnreachableError(`re-running the members of a shared pass that was not clean left no results (${path.join(outDir, folder)}); run again, or with --no-share`);
    const splitLoad = takeSubRun(path.join(outDir, folder));
    records = mergeSplit(records, readRecords(path.join(outDir, folder)), new Set(groups.flat()), list, folder);
    const load = addLoad(summary.load, splitLoad);
    summary = buildSummary(records, { startedAt: new Date(summary.startedAt), durationMs: Date.now() - Date.parse(summary.startedAt), ...(load ? { load } : {}) });
  }
  writeRecords(outDir, records);
  writeReports(outDir, summary);
  return summary;
}

/**
 * A re-run's folder inside this run: its own verdicts had no baseline to compare with, so only its
 * records (and its load on the target, returned) count; its summary and reports are removed.
 */
function takeSubRun(folder: string): RunLoad | undefined {
  const file = path.join(folder, 'summary.json');
  const load = existsSync(file) ? readSummaryFile(file).load : undefined;
  for (const f of ['summary.json', 'summary.md', 'index.html']) rmSync(path.join(folder, f), { force: true });
  return load;
}

/**
 * Runs each paced failure (src/report/summary.ts: pacedFailures) again alone, one policy and engine
 * at a time, and puts its result in place of the first try's (marked ranAlone), so a failure that
 * was the pacing's is not a verdict on the policy and one the policy causes still is.
 */
export async function settlePaced(summary: Summary, outDir: string, rerun: (files: string[], journeys: string[], engine: Engine, outDir: string, why: RanAloneWhy) => Promise<void>): Promise<Summary> {
  let records = readRecords(outDir);
  let load = summary.load;
  // The baseline first: every candidate is judged against it.
  for (const [i, g] of pacedBaselineFailures(records).entries()) {
    const folder = `alone-baseline-${i + 1}`;
    const heldBack = new Map(records.filter((r) => r.role === 'baseline' && g.journeys.includes(r.result.journey)).map((r) => [r.result.journey, r.result.heldBackMs ?? 0]));
    await rerun([path.join(PACKAGE_ROOT, BASELINE_POLICY_FILE)], g.journeys, g.engine, path.join(outDir, folder), 'paced');
    if (!existsSync(path.join(outDir, folder, RECORDS_FILE))) continue;
    load = addLoad(load, takeSubRun(path.join(outDir, folder)));
    records = mergeRanAlone(records, readRecords(path.join(outDir, folder)), undefined, heldBack, folder);
  }
  for (const [i, g] of pacedFailures(records).entries()) {
    const folder = `alone-${i + 1}`;
    const heldBack = new Map(records.filter((r) => r.role === 'candidate' && r.project === g.project && g.journeys.includes(r.result.journey)).map((r) => [r.result.journey, r.result.heldBackMs ?? 0]));
    await rerun([g.policyFile], g.journeys, g.engine, path.join(outDir, folder), g.why);
    if (!existsSync(path.join(outDir, folder, RECORDS_FILE))) continue; // the first try's failure stands
    load = addLoad(load, takeSubRun(path.join(outDir, folder)));
    records = mergeRanAlone(records, readRecords(path.join(outDir, folder)), g.project, heldBack, folder, g.why);
  }
  summary = buildSummary(records, { startedAt: new Date(summary.startedAt), durationMs: Date.now() - Date.parse(summary.startedAt), ...(load ? { load } : {}) });
  writeRecords(outDir, records);
  writeReports(outDir, summary);
  return summary;
}

export function parseFailOn(value: string | undefined): FailOn {
  if (value === undefined) return 'would-break';
  if (!(FAIL_ON as string[]).includes(value)) throw new UsageError(`--fail-on: "${value}" is not a verdict to fail on; use breaks (only a policy that breaks a journey fails the run) or would-break (the default: report-only findings fail it too)`);
  return value as FailOn;
}

export async function run(options: RunOptions): Promise<number> {
  if (options.stateDir) return runIn(options);
  // One folder for this run and its re-runs (split rounds, blame): the asset cache, and the requests
  // each worker slot sent in the last minute, so a re-run does not start a fresh budget on the host.
  const stateDir = mkdtempSync(path.join(os.tmpdir(), RUN_STATE_PREFIX));
  try {
    return await runIn({ ...options, stateDir });
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

async function runIn(options: RunOptions): Promise<number> {
  if (options.target !== undefined && !/^https?:\/\/[^\s/]+/.test(options.target)) throw new UsageError(`--target: "${options.target}" is not an http:// or https:// URL; use e.g. https://photos-staging.example.org`);
  // Flags beat the environment, which beats headerproof.config.* (ConfigError → exit 2).
  // They travel to the Playwright side as the same variables.
  const targetEnv: NodeJS.ProcessEnv = { ...(options.env ?? process.env), ...flagsToEnv(options) };
  const settings = await resolveSettings(process.cwd(), targetEnv);
  let known: string[];
  try {
    const app = appProfile(settings.app);
    if (!settings.url && !app.launch) throw new UsageError(`${app.title}: give its URL with --target (or HEADERPROOF_TARGET); headerproof starts a local copy only of ${SHIPPED_APPS.filter((a) => a.launch).map((a) => a.name).join(', ')}`);
    known = availableJourneys(settings);
    const problem = settings.journeysDir ? fixturesProblem(settings.journeysDir, PACKAGE_ROOT) : undefined;
    if (problem) throw new UsageError(problem);
  } catch (err) {
    if (err instanceof AppError || err instanceof JourneysDirError) throw new UsageError(err.message);
    throw err;
  }
  const policyFiles = (options.policy?.length ? options.policy.map((f) => path.resolve(f)) : settings.policies ?? defaultPolicies());
  const loaded = loadPolicies(policyFiles); // PolicyError → exit 2 before anything starts
  // The target's own security headers: a candidate that replaces one does not share a pass
  // (src/proxy/share.ts). Without a target, a local copy is started and asked once for them — only
  // when some candidates could share a pass, so a run that shares nothing starts nothing extra.
  const upstream = settings.url ? await checkReachable(settings)
    : options.share !== false && !options.shareGroups && planShares(loaded, true).groups.length
      ? await localCopyHeaders(appProfile(settings.app), localCopyFromEnv(targetEnv) ?? {}, settings) : undefined;
  const ownHeaders = upstream ? ownSecurityHeaders(upstream) : undefined;
  if (options.preserveOrigin && options.browserHost) throw new UsageError('--preserve-origin and --browser-host exclude each other: the browser uses the target\'s own name');
  const journeys = options.journeys?.split(',').map((j) => j.trim()).filter(Boolean) ?? settings.journeys ?? [];
  const baseName = (j: string) => j.replace(/@(phone|firefox)$/, '');
  const unknown = journeys.filter((j) => !known.includes(baseName(j)));
  if (unknown.length) throw new UsageError(`--journeys: unknown journey "${unknown[0]}"; available: ${known.join(', ')}`);
  let browsers: string | undefined;
  try {
    browsers = parseEngines(options.browsers)?.join(',');
  } catch (err) {
    if (err instanceof EngineListError) throw new UsageError(err.message);
    throw err;
  }
  // A missing or too old Firefox is found by playwright.config.ts (exit 2 with the fix), for this
  // run and for `npx playwright test` alike.
  let machine: ReturnType<typeof browserMachineFromEnv>;
  try {
    machine = browserMachineFromEnv(targetEnv);
    if (options.browserHost !== undefined) machine.browserHost = parseBrowserHost(options.browserHost, '--browser-host');
  } catch (err) {
    if (err instanceof RunPlanError) throw new UsageError(err.message);
    throw err;
  }
  if (options.workers !== undefined && !/^[1-9]\d?$/.test(options.workers)) throw new UsageError('--workers: a number from 1 to 99');
  const retries = options.retries ?? (process.env.HEADERPROOF_RETRIES || '1');
  if (!/^\d$/.test(retries)) throw new UsageError(`${options.retries !== undefined ? '--retries' : 'HEADERPROOF_RETRIES'}: a number from 0 to 9 (how often a failing journey runs again)`);

  const failOn = parseFailOn(options.failOn);
  const outDir = options.out ? path.resolve(options.out) : defaultOutDir();
  const require = createRequire(import.meta.url);
  const playwrightCli = path.join(path.dirname(require.resolve('@playwright/test/package.json')), 'cli.js');
  const args = [playwrightCli, 'test', '--config', PLAYWRIGHT_CONFIG,
    ...(options.workers ? ['--workers', options.workers] : []),
  ];
  // Everything the Playwright side needs, resolved here once (src/config/run-plan.ts): it reads the
  // plan, and the test user from the one variable beside it (never written to disk).
  const plain = planKnobsFromEnv(targetEnv);
  const plan = makeRunPlan(browsers ? { ...settings, browsers: browsers.split(',') as Engine[] } : settings, loaded, {
    ...plain,
    outDir,
    journeys,
    phone: options.phone ?? plain.phone,
    // A journey that fails only sometimes (a loaded machine, a slow app) is not a policy's fault:
    // it runs again, and one that passes then is reported as flaky (src/harness/reporter.ts).
    retries: Number(retries),
    noRetry: options.noRetry ?? [],
    progress: true,
    journeysOnly: true,
    skipBaseline: options.skipBaseline === true,
    screenshots: options.screenshots !== false && plain.screenshots,
    stack: options.stack !== false && plain.stack,
    share: options.share !== false,
    ...(ownHeaders && Object.keys(ownHeaders).length ? { targetHeaders: ownHeaders } : {}),
    ...(options.shareGroups ? { shareGroups: options.shareGroups } : {}),
    ...machine,
    local: localCopyFromEnv(targetEnv),
  }, { dir: options.stateDir!, owned: false });
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(options.env ?? process.env).filter(([k]) => !HAND_OFF_VARS.includes(k)));
  Object.assign(env, handOffEnv(writeRunPlan(plan), settings.credentials));
  if (settings.url && !settings.verifyTls) console.warn('headerproof: --insecure: the target\'s TLS certificate is NOT verified');
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, args, { cwd: PACKAGE_ROOT, env, stdio: options.quiet && !options.progress ? ['ignore', 'ignore', 'inherit'] : 'inherit' });
    child.on('exit', (c) => resolve(c ?? 1));
  });
  const summaryFile = path.join(outDir, 'summary.json');
  if (!existsSync(summaryFile)) {
    if (code === 2) return 2;
    throw new UnreachableError(`no journey results (Playwright exited ${code}); is the target reachable and are the journeys runnable?`);
  }
  let summary = readSummaryFile(summaryFile);
  // A shared pass that was not clean stands for none of its members: split and re-run them (against
  // this run's baseline) until each verdict is one a pass of its own would give.
  if (!options.skipBaseline && summary.policies.some((p) => p.unsettled)) {
    const fileOf = new Map(loaded.map((p) => [p.name, p.file]));
    summary = await settleShared(summary, outDir, async (groups, sub, journeyList, noRetry) => {
      if (!options.quiet) console.log(`headerproof: a shared pass was not clean; re-running ${groups.map((g) => g.join(' + ')).join(', ')}${journeyList ? ` on ${journeyList.join(', ')} (the journeys that were not clean)` : ''}`);
      await run({ ...options, policy: groups.flat().map((n) => fileOf.get(n)!), out: sub, quiet: true, progress: !options.quiet, skipBaseline: true, blame: false, shareGroups: groups, noRetry, ...(journeyList ? { journeys: journeyList.join(','), phone: false } : {}) });
    });
  }
  // A failure the proxy's own pacing held back (to stay inside the host's limit) may be the pacing's,
  // and one under a policy that only reports cannot be the policy's: each runs again alone, one
  // worker with the host's whole budget, and that run's result counts.
  if (!options.skipBaseline && !options.settled && (pacedBaselineFailures(readRecords(outDir)).length || pacedFailures(readRecords(outDir)).length)) {
    summary = await settlePaced(summary, outDir, async (files, journeyList, engine, sub, why) => {
      const what = files[0] === path.join(PACKAGE_ROOT, BASELINE_POLICY_FILE) ? ' on the baseline' : '';
      const cause = why === 'paced' ? 'while held back to keep inside the host\'s announced request limit' : `under ${path.basename(files[0]!)}, a policy that only reports (it changes nothing a page does)`;
      if (!options.quiet) console.log(`headerproof: ${journeyList.join(', ')} failed${what} ${cause}; running ${journeyList.length > 1 ? 'them' : 'it'} again alone`);
      // A baseline run alone is a run of its own (no candidate): it settles nothing further.
      await run({ ...options, policy: files, settled: true, journeys: journeyList.join(','), out: sub, quiet: true, progress: !options.quiet, skipBaseline: true, blame: false, bisect: false, phone: journeyList.some((j) => j.endsWith(PHONE_SUFFIX)), browsers: engine, share: false, stack: false, workers: '1' });
    });
  }
  if (options.blame !== false && !options.skipBaseline && summary.policies.some((p) => p.verdict === 'breaks')) {
    const runPolicies = async (files: string[], journeyList: string[], out: string): Promise<Summary> => {
      // A failing journey names its engine (timeline@firefox runs in Firefox only); plain names are Chromium's.
      const browsers = journeyList.some((j) => !j.endsWith(FIREFOX_SUFFIX)) ? 'chromium' : 'firefox';
      // These journeys failed on every try already: blame looks for the header that breaks them, and
      // a retry there would only double the time a breaking part takes.
      const code = await run({ ...options, policy: files, journeys: journeyList.join(','), out, quiet: true, progress: !options.quiet, skipBaseline: true, blame: false, bisect: false, phone: false, browsers, share: false, retries: '0' });
      if (!existsSync(path.join(out, 'summary.json'))) throw new Error(`the blame run exited ${code} without results (${out})`);
      const part = readSummaryFile(out);
      blameLoad = addLoad(blameLoad, part.load);
      return part;
    };
    let blameLoad: RunLoad | undefined;
    const firstLoad = summary.load;
    summary = await blameRun(summaryFile, runPolicies, (line) => { if (!options.quiet) console.log(line); }, { bisect: options.bisect === true });
    const load = addLoad(firstLoad, blameLoad);
    if (load) summary.load = load;
    // The run's true wall time: blame's runs included.
    summary.durationMs = Date.now() - Date.parse(summary.startedAt);
    writeReports(outDir, summary);
  }
  const exitCode = failOn === 'breaks' ? exitCodeFor(summary.baseline, summary.policies, failOn) : summary.exitCode;
  if (options.quiet) return exitCode;
  console.log(`\n${summary.policies.map((p) => `${p.policy.name}: ${p.verdict}\n  ${p.reasons.join('\n  ')}`).join('\n')}`);
  if (summary.load) console.log(`\nLoad on the target: ${describeLoad(summary.load)}`);
  const signIns = describeSignIns(summary);
  if (signIns) console.log(`Logins: ${signIns}`);
  console.log(`\nReport: ${path.relative(process.cwd(), path.join(outDir, 'index.html')) || 'index.html'}`);
  return exitCode;
}
