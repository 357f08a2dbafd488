import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SECRET_KEY_FILE, loadSecretKey, secretBox } from './secret-box.ts';

const dir = mkdtempSync(join(tmpdir(), 'overlook-secret-box-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('secret box', () => {
  it('seals and opens; the sealed text does not contain the secret and differs each time', () => {
    const box = secretBox(loadSecretKey(undefined, { OVERLOOK_SECRET_KEY: 'k' }));
    const a = box.seal('top secret value');
    expect(a).toMatch(/^v1:[\w-]+:[\w-]+:[\w-]+$/);
    expect(a).not.toContain('top secret');
    expect(box.seal('top secret value')).not.toBe(a);
    expect(box.open(a)).toBe('top secret value');
  });

  it('another key, a damaged text or a foreign format open to null', () => {
    const sealed = secretBox(loadSecretKey(undefined, { OVERLOOK_SECRET_KEY: 'one' })).seal('s');
    const other = secretBox(loadSecretKey(undefined, { OVERLOOK_SECRET_KEY: 'two' }));
    expect(other.open(sealed)).toBeNull();
    const box = secretBox(loadSecretKey(undefined, { OVERLOOK_SECRET_KEY: 'one' }));
    const [v, iv, tag, body] = sealed.split(':') as [string, string, string, string];
    // Flip one bit of the ciphertext (replacing characters could leave the byte unchanged by chance).
    const damaged = Buffer.from(body, 'base64url');
    damaged[0] = (damaged[0] ?? 0) ^ 1;
    expect(box.open([v, iv, tag, damaged.toString('base64url')].join(':'))).toBeNull();
    expect(box.open('plain')).toBeNull();
  });

  it('without OVERLOOK_SECRET_KEY: a key file in the data dir, made once, owner-only, reused', () => {
    const first = loadSecretKey(dir, {});
    expect(first).toHaveLength(32);
    expect(statSync(join(dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(loadSecretKey(dir, {}).equals(first)).toBe(true);
    expect(Buffer.from(readFileSync(join(dir, SECRET_KEY_FILE), 'utf8').trim(), 'base64').equals(first)).toBe(true);
  });

  it('neither a key nor a data dir is an error', () => {
    expect(() => loadSecretKey(undefined, {})).toThrow('Set OVERLOOK_SECRET_KEY');
  });
});
