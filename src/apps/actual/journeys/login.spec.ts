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
  // On a shared staging host another journey (another engine or worker) may add or remove a budget
  // while this one logs in: either page proves the login; the file list must name a listed file.
  const landing = page.getByRole('button', { name: /^(Create new file|Start fresh)$/ });
  // The sign-in runs through the app's backend worker: on a staging host shared by two engines on a
  // 2-core machine it was seen to take over 20 s in Firefox (CI), so it gets 45.
  await expect(landing, `the ${files.length ? 'file list' : 'first-run page'} did not appear after login`).toBeVisible({ timeout: 45_000 });
  if ((await landing.textContent())?.includes('Create new file')) {
    const names = [...new Set([...files, ...(await actual.files())].map((f) => f.name))];
    await expect(page.getByText(new RegExp(names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'))).first(), `the file list names none of the server's files (${names.join(', ')})`).toBeVisible();
  }
  // The app polls its server's status after the sign-in: as slow on a loaded shared host (seen in
  // CI to miss 15 s in Firefox on the baseline and a report-only pass alike).
  await expect(page.getByText('Server online'), 'the app does not see its server online').toBeVisible({ timeout: 30_000 });
});
