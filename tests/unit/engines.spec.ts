import { test, expect } from '@playwright/test';
import { EngineListError, engineOfJourney, journeyInEngine, notEnforcedBy, parseEngines } from '../../src/harness/engines.js';
import { decideByEngine, decideVerdict } from '../../src/verdict/verdict.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { resolveSettings, ConfigError } from '../../src/config/config.js';
import type { JourneyResult, PolicyInfo, Summary } from '../../src/report/model.js';

const ok = (journey: string): JourneyResult => ({ journey, browser: engineOfJourney(journey), status: 'passed', violations: [], upstreamErrors: 0 });
const failed = (journey: string): JourneyResult => ({ ...ok(journey), status: 'failed', error: 'the slideshow could not enter fullscreen' });

test('--browsers: engines in a fixed order; WebKit and typos get a clear error', () => {
  expect(parseEngines('firefox,chromium')).toEqual(['chromium', 'firefox']);
  expect(parseEngines(' Firefox ')).toEqual(['firefox']);
  expect(parseEngines('')).toBeUndefined();
  expect(() => parseEngines('webkit')).toThrow(EngineListError);
  expect(() => parseEngines('webkit')).toThrow(/WebKit cannot run here/);
  expect(() => parseEngines('chrome')).toThrow('--browsers: unknown browser "chrome"; use chromium, firefox or chromium,firefox');
});

test('a journey run in Firefox is named journey@firefox', () => {
  expect(journeyInEngine('map', 'firefox')).toBe('map@firefox');
  expect(journeyInEngine('map', 'chromium')).toBe('map');
  expect(engineOfJourney('map@firefox')).toBe('firefox');
  expect(engineOfJourney('map@phone')).toBe('chromium');
});

test('Firefox does not enforce Permissions-Policy (served header names in any case)', () => {
  expect(notEnforcedBy('firefox', { 'permissions-policy': 'fullscreen=()', 'x-frame-options': 'DENY' })).toEqual(['Permissions-Policy']);
  expect(notEnforcedBy('firefox', { 'Permissions-Policy': null })).toEqual([]); // removed, not served
  expect(notEnforcedBy('chromium', { 'permissions-policy': 'fullscreen=()' })).toEqual([]);
});

const fullscreenDenied: PolicyInfo = { name: 'fullscreen-denied', file: 'f.yaml', description: '', served: { 'permissions-policy': 'fullscreen=()' } };

test('verdicts per engine; overall is the worst; a header an engine ignores is named, never plain "safe"', () => {
  const baseline = [ok('slideshow'), ok('slideshow@firefox')];
  const candidate = [failed('slideshow'), ok('slideshow@firefox')];
  const v = decideByEngine(decideVerdict(fullscreenDenied, baseline, candidate), baseline, candidate, { firefox: '153.7.0' });
  expect(v.verdict).toBe('breaks');
  expect(v.engines).toEqual([
    { browser: 'chromium', verdict: 'breaks', notEnforced: [] },
    { browser: 'firefox', version: '153.7.0', verdict: 'safe', notEnforced: ['Permissions-Policy'] },
  ]);
  expect(v.reasons[0]).toBe('the engines differ: Chromium breaks, Firefox safe');
  expect(v.reasons.join('\n')).toContain("Firefox 153.7.0 does not enforce Permissions-Policy: its journeys there prove nothing about it (Chromium's do)");
  expect(v.journeys.map((j) => [j.journey, j.browser])).toEqual([['slideshow', 'chromium'], ['slideshow@firefox', 'firefox']]);
});

test('a Chromium-only run has no per-engine verdicts (summaries as before)', () => {
  const v = decideByEngine(decideVerdict(fullscreenDenied, [ok('login')], [ok('login')]), [ok('login')], [ok('login')]);
  expect(v.engines).toBeUndefined();
});

test('the reports show each engine: HTML columns (escaped) and the Markdown line', () => {
  const baseline = [ok('slideshow'), ok('slideshow@firefox')];
  const candidate = [failed('slideshow'), ok('slideshow@firefox')];
  const policy = decideByEngine(decideVerdict({ ...fullscreenDenied, name: '<b>fs</b>' }, baseline, candidate), baseline, candidate, { firefox: '153.7.0' });
  const summary: Summary = { tool: 'headerproof', version: '0', target: 'lab', startedAt: 'now', durationMs: 1, browsers: [{ browser: 'chromium', version: '150.0' }, { browser: 'firefox', version: '153.7.0' }], baseline, policies: [policy], exitCode: 1 };
  const html = renderHtml(summary);
  expect(html).toContain('<th>Chromium</th><th>Firefox</th>');
  expect(html).toContain('not enforced: Permissions-Policy');
  expect(html).toContain('<th>slideshow@firefox</th>');
  expect(html).toContain('Chromium 150.0, Firefox 153.7.0');
  expect(html).not.toContain('<b>fs</b>');
  const md = renderMarkdown(summary);
  expect(md).toContain('Browsers: Chromium 150.0, Firefox 153.7.0.');
  expect(md).toMatch(/breaks \(Chromium ❌ breaks; Firefox ✅ safe, does not enforce Permissions-Policy\)/);
});

test('HEADERPROOF_BROWSERS and the config file\'s "browsers" are validated', async () => {
  expect((await resolveSettings('/nonexistent-dir', { HEADERPROOF_BROWSERS: 'chromium,Firefox' })).browsers).toEqual(['chromium', 'firefox']);
  const err = await resolveSettings('/nonexistent-dir', { HEADERPROOF_BROWSERS: 'safari' }).catch((e) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toContain('HEADERPROOF_BROWSERS (--browsers)');
  expect((err as Error).message).toContain('WebKit cannot run here');
});
