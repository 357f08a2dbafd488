/**
 * Embed secrets are the HMAC key itself, so unlike passwords and tokens they cannot be stored
 * hashed: they are encrypted (AES-256-GCM) with a key kept outside the metadata DB, so a copy of the
 * DB alone (a backup, a shared PostgreSQL) does not let anyone sign embed URLs.
 *
 * The key is OVERLOOK_SECRET_KEY (any string; every node of a cluster must share it) or, failing
 * that, `<data dir>/secret.key`, created with 256 random bits on first use (owner-only).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SECRET_KEY_ENV = 'OVERLOOK_SECRET_KEY';
export const SECRET_KEY_FILE = 'secret.key';

export interface SecretBox {
  seal(plain: string): string;
  /** null when the text was sealed with another key or is damaged. */
  open(sealed: string): string | null;
}

export function secretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('a secret box needs a 32-byte key');
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
    },
    open(sealed) {
      const [version, iv, tag, body, ...rest] = sealed.split(':');
      if (version !== 'v1' || iv === undefined || tag === undefined || body === undefined || rest.length > 0) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
    },
  };
}

/** The environment's key (hashed to 32 bytes), else the data dir's key file (made if missing). */
export function loadSecretKey(dataDir: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): Buffer {
  const fromEnv = env[SECRET_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return createHash('sha256').update(fromEnv, 'utf8').digest();
  if (dataDir === undefined) throw new Error(`Set ${SECRET_KEY_ENV} to encrypt embed secrets (no data directory to keep a key in).`);
  const file = join(dataDir, SECRET_KEY_FILE);
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  try {
    // `wx`: when two processes start at once, one writes and the other reads the winner's key.
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}
