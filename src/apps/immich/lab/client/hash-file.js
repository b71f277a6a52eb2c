// The upload's checksum worker, as Immich v2+ hashes a chosen file in a module worker before asking
// the server whether it already has it (worker-src must allow 'self').
addEventListener('message', async (event) => {
  try {
    const digest = await crypto.subtle.digest('SHA-1', await event.data.arrayBuffer());
    postMessage({ result: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('') });
  } catch (error) {
    postMessage({ error: String(error) });
  }
});
