/**
 * First start on an empty metadata store: create the admin user with email/password and API3
 * credentials, from OVERLOOK_ADMIN_* when set, otherwise generated. Generated secrets are
 * printed once and written to `<data-dir>/looker.ini` (mode 0600), which the official SDKs read.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ADMIN_ROLE_ID, type Store } from '../store/index.ts';

export interface BootstrapEnv {
  readonly OVERLOOK_ADMIN_EMAIL?: string;
  readonly OVERLOOK_ADMIN_PASSWORD?: string;
  readonly OVERLOOK_ADMIN_CLIENT_ID?: string;
  readonly OVERLOOK_ADMIN_CLIENT_SECRET?: string;
}

export interface BootstrapResult {
  readonly created: boolean;
  readonly email?: string;
  /** Only when Overlook generated it (never echo an operator's own secret). */
  readonly generatedPassword?: string;
  readonly clientId?: string;
  readonly generatedClientSecret?: string;
  readonly iniPath?: string;
}

const CLAIM_KEY = 'admin_bootstrapped';

function secret(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** Creates the admin once; a second node starting at the same time sees the claim and skips. */
export async function bootstrapAdmin(store: Store, dataDir: string, baseUrl: string, env: BootstrapEnv): Promise<BootstrapResult> {
  if ((await store.users.countUsers()) > 0) return { created: false };
  if (!(await store.settings.claimSetting(CLAIM_KEY, new Date().toISOString()))) return { created: false };
  const email = env.OVERLOOK_ADMIN_EMAIL ?? 'admin@overlook.local';
  const password = env.OVERLOOK_ADMIN_PASSWORD ?? secret(18);
  const user = await store.users.createUser({ first_name: 'Overlook', last_name: 'Admin', email, password, role_ids: [ADMIN_ROLE_ID] });
  const clientSecret = env.OVERLOOK_ADMIN_CLIENT_SECRET ?? secret(24);
  const api3 = await store.credentials.createApi3(user.id, {
    ...(env.OVERLOOK_ADMIN_CLIENT_ID ? { clientId: env.OVERLOOK_ADMIN_CLIENT_ID } : {}),
    clientSecret,
    purpose: 'bootstrap admin',
  });
  const iniPath = join(dataDir, 'looker.ini');
  const ini = [
    '# Written by Overlook on first start: the admin API credentials, in the format the official',
    '# Looker SDKs read (looker.ini). Keep this file private.',
    '[Looker]',
    `base_url=${baseUrl}`,
    `client_id=${api3.client_id}`,
    `client_secret=${clientSecret}`,
    'verify_ssl=false',
    'timeout=120',
    '',
  ].join('\n');
  await writeFile(iniPath, ini, { mode: 0o600 });
  return {
    created: true, email, clientId: api3.client_id, iniPath,
    ...(env.OVERLOOK_ADMIN_PASSWORD === undefined ? { generatedPassword: password } : {}),
    ...(env.OVERLOOK_ADMIN_CLIENT_SECRET === undefined ? { generatedClientSecret: clientSecret } : {}),
  };
}
