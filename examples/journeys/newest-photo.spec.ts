// A journey of your own: a *.spec.ts in a folder of yours, using headerproof's fixtures (the proxy
// with the policy under test, the signal collector, a logged-in page, the app's API). Run it with
//   npx headerproof run --journeys-dir examples/journeys
//   HEADERPROOF_JOURNEYS_DIR=examples/journeys npx playwright test --project=baseline
// This one is for Immich (the default app; the bundled lab imitates it): the newest photo, found
// through the API, opens in the viewer and its preview decodes.
import { test, expect } from 'headerproof/fixtures';

test('newest-photo: the newest photo opens in the viewer and its preview decodes', async ({ loggedInPage: page, session }) => {
  // Preconditions come from the app's API before the page opens, never from what the page shows.
  const res = await session.request.post('/api/search/metadata', { data: { type: 'IMAGE', size: 1, order: 'desc' } });
  expect(res.ok(), `searching the library answered ${res.status()}`).toBe(true);
  const photo = ((await res.json()) as { assets: { items: { id: string }[] } }).assets.items[0];
  test.skip(!photo, 'the test user has no photo (run `npx headerproof seed`)');
  await page.goto(`/photos/${photo!.id}`);
  const preview = page.locator(`img[src*="/api/assets/${photo!.id}/thumbnail?size=preview"]:visible`).first();
  await expect(preview, 'the viewer shows no preview of the photo').toBeVisible();
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { message: 'the preview did not decode' }).toBe(true);
});
