import { test, expect, PALETTE_NODE } from '../fixtures.js';

// Proves: a node dragged from the palette onto the workspace is deployed with the Deploy button
// (POST /flows), and the server has it afterwards (checked through the admin API).
test('deploy: drags a node onto the workspace and deploys it', async ({ loggedInPage: page, nodeRed }) => {
  await nodeRed.keep();
  const before = (await nodeRed.flows()).filter((n) => n.type === 'comment').length;
  await page.goto('/');
  await expect.poll(() => page.locator(PALETTE_NODE).count(), { message: 'the palette never filled with nodes', timeout: 20_000 }).toBeGreaterThan(20);
  const source = page.locator('#red-ui-palette .red-ui-palette-node[data-palette-type="comment"]');
  await expect(source, 'the palette has no comment node').toBeVisible();
  const chart = page.locator('#red-ui-workspace-chart');
  const box = (await chart.boundingBox())!;
  await source.hover();
  await page.mouse.down();
  await page.mouse.move(box.x + 250, box.y + 200, { steps: 12 });
  await page.mouse.up();
  await page.locator('#red-ui-header-button-deploy').click();
  await expect(page.locator('.red-ui-notification'), 'no "Successfully deployed" notification').toContainText('Successfully deployed', { timeout: 15_000 });
  await expect.poll(async () => (await nodeRed.flows()).filter((n) => n.type === 'comment').length, { message: 'the server does not have the deployed node' }).toBe(before + 1);
});
