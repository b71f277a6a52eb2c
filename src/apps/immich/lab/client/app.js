// The lab's Immich-shaped single-page app. It reproduces the DOM hooks, API calls and resource
// patterns of the real web app (see shared/immich-web-facts.md), not its code.
const ASSETS = globalThis.__labAssets; // chunk URLs the server injected into the bootstrap config
// The Immich version the lab imitates, and how that version differs (src/apps/immich/versions/).
const VERSION = ASSETS.version;
const SHAPE = ASSETS.shape;

let root;
let socket;

/**
 * Like media-chrome's elements: an open shadow root filled from a template that carries a <style>,
 * so the style is inserted into the shadow root when the element is created, by this module's code.
 */
export const MEDIA_CONTROLLER_STYLE = ':host { display: block; position: relative; transition: var(--media-control-transition-in, visibility 0s, opacity .2s) } ::slotted(video) { width: 100%; height: 100% }';
function defineMediaController() {
  if (customElements.get('lab-media-controller')) return;
  const template = document.createElement('template');
  template.innerHTML = `<style>${MEDIA_CONTROLLER_STYLE}</style><slot></slot>`;
  customElements.define('lab-media-controller', class extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: 'open' }).append(template.content.cloneNode(true));
    }
  });
}

export function mount(element) {
  root = element;
  document.getElementById('stencil')?.remove();
  window.addEventListener('popstate', () => render());
  document.addEventListener('click', (event) => {
    const link = event.target.closest?.('a[data-nav]');
    if (link) {
      event.preventDefault();
      navigate(link.getAttribute('href'));
    }
  });
  render();
}

export function navigate(url) {
  history.pushState({}, '', url);
  render();
}

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else if (v !== false && v != null) el.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c != null) el.append(c);
  return el;
}

async function api(path, init = {}) {
  const res = await fetch(path, {
    credentials: 'same-origin',
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  if (res.status === 401 && !/[?&]key=/.test(path)) {
    navigate('/auth/login');
    throw new Error('unauthorized');
  }
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.status === 204 ? null : res.json();
}

const loggedIn = () => document.cookie.split('; ').includes('immich_is_authenticated=true');

function render() {
  const path = location.pathname;
  root.replaceChildren();
  if (path === '/') return navigate(loggedIn() ? '/photos' : '/auth/login');
  if (path === '/auth/login') return renderLogin();
  // A shared link needs no session: its key (in the path) opens the album.
  const share = /^\/share\/([^/]+)(?:\/photos\/([^/]+))?$/.exec(path);
  if (share) return share[2] ? renderViewer(share[2], share[1]) : renderShare(share[1]);
  if (!loggedIn()) return navigate('/auth/login');
  if (path === '/auth/onboarding') return renderOnboarding();
  if (path === '/photos') return renderTimeline();
  if (path.startsWith('/photos/')) return renderViewer(path.slice('/photos/'.length));
  if (path === '/map') return renderMap();
  if (path === '/search') return renderSearch();
  document.title = 'Not found - Immich';
  root.append(h('p', {}, 'Page not found'));
}

// ---- login ---------------------------------------------------------------------------------
function renderLogin() {
  document.title = 'Login - Immich';
  const error = h('p', { role: 'alert', style: 'color: #b00; min-height: 1em' });
  const form = h('form', { class: 'login', onsubmit: async (event) => {
    event.preventDefault();
    const res = await fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: form.querySelector('#email').value, password: form.querySelector('#password').value }),
    });
    if (res.status !== 201) {
      error.textContent = 'Incorrect email or password';
      return;
    }
    // As Immich: a user who has not finished onboarding is taken there first.
    const user = await res.json();
    navigate(user.isOnboarded === false ? '/auth/onboarding' : '/photos');
  } },
    h('h1', {}, 'Login'),
    h('label', { for: 'email' }, 'Email'),
    h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'email', required: true }),
    h('label', { for: 'password' }, 'Password'),
    h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    error,
    h('button', { type: 'submit' }, 'Login'),
  );
  root.append(form);
}

