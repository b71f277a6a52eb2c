// Phones: the same journeys in a phone-sized browser (viewport, touch, mobile user agent), where
// the app's layout differs (its profile lists those journeys). A phone run of a journey is named "<journey>@phone" in every report and
// in --journeys, so its verdict, blame and baseline are its own.
import { devices } from '@playwright/test';
import { DEFAULT_ENGINES, FIREFOX_SUFFIX, type Engine } from './engines.js';

export const PHONE_SUFFIX = '@phone';

/** Playwright's Pixel 7: Chromium's mobile emulation (412×915, touch, Android Chrome user agent). */
export const PHONE_DEVICE = devices['Pixel 7']!;

export interface JourneySelection {
  /** Per engine, the desktop journeys to run: undefined means all of them, [] none (no project). */
  desktop: Partial<Record<Engine, string[] | undefined>>;
  /** Journeys to run on a phone as well (base names; Chromium's mobile emulation). */
  phone: string[];
}

/**
 * From a --journeys list (names, name@phone or name@firefox), whether phones were asked for and
 * the run's engines: what runs where. A plain name runs in every engine of the run; name@firefox
 * runs in Firefox only (and brings Firefox into the run). With no list, every journey runs in
 * every engine, and phones (if asked for) run every journey whose layout differs.
 */
export function selectJourneys(list: string[] | undefined, phone: boolean, engines: Engine[] = DEFAULT_ENGINES, phoneJourneys: readonly string[] = []): JourneySelection {
  if (!list?.length) return { desktop: Object.fromEntries(engines.map((e) => [e, undefined])), phone: phone ? [...phoneJourneys] : [] };
  const phoneNamed = list.filter((j) => j.endsWith(PHONE_SUFFIX)).map((j) => j.slice(0, -PHONE_SUFFIX.length));
  const firefoxNamed = list.filter((j) => j.endsWith(FIREFOX_SUFFIX)).map((j) => j.slice(0, -FIREFOX_SUFFIX.length));
  const plain = list.filter((j) => !j.endsWith(PHONE_SUFFIX) && !j.endsWith(FIREFOX_SUFFIX));
  const desktop: JourneySelection['desktop'] = {};
  for (const e of engines) desktop[e] = [...plain];
  if (firefoxNamed.length) desktop.firefox = [...new Set([...(desktop.firefox ?? []), ...firefoxNamed])];
  const alsoPhone = phone ? plain.filter((j) => phoneJourneys.includes(j)) : [];
  return { desktop, phone: [...new Set([...phoneNamed, ...alsoPhone])] };
}
