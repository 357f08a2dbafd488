/**
 * Store records → Looker API JSON (adding `can` and `url`, the members clients expect).
 */
import type { Api3Credential, EmailCredential, ModelSet, PermissionSet, Role, User } from '../../store/index.ts';
import { API_PREFIX } from '../route.ts';

export function credentialsEmailJson(c: EmailCredential, base: string): Record<string, unknown> {
  return {
    can: {}, created_at: c.created_at, email: c.email, forced_password_reset_at_next_login: c.forced_password_reset_at_next_login,
    user_id: c.user_id, is_disabled: false, logged_in_at: c.logged_in_at ?? '', password_reset_url: null, account_setup_url: null,
    password_reset_url_expired: false, account_setup_url_expired: false, type: 'email',
    url: `${base}${API_PREFIX}/users/${c.user_id}/credentials_email`, user_url: `${base}${API_PREFIX}/users/${c.user_id}`,
  };
}

export function credentialsApi3Json(c: Api3Credential, base: string): Record<string, unknown> {
  return {
    can: {}, id: c.id, client_id: c.client_id, created_at: c.created_at, is_disabled: c.is_disabled, type: 'api3',
    purpose: c.purpose, url: `${base}${API_PREFIX}/users/${c.user_id}/credentials_api3/${c.id}`,
  };
}

export function userJson(u: User, base: string, canManage: boolean): Record<string, unknown> {
  return {
    can: { show: true, index: true, show_details: canManage, index_details: canManage, sudo: canManage },
    avatar_url: null,
    avatar_url_without_sizing: null,
    credentials_api3: u.credentials_api3.map((c) => credentialsApi3Json(c, base)),
    credentials_email: u.credentials_email ? credentialsEmailJson(u.credentials_email, base) : null,
    credentials_embed: [],
    credentials_google: null,
    credentials_ldap: null,
    credentials_looker_openid: null,
    credentials_oidc: null,
    credentials_saml: null,
    credentials_totp: null,
    display_name: u.display_name,
    email: u.email,
    embed_group_space_id: null,
    first_name: u.first_name,
    group_ids: [],
    home_folder_id: u.home_folder_id,
    id: u.id,
    is_disabled: u.is_disabled,
    last_name: u.last_name,
    locale: u.locale ?? 'en',
    looker_versions: [],
    models_dir_validated: null,
    personal_folder_id: u.personal_folder_id,
    presumed_looker_employee: false,
    role_ids: [...u.role_ids],
    sessions: [],
    ui_state: null,
    verified_looker_employee: false,
    roles_externally_managed: false,
    allow_direct_roles: true,
    allow_normal_group_membership: true,
    allow_roles_from_normal_groups: true,
    embed_group_folder_id: null,
    is_iam_admin: false,
    can_manage_api3_creds: canManage,
    is_service_account: false,
    service_account_name: null,
    url: `${base}${API_PREFIX}/users/${u.id}`,
  };
}

export function permissionSetJson(p: PermissionSet, base: string): Record<string, unknown> {
  return { can: {}, all_access: p.all_access, built_in: p.built_in, id: p.id, name: p.name, permissions: [...p.permissions], url: `${base}${API_PREFIX}/permission_sets/${p.id}` };
}

export function modelSetJson(m: ModelSet, base: string): Record<string, unknown> {
  return { can: {}, all_access: m.all_access, built_in: m.built_in, id: m.id, models: [...m.models], name: m.name, url: `${base}${API_PREFIX}/model_sets/${m.id}` };
}

export function roleJson(r: Role, base: string): Record<string, unknown> {
  return {
    // permission_set_id / model_set_id are write-only in Looker's spec: never returned.
    can: {}, id: r.id, name: r.name, permission_set: permissionSetJson(r.permission_set, base),
    model_set: modelSetJson(r.model_set, base), internal: false, url: `${base}${API_PREFIX}/roles/${r.id}`,
    users_url: `${base}${API_PREFIX}/roles/${r.id}/users`,
  };
}
