// What the generic journeys do and check on a page: the config's steps and expectations, compiled
// to Playwright calls (src/apps/generic/steps.ts), and that the page rendered.
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { describeStep, EXPECT_TIMEOUT_MS, type Expectation, type Step } from './steps.js';
import { typeSecret } from '../../harness/dom.js';

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

/** What the page asked of the network since the journey began: the paths requested, and the responses' statuses. */
export interface PageTraffic { requests: string[]; responses: { path: string; status: number }[] }

/** Records every request and response of the page's context (the page and its workers) by path. */
export function watchTraffic(page: Page): PageTraffic {
  const traffic: PageTraffic = { requests: [], responses: [] };
  const pathOf = (url: string) => { try { return new URL(url).pathname; } catch { return url; } };
  page.context().on('request', (r) => traffic.requests.push(pathOf(r.url())));
  page.context().on('response', (r) => traffic.responses.push({ path: pathOf(r.url()), status: r.status() }));
  return traffic;
}

export interface CheckContext { openedWebsockets: () => string[]; traffic: PageTraffic; env: NodeJS.ProcessEnv }

export async function expectWorking(page: Page, checks: Expectation[], ctx: CheckContext): Promise<void> {
  for (const c of checks) await expectOne(page, c, ctx);
}

async function expectOne(page: Page, c: Expectation, ctx: CheckContext): Promise<void> {
  const timeout = EXPECT_TIMEOUT_MS;
  if ('websocket' in c) {
    await expect.poll(() => ctx.openedWebsockets().some((p) => p.startsWith(c.websocket)), { message: `no websocket to ${c.websocket} was opened`, timeout }).toBe(true);
  } else if ('request' in c) {
    await expect.poll(() => ctx.traffic.requests.some((p) => p.startsWith(c.request)), { message: `the page never requested ${c.request}`, timeout }).toBe(true);
  } else if ('response' in c) {
    const ok = (r: { path: string; status: number }) => r.path.startsWith(c.response) && (c.status === undefined || r.status === c.status);
    await expect.poll(() => ctx.traffic.responses.some(ok), { message: `no response from ${c.response}${c.status ? ` with status ${c.status}` : ''} (got: ${[...new Set(ctx.traffic.responses.filter((r) => r.path.startsWith(c.response)).map((r) => r.status))].join(', ') || 'none'})`, timeout }).toBe(true);
  } else if ('url' in c) {
    await expect.poll(() => page.url(), { message: `the address never contained ${c.url}`, timeout }).toContain(c.url);
  } else if ('hidden' in c) {
    await expect(page.locator(c.hidden).first(), `${c.hidden} stayed visible`).toBeHidden({ timeout });
  } else if ('selector' in c) {
    const found = page.locator(c.selector);
    if (c.min && c.min > 1) await expect.poll(() => found.count(), { message: `fewer than ${c.min} of ${c.selector}`, timeout }).toBeGreaterThanOrEqual(c.min);
    await expect(found.first(), `${c.selector} never appeared (or never became visible)`).toBeVisible({ timeout });
    if (c.text) await expect(found.filter({ hasText: c.text }).first(), `${c.selector} never showed "${c.text}"`).toBeVisible({ timeout });
  } else {
    await expect(page.getByText(c.text).first(), `the text "${c.text}" never appeared (or never became visible)`).toBeVisible({ timeout });
  }
}

/** Runs a page's steps in order; a failing step's error names it ("step 2, click #menu: …"). */
export async function runSteps(page: Page, steps: Step[], ctx: CheckContext): Promise<void> {
  for (const [i, s] of steps.entries()) {
    try {
      await runStep(page, s, ctx);
    } catch (err) {
      (err as Error).message = `step ${i + 1}, ${describeStep(s)}: ${(err as Error).message}`;
      throw err;
    }
  }
}

async function runStep(page: Page, s: Step, ctx: CheckContext): Promise<void> {
  if ('click' in s) await page.locator(s.click).first().click();
  else if ('fill' in s) {
    const field = page.locator(s.fill.selector).first();
    if ('env' in s.fill) {
      const value = ctx.env[s.fill.env];
      if (value === undefined) throw new Error(`$${s.fill.env} is not set`);
      await typeSecret(field, value); // never in a trace or a report
    } else await field.fill(s.fill.value);
  } else if ('press' in s) {
    if (typeof s.press === 'string') await page.keyboard.press(s.press);
    else await page.locator(s.press.selector).first().press(s.press.key);
  } else if ('select' in s) await page.locator(s.select.selector).first().selectOption(s.select.option);
  else if ('hover' in s) await page.locator(s.hover).first().hover();
  else if ('wait' in s) await page.waitForTimeout(s.wait);
  else if ('goto' in s) await page.goto(s.goto);
  else await expectOne(page, s.expect, ctx);
}
