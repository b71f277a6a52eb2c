// Phones: the same journeys in a phone-sized browser (viewport, touch, mobile user agent), where
// Immich's layout differs. A phone run of a journey is named "<journey>@phone" in every report and
// in --journeys, so its verdict, blame and baseline are its own.
import { devices } from '@playwright/test';

export const PHONE_SUFFIX = '@phone';

/** Playwright's Pixel 7: Chromium's mobile emulation (412×915, touch, Android Chrome user agent). */
export const PHONE_DEVICE = devices['Pixel 7']!;

/** The journeys whose pages Immich lays out differently on a phone (api-clients has no page). */
export const PHONE_JOURNEYS = ['login', 'timeline', 'full-image', 'video', 'map', 'search', 'slideshow', 'share-link', 'upload'];

export interface JourneySelection {
  /** Desktop journeys to run: undefined means all of them. */
  desktop: string[] | undefined;
  /** Journeys to run on a phone as well (base names). */
  phone: string[];
}

/**
 * From a --journeys list (names, or name@phone) and whether phones were asked for: what runs where.
 * With no list, phones (if asked for) run every journey whose layout differs.
 */
export function selectJourneys(list: string[] | undefined, phone: boolean): JourneySelection {
  if (!list?.length) return { desktop: undefined, phone: phone ? [...PHONE_JOURNEYS] : [] };
  const phoneNamed = list.filter((j) => j.endsWith(PHONE_SUFFIX)).map((j) => j.slice(0, -PHONE_SUFFIX.length));
  const desktop = list.filter((j) => !j.endsWith(PHONE_SUFFIX));
  const alsoPhone = phone ? desktop.filter((j) => PHONE_JOURNEYS.includes(j)) : [];
  return { desktop, phone: [...new Set([...phoneNamed, ...alsoPhone])] };
}
