import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  PASSWORD_PARAMS, hashClientSecret, hashPassword, hashToken, passwordNeedsRehash, randomClientId,
  randomClientSecret, randomToken, verifyClientSecret, verifyPassword,
} from './secrets.ts';

describe('password hashing (scrypt)', () => {
  it('verifies the right password and rejects a wrong one; the hash holds no plaintext', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(hash).not.toContain('correct');
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash, so equal passwords hash differently', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same', a)).toBe(true);
    expect(await verifyPassword('same', b)).toBe(true);
  });

  it('treats NFC and NFD spellings of a password as the same password', async () => {
    const hash = await hashPassword('caf\u00e9');
    expect(await verifyPassword('cafe\u0301', hash)).toBe(true);
  });

  it('reads the parameters from the hash, so older settings still verify and ask for a re-hash', async () => {
    const current = await hashPassword('pw');
    expect(passwordNeedsRehash(current)).toBe(false);
    // Same password under cheaper parameters, encoded the same way.
    const { scryptSync, randomBytes } = await import('node:crypto');
    const salt = randomBytes(16);
    const key = scryptSync('pw', salt, 32, { N: 2 ** 10, r: 8, p: 1 });
    const old = `$scrypt$ln=10,r=8,p=1$${salt.toString('base64')}$${key.toString('base64')}`;
    expect(await verifyPassword('pw', old)).toBe(true);
    expect(await verifyPassword('nope', old)).toBe(false);
    expect(passwordNeedsRehash(old)).toBe(true);
    expect(PASSWORD_PARAMS).toEqual({ logN: 15, r: 8, p: 3 });
  });

  it('answers false (never throws) for malformed or out-of-bounds hashes', async () => {
    for (const bad of ['', 'plaintext', '$scrypt$ln=15,r=8,p=1$$', '$scrypt$ln=40,r=8,p=1$c2FsdHNhbHQ=$a2V5a2V5a2V5a2V5a2V5a2V5',
      '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA', '$scrypt$ln=15,r=99,p=1$c2FsdHNhbHQ=$a2V5a2V5a2V5a2V5a2V5a2V5']) {
      expect(await verifyPassword('x', bad)).toBe(false);
      expect(passwordNeedsRehash(bad)).toBe(true);
    }
  });
});

describe('tokens and API3 secrets', () => {
  it('makes 256-bit base64url tokens, all different', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => randomToken()));
    expect(tokens.size).toBe(200);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(randomToken(), 'base64url')).toHaveLength(32);
  });

  it('hashes tokens with SHA-256 hex', () => {
    expect(hashToken('abc')).toBe(createHash('sha256').update('abc').digest('hex'));
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('makes Looker-shaped client ids (20) and secrets (24 alphanumerics, > 128 bits)', () => {
    expect(randomClientId()).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(randomClientSecret()).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(24 * Math.log2(62)).toBeGreaterThan(128);
    expect(new Set(Array.from({ length: 100 }, () => randomClientSecret())).size).toBe(100);
  });

  it('stores client secrets as a prefixed SHA-256 and compares them', () => {
    const stored = hashClientSecret('s3cret-value-123456');
    expect(stored).toBe(`sha256$${hashToken('s3cret-value-123456')}`);
    expect(verifyClientSecret('s3cret-value-123456', stored)).toBe(true);
    expect(verifyClientSecret('s3cret-value-123457', stored)).toBe(false);
    expect(verifyClientSecret('s3cret-value-123456', 'garbage')).toBe(false);
  });
});
