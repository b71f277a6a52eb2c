// A generic app's pages (its config file, the run plan's app): one journey per page, named by it. The
// page opens, renders, then its steps run in order (a menu clicked, a form filled, each step's own
// expectation), then its expectations must hold.
import { test } from '../../../harness/fixtures.js';
import { currentRunPlan } from '../../../config/run-plan.js';
import { readGenericConfig } from '../profile.js';
import { expectRendered, expectWorking, runSteps, watchTraffic } from '../checks.js';

const config = readGenericConfig((await currentRunPlan()).settings.app);

for (const p of config.pages) {
  test(`${p.name}: ${p.path} renders and works`, { annotation: { type: 'journey', description: p.name } }, async ({ loggedInPage: page, openedWebsockets }) => {
    // A login through the app's form loads the app once before this page loads it again: two full
    // loads of an app of unknown weight (Node-RED's editor: ~20 s each on a loaded 2-core machine).
    test.setTimeout(120_000 + (p.steps?.length ?? 0) * 20_000);
    const ctx = { openedWebsockets, traffic: watchTraffic(page), env: process.env };
    await page.goto(p.path);
    await expectRendered(page, p.path);
    if (p.steps) await runSteps(page, p.steps, ctx);
    await expectWorking(page, p.expect ?? [], ctx);
  });
}
