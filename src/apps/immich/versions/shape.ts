// A version shape: what one line of Immich releases looks like to the journeys, and what the lab
// serves to imitate it. One file per shape (v1.ts, v3.ts, …) holds every difference, so the next
// Immich release is one new file registered in index.ts.
import type { ServerVersion } from '../version.js';

export interface VersionShape {
  /** Short name used in reports and by HEADERPROOF_LAB_VERSION, e.g. "v1.135". */
  name: string;
  /** The releases this shape was measured against and describes: from ≤ version < below. */
  from: ServerVersion;
  below: ServerVersion;
  /** What the journeys rely on that differs between versions. */
  journeys: JourneyHooks;
  /** What the lab serves for this shape (the version it reports, and the differences it imitates). */
  lab: LabShape;
}

export interface JourneyHooks {
  /** The map has maplibre's fullscreen control (a button named "Enter fullscreen"). */
  mapFullscreenControl: boolean;
}

export interface LabShape {
  /** The version /api/server/version and the websocket report. */
  version: ServerVersion;
  /** The search page renders its own search bar while the header's stays in the DOM, hidden. */
  searchPageHasOwnSearchBar: boolean;
  /** A double-click on the photo zooms in (and so loads the original); the "z" key always does. */
  doubleClickZooms: boolean;
  /** The map fits its view to the markers (so nearby ones become one cluster bubble) instead of a fixed world view. */
  mapFitsMarkers: boolean;
  /**
   * The timeline lays out its grid with a WebAssembly module: a script-src without
   * 'wasm-unsafe-eval' leaves the grid empty (no cell, no error on the page). The search results
   * and a shared album are laid out the same way (measured on the real v3.1.0: all three fail).
   */
  timelineLayoutWasm: boolean;
  /** An upload's checksum is computed in a module worker (worker-src 'self'), else on the page. */
  uploadHashesInWorker: boolean;
  /**
   * The video viewer is a web component (media-chrome's <media-controller>) that inserts <style>
   * elements into its shadow root at run time: a style-src without their hashes reports (or blocks)
   * style-src-elem inline in the video journey, text the served HTML never carries.
   */
  videoPlayerShadowStyles: boolean;
}
