// Browser engines a run can use, and what each one is known (measured here) not to enforce.
// Chromium is the default; Firefox (Gecko, Debian's firefox-esr driven over WebDriver BiDi) is the
// second engine. A journey's run in Firefox is named "<journey>@firefox" in every report and in
// --journeys, so its verdict, blame and baseline are its own (like "@phone").

export const ENGINES = ['chromium', 'firefox'] as const;
export type Engine = (typeof ENGINES)[number];
export const DEFAULT_ENGINES: Engine[] = ['chromium'];

export const FIREFOX_SUFFIX = '@firefox';

/** "timeline@firefox" → firefox; anything else (incl. "@phone", Chromium's emulation) → chromium. */
export function engineOfJourney(journey: string): Engine {
  return journey.endsWith(FIREFOX_SUFFIX) ? 'firefox' : 'chromium';
}

/** The journey's name in the given engine ("map" → "map@firefox"). */
export function journeyInEngine(journey: string, engine: Engine): string {
  return engine === 'firefox' ? `${journey}${FIREFOX_SUFFIX}` : journey;
}

export class EngineListError extends Error {}

/** "chromium,firefox" → the engines, in a fixed order; a clear error for anything else. */
export function parseEngines(list: string | string[] | undefined, source = '--browsers'): Engine[] | undefined {
  const names = (Array.isArray(list) ? list : list?.split(',') ?? []).map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (!names.length) return undefined;
  const unknown = names.find((n) => !(ENGINES as readonly string[]).includes(n));
  if (unknown) {
    const hint = unknown === 'webkit' || unknown === 'safari' ? ' (WebKit cannot run here: Playwright\'s WebKit build cannot be downloaded and Debian has none)' : '';
    throw new EngineListError(`${source}: unknown browser "${unknown}"${hint}; use chromium, firefox or chromium,firefox`);
  }
  return ENGINES.filter((e) => names.includes(e));
}

/**
 * Headers an engine ignores, so its journeys prove nothing about them: a pass there must read "not
 * enforced", never "safe". Measured with Firefox ESR 153 (tests/e2e/firefox.spec.ts): a page served
 * with `Permissions-Policy: fullscreen=()` still has document.fullscreenEnabled === true and
 * enters fullscreen; Firefox implements permissions only through iframe `allow`. A page served with
 * `Document-Isolation-Policy: isolate-and-require-corp` is cross-origin isolated in Chromium 156
 * (SharedArrayBuffer defined), not in Firefox ESR 153.8 (measured 2026-12-04).
 */
export const NOT_ENFORCED: Record<Engine, readonly string[]> = {
  chromium: [],
  firefox: ['Permissions-Policy', 'Permissions-Policy-Report-Only', 'Document-Isolation-Policy', 'Document-Isolation-Policy-Report-Only'],
};

/** The headers of a served header set that this engine does not enforce. */
export function notEnforcedBy(engine: Engine, served: Record<string, string | null>): string[] {
  const set = new Set(Object.entries(served).filter(([, v]) => typeof v === 'string').map(([k]) => k.toLowerCase()));
  return NOT_ENFORCED[engine].filter((h) => set.has(h.toLowerCase()));
}

export const ENGINE_LABEL: Record<Engine, string> = { chromium: 'Chromium', firefox: 'Firefox' };
