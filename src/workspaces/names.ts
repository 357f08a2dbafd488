/**
 * Names users give us that end up in git or on disk: project names, branch names, file paths.
 * Each check answers with a sentence the API can hand back as-is.
 */
import { randomBytes } from 'node:crypto';

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

const PROJECT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,99}$/;

/** null when fine, else why not. Project names become directory names and URL segments. */
export function projectNameProblem(name: string): string | null {
  if (PROJECT_NAME.test(name)) return null;
  return 'Project names may contain only letters, digits, "_" and "-" (at most 100), and must not start with "-".';
}

/**
 * git's ref-name rules (`git check-ref-format --branch`) checked in-process, so a bad name is a 422
 * before any git process runs. Slashes and unicode are allowed, as in git and Looker.
 */
export function branchNameProblem(name: string): string | null {
  const bad = (why: string): string => `Branch name ${JSON.stringify(name)} is not valid: ${why}.`;
  if (name === '' || name.length > 200) return bad('it must have 1 to 200 characters');
  if (name === '@' || name === 'HEAD') return bad('it is reserved by git');
  if (name.startsWith('-')) return bad('it must not start with "-"');
  if (hasControl(name) || /[ ~^:?*[\\]/.test(name)) return bad('it must not contain spaces, control characters or any of ~ ^ : ? * [ \\');
  if (name.includes('..') || name.includes('@{') || name.includes('//')) return bad('it must not contain "..", "@{" or "//"');
  if (name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return bad('it must not start or end with "/" or end with "."');
  for (const part of name.split('/')) {
    if (part.startsWith('.') || part.endsWith('.lock')) return bad('no path component may start with "." or end with ".lock"');
  }
  return null;
}

/** ASCII slug of a person's name part, as Looker makes `dev-lukas-fontanilla-2z5k`. */
function slug(part: string | null): string {
  return (part ?? '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 30);
}

const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `dev-<first>-<last>-<4 chars>`; the random suffix keeps two Jane Does apart. */
export function personalBranchName(first: string | null, last: string | null, userId: string): string {
  const parts = [slug(first), slug(last)].filter((p) => p !== '');
  const who = parts.length > 0 ? parts.join('-') : `user-${userId}`;
  const suffix = [...randomBytes(4)].map((b) => SUFFIX_ALPHABET[b % SUFFIX_ALPHABET.length]).join('');
  return `dev-${who}-${suffix}`;
}

/** Files the LookML IDE may write: LookML (models, views, explores, manifest) and LookML dashboards. */
const EDITABLE = /\.(?:lkml|lookml)$/;

/** null when `path` may be written through the editing API, else why not. */
export function editablePathProblem(path: string): string | null {
  if (path === '' || path.length > 500) return 'File paths must have 1 to 500 characters.';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'File paths must be relative to the project root.';
  if (hasControl(path) || path.includes('\\')) return 'File paths must not contain control characters or "\\".';
  if (path.split('/').some((seg) => seg === '' || seg === '.' || seg === '..' || seg.startsWith('.'))) {
    return 'File paths must not contain "..", "." or empty segments, nor hidden files.';
  }
  if (!EDITABLE.test(path)) return 'Only LookML files (.lkml, .lookml) can be edited.';
  return null;
}

/** Files Overlook parses as LookML. */
export function isLookmlPath(path: string): boolean {
  return EDITABLE.test(path);
}
