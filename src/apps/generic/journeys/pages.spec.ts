// A generic app's pages (its config file, HEADERPROOF_APP): one journey per page, named by it.
import { test } from '../../../harness/fixtures.js';
import { resolveSettings } from '../../../config/config.js';
import { readGenericConfig } from '../profile.js';
import { expectRendered, expectWorking } from '../checks.js';

const config = readGenericConfig((await resolveSettings(process.cwd())).app);

for (const p of config.pages) {
  test(`${p.name}: ${p.path} renders and works`, { annotation: { type: 'journey', description: p.name } }, async ({ loggedInPage: page, openedWebsockets }) => {
    // A login through the app's form loads the app once before this page loads it again: two full
    // loads of an app of unknown weight (Node-RED's editor: ~20 s each on a loaded 2-core machine).
    test.setTimeout(120_000);
    await page.goto(p.path);
    await expectRendered(page, p.path);
    await expectWorking(page, p.expect, openedWebsockets);
  });
}
