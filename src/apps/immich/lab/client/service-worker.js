// Like Immich's service worker: it intercepts GETs of /api/assets/<id>/(original|thumbnail),
// re-fetches them itself and caches them; a failed or cancelled fetch is answered with 499.
const CACHE = 'lab-assets-v1';
const ASSET = /^\/api\/assets\/[^/]+\/(original|thumbnail)$/;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || !ASSET.test(url.pathname)) return;
  event.respondWith(fetchAndCache(event.request));
});

async function fetchAndCache(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  try {
    const response = await fetch(request.url, { credentials: 'include', signal: request.signal });
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch {
    return new Response(null, { status: 499, statusText: 'Request Cancelled' });
  }
}
