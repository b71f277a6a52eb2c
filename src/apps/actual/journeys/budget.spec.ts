import { randomUUID } from 'node:crypto';
import { test, expect } from '../fixtures.js';

// Proves what Actual's users do: create a budget (in the browser: SQLite in WebAssembly in a worker,
// kept in IndexedDB), add a local account, add a transaction and see it listed — and that the new
// budget reached the server (its sync API lists it). Whether the server already holds budgets (the
// file list) or none (the first-run page) is asked of the API before the page opens.
test('budget: creates a budget, an account and a transaction, and syncs it to the server', async ({ loggedInPage: page, actual }) => {
  // A login, a new budget (a SQLite database created in WebAssembly), an account, a transaction and
  // a sync: ~25 s alone, over a minute on a 2-core machine busy with other browsers.
  test.setTimeout(120_000);
  const before = await actual.keep();
  const note = `headerproof-${randomUUID().slice(0, 8)}`;
  await page.getByRole('button', { name: before.length ? 'Create new file' : 'Start fresh' }).click();
  await page.getByRole('button', { name: /Add account/ }).first().click({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Create a local account' }).click();
  await expect(page.getByRole('heading', { name: 'Create Local Account' }), 'the account form did not open').toBeVisible();
  // The dialog animates in (and re-renders its fields on the way): fill until the value holds.
  await expect(async () => {
    await page.getByLabel('Name:').fill('Checking');
    await page.getByLabel('Balance:').fill('100');
    await expect(page.getByLabel('Name:')).toHaveValue('Checking', { timeout: 1000 });
    await expect(page.getByLabel('Balance:')).toHaveValue('100', { timeout: 1000 });
  }, 'the account name and balance could not be entered').toPass({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(page, 'creating the account did not open it').toHaveURL(/\/accounts\//);
  await page.getByRole('button', { name: /Add New/ }).click();
  const row = page.getByTestId('new-transaction');
  await row.getByTestId('notes').click();
  await page.keyboard.type(note);
  await row.getByTestId('debit').click();
  await page.keyboard.type('12.34');
  await row.getByTestId('add-button').click();
  await expect(page.getByTestId('transaction-table').getByText(note), 'the new transaction is not listed').toBeVisible();
  await expect.poll(async () => (await actual.files()).length, { message: 'the new budget never reached the server', timeout: 30_000 }).toBe(before.length + 1);
});
