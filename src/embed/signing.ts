/**
 * Signed ("SSO") embed URLs exactly as Looker and its embed SDK compute them
 * (`/work/shared/reference/looker-embed.md` (a)): every value JSON-encoded, the string to sign is
 * host, embed path, nonce, time, session_length, external_user_id, permissions, models, then
 * group_ids / external_group_id / user_attributes only when present, then access_filters, joined by
 * "\n"; the signature is base64 HMAC of it with the embed secret. first_name, last_name,
 * force_logout_login and user_timezone travel unsigned.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { EmbedError } from './errors.ts';

export type EmbedSigningAlgorithm = 'hmac/sha-1' | 'hmac/sha-256';
export const EMBED_ALGORITHMS: readonly EmbedSigningAlgorithm[] = ['hmac/sha-1', 'hmac/sha-256'];

/** Looker: "Maximum session length accepted is 2592000 seconds (30 days)". */
export const MAX_SESSION_LENGTH = 2_592_000;
export const DEFAULT_SESSION_LENGTH = 300;
/** A signed URL's `time` must be within 5 minutes of the server's clock. */
export const TIME_WINDOW_SECONDS = 300;
const MAX_NONCE_LENGTH = 255;

/** The signed fields as they appear in the URL (JSON text). */
export interface SignedFields {
  readonly nonce: string;
  readonly time: string;
  readonly session_length: string;
  readonly external_user_id: string;
  readonly permissions: string;
  readonly models: string;
  readonly group_ids?: string | undefined;
  readonly external_group_id?: string | undefined;
  readonly user_attributes?: string | undefined;
  readonly access_filters?: string | undefined;
}

/** What a signed URL grants, decoded. */
export interface EmbedUserGrant {
  readonly external_user_id: string;
  readonly first_name?: string | null | undefined;
  readonly last_name?: string | null | undefined;
  readonly session_length: number;
  readonly force_logout_login?: boolean | undefined;
  readonly permissions: readonly string[];
  readonly models: readonly string[];
  readonly group_ids?: readonly string[] | undefined;
  readonly external_group_id?: string | null | undefined;
  readonly user_attributes?: Readonly<Record<string, string>> | undefined;
  readonly user_timezone?: string | null | undefined;
}

export interface SignedLogin extends EmbedUserGrant {
  readonly nonce: string;
  readonly time: number;
  readonly force_logout_login: boolean;
}

const SIGNED = ['nonce', 'time', 'session_length', 'external_user_id', 'permissions', 'models', 'group_ids', 'external_group_id', 'user_attributes', 'access_filters'] as const;
const UNSIGNED = ['first_name', 'last_name', 'force_logout_login', 'user_timezone'] as const;
const REQUIRED = ['nonce', 'time', 'session_length', 'external_user_id', 'permissions', 'models', 'signature'] as const;
const KNOWN = new Set<string>([...SIGNED, ...UNSIGNED, 'signature']);

export function embedStringToSign(host: string, embedPath: string, f: SignedFields): string {
  const lines = [host, embedPath, f.nonce, f.time, f.session_length, f.external_user_id, f.permissions, f.models];
  if (f.group_ids !== undefined) lines.push(f.group_ids);
  if (f.external_group_id !== undefined) lines.push(f.external_group_id);
  if (f.user_attributes !== undefined) lines.push(f.user_attributes);
  lines.push(f.access_filters ?? '{}');
  return lines.join('\n');
}

export function embedSignature(secret: string, algorithm: EmbedSigningAlgorithm, text: string): string {
  return createHmac(algorithm === 'hmac/sha-256' ? 'sha256' : 'sha1', Buffer.from(secret, 'utf8')).update(text, 'utf8').digest('base64').trim();
}

