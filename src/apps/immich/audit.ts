// The URLs an audit of Immich looks at beyond the HTML shell and favicon: an immutable script of its
// build, its API, and — with the test user — a thumbnail and a video of the library.
import type { AuditUrls } from '../../audit/fetch.js';
import type { AuditedUrl, UrlRole } from '../../audit/audit.js';

export const immichAuditUrls: AuditUrls = async ({ target, html, get, timeoutMs, credentials }) => {
  const urls: AuditedUrl[] = [];
  const skipped: { role: UrlRole; why: string }[] = [];
  const asset = /\/_app\/immutable\/[^"'\s)]+\.js/.exec(html)?.[0];
  if (asset) urls.push(await get(asset, 'immutable-js'));
  else skipped.push({ role: 'immutable-js', why: 'no /_app/immutable/*.js reference in the HTML shell' });
  urls.push(await get('/api/server/ping', 'api'));
  if (!credentials?.user || !credentials.password) {
    skipped.push({ role: 'thumbnail', why: 'needs IMMICH_EMAIL and IMMICH_PASSWORD' }, { role: 'video', why: 'needs IMMICH_EMAIL and IMMICH_PASSWORD' });
    return { urls, skipped };
  }
  const login = await fetch(new URL('/api/auth/login', target), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: credentials.user, password: credentials.password }), signal: AbortSignal.timeout(timeoutMs),
  });
  if (login.status !== 201) {
    skipped.push({ role: 'thumbnail', why: `login failed (${login.status})` }, { role: 'video', why: `login failed (${login.status})` });
    return { urls, skipped };
  }
  const auth = { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };
  for (const [role, type] of [['thumbnail', 'IMAGE'], ['video', 'VIDEO']] as const) {
    const found = await fetch(new URL('/api/search/metadata', target), { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ type, size: 1 }), signal: AbortSignal.timeout(timeoutMs) });
    const id = found.ok ? ((await found.json()) as { assets: { items: { id: string }[] } }).assets.items[0]?.id : undefined;
    if (!id) {
      skipped.push({ role, why: `no ${type.toLowerCase()} in the library` });
      continue;
    }
    urls.push(role === 'thumbnail'
      ? await get(`/api/assets/${id}/thumbnail?size=thumbnail`, role, auth)
      : await get(`/api/assets/${id}/video/playback`, role, { ...auth, range: 'bytes=0-1023' }));
  }
  return { urls, skipped };
};
