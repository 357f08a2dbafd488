/**
 * Dev copies assembled as deltas over production (content.ts, model/memo.ts): each must be exactly
 * what assembling its files from scratch gives (project, diagnostics), while sharing every view it
 * did not change with production and weighing only its own part.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OverlayFile } from '../store/index.ts';
import { assembleProject, parseSource, validateAssembled } from './assemble.ts';
import { ASSEMBLED_BYTES_PER_SOURCE_BYTE, ContentCache, approximateBytes, blobId, type LoadedWorkspace } from './content.ts';
import type { ProjectRepo } from './repos.ts';
import { dev, newUser, setupEnv, type Env } from './test-support.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/projects/extends_refinements/', import.meta.url));

function fixtureFiles(): Record<string, string> {
  const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  const out: Record<string, string> = {};
  for (const path of walk(FIXTURE)) out[relative(FIXTURE, path).split('\\').join('/')] = readFileSync(path, 'utf8');
  // A LookML dashboard, so dashboards go through the delta too.
  out['dashboards/overview.dashboard.lookml'] = '- dashboard: overview\n  title: Overview\n  layout: newspaper\n  elements: []\n';
  return out;
}

const FILES = fixtureFiles();

let env: Env;
let repo: ProjectRepo;
let main = '';

beforeAll(async () => {
  env = await setupEnv(FILES);
  const alice = await newUser(env.store, 'Alice', 'Delta');
  await env.workspaces.createProject(dev(alice), { name: 'er', git_remote_url: env.remote });
  repo = await env.workspaces.core.repo(await env.workspaces.project('er'), true);
  main = repo.branches.get('main') ?? '';
});

afterAll(async () => {
  await env.cleanup();
});

function overlay(path: string, content: string | null): OverlayFile {
  return { path, content, blob_id: content === null ? null : blobId(content), updated_at: '2024-01-01T00:00:00.000Z' };
}

function edit(path: string, from: string, to: string): OverlayFile {
  const text = FILES[path];
  if (text === undefined || !text.includes(from)) throw new Error(`${path} has no "${from}"`);
  return overlay(path, text.replace(from, to));
}

/** The files with `changes` applied, assembled from scratch. */
function fromScratch(changes: readonly OverlayFile[]): ReturnType<typeof assembleProject> {
  const files = new Map(Object.entries(FILES));
  for (const c of changes) {
    if (c.content === null) files.delete(c.path);
    else files.set(c.path, c.content);
  }
  const paths = [...files.keys()].filter((p) => p.endsWith('.lkml') || p.endsWith('.lookml')).sort();
  return assembleProject(paths.map((p) => parseSource(p, files.get(p)!)), 'er');
}

async function loadWith(cache: ContentCache, changes: readonly OverlayFile[]): Promise<LoadedWorkspace> {
  const loaded = await cache.load(repo, await cache.snapshot(repo, main, changes), changes.length === 0 ? 'production' : 'dev');
  const expected = fromScratch(changes);
  expect(JSON.stringify(loaded.project)).toBe(JSON.stringify(expected.project));
  expect(loaded.files.map((f) => f.path)).toEqual(expected.files.map((f) => f.path));
  expect(loaded.dashboards).toEqual(expected.dashboards);
  expect(loaded.diagnostics()).toEqual(validateAssembled(expected));
  return loaded;
}

