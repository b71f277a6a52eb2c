// The lab's stand-in for SvelteKit's start chunk: the bootstrap inline script imports it and the
// app chunk, then hands the app its mount point. If that inline script is blocked, nothing mounts.
export function start(app, element) {
  app.mount(element);
}