function sameSignature(offered: string, expected: string): boolean {
  const a = Buffer.from(offered, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function embedPathFor(target: string): string {
  return `/login/embed/${encodeURIComponent(target)}`;
}

const NONCE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 32 alphanumerics (~190 bits): longer than the SDK's 16, well inside any nonce limit. */
export function createNonce(length = 32): string {
  let out = '';
  for (let i = 0; i < length; i++) out += NONCE_CHARS.charAt(randomInt(NONCE_CHARS.length));
  return out;
}

export interface SignUrlInput {
  /** `https://host[:port]` the browser will load. */
  readonly origin: string;
  /** The host line of the string to sign (`host[:port]`, no scheme). */
  readonly host: string;
  /** `/embed/...` */
  readonly target: string;
  readonly user: EmbedUserGrant;
  readonly secret: string;
  readonly algorithm: EmbedSigningAlgorithm;
  readonly nonce?: string;
  readonly time?: number;
}

/** Looker's URL: the embed SDK's parameter order, every value JSON then URI encoded. */
export function createSignedEmbedUrl(input: SignUrlInput): string {
  const { user } = input;
  const json = (v: unknown): string | undefined => (v === undefined ? undefined : JSON.stringify(v));
  const fields: Record<string, string | undefined> = {
    access_filters: '{}',
    external_group_id: json(user.external_group_id),
    external_user_id: json(user.external_user_id),
    first_name: json(user.first_name),
    force_logout_login: json(user.force_logout_login),
    group_ids: json(user.group_ids),
    last_name: json(user.last_name),
    models: json(user.models),
    nonce: json(input.nonce ?? createNonce()),
    permissions: json(user.permissions),
    session_length: json(user.session_length),
    time: json(input.time ?? Math.floor(Date.now() / 1000)),
    user_attributes: json(user.user_attributes),
    user_timezone: json(user.user_timezone),
  };
  const embedPath = embedPathFor(input.target);
  const signed: SignedFields = {
    nonce: fields.nonce!, time: fields.time!, session_length: fields.session_length!, external_user_id: fields.external_user_id!,
    permissions: fields.permissions!, models: fields.models!, group_ids: fields.group_ids,
    external_group_id: fields.external_group_id, user_attributes: fields.user_attributes, access_filters: fields.access_filters,
  };
  fields.signature = embedSignature(input.secret, input.algorithm, embedStringToSign(input.host, embedPath, signed));
  const query = Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return `${input.origin}${embedPath}?${query}`;
}

/** The query of a login URL as sent: each parameter once, none unknown. */
export function parseLoginQuery(search: string): Map<string, string> {
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const out = new Map<string, string>();
  const bad: string[] = [];
  for (const [key, value] of params) {
    if (!KNOWN.has(key) || out.has(key)) bad.push(key);
    else out.set(key, value);
  }
  if (bad.length > 0) {
    throw new EmbedError('invalid_params', `This request includes invalid params: ${[...new Set(bad)].map((k) => JSON.stringify(k.slice(0, 64))).join(', ')}.`);
  }
  return out;
}

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new EmbedError('invalid_params', `'${name}' param is not JSON-encoded (got ${JSON.stringify(text.slice(0, 80))}).`);
  }
}

function stringArray(name: string, text: string): string[] {
  const value = parseJson(name, text);
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new EmbedError('invalid_params', `'${name}' param must be a JSON array of strings.`);
  }
  return value;
}

function optionalString(name: string, text: string | undefined): string | null | undefined {
  if (text === undefined) return undefined;
  const value = parseJson(name, text);
  if (value !== null && typeof value !== 'string') throw new EmbedError('invalid_params', `'${name}' param must be a JSON string or null.`);
  return value;
}

/**
 * User attribute values as strings: numbers and booleans are stringified, a list becomes Looker's
 * comma-separated multi-value form. Anything else is refused.
 */
export function attributeValues(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new EmbedError('invalid_params', "'user_attributes' param must be a JSON object.");
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) out[k] = v.join(',');
    else throw new EmbedError('invalid_params', `'user_attributes' value of ${JSON.stringify(k)} must be a string, number or boolean.`);
  }
  return out;
}

function attributes(text: string | undefined): Record<string, string> | undefined {
  return text === undefined ? undefined : attributeValues(parseJson('user_attributes', text));
}

/** session_length in seconds, 1 to 30 days. */
export function checkSessionLength(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_SESSION_LENGTH) {
    throw new EmbedError('bad_session_length', `'session_length' param must be a whole number of seconds from 1 to ${MAX_SESSION_LENGTH} (got ${JSON.stringify(value)}).`);
  }
  return value;
}

