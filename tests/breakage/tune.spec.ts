// headerproof tune, end to end against the lab: observe → synthesize → enforce → (widen) → write,
// then prove the written policy with an independent run.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, ROOT } from '../e2e/helpers.js';
import { cspHash } from '../../src/proxy/inline-scripts.js';
import { openStore } from '../../src/collect/store.js';
import { loadPolicy } from '../../src/policy/policy.js';
import { lintPolicy } from '../../src/lint/lint.js';
import { immich } from '../../src/apps/immich/profile.js';
import type { Summary } from '../../src/report/model.js';

test.describe.configure({ mode: 'serial', timeout: 600_000 });

// In both engines: observed in Chromium and Firefox, the policy is the union of what each needs, and
// it is enforced (and proven) in both. The lab's v3 video player inserts a style into its shadow root
// at run time: its hash comes from the text the browser ran, not from the served HTML.
test('tune converges to a strict CSP that passes the journeys enforced with zero violations, in Chromium and Firefox', async ({}, testInfo) => {
  const out = testInfo.outputPath('tuned.yaml');
  // The journeys whose needs differ (boot hashes, WebAssembly, tiles and the blob worker, the
  // shadow-root style, a shared page): all eleven in two engines would add minutes to CI; tune on
  // every journey in both engines is measured on the real Immich (docs/tune-and-blame.md).
  const journeys = 'login,timeline,map,video,share-link';
  const r = await runCli(['tune', '--out', out, '--workers', '2', '--browsers', 'chromium,firefox', '--journeys', journeys]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toContain('violation groups seen in Chromium and Firefox');
  expect(r.stdout).toMatch(/1 inline block\(s\) inserted at run time hashed from the browser/);
  expect(r.stdout).not.toContain('allowance');
  expect(r.stdout).toContain('tune: iteration 1: enforcing');
  expect(r.stdout).toMatch(/Converged after \d enforced run/);

  const policy = loadPolicy(out);
  const d = policy.csp!.directives;
  expect(policy.csp!.reportOnly).toBe(false);
  expect(d['script-src']).not.toContain("'unsafe-inline'");
  expect(Object.values(d).flat()).not.toContain("'unsafe-eval'");
  expect(Object.values(d).flat().some((s) => s.includes('*'))).toBe(false);
  expect(d['script-src']!.filter((s) => s.startsWith("'sha256-"))).toHaveLength(2); // theme + bootstrap
  expect(d['worker-src']).toContain('blob:');
  // The shadow-root style by its hash; no 'unsafe-inline' for style elements.
  const shadowStyle = /export const MEDIA_CONTROLLER_STYLE = '([^']+)';/.exec(readFileSync(path.join(ROOT, 'src/apps/immich/lab/client/app.js'), 'utf8'))![1]!;
  expect(d['style-src']).toContain(cspHash(shadowStyle));
  expect(d['style-src-elem']).toBeUndefined();
  // 'unsafe-inline' only for style="…" attributes (style-src-attr), nowhere else.
  expect(Object.entries(d).filter(([, sources]) => sources.includes("'unsafe-inline'")).map(([k]) => k)).toEqual(['style-src-attr']);
  expect(d['connect-src']).toEqual(expect.arrayContaining(['https://tiles.immich.cloud', 'https://static.immich.cloud']));
  expect(d).toMatchObject({ 'default-src': ["'none'"], 'object-src': ["'none'"], 'base-uri': ["'self'"], 'frame-ancestors': ["'self'"], 'form-action': ["'self'"] });
  expect(lintPolicy(policy, immich).filter((f) => f.severity === 'high')).toEqual([]);
  const text = readFileSync(out, 'utf8');
  expect(text).toMatch(/https:\/\/tiles\.immich\.cloud.*needed by map/);
  expect(text).toContain('changes with every app build');
  expect(text).toMatch(/inserted at run time into a shadow root by .*app\.[^/]+\.js:\d+.*needed by video, video@firefox$/m);
  expect(text).toContain('# Engines: Chromium, Firefox');

  // Trusted Types, report-only first, beside it: the lab's pages register their service worker and the
  // map starts maplibre's worker with plain strings, so those sinks are named and it is not enforceable.
  const ttFile = out.replace(/\.yaml$/, '.trusted-types.yaml');
  expect(r.stdout).toContain(`Trusted Types, report-only first: `);
  const tt = loadPolicy(ttFile);
  expect(tt.csp).toEqual({ reportOnly: true, directives: { 'require-trusted-types-for': ["'script'"], 'trusted-types': ["'none'"] } });
  const ttText = readFileSync(ttFile, 'utf8');
  expect(ttText).toMatch(/^# {3}- ServiceWorkerContainer register from .*"\/service-worker\.js"/m);
  expect(ttText).toMatch(/^# {3}- Worker constructor from \/_app\/immutable\/chunks\/maplibre-gl\.[^:]+\.js:\d+:\d+ \("blob:.*"\); map, map@firefox/m);

  // An independent run of the written files: the CSP safe on every journey, nothing blocked; the
  // Trusted Types proposal would break, reporting exactly the sinks its file names.
  const runOut = testInfo.outputPath('verify');
  const verify = await runCli(['run', '--policy', out, ttFile, '--fail-on', 'breaks', '--out', runOut, '--workers', '2', '--browsers', 'chromium,firefox', '--journeys', journeys]);
  const summary = JSON.parse(readFileSync(path.join(runOut, 'summary.json'), 'utf8')) as Summary;
  const tuned = summary.policies.find((p) => p.policy.name === policy.name)!;
  expect(tuned.verdict, tuned.reasons.join(' | ')).toBe('safe');
  expect(tuned.engines?.map((e) => [e.browser, e.verdict])).toEqual([['chromium', 'safe'], ['firefox', 'safe']]);
  expect(tuned.journeys.flatMap((j) => j.violations).filter((v) => v.kind === 'csp')).toEqual([]);
  const ttRun = summary.policies.find((p) => p.policy.name === tt.name)!;
  expect(ttRun.verdict, ttRun.reasons.join(' | ')).toBe('would-break');
  const reported = ttRun.journeys.flatMap((j) => j.newViolations).filter((v) => v.blockedUrl === 'trusted-types-sink');
  expect(reported.length).toBeGreaterThan(0);
  for (const v of reported) expect(ttText, `${v.sample} from ${v.source} is named in the proposal`).toContain(`- ${v.sample.split('|')[0]} from `);
  expect(verify.code).toBe(0); // nothing breaks; the proposal's findings stay in the report
});

test('tune --from widens an existing policy only where the journeys need it, and prints the diff', async ({}, testInfo) => {
  const out = testInfo.outputPath('widened.yaml');
  const r = await runCli(['tune', '--from', 'tests/fixtures/policies/csp-narrow.yaml', '--out', out, '--workers', '2', '--journeys', 'login,map']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toContain('Changes to the starting policy:');
  expect(r.stdout).toMatch(/\+ worker-src .*blob:/);
  const policy = loadPolicy(out);
  expect(policy.set['X-Content-Type-Options']).toBe('nosniff'); // the rest of the policy is kept
  const d = policy.csp!.directives;
  expect(d['default-src']).toEqual(["'self'"]); // not loosened
  expect(d['object-src']).toEqual(["'none'"]);
  expect(d['script-src']![0]).toBe("'self'");
  expect(d['script-src']!.some((s) => s.startsWith("'sha256-"))).toBe(true);
  expect(d['connect-src']).toEqual(expect.arrayContaining(["'self'", 'https://tiles.immich.cloud']));
});

// What production browsers reported is handled like what a journey saw: a runtime style's report is
// allowed by the hash of the text the video journey's browser captured (its sample matches it); an
// inline style no journey ran cannot be hashed from a 40-character sample: the narrowest allowance,
// style-src-elem 'unsafe-inline', with its cost — or, refused, the exact list of what is left.
test('tune --from-reports: runtime styles by hash, an unknown inline style by the style-src-elem allowance or refused with --no-unsafe-styles', async ({}, testInfo) => {
  const db = testInfo.outputPath('reports.sqlite');
  const store = await openStore(db);
  const page = 'http://photos.example.org/photos/*';
  const entry = (sample: string, source: string) => ({ kind: 'csp' as const, directive: 'style-src-elem', blocked: 'inline', document: page, source, disposition: 'report' as const, sample, browser: 'Chrome' });
  await store.record([
    entry(':host { display: block; position: relati', 'http://photos.example.org/_app/immutable/entry/app.js:333'),
    entry('.tooltip-4711 { left: 12px; top: 40px }', 'http://photos.example.org/_app/immutable/chunks/tip.js:9'),
  ], {}, Date.now());
  await store.close();

  const out = testInfo.outputPath('allowed.yaml');
  const r = await runCli(['tune', '--from-reports', db, '--journeys', 'video', '--workers', '1', '--out', out]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toContain("allowance: style-src-elem 'unsafe-inline'");
  expect(r.stdout).toContain('.tooltip-4711');
  expect(r.stdout).toContain('scripts stay hash-only');
  const d = loadPolicy(out).csp!.directives;
  expect(d['style-src-elem']).toContain("'unsafe-inline'");
  expect(d['style-src-elem']!.some((s) => s.startsWith("'sha256-"))).toBe(false); // a hash would switch it off
  expect(d['script-src']).not.toContain("'unsafe-inline'");
  const text = readFileSync(out, 'utf8');
  expect(text).toMatch(/# ALLOWANCE style-src-elem 'unsafe-inline': production reported inline styles/);
  expect(text).toMatch(/inserted at run time into a shadow root .*needed by video; 1 production report on \/photos\/\*/);

  const refused = await runCli(['tune', '--from-reports', db, '--journeys', 'video', '--workers', '1', '--no-unsafe-styles', '--out', testInfo.outputPath('refused.yaml')]);
  expect(refused.code, refused.stdout + refused.stderr).toBe(1);
  expect(refused.stdout).toContain('Did NOT converge');
  expect(refused.stdout).toMatch(/refused \(--no-unsafe-styles\): style-src-elem inline "\.tooltip-4711 \{ left: 12px; top: 40px \}" from http:\/\/photos\.example\.org\/_app\/immutable\/chunks\/tip\.js:9 \(production reports\)/);
  expect(refused.stdout).not.toContain("allowance: style-src-elem");
  expect(loadPolicy(testInfo.outputPath('refused.yaml')).csp!.directives['style-src-elem']).toBeUndefined();
});
