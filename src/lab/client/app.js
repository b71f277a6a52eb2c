// The lab's Immich-shaped single-page app. It reproduces the DOM hooks, API calls and resource
// patterns of the real web app (see shared/immich-web-facts.md), not its code.
const ASSETS = globalThis.__labAssets; // chunk URLs the server injected into the bootstrap config

let root;
let socket;

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
  if (res.status === 401) {
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
  if (!loggedIn()) return navigate('/auth/login');
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
    if (res.status === 201) navigate('/photos');
    else error.textContent = 'Incorrect email or password';
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

// ---- shared layout -------------------------------------------------------------------------
function layout(title, ...content) {
  document.title = `${title} - Immich`;
  const status = h('span', { id: 'server-status' }, 'Server Offline');
  const search = h('input', { id: 'main-search-bar', type: 'text', placeholder: 'Search your photos', autocomplete: 'off',
    onkeydown: (event) => {
      if (event.key !== 'Enter' || !search.value.trim()) return;
      navigate(`/search?query=${encodeURIComponent(JSON.stringify({ originalFileName: search.value.trim() }))}`);
    } });
  root.append(
    h('header', { id: 'app-header' }, h('strong', {}, 'immich (lab)'), search),
    h('div', { id: 'layout' },
      h('nav', { id: 'sidebar' },
        h('a', { href: '/photos', 'data-nav': true }, 'Photos'),
        h('a', { href: '/map', 'data-nav': true }, 'Map'),
        h('div', { style: 'margin-top: 2rem; font-size: 0.8rem' }, status)),
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

function takenOn(asset) {
  const when = new Date(asset.fileCreatedAt).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
  return `${asset.type === 'VIDEO' ? 'Video' : 'Image'} taken on ${when}`;
}

function thumbnailCell(asset, index) {
  const size = 180;
  const cols = 4;
  const canvas = h('canvas', { width: 8, height: 8, 'data-thumbhash': asset.thumbhash });
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = `hsl(${(asset.thumbhash.charCodeAt(3) * 37) % 360} 40% 60%)`;
  ctx.fillRect(0, 0, 8, 8);
  const img = h('img', { src: `/api/assets/${asset.id}/thumbnail?size=thumbnail&c=${encodeURIComponent(asset.thumbhash)}`, alt: '', draggable: 'false', loading: 'eager' });
  img.addEventListener('load', () => { img.alt = takenOn(asset); canvas.remove(); });
  const focus = h('div', { 'data-thumbnail-focus-container': true, 'data-asset': asset.id, tabindex: '0', onclick: () => navigate(`/photos/${asset.id}`) }, canvas, img);
  if (asset.type === 'VIDEO') {
    focus.addEventListener('mouseenter', () => {
      focus.append(h('video', { muted: true, autoplay: true, src: `/api/assets/${asset.id}/video/playback?c=${encodeURIComponent(asset.thumbhash)}`, style: 'position:absolute;inset:0;width:100%;height:100%' }));
    });
    focus.addEventListener('mouseleave', () => focus.querySelector('video')?.remove());
  }
  return h('div', {
    'data-asset-id': asset.id,
    style: `position: absolute; width: ${size}px; height: ${size}px; left: ${(index % cols) * (size + 4)}px; top: ${Math.floor(index / cols) * (size + 4)}px`,
  }, focus);
}

function gridOf(assets, attrs) {
  const rows = Math.ceil(assets.length / 4);
  return h('div', { ...attrs, style: `height: ${rows * 184}px` }, assets.map(thumbnailCell));
}

// ---- timeline ------------------------------------------------------------------------------
async function renderTimeline() {
  const holder = h('section', {});
  layout('Photos', holder);
  const buckets = await api('/api/timeline/buckets');
  const assets = [];
  for (const bucket of buckets) assets.push(...(await api(`/api/timeline/bucket?timeBucket=${encodeURIComponent(bucket.timeBucket)}`)));
  const grid = gridOf(assets, { id: 'asset-grid' });
  // As Immich's timeline: the grid is the page's scroll area, present (with a placeholder) when empty.
  grid.style.minHeight = '60vh';
  if (!assets.length) grid.append(h('p', {}, 'CLICK TO UPLOAD YOUR FIRST PHOTO'));
  holder.append(grid);
}

// ---- asset viewer --------------------------------------------------------------------------
async function renderViewer(id) {
  document.title = 'Immich';
  const asset = await api(`/api/assets/${encodeURIComponent(id)}`);
  const c = encodeURIComponent(asset.thumbhash);
  const viewer = h('div', { id: 'immich-asset-viewer' });
  const nav = h('div', { id: 'viewer-nav' },
    h('button', { type: 'button', 'aria-label': 'Go back', onclick: () => navigate('/photos') }, 'Back'),
    h('button', { type: 'button', 'aria-label': 'Copy link', onclick: () => navigator.clipboard.writeText(location.href).catch((e) => console.warn('clipboard', e.message)) }, 'Copy'),
  );
  viewer.append(nav);
  if (asset.type === 'VIDEO') {
    viewer.append(h('video', {
      src: `/api/assets/${asset.id}/video/playback?c=${c}`,
      poster: `/api/assets/${asset.id}/thumbnail?size=preview&c=${c}`,
      autoplay: true, playsinline: true, controls: true,
    }));
  } else {
    const loader = h('img', { src: `/api/assets/${asset.id}/thumbnail?size=preview&c=${c}`, alt: '', style: 'display: none', 'aria-hidden': 'true' });
    const main = h('img', { class: 'main', src: `/api/assets/${asset.id}/thumbnail?size=preview&c=${c}`, alt: asset.originalFileName, draggable: 'false' });
    let zoomed = false;
    // Zooming in loads the original, as Immich's photo viewer does.
    main.addEventListener('dblclick', () => {
      zoomed = !zoomed;
      main.style.transform = zoomed ? 'scale(2)' : '';
      if (zoomed) main.src = `/api/assets/${asset.id}/original?c=${c}`;
    });
    viewer.append(loader, main);
  }
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
  if (!document.querySelector('link[data-maplibre]')) {
    document.head.append(h('link', { rel: 'stylesheet', href: ASSETS.maplibreCss, 'data-maplibre': true }));
  }
  await import(ASSETS.maplibre);
  const maplibregl = globalThis.maplibregl;
  const config = await api('/api/server/config');
  const dark = document.documentElement.classList.contains('dark');
  const map = new maplibregl.Map({
    container,
    style: dark ? config.mapDarkStyleUrl : config.mapLightStyleUrl,
    center: [10, 48],
    zoom: 3,
    attributionControl: false,
  });
  map.addControl(new maplibregl.NavigationControl());
  map.addControl(new maplibregl.GeolocateControl({ trackUserLocation: false }));
  map.addControl(new maplibregl.FullscreenControl());
  map.on('error', (event) => console.error('map error:', event.error?.message ?? event));
  map.on('load', async () => {
    const markers = await api('/api/map/markers');
    for (const m of markers) {
      const el = h('div', { class: 'map-marker' },
        h('img', { src: `/api/assets/${m.id}/thumbnail?size=thumbnail`, alt: `Map marker ${m.city ?? ''}`.trim() }));
      new maplibregl.Marker({ element: el }).setLngLat([m.lon, m.lat]).addTo(map);
    }
  });
}

// ---- search --------------------------------------------------------------------------------
async function renderSearch() {
  const holder = h('section', {});
  layout('Search', holder);
  let query = {};
  try {
    query = JSON.parse(new URLSearchParams(location.search).get('query') ?? '{}');
  } catch {
    holder.append(h('p', {}, 'Invalid search query'));
    return;
  }
  document.getElementById('main-search-bar').value = query.originalFileName ?? query.query ?? '';
  if (query.query !== undefined) {
    holder.append(h('p', {}, 'Smart search needs the machine-learning service, which this lab does not run.'));
    return;
  }
  const result = await api('/api/search/metadata', { method: 'POST', body: JSON.stringify({ ...query, page: 1, size: 100 }) });
  holder.append(h('p', {}, `${result.assets.total} results`), gridOf(result.assets.items, { class: 'search-results' }));
}
