import { test, expect, PALETTE_NODE } from '../fixtures.js';

// Proves: a logged-in editor loads (scripts, styles, fonts, icons), its palette and workspace
// render, and its comms websocket (/comms) opens through the edge.
test('editor: the palette, the workspace and the comms websocket work', async ({ loggedInPage: page, openedWebsockets }) => {
  await page.goto('/');
  await expect.poll(() => page.locator(PALETTE_NODE).count(), { message: 'the palette never filled with nodes', timeout: 20_000 }).toBeGreaterThan(20);
  await expect(page.locator('#red-ui-workspace-chart svg'), 'the workspace canvas did not render').toBeVisible();
  await expect(page.locator('#red-ui-workspace-tabs .red-ui-tab').first(), 'no flow tab').toBeVisible();
  await expect.poll(() => openedWebsockets().some((p) => p.startsWith('/comms')), { message: 'no websocket to /comms was opened', timeout: 10_000 }).toBe(true);
});
