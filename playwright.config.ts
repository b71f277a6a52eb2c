// Projects: unit tests, end-to-end tests of headerproof itself, and the journey matrix —
// "baseline" plus one project per policy. What to run comes from the run plan (src/config/run-plan.ts):
// `headerproof run` hands one over; a plain `npx playwright test` resolves it here, once, from
// headerproof.config.* and the environment (HEADERPROOF_POLICIES, default: every file in policies/).
import { fileURLToPath } from 'node:url';
import { defineConfig, type Project } from '@playwright/test';
import { chromiumLaunchOptions, firefoxLaunchOptions, firefoxProblem } from './src/harness/browser.js';
import { DEFAULT_ENGINES, FIREFOX_SUFFIX, type Engine } from './src/harness/engines.js';
import { BASELINE_POLICY_FILE } from './src/policy/files.js';
import { PolicyError, type Policy } from './src/policy/policy.js';
import { ConfigError } from './src/config/config.js';
import { currentRunPlan, RunPlanError, type RunPlan } from './src/config/run-plan.js';
import { appProfile, AppError } from './src/apps/index.js';
import { journeyPlan, JourneysDirError } from './src/harness/journeys.js';
import { planStack, STACK_PROJECT } from './src/proxy/stack.js';
import { planShares, sharedProjectName } from './src/proxy/share.js';
import { PHONE_DEVICE, selectJourneys } from './src/harness/devices.js';

// Thumbnails are fetched by Immich's service worker: make Playwright report those requests too.
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1';

// The run plan: target, policies (parsed once), journeys, engines and how to run them.
let runPlan: RunPlan;
let plan: ReturnType<typeof journeyPlan>;
try {
  runPlan = await currentRunPlan();
  // The app's journeys (or the user's own folder), and which of them have no page or a phone layout.
  plan = journeyPlan(appProfile(runPlan.settings.app), runPlan.settings.journeysDir);
} catch (err) {
  // A user mistake (config, policy file, app, journeys folder): say which file and field, exit 2, no stack trace.
  if (!(err instanceof ConfigError) && !(err instanceof AppError) && !(err instanceof JourneysDirError) && !(err instanceof PolicyError) && !(err instanceof RunPlanError)) throw err;
  console.error(err instanceof PolicyError ? err.message : `headerproof: ${err.message}`);
  process.exit(2);
}