function renderOnboarding() {
  document.title = 'Onboarding - Immich';
  root.append(h('section', { class: 'onboarding' },
    h('h1', {}, 'Welcome to Immich'),
    h('p', {}, 'Let us set up a few things before you start.'),
    h('button', { type: 'button', onclick: async () => {
      await api('/api/users/me/onboarding', { method: 'PUT', body: JSON.stringify({ isOnboarded: true }) });
      navigate('/photos');
    } }, 'Done')));
}

// ---- shared layout -------------------------------------------------------------------------
function searchBar() {
  const search = h('input', { id: 'main-search-bar', type: 'text', placeholder: 'Search your photos', autocomplete: 'off',
    onkeydown: (event) => {
      if (event.key !== 'Enter' || !search.value.trim()) return;
      navigate(`/search?query=${encodeURIComponent(JSON.stringify({ originalFileName: search.value.trim() }))}`);
    } });
  return search;
}

function layout(title, ...content) {
  document.title = `${title} - Immich`;
  const status = h('span', { id: 'server-status' }, 'Server Offline');
  const search = searchBar();
  root.append(
    h('header', { id: 'app-header' }, h('strong', {}, 'immich (lab)'), search,
      h('button', { type: 'button', onclick: () => chooseAndUpload() }, 'Upload')),
    h('div', { id: 'layout' },
      h('nav', { id: 'sidebar' },
        h('a', { href: '/photos', 'data-nav': true }, 'Photos'),
        h('a', { href: '/map', 'data-nav': true }, 'Map'),
        h('div', { style: 'margin-top: 2rem; font-size: 0.8rem' }, status, ` v${VERSION}`)),
      h('main', {}, ...content)),
  );
  connectSocket(status);
}

async function connectSocket(status) {
  try {
    const { io } = await import(ASSETS.socketio);
    if (!socket) socket = io({ path: '/api/socket.io', transports: ['websocket'], reconnection: true });
    const show = () => { status.textContent = socket.connected ? 'Server Online' : 'Server Offline'; };
    socket.on('connect', show);
    socket.on('disconnect', show);
    show();
  } catch (err) {
    console.error('socket.io client failed to load', err);
  }
}

// As Immich's alt text: "Image taken on July 14, 2024", or "… taken in Berlin, Germany on …".
function takenOn(asset) {
  const when = new Date(asset.fileCreatedAt).toLocaleDateString('en-US', { dateStyle: 'long', timeZone: 'UTC' });
  const place = asset.exifInfo?.city && asset.exifInfo?.country ? `in ${asset.exifInfo.city}, ${asset.exifInfo.country} ` : '';
  return `${asset.type === 'VIDEO' ? 'Video' : 'Image'} taken ${place}on ${when}`;
}

// The query a shared link's visitor adds to every asset URL (its key), or nothing for the owner.
const keyQuery = (key) => (key ? `key=${encodeURIComponent(key)}&` : '');

function thumbnailCell(asset, index, wrapperAttrs = { 'data-asset-id': asset.id }, key = undefined) {
  const size = 180;
  const cols = 4;
  const canvas = h('canvas', { width: 8, height: 8, 'data-thumbhash': asset.thumbhash });
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = `hsl(${(asset.thumbhash.charCodeAt(3) * 37) % 360} 40% 60%)`;
  ctx.fillRect(0, 0, 8, 8);
  const img = h('img', { src: `/api/assets/${asset.id}/thumbnail?${keyQuery(key)}size=thumbnail&c=${encodeURIComponent(asset.thumbhash)}`, alt: '', draggable: 'false', loading: 'eager' });
  img.addEventListener('load', () => { img.alt = takenOn(asset); canvas.remove(); });
  const focus = h('div', { 'data-thumbnail-focus-container': true, 'data-asset': asset.id, tabindex: '0', onclick: () => navigate(key ? `/share/${key}/photos/${asset.id}` : `/photos/${asset.id}`) }, canvas, img);
  if (asset.type === 'VIDEO') {
    focus.addEventListener('mouseenter', () => {
      focus.append(h('video', { muted: true, autoplay: true, src: `/api/assets/${asset.id}/video/playback?c=${encodeURIComponent(asset.thumbhash)}`, style: 'position:absolute;inset:0;width:100%;height:100%' }));
    });
    focus.addEventListener('mouseleave', () => focus.querySelector('video')?.remove());
  }
  return h('div', {
    ...wrapperAttrs,
    style: `position: absolute; width: ${size}px; height: ${size}px; left: ${(index % cols) * (size + 4)}px; top: ${Math.floor(index / cols) * (size + 4)}px`,
  }, focus);
}

