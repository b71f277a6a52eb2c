// Small page checks the journeys share: "did this image really decode", "is this canvas drawn".
import type { Locator, Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { collectorOf } from '../observe/signals.js';

export function isDecoded(img: Locator): Promise<boolean> {
  return img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0).catch(() => false);
}

/** How many distinct colours a screenshot of the element has (a blank canvas has one). */
export async function distinctColors(element: Locator, limit = 16): Promise<number> {
  // The harness's own page action: what the screenshotter inserts (Firefox) is not the policy's doing.
  const shot = () => element.screenshot({ animations: 'disabled' });
  const collector = collectorOf(element.page().context());
  const png = PNG.sync.read(await (collector ? collector.harness(shot) : shot()));
  const seen = new Set<number>();
  for (let i = 0; i < png.data.length && seen.size < limit; i += 4 * 7) {
    seen.add(png.data.readUInt32BE(i));
  }
  return seen.size;
}

/**
 * Types a credential into an input without it entering Playwright's step titles: `fill()` is
 * reported as `Fill "<value>"` in the HTML and blob reports, `evaluate()` only as "Evaluate".
 * The input and change events are those a framework's two-way binding listens to.
 */
export async function typeSecret(input: Locator, value: string): Promise<void> {
  await input.click();
  await input.evaluate((el, v) => {
    // Through the prototype's setter, so frameworks that track the value (React) see the change.
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(el, v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

/**
 * Waits until the page has started no request and finished none for `quietMs` (at most `capMs`).
 * Playwright's 'networkidle' cannot do this after a client-side navigation: the load state it waits
 * for was already reached by the first page load.
 */
export async function settle(page: Page, quietMs = 500, capMs = 5000): Promise<void> {
  let last = Date.now();
  const touch = () => { last = Date.now(); };
  page.on('request', touch);
  page.on('requestfinished', touch);
  page.on('requestfailed', touch);
  const deadline = Date.now() + capMs;
  while (Date.now() < deadline && Date.now() - last < quietMs) await new Promise((r) => setTimeout(r, 100));
  page.off('request', touch);
  page.off('requestfinished', touch);
  page.off('requestfailed', touch);
}
