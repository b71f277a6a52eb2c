import { test, expect } from '@playwright/test';
import { PHONE_JOURNEYS, selectJourneys } from '../../src/harness/devices.js';
import { ConfigError, resolveSettings } from '../../src/config/config.js';

test('no list: every desktop journey, and phones only when asked for', () => {
  expect(selectJourneys(undefined, false)).toEqual({ desktop: undefined, phone: [] });
  expect(selectJourneys(undefined, true)).toEqual({ desktop: undefined, phone: PHONE_JOURNEYS });
  expect(PHONE_JOURNEYS).not.toContain('api-clients'); // no page, no layout
});

test('a list: name@phone runs on the phone only; --phone adds the listed journeys that have a layout', () => {
  expect(selectJourneys(['timeline@phone'], false)).toEqual({ desktop: [], phone: ['timeline'] });
  expect(selectJourneys(['map', 'search@phone'], false)).toEqual({ desktop: ['map'], phone: ['search'] });
  expect(selectJourneys(['map', 'api-clients'], true)).toEqual({ desktop: ['map', 'api-clients'], phone: ['map'] });
  expect(selectJourneys(['map', 'map@phone'], true)).toEqual({ desktop: ['map'], phone: ['map'] });
});

test('HEADERPROOF_JOURNEYS accepts name@phone and names the fix for anything else', async () => {
  const ok = await resolveSettings('/nonexistent-dir', { HEADERPROOF_JOURNEYS: 'login,timeline@phone' });
  expect(ok.journeys).toEqual(['login', 'timeline@phone']);
  const err = await resolveSettings('/nonexistent-dir', { HEADERPROOF_JOURNEYS: 'timeline@tablet' }).catch((e) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toContain('map@phone');
});