function gridOf(assets, attrs) {
  const rows = Math.ceil(assets.length / 4);
  return h('div', { ...attrs, style: `height: ${rows * 184}px` }, assets.map((a, i) => thumbnailCell(a, i)));
}

// Search results are a gallery: its tiles carry the id on the focus container only (data-asset).
function galleryOf(assets, attrs, key = undefined) {
  const rows = Math.ceil(assets.length / 4);
  return h('div', { ...attrs, style: `height: ${rows * 184}px` }, assets.map((a, i) => thumbnailCell(a, i, { class: 'gallery-tile' }, key)));
}

// ---- timeline ------------------------------------------------------------------------------
// A tiny WebAssembly module (add(i32, i32) -> i32) that lays out the grid's cell positions, as
// Immich v2.2+ lays out its timeline in WebAssembly: without 'wasm-unsafe-eval' it cannot compile.
const LAYOUT_WASM = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100, 100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11]);

async function layoutEngine() {
  if (!SHAPE.timelineLayoutWasm) return (a, b) => a + b;
  const { instance } = await WebAssembly.instantiate(LAYOUT_WASM);
  return instance.exports.add;
}

async function renderTimeline() {
  // As Immich's timeline: the grid is the page's scroll area, there at once; its cells are laid out
  // once the buckets have loaded (so a policy that stops the loading leaves an empty grid).
  const grid = h('div', { id: 'asset-grid', style: 'min-height: 60vh' });
  layout('Photos', h('section', {}, grid));
  const buckets = await api('/api/timeline/buckets');
  const assets = [];
  for (const bucket of buckets) assets.push(...(await api(`/api/timeline/bucket?timeBucket=${encodeURIComponent(bucket.timeBucket)}`)));
  // If the layout module cannot start, the grid stays empty, with the error only in the console.
  const add = await layoutEngine().catch((err) => console.error('timeline layout failed', err));
  if (!add) return;
  const laidOut = gridOf(assets, { id: 'asset-grid' });
  laidOut.style.minHeight = '60vh';
  if (!assets.length) laidOut.append(h('p', {}, 'CLICK TO UPLOAD YOUR FIRST PHOTO'));
  grid.replaceWith(laidOut);
}

// ---- asset viewer --------------------------------------------------------------------------
let viewerKeys; // the viewer's keyboard shortcuts (z: zoom, s: slideshow), replaced per asset

