// Immich's fixtures on top of headerproof's: API discovery for the data a journey needs (as the
// logged-in user; what a journey creates is deleted after it) and what differs between versions.
import { test as base, expect } from '../../harness/fixtures.js';
import { ImmichApi } from './api.js';
import type { JourneyHooks } from './versions/index.js';

export const test = base.extend<{
  /** API discovery (as the logged-in user) for the data a journey needs. */
  immich: ImmichApi;
  /** What differs between Immich versions, for the detected version (./versions/). */
  web: JourneyHooks;
}>({
  immich: async ({ session }, use) => {
    const api = new ImmichApi(session.request);
    await use(api);
    await api.cleanup(); // the shared links, API keys and uploads the journey made
  },
  web: async ({ appIdentity }, use) => use(appIdentity.hooks as JourneyHooks),
});

export { expect };
