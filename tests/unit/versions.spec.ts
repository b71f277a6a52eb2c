import { test, expect } from '@playwright/test';
import { labShape, shapeFor, SHAPES } from '../../src/apps/immich/versions/index.js';
import { compareVersions, parseServerVersion } from '../../src/apps/immich/version.js';
import { adviseBaseline } from '../../src/verdict/advice.js';
import type { JourneyResult } from '../../src/report/model.js';

test('the version shape is picked from /api/server/version', () => {
  expect(shapeFor({ major: 1, minor: 135, patch: 3 })).toEqual({ shape: SHAPES[0], supported: true });
  expect(shapeFor({ major: 3, minor: 1, patch: 0 }).shape.name).toBe('v3.1');
  // A version no shape describes: the nearest older one, marked unsupported.
  expect(shapeFor({ major: 2, minor: 5, patch: 0 })).toMatchObject({ shape: { name: 'v1.135' }, supported: false });
  expect(shapeFor({ major: 9, minor: 0, patch: 0 })).toMatchObject({ shape: { name: 'v3.1' }, supported: false });
  expect(shapeFor({ major: 1, minor: 90, patch: 0 })).toMatchObject({ shape: { name: 'v1.135' }, supported: false });
  expect(shapeFor(undefined).supported).toBe(false);
});

test('server version answers are parsed strictly (v3 adds prerelease)', () => {
  expect(parseServerVersion({ major: 3, minor: 1, patch: 0, prerelease: null })).toEqual({ major: 3, minor: 1, patch: 0 });
  expect(parseServerVersion({ major: '1', minor: 2, patch: 3 })).toBeUndefined();
  expect(parseServerVersion('1.2.3')).toBeUndefined();
  expect(compareVersions({ major: 1, minor: 135, patch: 3 }, { major: 1, minor: 135, patch: 10 })).toBeLessThan(0);
});

test('every shape is measured, ordered and imitated by the lab', () => {
  for (let i = 1; i < SHAPES.length; i++) expect(compareVersions(SHAPES[i - 1]!.below, SHAPES[i]!.from)).toBeLessThanOrEqual(0);
  for (const s of SHAPES) {
    expect(compareVersions(s.from, s.lab.version)).toBeLessThanOrEqual(0);
    expect(compareVersions(s.lab.version, s.below)).toBeLessThan(0);
    expect(labShape(s.name)).toBe(s);
    expect(labShape(`${s.lab.version.major}.${s.lab.version.minor}.${s.lab.version.patch}`)).toBe(s);
  }
  expect(labShape(undefined)).toBe(SHAPES[SHAPES.length - 1]);
  expect(() => labShape('v9')).toThrow(/"v9" is not a version the lab imitates; use one of v1.135 \(1.135.3\), v3.1 \(3.1.0\)/);
});

test('baseline advice: onboarding, missing seed data, unsupported version, generic', () => {
  const r = (journey: string, status: JourneyResult['status'], error: string, failedStep?: string): JourneyResult => ({ journey, status, error, violations: [], upstreamErrors: 0, ...(failedStep ? { failedStep } : {}), screenshot: `screenshots/baseline--${journey}.png` });
  const advice = adviseBaseline([
    r('login', 'failed', 'login did not navigate to /auth/onboarding', 'Expect "toHaveURL"'),
    r('video', 'skipped', 'the target library has no video'),
    r('map', 'failed', 'no map markers appeared'),
    { journey: 'search', status: 'passed', violations: [], upstreamErrors: 0 },
  ], { app: 'immich', title: 'Immich' });
  expect(advice.map((a) => a.journey)).toEqual(['login', 'video', 'map']);
  expect(advice[0]!.what).toBe('Expect "toHaveURL": login did not navigate to /auth/onboarding');
  expect(advice[0]!.advice).toContain('headerproof seed');
  expect(advice[0]!.screenshot).toBe('screenshots/baseline--login.png');
  expect(advice[1]!.advice).toContain('the library lacks what this journey needs');
  expect(advice[2]!.advice).toContain('open the baseline screenshot');
  // Another app's same words are not Immich's onboarding: the causes are the app's own.
  expect(adviseBaseline([r('login', 'failed', 'login did not navigate to /auth/onboarding')], { app: 'actual', title: 'Actual Budget' })[0]!.advice).not.toContain('seed');
  const old = adviseBaseline([r('map', 'failed', 'no map markers appeared')], { app: 'immich', title: 'Immich', version: '2.5.0', shape: 'v1.135', supported: false });
  expect(old[0]!.advice).toContain('Immich 2.5.0, which headerproof has no version shape for');
});
