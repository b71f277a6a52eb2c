import { test, expect } from '../fixtures.js';

// Proves: the slideshow starts from the viewer's "More" menu and enters fullscreen, as every
// version does (Permissions-Policy `fullscreen`: denied, Immich shows "Unable to enter fullscreen").
test('slideshow: starts from the viewer and enters fullscreen', async ({ loggedInPage: page, immich }) => {
  const image = await immich.findAsset('IMAGE');
  test.skip(!image, 'the target library has no image');
  await page.goto(`/photos/${image!.id}`);
  const viewer = page.locator('#immich-asset-viewer');
  await expect(viewer, 'the asset viewer never opened').toBeVisible();
  await page.getByRole('button', { name: 'More' }).click();
  await page.getByRole('menuitem', { name: 'Slideshow' }).click();
  await expect
    .poll(() => page.evaluate(() => document.fullscreenElement?.id ?? null), { message: 'the slideshow could not enter fullscreen' })
    .toBe('immich-asset-viewer');
  await expect(page.getByRole('button', { name: 'Exit Slideshow' }), 'the slideshow controls never appeared').toBeVisible();
});
