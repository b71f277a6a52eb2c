// `headerproof seed`: gives a staging host's test user what the journeys need (photos with GPS,
// a video) by uploading the project's sample media through the Immich API into one album;
// `--cleanup` deletes exactly what seed uploaded (assets with seed's device id) and the album.
import { readFileSync } from 'node:fs';
import { SeedError } from '../profile.js';
import path from 'node:path';
import { LAB_ASSETS, mediaFile } from './lab/data.js';
import { requestTarget, upstreamAgent } from '../../proxy/upstream.js';
import { upstreamOf, type TargetSettings } from '../../config/config.js';
import { registerSecrets } from '../../observe/violation.js';

export const SEED_ALBUM = 'headerproof samples';
export const SEED_DEVICE_ID = 'headerproof-seed';


interface Answer { status: number; body: any }

/** A tiny JSON client for the one target, through the same agent rules as the proxy. */
function client(settings: TargetSettings) {
  const origin = new URL(settings.url!);
  const agent = upstreamAgent(origin, upstreamOf(settings));
  const auth: Record<string, string> = {};
  const send = async (method: string, p: string, body?: Buffer | object, headers: Record<string, string> = {}): Promise<Answer> => {
    const json = body !== undefined && !Buffer.isBuffer(body);
    try {
      const res = await requestTarget(origin, agent, p, {
        method,
        headers: { accept: 'application/json', ...auth, ...(json ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body === undefined ? {} : { body: json ? Buffer.from(JSON.stringify(body)) : (body as Buffer) }),
      });
      let parsed: unknown = res.text;
      try { parsed = res.text ? JSON.parse(res.text) : undefined; } catch { /* not JSON */ }
      return { status: res.status, body: parsed };
    } catch (err) {
      throw new SeedError(`${method} ${p}: ${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}`.trim());
    }
  };
  return { send, auth, close: () => agent.destroy() };
}

export interface SeedResult { album: string; uploaded: number; alreadyThere: number; deleted: number; assetIds: string[]; /** seed finished onboarding for the test user */ onboardingDone?: boolean }

/**
 * A new Immich user lands on /auth/onboarding after logging in until they finish it; a staging test
 * user usually never did. Seed finishes it (the login journey also copes with a user who has not).
 * Returns true when it had to.
 */
async function finishOnboarding(api: ReturnType<typeof client>, log: (line: string) => void): Promise<boolean> {
  const state = await api.send('GET', '/api/users/me/onboarding');
  if (state.status !== 200 || state.body?.isOnboarded !== false) return false;
  const done = await api.send('PUT', '/api/users/me/onboarding', { isOnboarded: true });
  if (done.status < 200 || done.status > 299) {
    log(`note: could not finish onboarding for the test user (HTTP ${done.status}); login will land on /auth/onboarding, which the login journey accepts`);
    return false;
  }
  log('finished onboarding for the test user (login now lands on /photos)');
  return true;
}

export async function seed(settings: TargetSettings, options: { cleanup?: boolean; log?: (line: string) => void } = {}): Promise<SeedResult> {
  const log = options.log ?? (() => undefined);
  if (!settings.url || !settings.credentials) throw new SeedError('seed needs a staging host: set HEADERPROOF_TARGET and IMMICH_EMAIL/IMMICH_PASSWORD (or IMMICH_API_KEY)');
  const api = client(settings);
  try {
    const c = settings.credentials;
    if ('apiKey' in c) api.auth['x-api-key'] = c.apiKey;
    else {
      const login = await api.send('POST', '/api/auth/login', { email: c.user ?? '', password: c.password });
      if (login.status !== 201) throw new SeedError(`logging in failed (HTTP ${login.status}): check IMMICH_EMAIL / IMMICH_PASSWORD`);
      registerSecrets([login.body.accessToken]);
      api.auth.authorization = `Bearer ${login.body.accessToken}`;
    }
    const ok = (a: Answer, what: string) => {
      if (a.status < 200 || a.status > 299) throw new SeedError(`${what} answered HTTP ${a.status}${typeof a.body === 'object' && a.body?.message ? `: ${a.body.message}` : ''}`);
      return a.body;
    };
    const albums = ok(await api.send('GET', '/api/albums'), 'listing albums') as { id: string; albumName: string }[];
    const existing = albums.find((a) => a.albumName === SEED_ALBUM);

    if (options.cleanup) {
      if (!existing) {
        log(`nothing to clean up: no album "${SEED_ALBUM}"`);
        return { album: SEED_ALBUM, uploaded: 0, alreadyThere: 0, deleted: 0, assetIds: [] };
      }
      const album = ok(await api.send('GET', `/api/albums/${existing.id}`), 'reading the seed album') as { assets: { id: string; deviceId?: string }[] };
      // Only what seed itself uploaded; anything a person added to the album stays.
      const ours = album.assets.filter((a) => a.deviceId === SEED_DEVICE_ID).map((a) => a.id);
      if (ours.length) ok(await api.send('DELETE', '/api/assets', { ids: ours, force: true }), 'deleting the seeded assets');
      ok(await api.send('DELETE', `/api/albums/${existing.id}`), 'deleting the seed album');
      log(`deleted ${ours.length} seeded asset(s) and the album "${SEED_ALBUM}"`);
      return { album: SEED_ALBUM, uploaded: 0, alreadyThere: 0, deleted: ours.length, assetIds: ours };
    }

    const ids: string[] = [];
    let uploaded = 0;
    for (const sample of LAB_ASSETS) {
      const { file, type } = mediaFile(sample, sample.type === 'VIDEO' ? 'video' : 'original');
      const form = new FormData();
      form.set('deviceAssetId', `headerproof-${sample.base}`);
      form.set('deviceId', SEED_DEVICE_ID);
      form.set('fileCreatedAt', sample.fileCreatedAt);
      form.set('fileModifiedAt', sample.fileCreatedAt);
      form.set('assetData', new Blob([readFileSync(file)], { type }), sample.originalFileName.replace(/\.[^.]+$/, path.extname(file)));
      // Let undici write the multipart body, then send it through our agent.
      const encoded = new Request('http://multipart.invalid/', { method: 'POST', body: form });
      const body = Buffer.from(await encoded.arrayBuffer());
      const res = ok(await api.send('POST', '/api/assets', body, { 'content-type': encoded.headers.get('content-type')! }), `uploading ${sample.originalFileName}`) as { id: string; status: string };
      if (res.status === 'created') uploaded++;
      ids.push(res.id);
      // GPS for the map (Immich reads EXIF; the API sets it explicitly so the map has markers).
      if (sample.latitude !== undefined) ok(await api.send('PUT', `/api/assets/${res.id}`, { latitude: sample.latitude, longitude: sample.longitude }), `setting GPS of ${sample.originalFileName}`);
    }
    if (existing) ok(await api.send('PUT', `/api/albums/${existing.id}/assets`, { ids }), 'adding assets to the seed album');
    else ok(await api.send('POST', '/api/albums', { albumName: SEED_ALBUM, assetIds: ids }), 'creating the seed album');
    // Thumbnails are generated asynchronously after upload: wait until every one is served.
    const deadline = Date.now() + 120_000;
    for (const id of ids) {
      for (;;) {
        const t = await api.send('GET', `/api/assets/${id}/thumbnail?size=thumbnail`, undefined, { accept: 'image/*' });
        if (t.status === 200) break;
        if (Date.now() > deadline) throw new SeedError(`the thumbnail of asset ${id} was not generated within 2 minutes (is the server's job queue running?)`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    log(`seeded ${ids.length} asset(s) (${uploaded} new, ${ids.length - uploaded} already there) into the album "${SEED_ALBUM}"`);
    const onboardingDone = await finishOnboarding(api, log);
    return { album: SEED_ALBUM, uploaded, alreadyThere: ids.length - uploaded, deleted: 0, assetIds: ids, onboardingDone };
  } finally {
    api.close();
  }
}
