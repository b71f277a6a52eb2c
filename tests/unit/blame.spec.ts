import { test, expect } from '@playwright/test';
import { blameRepresentatives, bootFailureOf } from '../../src/blame/blame.js';
import type { JourneyComparison, PolicyVerdict } from '../../src/report/model.js';

const BOOT = "the app cannot boot: the enforced CSP (script-src-elem) blocks its inline bootstrap script ('sha256-abc=', changes with every app build)";

function verdict(journeys: Partial<JourneyComparison>[]): PolicyVerdict {
  return {
    policy: { name: 'p', file: 'p.yaml', description: '', served: {} },
    verdict: 'breaks', reasons: [], replacedUpstreamHeaders: [], warnings: [],
    journeys: journeys.map((j) => ({ journey: 'x', baseline: 'passed', candidate: 'failed', violations: [], newViolations: [], ...j })),
  } as unknown as PolicyVerdict;
}

test('the boot failure is read from a journey error, wherever Playwright put it', () => {
  expect(bootFailureOf(`${BOOT} (the step interrupted: Error: the map canvas never appeared)`)).toBe(BOOT);
  expect(bootFailureOf(`Error: page.waitForEvent: ${BOOT} ===== logs =====`)).toBe(BOOT);
  expect(bootFailureOf('Error: page.goto: the app cannot boot: the enforced CSP (script-src-elem) blocks its entry module /_app/immutable/entry/start.x.js more')).toBe(
    'the app cannot boot: the enforced CSP (script-src-elem) blocks its entry module /_app/immutable/entry/start.x.js');
  expect(bootFailureOf('Error: the map canvas never appeared')).toBeUndefined();
  expect(bootFailureOf(undefined)).toBeUndefined();
});

test('journeys that share one boot failure are blamed once, through login; other failures each on their own', () => {
  const p = verdict([
    { journey: 'map', error: `${BOOT} (the step interrupted: x)` },
    { journey: 'login', error: BOOT },
    { journey: 'upload', error: `Error: page.waitForEvent: ${BOOT}` },
    { journey: 'slideshow', error: 'Error: the slideshow could not enter fullscreen' },
    { journey: 'timeline', candidate: 'passed' },
  ]);
  const { rerun, sameAs } = blameRepresentatives(p);
  expect(rerun).toEqual(['login', 'slideshow']);
  expect([...sameAs]).toEqual([['map', 'login'], ['upload', 'login']]);
});

test('with no boot failure every failing journey is re-run', () => {
  const p = verdict([{ journey: 'map', error: 'Error: no tiles' }, { journey: 'search', error: 'Error: no tile' }]);
  expect(blameRepresentatives(p)).toEqual({ rerun: ['map', 'search'], sameAs: new Map() });
});
