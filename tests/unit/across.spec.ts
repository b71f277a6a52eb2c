import { test, expect } from '@playwright/test';
import { acrossTargets, compareVersions, worstExitCode } from '../../src/verdict/across.js';
import { renderAcrossHtml, renderAcrossMarkdown } from '../../src/report/across.js';
import { selectTargets, targetEnv } from '../../src/config/targets.js';
import { decideVerdict, exitCodeFor } from '../../src/verdict/verdict.js';
import type { JourneyResult, Summary } from '../../src/report/model.js';
import type { ViolationGroup } from '../../src/observe/violation.js';

const ok = (journey: string, violations: ViolationGroup[] = []): JourneyResult => ({ journey, status: 'passed', violations, upstreamErrors: 0 });
const failed = (journey: string, violations: ViolationGroup[] = []): JourneyResult => ({ journey, status: 'failed', error: 'the grid shows no asset', violations, upstreamErrors: 0 });
const wasm: ViolationGroup = { kind: 'csp', directive: 'script-src', blockedUrl: 'wasm-eval', source: 'http://127.0.0.1:1/app.js:1:1', sample: '', disposition: 'enforce', journey: 'timeline', pageUrl: 'http://127.0.0.1:1/photos', count: 1, channels: ['event'] };
const noWasm = { name: 'no-wasm', file: 'no-wasm.yaml', description: '', served: {}, model: { csp: { reportOnly: false, directives: { 'script-src': ["'self'"] } }, set: {}, remove: [] } };
const safeOne = { name: 'bundle-a', file: 'a.yaml', description: '', served: {} };

function summary(app: string, version: string, candidate: JourneyResult[], title = app): Summary {
  const baseline = [ok('timeline'), ok('search')];
  const policies = [decideVerdict(noWasm, baseline, candidate), decideVerdict(safeOne, baseline, baseline)];
  return { tool: 'headerproof', version: '0', target: `local ${app}`, app: { app, title, version }, startedAt: '', durationMs: 0, baseline, policies, exitCode: exitCodeFor(baseline, policies) };
}

test('across targets: a verdict per policy × target, the worst of them, the worst exit code, and what the upgrade changed', () => {
  const v3 = summary('immich', '3.1.0', [failed('timeline', [wasm]), ok('search')], 'Immich');
  const v1 = summary('immich', '1.135.3', [ok('timeline'), ok('search')], 'Immich');
  const red = summary('node-red', '4.1.8', [ok('timeline'), ok('search')], 'Node-RED');
  // Listed newest first: the upgrade still reads older → newer.
  const s = acrossTargets([{ name: 'photos-v3', folder: 'photos-v3', summary: v3 }, { name: 'photos-v1', folder: 'photos-v1', summary: v1 }, { name: 'flows', folder: 'flows', summary: red }], { startedAt: new Date(0), durationMs: 1 });
  expect(s.policies.map((p) => [p.policy, p.worst, p.verdicts.map((v) => v.verdict), p.hurts])).toEqual([
    ['no-wasm', 'breaks', ['breaks', 'safe', 'safe'], ['photos-v3']],
    ['bundle-a', 'safe', ['safe', 'safe', 'safe'], []],
  ]);
  expect(s.exitCode).toBe(1);
  expect(s.upgrades).toHaveLength(1); // bundle-a did not change; Node-RED has one version only
  const u = s.upgrades[0]!;
  expect(u).toMatchObject({ policy: 'no-wasm', before: 'safe', after: 'breaks', newlyFailing: ['timeline'], from: { target: 'photos-v1', version: '1.135.3' }, to: { target: 'photos-v3', version: '3.1.0' } });
  expect(u.fixes.join()).toContain("'wasm-unsafe-eval'");
  expect(u.line).toMatch(/^no-wasm: safe on Immich 1\.135\.3 \(photos-v1\), breaks on Immich 3\.1\.0 \(photos-v3\): timeline fails — needs script-src .*'wasm-unsafe-eval'/);
  const html = renderAcrossHtml(s);
  expect(html).toContain('href="photos-v3/index.html#policy-no-wasm"');
  expect(html).toContain('What the upgrade changed');
  expect(renderAcrossMarkdown(s)).toContain('| no-wasm | **breaks** | breaks | safe | safe |');
});

