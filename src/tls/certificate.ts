// Throwaway TLS certificates made at run time: the origin-preserving proxy presents one for the
// real host name (Chromium trusts exactly its key for that run), and the lab serves HTTPS under a
// made-up name with one. Keys never leave memory.
import { createHash, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface GeneratedCertificate {
  /** PEM certificate (self-signed; usable as its own CA for Node clients). */
  cert: string;
  /** PEM PKCS#8 private key. */
  key: string;
  /** base64 SHA-256 of the SubjectPublicKeyInfo: what --ignore-certificate-errors-spki-list takes. */
  spkiSha256: string;
  hostnames: string[];
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export async function generateCertificate(hostnames: string[]): Promise<GeneratedCertificate> {
  if (!hostnames.length) throw new Error('generateCertificate: at least one host name');
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: createHash('sha256').update(`${hostnames.join(',')}${now}${Math.random()}`).digest('hex').slice(0, 16),
    name: `CN=${hostnames[0]}, O=headerproof (throwaway, this run only)`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 7 * 24 * 3600_000),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(hostnames.map((h) => (/^[\d.]+$/.test(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h }))),
    ],
  });
  const spki = Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey));
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {
    cert: cert.toString('pem'),
    key: `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`,
    spkiSha256: createHash('sha256').update(spki).digest('base64'),
    hostnames,
  };
}