function journeyProjects(): Project[] {
  const policies: Policy[] = runPlan.policies;
  // Desktop projects run the chosen journeys (default all); phone projects (HEADERPROOF_PHONE=1 or
  // name@phone in the list) run theirs in a phone-sized browser, reported as journey@phone.
  const chosen = selectJourneys(runPlan.journeys.length ? runPlan.journeys : undefined, runPlan.phone, runPlan.settings.browsers ?? DEFAULT_ENGINES, plan.phone);
  // Checked once, in the runner (workers re-read this file; the check runs `firefox --version`).
  // Not when merging shards' reports (nothing runs there, and the merging machine may have no Firefox).
  if (!process.env.TEST_WORKER_INDEX && !process.argv.includes('merge-reports') && chosen.desktop.firefox?.length !== 0 && 'firefox' in chosen.desktop) {
    const problem = firefoxProblem(runPlan);
    if (problem) {
      console.error(`headerproof: --browsers firefox: ${problem}`);
      process.exit(2);
    }
  }
  // Chromium projects keep the policy's name; a Firefox project is "<policy> · firefox" and its
  // journeys are reported as journey@firefox within the policy's group.
  // A stacked project serves its members side by side (src/proxy/stack.ts); the reporter splits its
  // results into one per member, and one for the baseline, which rides along (report-only headers
  // change nothing a page does; the violations no member caused are the baseline's).
  const skipBaseline = runPlan.skipBaseline;
  // A shared project (src/proxy/share.ts) serves enforced members together; the baseline never rides along.
  type Stack = { members: Policy[]; shared: boolean };
  const stackUse = (stack?: Stack) => (stack ? { stackFiles: stack.members.map((p) => p.file), shared: stack.shared } : {});
  // No retry in a shared pass: a journey failing there is re-run for the split members anyway (that
  // is its retry). Nor for a candidate a split re-runs alone because the findings point at it: its
  // journey failed in the shared pass already, so failing again alone is the second try.
  const noRetry = new Set(runPlan.noRetry);
  const retries = (name: string, stack?: Stack) => (stack?.shared || noRetry.has(name) ? { retries: 0 } : {});
  const stackMeta = (stack?: Stack) => (stack ? { stack: stack.members.map((p) => ({ name: p.name, file: p.file })), baselineInStack: !skipBaseline && !stack.shared, ...(stack.shared ? { shared: true } : {}) } : {});
  const desktopProject = (engine: Engine, name: string, policyFile: string, role: 'baseline' | 'candidate', stack?: Stack): Project[] => {
    const firefox = engine === 'firefox';
    // A journey without a page proves nothing about an engine: Chromium's run of it is the one.
    const all = chosen.desktop[engine] ?? plan.names;
    const list = firefox ? all.filter((j) => !plan.pageless.includes(j)) : all;
    if (!(engine in chosen.desktop) || list.length === 0) return [];
    return [{
      name: firefox ? `${name} · firefox` : name,
      ...plan.select(list),
      ...retries(name, stack),
      use: { policyFile, ...stackUse(stack), ...(firefox ? { browserName: 'firefox', launchOptions: firefoxLaunchOptions(runPlan) } : {}) } as Project['use'],
      metadata: { headerproof: { role, policyFile, browser: engine, ...stackMeta(stack), ...(firefox ? { group: name, suffix: FIREFOX_SUFFIX } : {}) } },
    }];
  };
  const journey = (name: string, policyFile: string, role: 'baseline' | 'candidate', stack?: Stack): Project[] => [
    ...desktopProject('chromium', name, policyFile, role, stack),
    ...desktopProject('firefox', name, policyFile, role, stack),
    ...(chosen.phone.length ? [{
      name: `${name} · phone`,
      ...plan.select(chosen.phone),
      ...retries(name, stack),
      use: { ...PHONE_DEVICE, browserName: 'chromium', policyFile, ...stackUse(stack) } as Project['use'],
      metadata: { headerproof: { role, policyFile, device: 'phone', browser: 'chromium', group: name, suffix: '@phone', ...stackMeta(stack) } },
    }] : []),
  ];
  // Report-only candidates share one pass unless the plan says not to (`headerproof run --no-stack`,
  // HEADERPROOF_STACK=0). Restriction-only ones share enforced passes when the plan says so, as
  // `headerproof run` does (unless --no-share): only it can split and re-run a pass that was not
  // clean, so a plain `npx playwright test` (a shard) gives each its own pass unless told
  // (HEADERPROOF_SHARE=1). The CLI's re-runs name their groups (lists of policy names).
  const explicit = runPlan.shareGroups;
  const byName = (n: string) => policies.find((p) => p.name === n)!;
  const { stacked, alone: rest } = explicit ? { stacked: [], alone: policies } : planStack(policies, runPlan.stack);
  const { groups, alone } = explicit
    ? { groups: explicit.filter((g) => g.length > 1).map((g) => g.map(byName)), alone: explicit.filter((g) => g.length === 1).map((g) => byName(g[0]!)) }
    : planShares(rest, runPlan.share, runPlan.targetHeaders);
  const baseline = skipBaseline || stacked.length ? [] : journey('baseline', BASELINE_POLICY_FILE, 'baseline');
  return [
    ...baseline,
    ...(stacked.length ? journey(STACK_PROJECT, BASELINE_POLICY_FILE, 'candidate', { members: stacked, shared: false }) : []),
    ...groups.flatMap((g, i) => journey(sharedProjectName(i + 1), BASELINE_POLICY_FILE, 'candidate', { members: g, shared: true })),
    ...alone.flatMap((p) => journey(p.name, p.file, 'candidate')),
  ];
}

