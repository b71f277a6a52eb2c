// A generic app's crawl: from its pages, follow same-origin links within the budget (pages and
// seconds from its config), and on every page check that it rendered. The pages reached are listed
// in the report; what the policy blocked on them is in the journey's violations.
import { test, expect } from '../../../harness/fixtures.js';
import { currentRunPlan } from '../../../config/run-plan.js';
import { readGenericConfig } from '../profile.js';
import { expectRendered } from '../checks.js';

const config = readGenericConfig((await currentRunPlan()).settings.app);
const budget = { pages: config.crawl?.pages ?? 15, seconds: config.crawl?.seconds ?? 60 };
const exclude = (config.crawl?.exclude ?? []).map((e) => new RegExp(e));

test('crawl: follows same-origin links from the pages and every page renders', { annotation: { type: 'journey', description: 'crawl' } }, async ({ loggedInPage: page, baseURL }) => {
  test.setTimeout((budget.seconds + 60) * 1000);
  const origin = new URL(baseURL!).origin;
  const queue = config.pages.map((p) => p.path);
  const seen = new Set<string>();
  const visited: string[] = [];
  const deadline = Date.now() + budget.seconds * 1000;
  while (queue.length && visited.length < budget.pages && Date.now() < deadline) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    await page.goto(next);
    await expectRendered(page, next);
    visited.push(next);
    const here = new URL(page.url()).origin;
    const links = await page.locator('a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    for (const href of links) {
      const u = new URL(href);
      if (u.origin !== here && u.origin !== origin) continue;
      const p = u.pathname + u.search;
      if (!seen.has(p) && !exclude.some((e) => e.test(p)) && !/logout|sign-?out/i.test(p)) queue.push(p);
    }
  }
  test.info().annotations.push({ type: 'note', description: `crawled ${visited.length} page(s): ${visited.join(' ')}` });
  expect(visited.length, 'the crawl reached no page').toBeGreaterThan(0);
});
