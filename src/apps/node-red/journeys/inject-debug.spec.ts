import { randomUUID } from 'node:crypto';
import { test, expect } from '../fixtures.js';

// Proves what a user does all day: press an inject node's button in the editor (POST /inject/:id)
// and watch the message arrive in the debug sidebar (over the comms websocket). The flow comes from
// the admin API before the page opens.
test('inject-debug: an inject button sends a message that the debug sidebar shows', async ({ loggedInPage: page, nodeRed }) => {
  const marker = `headerproof-${randomUUID().slice(0, 8)}`;
  const tab = `hp${randomUUID().replace(/-/g, '').slice(0, 14)}`;
  await nodeRed.deploy([
    { id: tab, type: 'tab', label: 'headerproof', disabled: false, info: '' },
    { id: `${tab}i`, type: 'inject', z: tab, name: 'ping', props: [{ p: 'payload' }], repeat: '', once: false, topic: '', payload: marker, payloadType: 'str', x: 160, y: 100, wires: [[`${tab}d`]] },
    { id: `${tab}d`, type: 'debug', z: tab, name: 'out', active: true, tosidebar: true, console: false, complete: 'payload', targetType: 'msg', x: 380, y: 100, wires: [] },
  ]);
  await page.goto(`/#flow/${tab}`);
  const button = page.locator(`#${tab}i .red-ui-flow-node-button`);
  await expect(button, 'the inject node was not drawn on the workspace').toBeVisible({ timeout: 20_000 });
  await page.locator('#red-ui-tab-debug-link-button').click({ timeout: 10_000 });
  await button.click();
  await expect(page.locator('#red-ui-sidebar .red-ui-debug-msg').filter({ hasText: marker }), 'the message never reached the debug sidebar').toBeVisible({ timeout: 15_000 });
});