async function renderViewer(id, key = undefined) {
  document.title = 'Immich';
  const k = keyQuery(key);
  const asset = await api(`/api/assets/${encodeURIComponent(id)}${key ? `?${k.slice(0, -1)}` : ''}`);
  const c = encodeURIComponent(asset.thumbhash);
  const viewer = h('div', { id: 'immich-asset-viewer' });
  const toast = h('div', { role: 'status', class: 'toast' });
  let zoomToggle = () => {};
  const more = h('div', { role: 'menu', class: 'menu', hidden: true },
    h('button', { type: 'button', role: 'menuitem', onclick: () => { more.hidden = true; startSlideshow(); } }, 'Slideshow'),
    h('button', { type: 'button', role: 'menuitem', onclick: () => { more.hidden = true; } }, 'Download'));
  const nav = h('div', { id: 'viewer-nav' },
    h('button', { type: 'button', 'aria-label': 'Go back', onclick: () => navigate(key ? `/share/${key}` : '/photos') }, 'Back'),
    asset.type === 'IMAGE' ? h('button', { type: 'button', 'aria-label': 'Zoom Image', onclick: () => zoomToggle() }, 'Zoom') : null,
    h('button', { type: 'button', 'aria-label': 'Copy link', onclick: () => navigator.clipboard.writeText(location.href).catch((e) => console.warn('clipboard', e.message)) }, 'Copy'),
    h('button', { type: 'button', 'aria-label': 'More', onclick: () => { more.hidden = !more.hidden; } }, 'More'),
    more,
  );
  viewer.append(nav, toast);

  // As Immich's slideshow: the viewer goes fullscreen; if the browser refuses, a toast says so and
  // the slideshow stops.
  async function startSlideshow() {
    try {
      await viewer.requestFullscreen();
    } catch (err) {
      toast.textContent = 'Unable to enter fullscreen';
      console.error('Unable to enter fullscreen', err);
      return;
    }
    const bar = h('div', { id: 'slideshow-bar' },
      h('button', { type: 'button', 'aria-label': 'Exit Slideshow', onclick: async () => { bar.remove(); if (document.fullscreenElement) await document.exitFullscreen(); } }, 'Exit'),
      h('button', { type: 'button', 'aria-label': 'Pause' }, 'Pause'));
    viewer.append(bar);
    document.addEventListener('fullscreenchange', () => { if (!document.fullscreenElement) bar.remove(); }, { once: true });
  }

  if (asset.type === 'VIDEO') {
    const video = h('video', {
      src: `/api/assets/${asset.id}/video/playback?${k}c=${c}`,
      poster: `/api/assets/${asset.id}/thumbnail?${k}size=preview&c=${c}`,
      autoplay: true, playsinline: true, controls: true,
    });
    // v3 wraps the video in media-chrome's controller, whose shadow root gets its <style> at run time.
    if (SHAPE.videoPlayerShadowStyles) {
      defineMediaController();
      const controller = document.createElement('lab-media-controller');
      controller.append(video);
      viewer.append(controller);
    } else viewer.append(video);
  } else {
    const preview = `/api/assets/${asset.id}/thumbnail?${k}size=preview&c=${c}`;
    // v1 keeps two hidden loader images beside the shown one; v3 shows just the one.
    const loaders = SHAPE.doubleClickZooms ? [] : [0, 1].map(() => h('img', { src: preview, alt: '', style: 'display: none', 'aria-hidden': 'true' }));
    const main = h('img', { class: 'main', src: preview, alt: takenOn(asset), draggable: 'false' });
    let zoomed = false;
    // Zooming in loads the original, as Immich's photo viewer does ("z", the Zoom Image button, and
    // in some versions a double-click).
    zoomToggle = () => {
      zoomed = !zoomed;
      main.style.transform = zoomed ? 'scale(2)' : '';
      if (zoomed) for (const img of [...loaders, main]) img.src = `/api/assets/${asset.id}/original?${k}c=${c}`;
    };
    if (SHAPE.doubleClickZooms) main.addEventListener('dblclick', () => zoomToggle());
    viewer.append(...loaders, main);
  }
  if (viewerKeys) document.removeEventListener('keydown', viewerKeys);
  viewerKeys = (event) => {
    if (!document.getElementById('immich-asset-viewer') || event.target.closest?.('input')) return;
    if (event.key === 'z') zoomToggle();
    if (event.key === 's' && asset.type === 'IMAGE') startSlideshow();
    if (event.key === 'i') toggleDetailPanel(viewer, asset);
  };
  document.addEventListener('keydown', viewerKeys);
  // A face crop drawn into a data: URL, as Immich shows people in the detail panel.
  const face = document.createElement('canvas');
  face.width = face.height = 24;
  const fctx = face.getContext('2d');
  fctx.fillStyle = '#c96';
  fctx.fillRect(0, 0, 24, 24);
  const info = h('div', { id: 'viewer-info' }, h('img', { src: face.toDataURL('image/png'), alt: 'Face crop', width: '24', height: '24' }), ` ${asset.originalFileName}`);
  viewer.append(info);
  // An object URL image, as Immich's panorama viewer and downloads use blob: URLs.
  face.toBlob((blob) => {
    if (blob) info.prepend(h('img', { src: URL.createObjectURL(blob), alt: 'Person', width: '24', height: '24' }));
  });
  root.append(viewer);
}

