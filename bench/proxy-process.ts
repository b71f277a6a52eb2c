// The headerproof proxy alone in its own process (so its memory can be read from /proc).
import { startProxy } from '../src/proxy/proxy.js';
import { parsePolicy } from '../src/policy/policy.js';

const policy = parsePolicy(`name: bench\ndescription: bundle A's headers\nset:\n  X-Content-Type-Options: nosniff\nremove: [X-Powered-By]\n`);
await startProxy({ target: process.argv[3]!, policy, port: Number(process.argv[2]) });
