// A virtual display for Firefox. Headless Firefox on a machine without a GPU has no WebGL
// (measured: "Exhausted GL driver options"), so the map journey could never pass in it; a normal
// Firefox window on Xvfb gets Mesa's software GL (llvmpipe). One Xvfb per run, started by global
// setup and inherited by the workers through DISPLAY.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export const XVFB = 'Xvfb';

export function hasXvfb(): boolean {
  return spawnSync('sh', ['-c', `command -v ${XVFB}`], { stdio: 'ignore' }).status === 0;
}

export interface VirtualDisplay {
  display: string;
  close(): Promise<void>;
}

/** Starts Xvfb on a free display number (Xvfb picks it: -displayfd); loopback socket only. */
export async function startVirtualDisplay(timeoutMs = 10_000): Promise<VirtualDisplay> {
  const child: ChildProcess = spawn(XVFB, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    detached: false,
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const number = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb did not start within ${timeoutMs} ms: ${stderr.trim().split('\n').pop() ?? ''}`)), timeoutMs);
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) { clearTimeout(timer); resolve(out.trim()); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`Xvfb exited (${code}): ${stderr.trim().split('\n').pop() ?? ''}`)); });
  });
  return {
    display: `:${number}`,
    close: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
    },
  };
}