test('across targets: strings from the targets are escaped in the report', () => {
  const evil = summary('immich', '<img src=x onerror=alert(1)>', [ok('timeline'), ok('search')]);
  const html = renderAcrossHtml(acrossTargets([{ name: 'a', folder: 'a', summary: evil }], { startedAt: new Date(0), durationMs: 1 }));
  expect(html).not.toContain('<img src=x');
  expect(html).toContain('&#60;img src=x');
});

test('exit codes and versions: 1 over 3 over 0; versions compare numerically', () => {
  expect(worstExitCode([0, 3, 0])).toBe(3);
  expect(worstExitCode([3, 1, 0])).toBe(1);
  expect(worstExitCode([0, 0])).toBe(0);
  expect(compareVersions('1.135.3', '3.1.0')).toBeLessThan(0);
  expect(compareVersions('v1.135', 'v1.99')).toBeGreaterThan(0);
  expect(compareVersions('4.1.8', '4.1.8')).toBe(0);
});

test('targets: chosen by name from the config file or as local copies; a wrong name says what exists', () => {
  const file = { targets: [{ name: 'photos', app: 'immich', target: 'https://photos.example.org' }, { name: 'flows', app: 'node-red', target: 'https://flows.example.org' }] };
  expect(selectTargets(undefined, file)?.map((t) => t.name)).toEqual(['photos', 'flows']);
  expect(selectTargets(undefined, {})).toBeUndefined();
  expect(selectTargets('flows,immich@v1.135,actual', file)).toEqual([file.targets[1], { name: 'immich-v1.135', app: 'immich', version: 'v1.135' }, { name: 'actual', app: 'actual' }]);
  expect(() => selectTargets('wordpress', file, 'headerproof.config.json')).toThrow('--targets: "wordpress" is neither a target in headerproof.config.json nor a local copy; use one of photos, flows, immich[@version], node-red, actual');
  expect(() => selectTargets('actual,actual', file)).toThrow('"actual" is named twice');
});

test('targets: a target\'s run sees its own credentials only, never another target\'s or the single-target variables', () => {
  const parent = {
    PATH: '/usr/bin', HEADERPROOF_RETRIES: '1',
    IMMICH_EMAIL: 'me@example.org', IMMICH_PASSWORD: 'single-target-secret', HEADERPROOF_TARGET: 'https://other.example.org', HEADERPROOF_PASSWORD: 'generic-secret',
    HEADERPROOF_PHOTOS_USER: 'photos@example.org', HEADERPROOF_PHOTOS_PASSWORD: 'photos-secret', HEADERPROOF_FLOWS_PASSWORD: 'flows-secret',
  };
  const env = targetEnv({ name: 'photos', app: 'immich', target: 'https://photos.example.org' }, parent, '/cfg');
  expect(env).toEqual({ PATH: '/usr/bin', HEADERPROOF_RETRIES: '1', HEADERPROOF_TARGET_NAME: 'photos', HEADERPROOF_APP: 'immich', HEADERPROOF_TARGET: 'https://photos.example.org', HEADERPROOF_USER: 'photos@example.org', HEADERPROOF_PASSWORD: 'photos-secret' });
  const lab = targetEnv({ name: 'immich-v1.135', app: 'immich', version: 'v1.135' }, parent, '/cfg');
  expect(Object.values(lab).join()).not.toMatch(/secret/);
  expect(lab.HEADERPROOF_LAB_VERSION).toBe('v1.135');
  expect(targetEnv({ name: 'g', app: 'apps/wiki.app.yaml', target: 'https://wiki.example.org', caFile: 'ca.pem' }, parent, '/cfg')).toMatchObject({ HEADERPROOF_APP: '/cfg/apps/wiki.app.yaml', HEADERPROOF_CA_FILE: '/cfg/ca.pem' });
  expect(() => targetEnv({ name: 'x', app: 'node-red', version: '4.0' }, parent, '/cfg')).toThrow("only immich's bundled copy imitates versions");
  expect(() => targetEnv({ name: 'x', target: 'https://x.example.org', version: 'v3.1' }, parent, '/cfg')).toThrow('a staging host (target) reports its own version');
});
