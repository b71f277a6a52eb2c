// Immich, the first app profile: recognised by /api/server/version, logged in through its API,
// journeys in ./journeys (with Immich's own fixtures, ./fixtures.ts), one version shape per line of
// releases (./versions/), `headerproof seed` (./seed.ts), and the bundled lab that imitates it.
import { immichAuditUrls } from './audit.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppProfile } from '../profile.js';
import { fetchServerVersion, versionString } from './version.js';
import { labShape, shapeFor, SHAPES } from './versions/index.js';
import { logIn } from './session.js';
import { seed } from './seed.js';
import { startLab } from './lab/server.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export const immich: AppProfile = {
  name: 'immich',
  title: 'Immich',
  journeysDir: path.join(HERE, 'journeys'),
  pagelessJourneys: ['api-clients'],
  phoneJourneys: ['login', 'timeline', 'full-image', 'video', 'map', 'search', 'slideshow', 'share-link', 'upload'],
  async identify(api) {
    const version = await fetchServerVersion(api);
    const { shape, supported } = shapeFor(version);
    return { app: 'immich', title: 'Immich', ...(version ? { version: versionString(version) } : {}), shape: shape.name, supported, hooks: shape.journeys };
  },
  logIn: (api, credentials, { https }) => logIn(api, credentials, https),
  // The bundled lab: the run's local-copy shape picks the Immich version it imitates (HEADERPROOF_LAB_VERSION),
  // changes its build id as an upgrade changes the bootstrap script (HEADERPROOF_LAB_BUILD), or makes its
  // user one who never finished onboarding (HEADERPROOF_LAB_ONBOARDED=0). Its map tiles live under the real
  // third-party names (tiles.immich.cloud, …), reached through its tunnel with its own certificate.
  localCopyProblem(shape) {
    try {
      labShape(shape.version);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  },
  async launch(shape = {}) {
    const lab = await startLab({
      ...(shape.build ? { buildId: shape.build } : {}),
      ...(shape.version ? { version: shape.version } : {}),
      ...(shape.onboarded === false ? { onboarded: false } : {}),
    });
    return {
      url: lab.url,
      credentials: { user: lab.credentials.email, password: lab.credentials.password },
      browserProxy: lab.tiles.browserProxy,
      ignoreHTTPSErrors: true,
      label: 'lab',
      close: () => lab.close(),
    };
  },
  // `headerproof lab`: the same lab on its own; as a staging stand-in, empty, map off, the user in onboarding.
  bundledLab: {
    versions: SHAPES.map((s) => s.name),
    async start({ version, port, staging }) {
      const lab = await startLab({
        ...(version ? { version } : {}),
        ...(port !== undefined ? { port } : {}),
        ...(staging ? { tls: staging, empty: true, map: false, onboarded: false } : {}),
      });
      return {
        url: lab.url,
        credentials: { user: lab.credentials.email, password: lab.credentials.password },
        ...(staging ? {} : { note: `map tiles need the browser proxy ${lab.tiles.browserProxy}` }),
        close: () => lab.close(),
      };
    },
  },
  seed: async (settings, options) => { await seed(settings, options); },
  // A SvelteKit build: its inline bootstrap (`__sveltekit_<build>`) and its entry modules.
  auditUrls: immichAuditUrls,
  build: { inlineBootstrap: /__sveltekit_|\/_app\/immutable\//, entryModule: /^\/_app\/immutable\/entry\// },
  ownCsp: 'v2.7+ does with IMMICH_HELMET_FILE=true',
  features: {
    fullscreen: 'slideshow, map and video fullscreen',
    geolocation: "the map's locate-me control",
    'clipboard-write': 'copying share links',
    autoplay: 'video playback starting on open',
    'picture-in-picture': 'picture-in-picture video',
  },
};
