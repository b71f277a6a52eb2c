import { test, expect } from '@playwright/test';
import { selectJourneys } from '../../src/harness/devices.js';
import { immich } from '../../src/apps/immich/profile.js';

const PHONE_JOURNEYS = immich.phoneJourneys!;
import { ConfigError, resolveSettings } from '../../src/config/config.js';

test('no list: every desktop journey, and phones only when asked for', () => {
  expect(selectJourneys(undefined, false)).toEqual({ desktop: { chromium: undefined }, phone: [] });
  expect(selectJourneys(undefined, true, undefined, PHONE_JOURNEYS)).toEqual({ desktop: { chromium: undefined }, phone: PHONE_JOURNEYS });
  expect(PHONE_JOURNEYS).not.toContain('api-clients'); // no page, no layout
});

test('a list: name@phone runs on the phone only; --phone adds the listed journeys that have a layout', () => {
  expect(selectJourneys(['timeline@phone'], false)).toEqual({ desktop: { chromium: [] }, phone: ['timeline'] });
  expect(selectJourneys(['map', 'search@phone'], false)).toEqual({ desktop: { chromium: ['map'] }, phone: ['search'] });
  expect(selectJourneys(['map', 'api-clients'], true, undefined, PHONE_JOURNEYS)).toEqual({ desktop: { chromium: ['map', 'api-clients'] }, phone: ['map'] });
  expect(selectJourneys(['map', 'map@phone'], true, undefined, PHONE_JOURNEYS)).toEqual({ desktop: { chromium: ['map'] }, phone: ['map'] });
});

test('HEADERPROOF_JOURNEYS accepts name@phone and names the fix for anything else', async () => {
  const ok = await resolveSettings('/nonexistent-dir', { HEADERPROOF_JOURNEYS: 'login,timeline@phone' });
  expect(ok.journeys).toEqual(['login', 'timeline@phone']);
  const err = await resolveSettings('/nonexistent-dir', { HEADERPROOF_JOURNEYS: 'timeline@tablet' }).catch((e) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toContain('map@phone');
});

test('engines: plain names run in every engine of the run, name@firefox in Firefox only', () => {
  expect(selectJourneys(undefined, false, ['chromium', 'firefox'])).toEqual({ desktop: { chromium: undefined, firefox: undefined }, phone: [] });
  expect(selectJourneys(['map', 'login'], false, ['chromium', 'firefox'])).toEqual({ desktop: { chromium: ['map', 'login'], firefox: ['map', 'login'] }, phone: [] });
  // Blame re-runs name the engine: timeline@firefox brings Firefox in even when the run is Chromium's.
  expect(selectJourneys(['timeline@firefox'], false)).toEqual({ desktop: { chromium: [], firefox: ['timeline'] }, phone: [] });
  expect(selectJourneys(['map', 'timeline@firefox'], false, ['firefox'])).toEqual({ desktop: { firefox: ['map', 'timeline'] }, phone: [] });
});