export function decodeSignedLogin(q: ReadonlyMap<string, string>): SignedLogin {
  const nonce = parseJson('nonce', q.get('nonce')!);
  if (typeof nonce !== 'string' || nonce === '' || nonce.length > MAX_NONCE_LENGTH) {
    throw new EmbedError('invalid_params', `'nonce' param must be a JSON string of 1 to ${MAX_NONCE_LENGTH} characters.`);
  }
  const time = parseJson('time', q.get('time')!);
  if (typeof time !== 'number' || !Number.isInteger(time)) throw new EmbedError('invalid_params', "'time' param must be a whole number of seconds since 1970.");
  const sessionLength = checkSessionLength(parseJson('session_length', q.get('session_length')!));
  const externalUserId = parseJson('external_user_id', q.get('external_user_id')!);
  if (typeof externalUserId !== 'string' || externalUserId.trim() === '' || externalUserId.length > 255) {
    throw new EmbedError('invalid_params', "'external_user_id' param must be a JSON string of 1 to 255 characters.");
  }
  const force = q.get('force_logout_login');
  const forceValue = force === undefined ? true : parseJson('force_logout_login', force);
  if (typeof forceValue !== 'boolean') throw new EmbedError('invalid_params', "'force_logout_login' param must be true or false.");
  const groups = q.get('group_ids');
  const accessFilters = q.get('access_filters');
  if (accessFilters !== undefined) {
    const value = parseJson('access_filters', accessFilters);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new EmbedError('invalid_params', "'access_filters' param must be a JSON object.");
    // Looker's legacy per-model filters. Ignoring them would show rows the signer meant to hide.
    if (Object.keys(value).length > 0) {
      throw new EmbedError('invalid_params', "'access_filters' param must be {}: send the values as user_attributes and restrict rows with access_filter { field, user_attribute } on the explore.");
    }
  }
  return {
    nonce, time, session_length: sessionLength, external_user_id: externalUserId,
    permissions: stringArray('permissions', q.get('permissions')!), models: stringArray('models', q.get('models')!),
    group_ids: groups === undefined ? undefined : stringArray('group_ids', groups),
    external_group_id: optionalString('external_group_id', q.get('external_group_id')),
    user_attributes: attributes(q.get('user_attributes')),
    first_name: optionalString('first_name', q.get('first_name')),
    last_name: optionalString('last_name', q.get('last_name')),
    user_timezone: optionalString('user_timezone', q.get('user_timezone')),
    force_logout_login: forceValue,
  };
}

export interface VerifyInput {
  /** Every host line this server answers to (the request's Host, the public URL's host). */
  readonly hosts: readonly string[];
  /** The path as the browser sent it: `/login/embed/<encoded target>`. */
  readonly embedPath: string;
  readonly search: string;
  readonly secrets: readonly { readonly secret: string; readonly algorithm: EmbedSigningAlgorithm }[];
  readonly nowSeconds: number;
}

/**
 * Checks a signed login URL: parameters, signature (against every enabled secret), then the decoded
 * values and the clock. The nonce's single use is the caller's (it needs the DB).
 */
export function verifySignedLogin(input: VerifyInput): SignedLogin {
  const q = parseLoginQuery(input.search);
  const missing = REQUIRED.filter((k) => !q.has(k));
  if (missing.length > 0) throw new EmbedError('missing_param', `Missing required param${missing.length > 1 ? 's' : ''}: ${missing.map((k) => `'${k}'`).join(', ')}.`);
  if (input.secrets.length === 0) throw new EmbedError('no_secret', 'Signed embedding is not set up on this server: an administrator must create an embed secret first.');
  const fields: SignedFields = {
    nonce: q.get('nonce')!, time: q.get('time')!, session_length: q.get('session_length')!, external_user_id: q.get('external_user_id')!,
    permissions: q.get('permissions')!, models: q.get('models')!, group_ids: q.get('group_ids'), external_group_id: q.get('external_group_id'),
    user_attributes: q.get('user_attributes'), access_filters: q.get('access_filters'),
  };
  const offered = q.get('signature')!.trim();
  const ok = input.hosts.some((host) => {
    const text = embedStringToSign(host, input.embedPath, fields);
    return input.secrets.some((s) => sameSignature(offered, embedSignature(s.secret, s.algorithm, text)));
  });
  if (!ok) throw new EmbedError('bad_signature', "'signature' param failed to authenticate.");
  const login = decodeSignedLogin(q);
  if (Math.abs(input.nowSeconds - login.time) > TIME_WINDOW_SECONDS) {
    throw new EmbedError('stale_time', "'time' param is not within 5 minutes of the server's system time.");
  }
  return login;
}
