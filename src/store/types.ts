/**
 * Plain data the repositories take and return. Ids are strings ("1"), timestamps ISO-8601 UTC
 * strings, booleans booleans, whatever the dialect. Field names follow Looker's API schemas
 * where one exists, so handlers mostly add `can`/`url` and pass the rest through.
 */

export type WorkspaceId = 'production' | 'dev';
export const WORKSPACE_IDS: readonly WorkspaceId[] = ['production', 'dev'];

export interface EmailCredential {
  readonly user_id: string;
  readonly email: string;
  readonly has_password: boolean;
  readonly forced_password_reset_at_next_login: boolean;
  readonly created_at: string;
  readonly logged_in_at: string | null;
}

/** An API3 credential as listed; the secret is never readable after creation. */
export interface Api3Credential {
  readonly id: string;
  readonly user_id: string;
  readonly client_id: string;
  readonly purpose: string | null;
  readonly is_disabled: boolean;
  readonly created_at: string;
  readonly logged_in_at: string | null;
}

/** What `createApi3` returns: the only time `client_secret` exists outside its hash. */
export interface CreatedApi3Credential extends Api3Credential {
  readonly client_secret: string;
}

export interface User {
  readonly id: string;
  readonly first_name: string | null;
  readonly last_name: string | null;
  /** "First Last" from the parts that are set ("" when neither is). */
  readonly display_name: string;
  /** From the email credential (Looker's `User.email` is read-only and derived the same way). */
  readonly email: string | null;
  readonly is_disabled: boolean;
  readonly locale: string | null;
  readonly created_at: string;
  readonly home_folder_id: string | null;
  readonly personal_folder_id: string | null;
  /** The web UI's sticky dev-mode preference (DESIGN rule 6). Unrelated to API token sessions. */
  readonly ui_dev_mode: boolean;
  readonly embed_external_user_id: string | null;
  readonly embed_external_group_id: string | null;
  readonly role_ids: readonly string[];
  readonly credentials_email: EmailCredential | null;
  readonly credentials_api3: readonly Api3Credential[];
}

export interface NewUser {
  readonly first_name?: string | null;
  readonly last_name?: string | null;
  readonly locale?: string | null;
  readonly is_disabled?: boolean;
  readonly home_folder_id?: string | null;
  readonly personal_folder_id?: string | null;
  readonly ui_dev_mode?: boolean;
  readonly embed_external_user_id?: string | null;
  readonly embed_external_group_id?: string | null;
  /** Creates the email credential in the same transaction. */
  readonly email?: string;
  /** Requires `email`; hashed with scrypt before the transaction starts. */
  readonly password?: string;
  readonly role_ids?: readonly string[];
}

export interface UserPatch {
  readonly first_name?: string | null;
  readonly last_name?: string | null;
  readonly locale?: string | null;
  readonly is_disabled?: boolean;
  readonly home_folder_id?: string | null;
  readonly personal_folder_id?: string | null;
  readonly ui_dev_mode?: boolean;
  readonly embed_external_user_id?: string | null;
  readonly embed_external_group_id?: string | null;
}

export interface ListUsersOptions {
  /** Only these ids (ids that are not integers match nothing). */
  readonly ids?: readonly string[];
  readonly limit?: number;
  readonly offset?: number;
  /** Looker `sorts`: "last_name, first_name desc"; fields: id, first_name, last_name, email, created_at, is_disabled, locale. */
  readonly sorts?: string;
}

export interface IssueTokenInput {
  /** The user the token acts as (the sudo target for a sudo token). */
  readonly userId: string;
  /** The admin who asked for a sudo token; stored as the token's `sudo_user_id`. */
  readonly sudoByUserId?: string;
  /** The API3 credential that logged in (revoking/deleting it ends the token). */
  readonly credentialId?: string;
  /** Default 3600 (Looker's `expires_in`). */
  readonly ttlSeconds?: number;
}

export interface IssuedToken {
  /** The bearer token; returned once, stored only as `token_hash`. */
  readonly access_token: string;
  readonly token_hash: string;
  readonly expires_in: number;
  readonly expires_at: string;
}

/** A live (unexpired, unrevoked, user not disabled) token with its session. */
export interface TokenRecord {
  readonly token_hash: string;
  readonly user_id: string;
  readonly sudo_user_id: string | null;
  readonly api3_credential_id: string | null;
  readonly created_at: string;
  readonly expires_at: string;
  readonly workspace_id: WorkspaceId;
  readonly session_updated_at: string;
}

export interface Session {
  readonly token_hash: string;
  readonly user_id: string;
  readonly sudo_user_id: string | null;
  readonly workspace_id: WorkspaceId;
  readonly updated_at: string;
  readonly expires_at: string;
}

export interface PermissionSet {
  readonly id: string;
  readonly name: string;
  readonly built_in: boolean;
  readonly all_access: boolean;
  /** Sorted. */
  readonly permissions: readonly string[];
}

export interface ModelSet {
  readonly id: string;
  readonly name: string;
  readonly built_in: boolean;
  readonly all_access: boolean;
  /** Sorted; empty for `all_access` sets (they cover every model, present and future). */
  readonly models: readonly string[];
}

export interface Role {
  readonly id: string;
  readonly name: string;
  readonly permission_set: PermissionSet;
  readonly model_set: ModelSet;
}

export interface NewRole {
  readonly name: string;
  readonly permission_set_id: string;
  readonly model_set_id: string;
}

export interface UserAttribute {
  readonly id: string;
  readonly name: string;
  readonly label: string;
  readonly type: string;
  readonly default_value: string | null;
  readonly is_system: boolean;
  readonly is_permanent: boolean;
  readonly value_is_hidden: boolean;
  readonly user_can_view: boolean;
  readonly user_can_edit: boolean;
  readonly hidden_value_domain_whitelist: string | null;
}

export interface NewUserAttribute {
  readonly name: string;
  readonly label: string;
  readonly type: string;
  readonly default_value?: string | null;
  readonly value_is_hidden?: boolean;
  readonly user_can_view?: boolean;
  readonly user_can_edit?: boolean;
  readonly hidden_value_domain_whitelist?: string | null;
}

export type UserAttributePatch = Partial<NewUserAttribute>;

/** Looker's `UserAttributeWithValue` minus `can`/`rank`. */
export interface UserAttributeWithValue {
  readonly user_attribute_id: string;
  readonly user_id: string;
  readonly name: string;
  readonly label: string;
  readonly value: string | null;
  /** Where the value came from: the user's own value, the user record, or the default. */
  readonly source: 'user' | 'system' | 'default' | null;
  readonly value_is_hidden: boolean;
  readonly user_can_edit: boolean;
  readonly hidden_value_domain_whitelist: string | null;
}