// Against a staging host only the journey matrix runs (headerproof's own suites need the lab, and
// the installed package has none).
const journeysOnly = runPlan.journeysOnly || Boolean(runPlan.settings.url) || !import.meta.url.endsWith('.ts');
const launchOptions = chromiumLaunchOptions([], runPlan);
// A local copy the app cannot start as asked (a version the lab cannot imitate): say so now, exit 2.
const localProblem = runPlan.settings.url ? undefined : appProfile(runPlan.settings.app).localCopyProblem?.(runPlan.local);
if (localProblem) {
  console.error(`headerproof: ${localProblem}`);
  process.exit(2);
}

// `headerproof run` gives each run its own folder: Playwright's artifacts and HTML report go there
// instead of the shared test-results/ (which Playwright empties at the start of every run).
const runDir = runPlan.outDir;
// This file runs as TypeScript in a clone and compiled (dist/playwright.config.js) in the package.
const own = (file: string) => (import.meta.url.endsWith('.ts') ? file : file.replace(/\.ts$/, '.js'));

// Your own journeys import `headerproof/fixtures`. Run from this clone, that name resolves through
// the clone's own path mapping for journeys in any folder (Playwright's one `tsconfig` for every
// imported file); an installed package resolves it as a dependency of the user's project.
const journeysTsconfig = runPlan.settings.journeysDir && import.meta.url.endsWith('.ts') ? { tsconfig: fileURLToPath(new URL('./tsconfig.journeys.json', import.meta.url)) } : {};

export default defineConfig({
  ...journeysTsconfig,
  outputDir: runDir ? `${runDir}/test-results` : 'test-results',
  timeout: 60_000,
  // Generous enough for a loaded 2-core CI machine; a broken app still fails in bounded time.
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: process.env.CI ? 2 : undefined,
  // `headerproof run --retries` (plain `npx playwright test`: Playwright's own --retries, default 0).
  retries: runPlan.retries,
  forbidOnly: Boolean(process.env.CI),
  // One Chromium for all policy projects, one Firefox per worker slot (src/harness/global-setup.ts).
  globalSetup: own('./src/harness/global-setup.ts'),
  reporter: [
    // `headerproof run` shows a policy × journey grid (terminal) or one line per journey (CI).
    runPlan.progress ? [own('./src/report/progress.ts')] : [process.env.CI ? 'line' : 'list'],
    ['html', { open: 'never', outputFolder: runDir ? `${runDir}/playwright` : 'reports/playwright' }],
    ['junit', { outputFile: runDir ? `${runDir}/junit.xml` : 'reports/junit.xml' }],
    [own('./src/harness/reporter.ts')],
  ],
  use: {
    browserName: 'chromium',
    launchOptions,
    // A target that hangs or dies mid-page must fail a journey in bounded time (then the run is
    // inconclusive, exit 3), not wait for the whole test timeout.
    navigationTimeout: 15_000,
    // An action (a click, a file chooser) waits as long as an expectation, not the whole test.
    actionTimeout: 15_000,
    trace: 'off',
    screenshot: 'only-on-failure',
    serviceWorkers: 'allow',
  },
  projects: [
    ...(journeysOnly ? [] : [
      // Full CLI runs (known-breakage table, apps, tune, blame): each runs its own
      // browsers, so one at a time keeps a 2-core machine from timing journeys out. Listed first
      // so this longest serial chain starts at once while the other worker takes the rest.
      { name: 'breakage', testDir: './tests/breakage', workers: 1 },
      { name: 'unit', testDir: './tests/unit' },
      { name: 'e2e', testDir: './tests/e2e' },
    ]),
    ...journeyProjects(),
  ],
});