// ---- map -----------------------------------------------------------------------------------
async function renderMap() {
  const features = await api('/api/server/features');
  if (!features.map) return navigate('/photos');
  const container = h('div', { id: 'map-container' });
  layout('Map', container);
  await loadMaplibre();
  const maplibregl = globalThis.maplibregl;
  const config = await api('/api/server/config');
  const dark = document.documentElement.classList.contains('dark');
  const markers = await api('/api/map/markers');
  // v1 opens on a fixed world view; v3 fits the view to the markers.
  const view = SHAPE.mapFitsMarkers && markers.length
    ? { bounds: markers.reduce((b, m) => b.extend([m.lon, m.lat]), new maplibregl.LngLatBounds([markers[0].lon, markers[0].lat], [markers[0].lon, markers[0].lat])), fitBoundsOptions: { padding: 50, maxZoom: 15 } }
    : { center: [10, 48], zoom: 1 };
  const map = new maplibregl.Map({
    container,
    style: dark ? config.mapDarkStyleUrl : config.mapLightStyleUrl,
    ...view,
    attributionControl: false,
  });
  map.addControl(new maplibregl.NavigationControl(), 'top-left');
  map.addControl(new maplibregl.GeolocateControl({ trackUserLocation: false }), 'top-left');
  if (SHAPE.mapFullscreenControl) map.addControl(new maplibregl.FullscreenControl(), 'top-left');
  map.on('error', (event) => console.error('map error:', event.error?.message ?? event));
  // As Immich (svelte-maplibre, cluster radius 35 px): markers within 35 px of each other become one
  // bubble with their count; each is a button named "Map marker".
  let shown = [];
  const placeMarkers = () => {
    for (const m of shown) m.remove();
    const groups = [];
    for (const m of markers) {
      const p = map.project([m.lon, m.lat]);
      const near = groups.find((g) => Math.hypot(g.x - p.x, g.y - p.y) < 35);
      if (near) near.members.push(m);
      else groups.push({ x: p.x, y: p.y, members: [m] });
    }
    shown = groups.map((g) => {
      const first = g.members[0];
      const el = h('div', { role: 'button', tabindex: '0', 'aria-label': 'Map marker', class: 'map-marker' },
        g.members.length > 1
          ? h('div', { class: 'map-cluster' }, String(g.members.length))
          : h('img', { src: `/api/assets/${first.id}/thumbnail?size=thumbnail`, alt: first.city && first.country ? `Map marker for images taken in ${first.city}, ${first.country}` : 'Map marker with image' }));
      return new maplibregl.Marker({ element: el }).setLngLat([first.lon, first.lat]).addTo(map);
    });
  };
  map.on('load', () => {
    placeMarkers();
    map.on('zoomend', placeMarkers);
  });
}

// ---- search --------------------------------------------------------------------------------
async function renderSearch() {
  const holder = h('section', {});
  layout('Search', holder);
  const header = document.getElementById('main-search-bar');
  let bar = header;
  if (SHAPE.searchPageHasOwnSearchBar) {
    // v1: the search page shows its own bar; the header's stays in the DOM, hidden (same id).
    header.closest('header').style.display = 'none';
    bar = searchBar();
    holder.append(h('div', { class: 'search-page-bar' }, bar));
  }
  let query = {};
  try {
    query = JSON.parse(new URLSearchParams(location.search).get('query') ?? '{}');
  } catch {
    holder.append(h('p', {}, 'Invalid search query'));
    return;
  }
  bar.value = '';
  const chips = Object.entries(query).map(([k, v]) => h('span', { class: 'chip' }, h('b', {}, k === 'originalFileName' ? 'File name' : k), ` ${v}`));
  holder.append(h('div', { class: 'search-terms' }, ...chips));
  if (query.query !== undefined) {
    holder.append(h('p', {}, 'Smart search needs the machine-learning service, which this lab does not run.'));
    return;
  }
  const result = await api('/api/search/metadata', { method: 'POST', body: JSON.stringify({ ...query, page: 1, size: 100 }) });
  // The results are laid out like the timeline (in v3 by the WebAssembly module; measured on the real
  // v3.1.0: without 'wasm-unsafe-eval' its search shows no result): without it, nothing shows.
  const add = await layoutEngine().catch((err) => console.error('search layout failed', err));
  if (add) holder.append(galleryOf(result.assets.items, { class: 'search-results' }));
}

