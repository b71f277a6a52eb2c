import { test, expect } from '../fixtures.js';
import { typeSecret } from '../../../harness/dom.js';

// Proves: the web app boots (its backend worker with SQLite in WebAssembly starts), the password
// form signs in, and the app lands where the server's files say: the file list, or the first-run
// page when the server holds no budget yet (decided from the API before the page opens).
test('login: signs in with the server password and lands on the budget files', async ({ page, credentials, actual }) => {
  const files = await actual.files();
  await page.goto('/login');
  const field = page.getByPlaceholder('Password');
  await expect(field, 'the login page never appeared: the app did not boot').toBeVisible({ timeout: 20_000 });
  if (!('password' in credentials)) throw new Error('Actual needs ACTUAL_PASSWORD');
  await typeSecret(field, credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (files.length) {
    await expect(page.getByRole('button', { name: 'Create new file' }), 'the file list did not appear after login').toBeVisible({ timeout: 20_000 });
    await expect(page.getByText(files[0]!.name).first(), `the file list does not show "${files[0]!.name}"`).toBeVisible();
  } else {
    await expect(page.getByRole('button', { name: 'Start fresh' }), 'the first-run page did not appear after login').toBeVisible({ timeout: 20_000 });
  }
  await expect(page.getByText('Server online'), 'the app does not see its server online').toBeVisible();
});
