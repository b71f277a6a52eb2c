// Immich v1.x (measured against v1.135.3 built from source, 2026-11-25).
import type { VersionShape } from './shape.js';

export const v1: VersionShape = {
  name: 'v1.135',
  from: { major: 1, minor: 118, patch: 0 },
  below: { major: 2, minor: 0, patch: 0 },
  journeys: {
    // Seen: zoom in, zoom out, compass, locate, fullscreen, globe.
    mapFullscreenControl: true,
  },
  lab: {
    version: { major: 1, minor: 135, patch: 3 },
    // Seen: two #main-search-bar on /search (the page's own, and the header's, hidden).
    searchPageHasOwnSearchBar: true,
    // Seen: a double-click on the photo does not load /original; "z" and the "Zoom Image" button do.
    doubleClickZooms: false,
    // Seen: a fixed world view; the three GPS photos form one cluster bubble ("3").
    mapFitsMarkers: false,
    // Seen: script-src 'self' 'unsafe-inline' (no 'wasm-unsafe-eval') leaves the timeline working.
    timelineLayoutWasm: false,
    // Seen: no worker is loaded while uploading (bulk-upload-check, then POST /api/assets).
    uploadHashesInWorker: false,
    // Seen: a plain <video controls>; tune converged in Chromium with no runtime style.
    videoPlayerShadowStyles: false,
  },
};
