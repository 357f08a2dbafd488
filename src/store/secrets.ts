/**
 * Hashing and generation of every secret the store keeps: passwords, API3 client secrets,
 * access tokens.
 *
 * Two kinds of hash, on purpose:
 * - Passwords are chosen by people and have little entropy, so an attacker with a copy of the
 *   DB could try billions of guesses per second against a fast hash. They get scrypt, which
 *   is memory-hard (each guess costs 32 MiB and a quarter second here), with a random salt per
 *   password. The encoding carries the parameters so they can be raised later without
 *   breaking stored hashes (`passwordNeedsRehash` tells when to re-hash at the next login).
 * - Access tokens and generated client secrets are ≥ 128 random bits. Guessing one from its
 *   SHA-256 is a 2^128 search whatever the hash speed, so a slow KDF would add nothing but
 *   latency to every API request (tokens are checked on each call). A plain SHA-256 lets the
 *   hash be the lookup key, too. Salt is unnecessary: the inputs are unique and random.
 */
import { createHash, randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import type { BinaryLike, ScryptOptions } from 'node:crypto';

function scryptAsync(password: BinaryLike, salt: BinaryLike, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

/**
 * log2(N), r, p. 128 · N · r = 32 MiB per hash; p = 3 makes this one of OWASP's equivalent
 * scrypt settings (N=2^15, r=8, p=3 ~ N=2^17, r=8, p=1) at a quarter of the memory.
 * About 270 ms per check on one core here: paid once per password login, never per request.
 */
export const PASSWORD_PARAMS = { logN: 15, r: 8, p: 3 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Bounds for parameters read back from the DB, so a corrupted row cannot make a login burn
// gigabytes of memory.
const MAX_LOG_N = 20;
const MAX_R = 32;
const MAX_P = 16;

function scryptOptions(logN: number, r: number, p: number): ScryptOptions {
  const N = 2 ** logN;
  // Node's default maxmem (32 MiB) is exactly 128·N·r at the default parameters; leave room.
  return { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
}

/** `$scrypt$ln=15,r=8,p=1$<salt base64>$<key base64>` (the PHC string format). */
export async function hashPassword(password: string): Promise<string> {
  const { logN, r, p } = PASSWORD_PARAMS;
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(password.normalize('NFC'), salt, KEY_BYTES, scryptOptions(logN, r, p));
  return `$scrypt$ln=${logN},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface ParsedHash {
  readonly logN: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function parsePasswordHash(encoded: string): ParsedHash | null {
  const match = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/
    .exec(encoded);
  if (!match) return null;
  const logN = Number(match[1]);
  const r = Number(match[2]);
  const p = Number(match[3]);
  if (logN < 1 || logN > MAX_LOG_N || r < 1 || r > MAX_R || p < 1 || p > MAX_P) return null;
  const salt = Buffer.from(match[4]!, 'base64');
  const key = Buffer.from(match[5]!, 'base64');
  if (salt.length < 8 || key.length < 16) return null;
  return { logN, r, p, salt, key };
}

/** True when `password` matches; false for a wrong password or a malformed/unknown hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parsePasswordHash(encoded);
  if (!parsed) return false;
  const key = await scryptAsync(password.normalize('NFC'), parsed.salt, parsed.key.length,
    scryptOptions(parsed.logN, parsed.r, parsed.p));
  return timingSafeEqual(key, parsed.key);
}

/** True when the hash was made with other parameters than today's (re-hash after a good login). */
export function passwordNeedsRehash(encoded: string): boolean {
  const parsed = parsePasswordHash(encoded);
  return !parsed || parsed.logN !== PASSWORD_PARAMS.logN || parsed.r !== PASSWORD_PARAMS.r
    || parsed.p !== PASSWORD_PARAMS.p;
}

let dummyHash: Promise<string> | undefined;

/**
 * Spend the time of one password check on a made-up hash, so that "no such user" answers as
 * slowly as "wrong password" and response times do not reveal which emails exist.
 */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomToken());
  await verifyPassword(password, await dummyHash);
}

/** A bearer token: 32 random bytes (256 bits), base64url, 43 characters. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Hex SHA-256: the stored form (and lookup key) of tokens and generated secrets. */
export function hashToken(raw: string): string {
  return createHash('sha256').update(raw, 'utf8').digest('hex');
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomAlphanumeric(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC.charAt(randomInt(ALPHANUMERIC.length));
  return out;
}

/** A Looker-style API3 client_id: 20 alphanumeric characters (an identifier, not a secret). */
export function randomClientId(): string {
  return randomAlphanumeric(20);
}

/** A Looker-style API3 client_secret: 24 alphanumeric characters = 142 random bits. */
export function randomClientSecret(): string {
  return randomAlphanumeric(24);
}

/** Stored form of a client secret; prefixed so the scheme can change later. */
export function hashClientSecret(secret: string): string {
  return `sha256$${hashToken(secret)}`;
}

export function verifyClientSecret(secret: string, stored: string): boolean {
  const expected = Buffer.from(hashClientSecret(secret), 'utf8');
  const actual = Buffer.from(stored, 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
