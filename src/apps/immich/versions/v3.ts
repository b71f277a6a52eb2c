// Immich v3.x (measured against v3.1.0 built from source, 2026-11-25).
import type { VersionShape } from './shape.js';

export const v3: VersionShape = {
  name: 'v3.1',
  from: { major: 3, minor: 0, patch: 0 },
  below: { major: 4, minor: 0, patch: 0 },
  journeys: {
    // Seen: zoom in, zoom out, compass, locate, globe, settings; no fullscreen control.
    mapFullscreenControl: false,
  },
  lab: {
    version: { major: 3, minor: 1, patch: 0 },
    // Seen: one #main-search-bar on /search.
    searchPageHasOwnSearchBar: false,
    // Seen: a double-click on the photo zooms in and loads /original.
    doubleClickZooms: true,
    // Seen: the view fits the markers; nearby ones still form one cluster bubble.
    mapFitsMarkers: true,
    // Seen: script-src 'self' 'unsafe-inline' (no 'wasm-unsafe-eval') reports script-src wasm-eval
    // and the timeline grid never shows a cell.
    timelineLayoutWasm: true,
    // Seen: /_app/immutable/workers/hash-file-*.js loads before bulk-upload-check.
    uploadHashesInWorker: true,
    // Seen (real v3.1.0, tune in Chromium): two enforced style-src-elem inline violations in the video
    // journey, samples ":host([mediaisfullscreen]) ::slotted(…" and ":host { transition: var(--media-…",
    // from /_app/immutable/chunks/*.js: media-chrome's shadow-root styles.
    videoPlayerShadowStyles: true,
  },
};
