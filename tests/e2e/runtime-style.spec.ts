// A style the app inserts into a shadow root at run time (Immich v3's media-chrome video player; the
// lab's v3 shape imitates it), and the harness's own insertions: in both engines, through the real
// CLI, proxy and lab.
// - Without the style's hash, an enforced strict style-src blocks it: would-break in the video
//   journey, in Chromium and Firefox; report-only reports it the same way.
// - With the hash the browser-captured text gives, the same policy is safe in both engines, with no
//   CSP violation at all — although in Firefox Playwright's screenshotter appends
//   `<style>body {}</style>` under the page's CSP (at the end of every journey, and in the map
//   journey's canvas check): that insertion is set aside as the harness's own, and counted.
import { test, expect } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { runCli, ROOT } from './helpers.js';
import { startLab } from '../../src/apps/immich/lab/server.js';
import { cspHash, extractInlineBlocks } from '../../src/proxy/inline-scripts.js';
import type { Summary } from '../../src/report/model.js';

test.describe.configure({ mode: 'serial', timeout: 600_000 });

/** The text the lab's v3 video player puts into its shadow root (read from the lab's own source). */
function shadowStyleText(): string {
  const source = readFileSync(path.join(ROOT, 'src/apps/immich/lab/client/app.js'), 'utf8');
  const m = /export const MEDIA_CONTROLLER_STYLE = '([^']+)';/.exec(source);
  if (!m) throw new Error('MEDIA_CONTROLLER_STYLE not found in the lab client');
  return m[1]!;
}

test('a style inserted into a shadow root at run time: blocked without its hash, safe with it, in Chromium and Firefox', async ({}, testInfo) => {
  const lab = await startLab();
  const html = await (await fetch(`${lab.url}/photos`)).text();
  await lab.close();
  const served = extractInlineBlocks(html, '/photos').filter((b) => b.kind === 'style').map((b) => b.hash);
  expect(served.length).toBeGreaterThan(0);
  const runtimeHash = cspHash(shadowStyleText());
  expect(served).not.toContain(runtimeHash); // the served HTML never carries it

  const strict = { 'style-src': ["'self'", ...served], 'style-src-attr': ["'unsafe-inline'"] };
  const policies = {
    'shadow-style-blocked': { csp: { directives: strict } },
    'shadow-style-blocked-ro': { csp: { reportOnly: true, directives: strict } },
    'shadow-style-hashed': { csp: { directives: { ...strict, 'style-src': [...strict['style-src'], runtimeHash] } } },
    // 'none' alone gets no 'report-sample': the harness's insertion is known by its element's text.
    'styles-none': { csp: { directives: { 'style-src': ["'none'"], 'style-src-attr': ["'unsafe-inline'"] } } },
  };
  const files = Object.entries(policies).map(([name, body]) => {
    const file = testInfo.outputPath(`${name}.yaml`);
    writeFileSync(file, YAML.stringify({ name, description: 'runtime shadow-root style', ...body }));
    return file;
  });
  const out = testInfo.outputPath('run');
  const r = await runCli(['run', '--out', out, '--workers', '2', '--browsers', 'chromium,firefox', '--journeys', 'video,map', '--no-blame', '--no-share', '--policy', ...files]);
  expect([0, 1], r.stdout.slice(-3000) + r.stderr).toContain(r.code);
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
  expect(summary.baseline.filter((b) => b.status !== 'passed'), 'the baseline passes').toEqual([]);
  const policy = (name: string) => summary.policies.find((p) => p.policy.name === name)!;

  for (const name of ['shadow-style-blocked', 'shadow-style-blocked-ro']) {
    const p = policy(name);
    expect(p.verdict, `${name}: ${p.reasons.join(' | ')}`).toBe('would-break');
    for (const journey of ['video', 'video@firefox']) {
      const j = p.journeys.find((x) => x.journey === journey)!;
      expect(j.candidate, `${name} ${journey}`).toBe('passed');
      const shadow = j.newViolations.filter((v) => v.kind === 'csp' && v.directive === 'style-src-elem' && v.blockedUrl === 'inline');
      expect(shadow.map((v) => v.sample.slice(0, 5)), `${name} ${journey}: the shadow-root style is named`).toEqual([':host']);
      // Its exact text was captured in the browser that blocked it, hashed as CSP hashes it.
      const block = j.inlineBlocks?.find((b) => b.hash === runtimeHash);
      expect(block, `${name} ${journey}: the runtime block`).toMatchObject({ kind: 'style', runtime: true, inShadowRoot: true });
      expect(block!.source).toMatch(/^\/_app\/immutable\/entry\/app\.[^/]+\.js:\d+$/);
    }
    // The map journey inserts no style of its own: nothing new there, in either engine.
    for (const journey of ['map', 'map@firefox']) expect(p.journeys.find((x) => x.journey === journey)!.newViolations, `${name} ${journey}`).toEqual([]);
  }

  const hashed = policy('shadow-style-hashed');
  expect(hashed.verdict, hashed.reasons.join(' | ')).toBe('safe');
  expect(hashed.engines?.map((e) => [e.browser, e.verdict])).toEqual([['chromium', 'safe'], ['firefox', 'safe']]);
  for (const j of hashed.journeys) {
    expect(j.candidate, j.journey).toBe('passed');
    expect(j.violations.filter((v) => v.kind === 'csp'), `${j.journey}: no CSP violation at all`).toEqual([]);
  }
  // Firefox's screenshots inserted their style under this CSP, and it was set aside (the end-of-journey
  // screenshot in both journeys, and the canvas check in the map); Chromium inserts nothing.
  for (const journey of ['map@firefox', 'video@firefox']) {
    expect(hashed.journeys.find((x) => x.journey === journey)!.harnessSetAside ?? 0, `${journey}: the screenshot's style set aside`).toBeGreaterThan(0);
  }
  for (const journey of ['map', 'video']) expect(hashed.journeys.find((x) => x.journey === journey)!.harnessSetAside, journey).toBeUndefined();

  // Without samples, Firefox reports exactly the inline styles Chromium does (the two served, the
  // shadow root's): the screenshot's is set aside by its element's text, not by a sample.
  const none = policy('styles-none');
  const inlineStyles = (journey: string) => none.journeys.find((x) => x.journey === journey)!.violations
    .filter((v) => v.kind === 'csp' && v.directive === 'style-src-elem' && v.blockedUrl === 'inline');
  expect(inlineStyles('video').every((v) => v.sample === '')).toBe(true);
  expect(inlineStyles('video')).toHaveLength(served.length + 1);
  expect(inlineStyles('video@firefox'), 'Firefox: the same inline styles, no screenshot style').toHaveLength(served.length + 1);
  expect(none.journeys.find((x) => x.journey === 'video@firefox')!.harnessSetAside ?? 0).toBeGreaterThan(0);
});