describe('dev copies over production', () => {
  it('share every view they did not change, and weigh only what they built', async () => {
    const cache = new ContentCache();
    const production = await loadWith(cache, []);
    const copy = await loadWith(cache, [edit('views/users.view.lkml', 'LOWER', 'UPPER')]);
    const [p, d] = [production.project.models.thelook!, copy.project.models.thelook!];
    expect(d.views.orders).toBe(p.views.orders);
    expect(d.views.users).not.toBe(p.views.users);
    // Fields the edit left as they were are production's too.
    expect(d.views.users!.fields.find((f) => f.name === 'id')).toBe(p.views.users!.fields.find((f) => f.name === 'id'));
    expect(approximateBytes(production)).toBe(production.sourceBytes * ASSEMBLED_BYTES_PER_SOURCE_BYTE);
    expect(copy.ownSourceBytes).toBeLessThan(copy.sourceBytes);
    expect(approximateBytes(copy)).toBe(Math.round(copy.ownSourceBytes * ASSEMBLED_BYTES_PER_SOURCE_BYTE));
    expect(approximateBytes(copy)).toBeLessThan(approximateBytes(production));
  });

  it.each([
    ['a refinement file', [edit('refinements/a_labels.lkml', 'Status A', 'Status Z')]],
    ['an extended view', [edit('views/base_entity.view.lkml', 'drill_fields: [id]', 'drill_fields: [id, created_date]')]],
    ['the model file', [edit('thelook.model.lkml', 'week_start_day: sunday', 'week_start_day: monday')]],
    ['the manifest', [edit('manifest.lkml', 'value: "thelook"', 'value: "analytics"')]],
    ['an added view', [overlay('views/extra.view.lkml', 'view: extra {\n  dimension: x {}\n}\n')]],
    ['a deleted refinement file', [overlay('refinements/b_more.lkml', null)]],
    ['a renamed view file', [overlay('views/users.view.lkml', null), overlay('views/people.view.lkml', FILES['views/users.view.lkml']!)]],
    ['a deleted dashboard', [overlay('dashboards/overview.dashboard.lookml', null)]],
    ['a new error', [edit('views/users.view.lkml', 'extends: [base_entity]', 'extends: [nowhere]')]],
    ['a syntax error', [edit('views/orders.view.lkml', 'dimension: status {', 'dimension: status {{')]],
    ['edits to several files', [edit('views/users.view.lkml', 'LOWER', 'UPPER'), edit('explores/orders.explore.lkml', 'type: inner', 'type: cross')]],
  ])('are exactly a build from scratch after a change to %s', async (_name, changes) => {
    const cache = new ContentCache();
    await loadWith(cache, []);
    await loadWith(cache, changes);
  });

  it('keep working once production is evicted: the base lives on with the copies built on it', async () => {
    const cache = new ContentCache({ maxWorkspaces: 1 });
    const production = await loadWith(cache, []);
    const a = await loadWith(cache, [edit('views/users.view.lkml', 'LOWER', 'UPPER')]);
    const b = await loadWith(cache, [edit('views/orders.view.lkml', 'sql: ${TABLE}.status ;;', 'sql: UPPER(${TABLE}.status) ;;')]);
    expect(cache.workspaceStats.count).toBe(1);
    expect(b.project.models.thelook!.views.base_entity).toBe(production.project.models.thelook!.views.base_entity);
    expect(a.project.models.thelook!.views.orders).toBe(production.project.models.thelook!.views.orders);
    expect(b.ownSourceBytes).toBeLessThan(b.sourceBytes);
  });

  it('build on the first dev copy when nothing else of the project is assembled', async () => {
    const cache = new ContentCache();
    const first = await loadWith(cache, [edit('views/users.view.lkml', 'LOWER', 'UPPER')]);
    expect(first.ownSourceBytes).toBe(first.sourceBytes);
    const second = await loadWith(cache, [edit('views/users.view.lkml', 'LOWER', 'TRIM')]);
    expect(second.project.models.thelook!.views.orders).toBe(first.project.models.thelook!.views.orders);
    expect(second.ownSourceBytes).toBeLessThan(second.sourceBytes);
  });

  it('keep an overlay-only parse cache of their own, bounded', async () => {
    const cache = new ContentCache({ maxWorkspaces: 1, maxOverlayFiles: 1 });
    await loadWith(cache, []);
    const changes = [edit('views/users.view.lkml', 'LOWER', 'UPPER')];
    const a = await loadWith(cache, changes);
    await loadWith(cache, [edit('views/users.view.lkml', 'LOWER', 'TRIM')]);
    // Evicted from both caches: the same content is parsed again, and still gives the same project.
    const again = await loadWith(cache, changes);
    expect(again).not.toBe(a);
    expect(again.files.find((f) => f.path === 'views/users.view.lkml')).not.toBe(a.files.find((f) => f.path === 'views/users.view.lkml'));
  });
});
