import { test, expect, PALETTE_NODE } from '../fixtures.js';
import { typeSecret } from '../../../harness/dom.js';

// Proves: the editor boots far enough to ask for a login (adminAuth), the login dialog's token
// request works, and the editor then loads its palette of nodes.
test('login: signs in through the login dialog and the editor loads its palette', async ({ page, credentials }) => {
  await page.goto('/');
  await expect(page.locator('#node-dialog-login-username'), 'the login dialog never appeared: the editor did not boot').toBeVisible();
  if (!('password' in credentials)) throw new Error('Node-RED needs NODE_RED_USER and NODE_RED_PASSWORD');
  await typeSecret(page.locator('#node-dialog-login-username'), credentials.user ?? '');
  await typeSecret(page.locator('#node-dialog-login-password'), credentials.password);
  await page.locator('#node-dialog-login-submit').click();
  await expect(page.locator('#node-dialog-login-failed'), 'the login was refused').toBeHidden();
  await expect.poll(() => page.locator(PALETTE_NODE).count(), { message: 'the palette never filled with nodes after login', timeout: 20_000 }).toBeGreaterThan(20);
});
