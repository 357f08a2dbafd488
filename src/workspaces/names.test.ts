import { describe, expect, it } from 'vitest';
import { runGit } from './git/run.ts';
import { branchNameProblem, editablePathProblem, isLookmlPath, personalBranchName, projectNameProblem } from './names.ts';

async function gitAccepts(name: string): Promise<boolean> {
  return (await runGit(['check-ref-format', '--branch', name])).code === 0;
}

describe('branchNameProblem', () => {
  it.each([
    'main', 'feature/x', 'feature/deep/er', 'ünï-cødé', '日本/ブランチ', '13950', 'deadbeef',
    'tmp_spectacles_0a1b2c3d4e', 'a@b', 'dev-jane-doe-x1y2', 'v1.2', 'a.b/c',
  ])('accepts %j', (name) => {
    expect(branchNameProblem(name)).toBeNull();
  });

  it.each([
    ['a..b', 'it must not contain "..", "@{" or "//"'],
    ['..', 'it must not contain "..", "@{" or "//"'],
    ['a@{b', 'it must not contain "..", "@{" or "//"'],
    ['a//b', 'it must not contain "..", "@{" or "//"'],
    ['a b', 'it must not contain spaces, control characters or any of ~ ^ : ? * [ \\'],
    [' lead', 'it must not contain spaces, control characters or any of ~ ^ : ? * [ \\'],
    ['tab\there', 'it must not contain spaces, control characters or any of ~ ^ : ? * [ \\'],
    ['a~b', 'it must not contain spaces, control characters or any of ~ ^ : ? * [ \\'],
    ['a^b', 'it must not contain spaces, control characters or any of ~ ^ : ? * [ \\'],
    ['a:b', 'it must not contain spaces, control characters or any of ~ ^ : ? * [ \\'],
    ['a?b', 'it must not contain spaces, control characters or any of ~ ^ : ? * [ \\'],
    ['a*b', 'it must not contain spaces, control characters or any of ~ ^ : ? * [ \\'],
    ['a[b', 'it must not contain spaces, control characters or any of ~ ^ : ? * [ \\'],
    ['a\\b', 'it must not contain spaces, control characters or any of ~ ^ : ? * [ \\'],
    ['x.lock', 'no path component may start with "." or end with ".lock"'],
    ['a/b.lock/c', 'no path component may start with "." or end with ".lock"'],
    ['.hidden', 'no path component may start with "." or end with ".lock"'],
    ['a/.b', 'no path component may start with "." or end with ".lock"'],
    ['-x', 'it must not start with "-"'],
    ['--force', 'it must not start with "-"'],
    ['/a', 'it must not start or end with "/" or end with "."'],
    ['a/', 'it must not start or end with "/" or end with "."'],
    ['a.', 'it must not start or end with "/" or end with "."'],
    ['HEAD', 'it is reserved by git'],
    ['@', 'it is reserved by git'],
    ['', 'it must have 1 to 200 characters'],
    ['x'.repeat(201), 'it must have 1 to 200 characters'],
  ])('refuses %j', (name, why) => {
    expect(branchNameProblem(name)).toBe(`Branch name ${JSON.stringify(name)} is not valid: ${why}.`);
  });

  it('agrees with `git check-ref-format --branch` (except "@", which Overlook also reserves)', async () => {
    const names = [
      'main', 'feature/x', 'ünï-cødé', '日本/ブランチ', '13950', 'a@b', 'v1.2', 'a..b', 'a b', 'x.lock',
      'a/b.lock/c', '-x', 'HEAD', 'a@{b', 'a//b', '/a', 'a/', 'a.', '.a', 'a/.b', 'a~b', 'a^b', 'a:b',
      'a?b', 'a*b', 'a[b', 'a\\b',
    ];
    const ours = names.map((n) => [n, branchNameProblem(n) === null]);
    const gits = await Promise.all(names.map(async (n) => [n, await gitAccepts(n)]));
    expect(ours).toEqual(gits);
  });
});

