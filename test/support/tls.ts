/**
 * The committed test TLS material (test/fixtures/tls/, see its README): a CA and a certificate for localhost and
 * 127.0.0.1 signed by it. For tests only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const TLS_DIR = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tls');
export const CA_FILE = path.join(TLS_DIR, 'ca.pem');
export const CERT_FILE = path.join(TLS_DIR, 'server.pem');
export const KEY_FILE = path.join(TLS_DIR, 'server.key');

/** The broker side: certificate and key as ListenerSecurityOptions.tls wants them. */
export function serverTls(): { cert: string; key: string } {
  return { cert: fs.readFileSync(CERT_FILE, 'utf8'), key: fs.readFileSync(KEY_FILE, 'utf8') };
}

/** The CA clients trust. */
export function caPem(): string {
  return fs.readFileSync(CA_FILE, 'utf8');
}
