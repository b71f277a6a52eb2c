import { test, expect } from '../../src/harness/fixtures.js';
import { isDecoded } from '../../src/harness/dom.js';

// Proves: a metadata search (POST /api/search/metadata, no machine learning needed) returns the
// expected asset, shown with the thumbnail hooks and a decoded thumbnail.
test('search: a metadata search by file name finds the asset', async ({ loggedInPage: page, immich }) => {
  const asset = await immich.findAsset('IMAGE');
  test.skip(!asset, 'the target library has no image to search for');
  await page.goto(`/search?query=${encodeURIComponent(JSON.stringify({ originalFileName: asset!.originalFileName }))}`);
  await expect(page.locator('#main-search-bar'), 'the search page never rendered').toBeVisible();
  const hit = page.locator(`[data-asset-id="${asset!.id}"]`).first();
  await expect(hit, `the search did not return ${asset!.originalFileName}`).toBeVisible();
  await expect.poll(() => isDecoded(hit.locator('img').first()), { message: 'the result thumbnail did not decode' }).toBe(true);
});
