// A generic app's pages (its config file, HEADERPROOF_APP): one journey per page, named by it.
import { test } from '../../../harness/fixtures.js';
import { resolveSettings } from '../../../config/config.js';
import { readGenericConfig } from '../profile.js';
import { expectRendered, expectWorking } from '../checks.js';

const config = readGenericConfig((await resolveSettings(process.cwd())).app);

for (const p of config.pages) {
  test(`${p.name}: ${p.path} renders and works`, { annotation: { type: 'journey', description: p.name } }, async ({ loggedInPage: page, openedWebsockets }) => {
    await page.goto(p.path);
    await expectRendered(page, p.path);
    await expectWorking(page, p.expect, openedWebsockets);
  });
}