describe('personalBranchName', () => {
  it('is dev-<first>-<last>-<4 lowercase alnum>', () => {
    expect(personalBranchName('Lukas', 'Fontanilla', '7')).toMatch(/^dev-lukas-fontanilla-[a-z0-9]{4}$/);
  });

  it('strips accents, lowercases and joins other characters with "-"', () => {
    expect(personalBranchName('Zoë', 'Ångström-Öberg', '1')).toMatch(/^dev-zoe-angstrom-oberg-[a-z0-9]{4}$/);
    expect(personalBranchName('José María', "O'Neill", '1')).toMatch(/^dev-jose-maria-o-neill-[a-z0-9]{4}$/);
    expect(personalBranchName('  Ann  ', null, '1')).toMatch(/^dev-ann-[a-z0-9]{4}$/);
    expect(personalBranchName(null, 'Smith', '1')).toMatch(/^dev-smith-[a-z0-9]{4}$/);
  });

  it('falls back to user-<id> when the name has nothing ASCII to keep', () => {
    expect(personalBranchName(null, null, '42')).toMatch(/^dev-user-42-[a-z0-9]{4}$/);
    expect(personalBranchName('', '', '42')).toMatch(/^dev-user-42-[a-z0-9]{4}$/);
    expect(personalBranchName('李', '王', '9')).toMatch(/^dev-user-9-[a-z0-9]{4}$/);
  });

  it('caps each name part at 30 characters', () => {
    const name = personalBranchName('a'.repeat(50), 'b'.repeat(50), '1');
    expect(name).toMatch(new RegExp(`^dev-${'a'.repeat(30)}-${'b'.repeat(30)}-[a-z0-9]{4}$`));
  });

  it('varies the suffix so two people with one name get different branches', () => {
    const names = new Set(Array.from({ length: 50 }, () => personalBranchName('Jane', 'Doe', '1')));
    expect(names.size).toBeGreaterThan(45);
  });

  it('always makes a valid git branch name', async () => {
    for (const [first, last] of [['Zoë', 'Ångström'], [null, null], ['-lead', 'trail.'], ['a..b', 'c.lock']] as const) {
      const name = personalBranchName(first, last, '3');
      expect(branchNameProblem(name)).toBeNull();
      expect(await gitAccepts(name)).toBe(true);
    }
  });
});

describe('editablePathProblem', () => {
  it.each([
    'shop.model.lkml', 'views/orders.view.lkml', 'manifest.lkml', 'dashboards/sales.dashboard.lookml',
    'a/b/c/deep.explore.lkml', 'views/ünïcode.view.lkml',
  ])('accepts %j', (p) => {
    expect(editablePathProblem(p)).toBeNull();
    expect(isLookmlPath(p)).toBe(true);
  });

  it.each([
    ['../escape.view.lkml', 'File paths must not contain "..", "." or empty segments, nor hidden files.'],
    ['views/../../x.view.lkml', 'File paths must not contain "..", "." or empty segments, nor hidden files.'],
    ['./x.view.lkml', 'File paths must not contain "..", "." or empty segments, nor hidden files.'],
    ['views//x.view.lkml', 'File paths must not contain "..", "." or empty segments, nor hidden files.'],
    ['.git/config.lkml', 'File paths must not contain "..", "." or empty segments, nor hidden files.'],
    ['views/.hidden.lkml', 'File paths must not contain "..", "." or empty segments, nor hidden files.'],
    ['/etc/passwd.lkml', 'File paths must be relative to the project root.'],
    ['/views/x.view.lkml', 'File paths must be relative to the project root.'],
    ['C:/x.view.lkml', 'File paths must be relative to the project root.'],
    ['views\\x.view.lkml', 'File paths must not contain control characters or "\\".'],
    ['views/x\n.view.lkml', 'File paths must not contain control characters or "\\".'],
    ['README.md', 'Only LookML files (.lkml, .lookml) can be edited.'],
    ['scripts/run.sh', 'Only LookML files (.lkml, .lookml) can be edited.'],
    ['views/x.lkml.bak', 'Only LookML files (.lkml, .lookml) can be edited.'],
    ['', 'File paths must have 1 to 500 characters.'],
    [`${'a'.repeat(500)}.lkml`, 'File paths must have 1 to 500 characters.'],
  ])('refuses %j', (p, why) => {
    expect(editablePathProblem(p)).toBe(why);
  });
});

describe('projectNameProblem', () => {
  it('accepts letters, digits, "_" and "-" not leading', () => {
    for (const ok of ['shop', 'my_project', 'a-b-1', '_x', '9lives']) expect(projectNameProblem(ok)).toBeNull();
  });

  it('refuses names that would be unsafe as directories or URL segments', () => {
    for (const bad of ['', '-x', 'a/b', '..', 'a b', 'ünï', 'x'.repeat(101)]) {
      expect(projectNameProblem(bad)).toBe('Project names may contain only letters, digits, "_" and "-" (at most 100), and must not start with "-".');
    }
  });
});
