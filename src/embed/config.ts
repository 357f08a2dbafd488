/**
 * The embed part of Looker's settings (`GET/PATCH /setting`: `embed_config`, the deprecated
 * top-level `embed_cookieless_v2`, read-only `embed_enabled`). The domain allowlist lives in its own
 * table (`embed_domains`); the flags are one JSON value in the metadata table. Overlook enforces
 * `domain_allowlist`, `sso_auth_enabled` (signed and "as me" embed logins) and `embed_cookieless_v2`
 * (cookieless sessions); the other flags are stored and reported for clients that manage them.
 */
import { EmbedError } from './errors.ts';
import { EMBED_PERMISSIONS } from './users.ts';

export const EMBED_CONFIG_KEY = 'embed_config';

export interface EmbedFlags {
  readonly sso_auth_enabled: boolean;
  readonly embed_cookieless_v2: boolean;
  readonly embed_content_navigation: boolean;
  readonly embed_content_management: boolean;
  readonly strict_sameorigin_for_login: boolean;
  readonly look_filters: boolean;
  readonly hide_look_navigation: boolean;
  readonly alert_url_allowlist: readonly string[];
  readonly alert_url_param_owner: string | null;
  readonly alert_url_label: string | null;
}

/**
 * Signed and cookieless embedding start enabled (an embed secret or an admin API call is needed
 * anyway); the rest as a new Looker instance has them.
 */
export const DEFAULT_EMBED_FLAGS: EmbedFlags = {
  sso_auth_enabled: true, embed_cookieless_v2: true, embed_content_navigation: false, embed_content_management: false,
  strict_sameorigin_for_login: true, look_filters: false, hide_look_navigation: false,
  alert_url_allowlist: [], alert_url_param_owner: null, alert_url_label: null,
};

const BOOLEANS = ['sso_auth_enabled', 'embed_cookieless_v2', 'embed_content_navigation', 'embed_content_management', 'strict_sameorigin_for_login', 'look_filters', 'hide_look_navigation'] as const;
const STRINGS = ['alert_url_param_owner', 'alert_url_label'] as const;
const READ_ONLY = new Set(['permissions', 'embed_enabled']);
const WRITABLE = new Set<string>([...BOOLEANS, ...STRINGS, 'alert_url_allowlist', 'domain_allowlist']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Stored flags over the defaults; a damaged value reads as the defaults. */
export function parseFlags(text: string | null): EmbedFlags {
  if (text === null) return DEFAULT_EMBED_FLAGS;
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch {
    return DEFAULT_EMBED_FLAGS;
  }
  if (!isRecord(stored)) return DEFAULT_EMBED_FLAGS;
  try {
    return applyFlags(DEFAULT_EMBED_FLAGS, stored);
  } catch {
    return DEFAULT_EMBED_FLAGS;
  }
}

function alertUrl(value: unknown): string {
  if (typeof value === 'string') {
    try {
      const url = new URL(value);
      if (url.protocol === 'https:' || url.protocol === 'http:') return url.href;
    } catch {
      // refused below
    }
  }
  throw new EmbedError('invalid_params', `embed_config.alert_url_allowlist entries must be http(s) URLs (got ${JSON.stringify(value).slice(0, 200)}).`);
}

/** `current` with the flags of `patch` (an `EmbedConfig` body without `domain_allowlist`) applied. */
export function applyFlags(current: EmbedFlags, patch: Readonly<Record<string, unknown>>): EmbedFlags {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'domain_allowlist' || READ_ONLY.has(key) || value === undefined) continue;
    if (!WRITABLE.has(key)) throw new EmbedError('invalid_params', `embed_config has no setting ${JSON.stringify(key.slice(0, 64))}.`);
    if ((BOOLEANS as readonly string[]).includes(key)) {
      if (typeof value !== 'boolean') throw new EmbedError('invalid_params', `embed_config.${key} must be true or false.`);
      next[key] = value;
    } else if ((STRINGS as readonly string[]).includes(key)) {
      if (value !== null && typeof value !== 'string') throw new EmbedError('invalid_params', `embed_config.${key} must be a string or null.`);
      next[key] = value;
    } else {
      if (value !== null && !Array.isArray(value)) throw new EmbedError('invalid_params', 'embed_config.alert_url_allowlist must be a list of URLs.');
      next[key] = [...new Set((value ?? []).map(alertUrl))];
    }
  }
  return next as unknown as EmbedFlags;
}

/** Looker's `EmbedConfig` as GET /setting returns it. */
export function embedConfigJson(flags: EmbedFlags, domains: readonly string[]): Record<string, unknown> {
  return {
    domain_allowlist: [...domains], alert_url_allowlist: [...flags.alert_url_allowlist],
    alert_url_param_owner: flags.alert_url_param_owner, alert_url_label: flags.alert_url_label,
    sso_auth_enabled: flags.sso_auth_enabled, embed_cookieless_v2: flags.embed_cookieless_v2,
    embed_content_navigation: flags.embed_content_navigation, embed_content_management: flags.embed_content_management,
    strict_sameorigin_for_login: flags.strict_sameorigin_for_login, look_filters: flags.look_filters,
    hide_look_navigation: flags.hide_look_navigation,
    // The permissions an embed URL may grant (anything else it names is dropped).
    permissions: Object.fromEntries(EMBED_PERMISSIONS.map((p) => [p, true])),
    embed_enabled: true,
  };
}