// ---- detail panel --------------------------------------------------------------------------
// "i" in the viewer: the asset's details and, when it has a location, a small map of where it was
// taken (tiles from the map style's origin, as Immich's detail panel).
async function toggleDetailPanel(viewer, asset) {
  const open = viewer.querySelector('#detail-panel');
  if (open) return open.remove();
  const panel = h('aside', { id: 'detail-panel' }, h('h2', {}, 'Info'), h('p', {}, asset.originalFileName));
  viewer.append(panel);
  const lat = asset.exifInfo?.latitude;
  const lon = asset.exifInfo?.longitude;
  if (typeof lat !== 'number' || typeof lon !== 'number') return;
  const features = await api('/api/server/features');
  if (!features.map) return;
  const container = h('div', { class: 'detail-map', style: 'width: 320px; height: 200px' });
  panel.append(container);
  await loadMaplibre();
  const config = await api('/api/server/config');
  const map = new globalThis.maplibregl.Map({ container, style: config.mapLightStyleUrl, center: [lon, lat], zoom: 12, attributionControl: false });
  new globalThis.maplibregl.Marker().setLngLat([lon, lat]).addTo(map);
}

async function loadMaplibre() {
  if (!document.querySelector('link[data-maplibre]')) {
    document.head.append(h('link', { rel: 'stylesheet', href: ASSETS.maplibreCss, 'data-maplibre': true }));
  }
  await import(ASSETS.maplibre);
}

// ---- shared link ---------------------------------------------------------------------------
// A visitor without a session: the album the link's key opens, every asset URL carrying the key.
async function renderShare(key) {
  document.title = 'Shared album - Immich';
  let link;
  try {
    link = await api(`/api/shared-links/me?key=${encodeURIComponent(key)}`);
  } catch {
    root.append(h('h1', {}, 'Invalid share key'));
    return;
  }
  document.title = `${link.album.albumName} - Immich`;
  const main = h('main', { class: 'share' }, h('h1', {}, link.album.albumName));
  root.append(main);
  // The shared album is laid out like the timeline (in v3 by the WebAssembly module): without it,
  // the title shows over an empty album.
  const add = await layoutEngine().catch((err) => console.error('album layout failed', err));
  if (add) main.append(galleryOf(link.album.assets, { class: 'share-gallery' }, key));
}

// ---- upload --------------------------------------------------------------------------------
// As Immich: a hidden file input opens the chooser; each file's SHA-1 is checked with the server
// (bulk-upload-check) before it is sent; the timeline then shows the new photo.
function chooseAndUpload() {
  const input = h('input', { type: 'file', multiple: true, accept: 'image/*,video/*', hidden: true });
  input.addEventListener('change', async () => {
    const files = [...input.files];
    input.remove();
    for (const file of files) await uploadOne(file).catch((err) => console.error('upload failed', file.name, err));
    if (location.pathname === '/photos') render();
  }, { once: true });
  document.body.append(input);
  input.click();
}

async function checksumOf(file) {
  if (!SHAPE.uploadHashesInWorker) {
    const digest = await crypto.subtle.digest('SHA-1', await file.arrayBuffer());
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }
  return new Promise((resolve, reject) => {
    const worker = new Worker(ASSETS.hashWorker, { type: 'module' });
    worker.addEventListener('message', ({ data }) => { worker.terminate(); data.error ? reject(new Error(data.error)) : resolve(data.result); });
    worker.addEventListener('error', (event) => { worker.terminate(); reject(new Error(event.message || 'the hash worker failed to start')); });
    worker.postMessage(file);
  });
}

async function uploadOne(file) {
  // A checksum that cannot be computed only skips the duplicate check, as in Immich.
  const checksum = await checksumOf(file).catch((err) => console.error(`Error calculating sha1 file=${file.name}`, err));
  if (checksum) {
    const { results: [check] } = await api('/api/assets/bulk-upload-check', { method: 'POST', body: JSON.stringify({ assets: [{ id: file.name, checksum }] }) });
    if (check.action === 'reject') return check.assetId;
  }
  const form = new FormData();
  const when = new Date(file.lastModified).toISOString();
  for (const [k, v] of Object.entries({ deviceAssetId: `web-${file.name}-${file.lastModified}`, deviceId: 'WEB', fileCreatedAt: when, fileModifiedAt: when, isFavorite: 'false' })) form.append(k, v);
  form.append('assetData', file, file.name);
  const res = await fetch('/api/assets', { method: 'POST', body: form, credentials: 'same-origin' });
  if (![200, 201].includes(res.status)) throw new Error(`upload answered ${res.status}`);
  return (await res.json()).id;
}
