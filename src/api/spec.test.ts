import { afterEach, describe, expect, it, vi } from 'vitest';
import { specOperation, toRoutePath } from './spec.ts';

describe('Looker spec access', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('locates operations by operationId', () => {
    expect(specOperation('update_session')).toMatchObject({ method: 'PATCH', specPath: '/session' });
    expect(specOperation('delete_user_credentials_api3')).toMatchObject({ method: 'DELETE', specPath: '/users/{user_id}/credentials_api3/{credentials_api3_id}' });
    expect(toRoutePath('/projects/{project_id}/git_branch/{branch_name}')).toBe('/projects/:project_id/git_branch/:branch_name');
  });

  it('fails with a clear message when the spec file is missing', async () => {
    vi.stubEnv('OVERLOOK_LOOKER_SPEC', '/nonexistent/Looker.4.0.oas.json');
    const fresh = await import('./spec.ts');
    expect(() => fresh.lookerSpec()).toThrow(
      'Looker API spec not found at /nonexistent/Looker.4.0.oas.json. Overlook needs Looker.4.0.oas.json from vendor/looker-api/ in the project (or set OVERLOOK_LOOKER_SPEC to its path).',
    );
  });
});
