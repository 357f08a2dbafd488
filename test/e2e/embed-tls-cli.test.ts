/**
 * `overlook serve --tls-cert <pem> --tls-key <pem>`: the real command line serves HTTPS (the embed
 * SDK only builds https:// frame URLs), with a certificate made by the test; the two flags go together.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from 'selfsigned';
import { httpsCall } from './embed-fixture.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'overlook.js');
const dir = mkdtempSync(join(tmpdir(), 'overlook-tls-cli-'));
const env = { ...process.env, OVERLOOK_ADMIN_EMAIL: 'tls@example.com', OVERLOOK_ADMIN_PASSWORD: 'tls password 123' };
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('overlook serve over TLS', () => {
  it('listens on https:// with the given certificate', async () => {
    const pems = await generate([{ name: 'commonName', value: 'overlook.test' }], { keySize: 2048, algorithm: 'sha256' });
    writeFileSync(join(dir, 'cert.pem'), pems.cert);
    writeFileSync(join(dir, 'key.pem'), pems.private);
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', join(dir, 'data'), '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString('utf8');
          const match = /listening on (https?:\/\/[^\s]+)/.exec(out);
          if (match?.[1] !== undefined) resolve(match[1]);
        });
        child.on('exit', (code) => { reject(new Error(`serve exited with ${String(code)}: ${out}`)); });
      });
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const versions = await httpsCall(`${url}/api/4.0/versions`, 'GET');
      expect(versions.status).toBe(200);
      expect(JSON.parse(versions.body)).toMatchObject({ current_version: { version: '4.0' } });
      // Plain HTTP on the TLS port is no API.
      await expect(fetch(url.replace('https:', 'http:') + '/api/4.0/versions')).rejects.toThrow();
    } finally {
      if (child.exitCode === null) await new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); });
    }
  });

  it('refuses --tls-cert without --tls-key', async () => {
    const failure = await promisify(execFile)(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', join(dir, 'data2'), '--tls-cert', join(dir, 'cert.pem')], { env })
      .then(() => null, (error: unknown) => error as { code: number; stderr: string });
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('--tls-cert and --tls-key go together');
  });
});
