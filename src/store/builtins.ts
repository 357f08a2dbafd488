/**
 * Looker's built-in access control objects and default user attributes, seeded by the first
 * migration.
 *
 * The permission lists are the ones a real Looker instance reports for its default sets
 * (`GET /api/4.0/permission_sets`): Admin is the only `built_in` set and has `all_access`;
 * Developer, User and Viewer are ordinary, editable sets that every new instance starts with.
 * The same instances report the Admin role as id 2 and the "All" model set and Admin
 * permission set as id 1; the seed keeps those ids so scripts that hard-code them still work.
 */

/** Every permission Overlook knows; the Admin set grants all of them (and any added later). */
export const ALL_PERMISSIONS: readonly string[] = [
  'access_data', 'see_lookml_dashboards', 'see_looks', 'see_user_dashboards', 'explore',
  'create_table_calculations', 'create_custom_fields', 'can_create_forecast', 'can_override_vis_config',
  'save_content', 'save_dashboards', 'save_looks', 'create_public_looks', 'download_with_limit',
  'download_without_limit', 'schedule_look_emails', 'schedule_external_look_emails', 'create_alerts',
  'follow_alerts', 'send_to_s3', 'send_to_sftp', 'send_outgoing_webhook', 'send_to_integration', 'see_sql',
  'see_lookml', 'develop', 'deploy', 'support_access_toggle', 'manage_project_models', 'use_global_connections',
  'manage_project_connections', 'use_sql_runner', 'clear_cache_refresh', 'can_copy_print', 'see_drill_overlay',
  'manage_spaces', 'manage_homepage', 'manage_models', 'manage_stereo', 'create_prefetches',
  'login_special_email', 'embed_browse_spaces', 'embed_save_shared_space', 'see_alerts', 'see_queries',
  'see_logs', 'see_users', 'sudo', 'see_schedules', 'see_pdts', 'see_datagroups', 'update_datagroups',
  'see_system_activity', 'administer', 'mobile_app_access',
];

export interface BuiltInPermissionSet {
  readonly id: number;
  readonly name: string;
  readonly builtIn: boolean;
  readonly allAccess: boolean;
  readonly permissions: readonly string[];
}

export const BUILT_IN_PERMISSION_SETS: readonly BuiltInPermissionSet[] = [
  { id: 1, name: 'Admin', builtIn: true, allAccess: true, permissions: ALL_PERMISSIONS },
  {
    id: 2, name: 'Developer', builtIn: false, allAccess: false,
    permissions: [
      'access_data', 'clear_cache_refresh', 'create_alerts', 'create_custom_fields', 'create_public_looks',
      'create_table_calculations', 'deploy', 'develop', 'download_without_limit', 'explore', 'follow_alerts',
      'login_special_email', 'manage_spaces', 'mobile_app_access', 'save_content', 'schedule_look_emails',
      'see_drill_overlay', 'see_lookml', 'see_lookml_dashboards', 'see_looks', 'see_sql', 'see_user_dashboards',
      'send_to_integration', 'use_sql_runner',
    ],
  },
  {
    id: 3, name: 'User', builtIn: false, allAccess: false,
    permissions: [
      'access_data', 'clear_cache_refresh', 'create_alerts', 'create_custom_fields', 'create_table_calculations',
      'download_without_limit', 'explore', 'login_special_email', 'manage_spaces', 'mobile_app_access',
      'save_content', 'schedule_look_emails', 'see_drill_overlay', 'see_lookml', 'see_lookml_dashboards',
      'see_looks', 'see_sql', 'see_user_dashboards', 'send_to_integration',
    ],
  },
  {
    id: 4, name: 'Viewer', builtIn: false, allAccess: false,
    permissions: [
      'access_data', 'clear_cache_refresh', 'create_alerts', 'download_without_limit', 'follow_alerts',
      'login_special_email', 'mobile_app_access', 'schedule_look_emails', 'see_drill_overlay',
      'see_lookml_dashboards', 'see_looks', 'see_user_dashboards', 'send_to_integration',
    ],
  },
];

export const BUILT_IN_MODEL_SETS = [{ id: 1, name: 'All', builtIn: true, allAccess: true }] as const;

export const BUILT_IN_ROLES = [
  { id: 2, name: 'Admin', permissionSetId: 1, modelSetId: 1 },
  { id: 3, name: 'Developer', permissionSetId: 2, modelSetId: 1 },
  { id: 4, name: 'User', permissionSetId: 3, modelSetId: 1 },
  { id: 5, name: 'Viewer', permissionSetId: 4, modelSetId: 1 },
] as const;

export const ADMIN_ROLE_ID = '2';

/** Attribute types Looker accepts. */
export const USER_ATTRIBUTE_TYPES: readonly string[] = [
  'string', 'number', 'datetime', 'yesno', 'zipcode', 'relative_url',
  'advanced_filter_string', 'advanced_filter_number', 'advanced_filter_datetime',
];

/** System attributes: their values come from the user record; they cannot be deleted. */
export const SYSTEM_USER_ATTRIBUTES = [
  { name: 'email', label: 'Email', defaultValue: null },
  { name: 'first_name', label: 'First Name', defaultValue: null },
  { name: 'last_name', label: 'Last Name', defaultValue: null },
  { name: 'locale', label: 'Locale', defaultValue: 'en' },
  { name: 'name', label: 'Name', defaultValue: null },
] as const;
