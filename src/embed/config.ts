/**
 * The embed part of Looker's settings (`GET/PATCH /setting`: `embed_config`, the deprecated
 * top-level `embed_cookieless_v2`, read-only `embed_enabled`). The domain allowlist lives in its own
 * table (`embed_domains`); the flags are one JSON value in the metadata table.
 *
 * Every member of Looker's `EmbedConfig` (spec 4.0, plus `embed_show_tile_filter_information` and
 * `embed_vis_modernization_default` of later API versions) is either enforced or refused, never
 * stored for show:
 * - enforced: `domain_allowlist` (which host pages hear a frame's events), `sso_auth_enabled`
 *   (signed and "as me" logins), `embed_cookieless_v2` (cookieless sessions),
 *   `strict_sameorigin_for_login` (whether other sites may frame the login page, `embed-frames.ts`),
 *   `hide_look_navigation` (embed frames block navigation to Looks from dashboards and explores);
 * - refused unless "off" (a 422 naming the member): `embed_content_navigation` and
 *   `embed_content_management` (embed frames have no content browser), `look_filters` (embedded Looks
 *   show no filters), `alert_url_allowlist` / `alert_url_param_owner` / `alert_url_label` (Overlook
 *   sends no alerts or scheduled deliveries), and the two newer flags;
 * - read-only: `permissions`, `embed_enabled` (ignored on writes, as the API ignores every read-only member).
 */
import { EmbedError } from './errors.ts';
import { EMBED_PERMISSIONS } from './users.ts';

export const EMBED_CONFIG_KEY = 'embed_config';

export interface EmbedFlags {
  readonly sso_auth_enabled: boolean;
  readonly embed_cookieless_v2: boolean;
  readonly strict_sameorigin_for_login: boolean;
  readonly hide_look_navigation: boolean;
}

/**
 * Signed and cookieless embedding start enabled (an embed secret or an admin API call is needed
 * anyway); the rest as a new Looker instance has them.
 */
export const DEFAULT_EMBED_FLAGS: EmbedFlags = {
  sso_auth_enabled: true, embed_cookieless_v2: true, strict_sameorigin_for_login: true, hide_look_navigation: false,
};

const FLAGS = ['sso_auth_enabled', 'embed_cookieless_v2', 'strict_sameorigin_for_login', 'hide_look_navigation'] as const;
type FlagName = (typeof FLAGS)[number];
const isFlag = (key: string): key is FlagName => (FLAGS as readonly string[]).includes(key);

interface Unsupported {
  /** The value GET reports (Looker's "off"), or undefined for members this spec version lacks. */
  readonly off: unknown;
  readonly accepts: (value: unknown) => boolean;
  readonly why: string;
}

const isFalse = (v: unknown): boolean => v === false || v === null;
const isEmpty = (v: unknown): boolean => v === null || v === '' || (Array.isArray(v) && v.length === 0);

/** Looker's embed settings Overlook does not have: only their "off" value is accepted. */
export const UNSUPPORTED_EMBED_SETTINGS: Readonly<Record<string, Unsupported>> = {
  embed_content_navigation: { off: false, accepts: isFalse, why: 'embed frames have no content navigation in Overlook' },
  embed_content_management: { off: false, accepts: isFalse, why: 'embed frames have no content management in Overlook' },
  look_filters: { off: false, accepts: isFalse, why: 'embedded Looks show no filters in Overlook' },
  alert_url_allowlist: { off: [], accepts: isEmpty, why: 'Overlook sends no alerts or scheduled deliveries to link from' },
  alert_url_param_owner: { off: null, accepts: isEmpty, why: 'Overlook sends no alerts or scheduled deliveries to link from' },
  alert_url_label: { off: null, accepts: isEmpty, why: 'Overlook sends no alerts or scheduled deliveries to link from' },
  embed_show_tile_filter_information: { off: undefined, accepts: isFalse, why: 'embedded tiles show no filter information in Overlook (a setting of later Looker API versions)' },
  embed_vis_modernization_default: { off: undefined, accepts: isFalse, why: 'Overlook has one visualization style (a setting of later Looker API versions)' },
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Stored flags over the defaults; anything damaged or unknown in the stored value is skipped. */
export function parseFlags(text: string | null): EmbedFlags {
  if (text === null) return DEFAULT_EMBED_FLAGS;
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch {
    return DEFAULT_EMBED_FLAGS;
  }
  if (!isRecord(stored)) return DEFAULT_EMBED_FLAGS;
  const flags: Record<FlagName, boolean> = { ...DEFAULT_EMBED_FLAGS };
  for (const name of FLAGS) {
    const value = stored[name];
    if (typeof value === 'boolean') flags[name] = value;
  }
  return flags;
}

const refuse = (key: string, message: string): EmbedError => new EmbedError('invalid_params', message, `embed_config.${key}`);

/** The permissions member as GET reports it: the permissions an embed URL may grant. */
const permissionsJson = (): Record<string, boolean> => Object.fromEntries(EMBED_PERMISSIONS.map((p) => [p, true]));

/**
 * `current` with the members of `patch` (an `EmbedConfig` body; `domain_allowlist` is the caller's)
 * applied. Throws, naming the member, for unknown members and unsupported values.
 */
export function applyFlags(current: EmbedFlags, patch: Readonly<Record<string, unknown>>): EmbedFlags {
  const next: Record<FlagName, boolean> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'domain_allowlist' || value === undefined) continue;
    if (isFlag(key)) {
      if (typeof value !== 'boolean') throw refuse(key, `embed_config.${key} must be true or false.`);
      next[key] = value;
      continue;
    }
    const unsupported = Object.hasOwn(UNSUPPORTED_EMBED_SETTINGS, key) ? UNSUPPORTED_EMBED_SETTINGS[key] : undefined;
    if (unsupported !== undefined) {
      if (!unsupported.accepts(value)) {
        throw refuse(key, `embed_config.${key} is not supported: ${unsupported.why}, so it can only be ${JSON.stringify(unsupported.off === undefined ? false : unsupported.off)} (got ${JSON.stringify(value).slice(0, 200)}).`);
      }
      continue;
    }
    // Read-only, ignored on writes like every read-only member of a Looker API body.
    if (key === 'embed_enabled' || key === 'permissions') continue;
    throw refuse(key.slice(0, 64), `embed_config has no setting ${JSON.stringify(key.slice(0, 64))}.`);
  }
  return next;
}

/** Looker's `EmbedConfig` as GET /setting returns it. */
export function embedConfigJson(flags: EmbedFlags, domains: readonly string[]): Record<string, unknown> {
  const off = Object.fromEntries(Object.entries(UNSUPPORTED_EMBED_SETTINGS).filter(([, u]) => u.off !== undefined).map(([k, u]) => [k, u.off]));
  return {
    domain_allowlist: [...domains], ...off,
    sso_auth_enabled: flags.sso_auth_enabled, embed_cookieless_v2: flags.embed_cookieless_v2,
    strict_sameorigin_for_login: flags.strict_sameorigin_for_login, hide_look_navigation: flags.hide_look_navigation,
    // The permissions an embed URL may grant (anything else it names is dropped).
    permissions: permissionsJson(),
    embed_enabled: true,
  };
}
