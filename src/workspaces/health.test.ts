// Readiness of projects' git content: an open mirror is checked on disk and through its object
// reader; a project without one here is checked at its remote, whose answer is reused briefly.
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectRecord } from '../store/index.ts';
import { makeRemote, tempRoot } from './git/test-helpers.ts';
import { MirrorHealthChecker } from './health.ts';
import { RepoManager } from './repos.ts';

let root: { dir: string; cleanup: () => Promise<void> };
let remote = '';
let repos: RepoManager;

const project = (id: string, url: string): ProjectRecord => ({
  id, git_remote_url: url, hosted: false, git_production_branch_name: null, validation_required: false, allow_warnings: true,
  pull_request_mode: 'off', git_release_mgmt_enabled: false, data_tests_required: false, deployed_commit: null, deployed_at: null, ref_generation: 0,
  created_at: '2024-01-01T00:00:00.000Z',
});

beforeAll(async () => {
  root = await tempRoot();
  remote = await makeRemote(root.dir, { 'a.model.lkml': 'connection: "x"\n' });
  repos = new RepoManager(path.join(root.dir, 'data'));
});

afterAll(async () => {
  await repos.close();
  await root.cleanup();
});

describe('MirrorHealthChecker', () => {
  it('checks a project not opened here at its remote, and reuses the answer for the cache time', async () => {
    let now = 1000;
    const checker = new MirrorHealthChecker(repos, { now: () => now, remoteCacheMs: 5000 });
    expect(await checker.check(project('fresh', remote))).toEqual({ projectId: 'fresh', ok: true, via: 'remote' });
    const moved = `${remote}-moved`;
    await rename(remote, moved);
    try {
      now += 4999;
      expect(await checker.check(project('fresh', remote))).toEqual({ projectId: 'fresh', ok: true, via: 'remote' });
      now += 1;
      const down = await checker.check(project('fresh', remote));
      expect(down).toMatchObject({ projectId: 'fresh', ok: false, via: 'remote' });
      expect(down.message).toMatch(/^the git remote is unreachable: fatal: Could not read from remote repository\./);
    } finally {
      await rename(moved, remote);
    }
  });

  it('checks an open mirror on disk and through its object reader, not at the remote', async () => {
    const p = project('opened', remote);
    const repo = await repos.open(p);
    const checker = new MirrorHealthChecker(repos);
    expect(await checker.check(p)).toEqual({ projectId: 'opened', ok: true, via: 'mirror' });
    // A remote URL changed since the mirror was opened: the mirror in use is not the project's any more.
    expect(await checker.check(project('opened', path.join(root.dir, 'elsewhere.git')))).toMatchObject({ ok: false, via: 'remote' });
    await rm(repo.dir, { recursive: true, force: true });
    expect(await checker.check(p)).toEqual({ projectId: 'opened', ok: false, via: 'mirror', message: `the mirror directory ${repo.dir} is missing` });
  });
});
