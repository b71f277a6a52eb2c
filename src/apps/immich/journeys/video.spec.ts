import { test, expect } from '../fixtures.js';

// Proves: a video opens in the viewer, playback actually starts (currentTime advances), and the
// file is served with Range requests (206), as media-src and the proxy must allow.
test('video: playback starts and is served with Range requests', async ({ loggedInPage: page, immich }) => {
  const video = await immich.findAsset('VIDEO');
  test.skip(!video, 'the target library has no video');
  const statuses: number[] = [];
  page.on('response', (r) => {
    if (r.url().includes(`/api/assets/${video!.id}/video/playback`)) statuses.push(r.status());
  });
  await page.goto(`/photos/${video!.id}`);
  const player = page.locator('#immich-asset-viewer video');
  await expect(player, 'the video element never appeared').toBeVisible();
  await expect
    .poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime), { message: 'playback did not start (currentTime stayed 0)', timeout: 15_000 })
    .toBeGreaterThan(0.2);
  expect(statuses, 'the video was not served with Range requests (no 206)').toContain(206);
});
