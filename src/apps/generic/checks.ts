// What the generic journeys check on a page: the config's expectations, and that it rendered.
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import type { GenericAppConfig } from './profile.js';

type Expectation = GenericAppConfig['pages'][number]['expect'][number];

/** The page shows something: visible text, or an element with a size (a canvas, an image, an SVG). */
export async function expectRendered(page: Page, what: string): Promise<void> {
  await expect.poll(() => page.evaluate(() => {
    const body = document.body;
    if (!body) return false;
    if (body.innerText.trim().length > 0) return true;
    return [...body.querySelectorAll('canvas, img, svg, video, iframe')].some((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0;
    });
  }).catch(() => false), { message: `${what} rendered blank`, timeout: 15_000 }).toBe(true);
}

export async function expectWorking(page: Page, checks: Expectation[], openedWebsockets: () => string[]): Promise<void> {
  for (const c of checks) {
    if ('websocket' in c) {
      await expect.poll(() => openedWebsockets().some((p) => p.startsWith(c.websocket)), { message: `no websocket to ${c.websocket} was opened`, timeout: 15_000 }).toBe(true);
    } else if ('selector' in c) {
      const found = page.locator(c.selector);
      if (c.min && c.min > 1) await expect.poll(() => found.count(), { message: `fewer than ${c.min} of ${c.selector}`, timeout: 20_000 }).toBeGreaterThanOrEqual(c.min);
      await expect(found.first(), `${c.selector} never appeared`).toBeVisible({ timeout: 20_000 });
      if (c.text) await expect(found.filter({ hasText: c.text }).first(), `${c.selector} never showed "${c.text}"`).toBeVisible({ timeout: 20_000 });
    } else {
      await expect(page.getByText(c.text).first(), `the text "${c.text}" never appeared`).toBeVisible({ timeout: 20_000 });
    }
  }
}
