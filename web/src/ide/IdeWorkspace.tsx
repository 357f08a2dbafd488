// The IDE of one project: file tree, editor, problems, and git actions on the user's dev copy.
// Unsaved edits live here per file (switching files keeps them); Save writes the open file into the
// dev overlay. After anything that moves the branch (commit, pull, reset, switch) the files reload.
import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api.ts';
import { announceBranchChange } from '../shell/DevMode.tsx';
import { BranchMenu } from './BranchMenu.tsx';
import { Editor, type EditorFile } from './Editor.tsx';
import { FileTree } from './FileTree.tsx';
import { GitPanel } from './GitPanel.tsx';
import { messageOf, problemOf, problemsOfApiError } from './problems.ts';
import { ProblemsPanel, type ProblemList } from './ProblemsPanel.tsx';
import type { FileContent, GotoTarget, IdeProblem, LookmlTestResult, ProjectValidation } from './types.ts';
import { useIdeData, type IdeData } from './useIdeData.ts';
import { ActionButton } from '../shell/ActionButton.tsx';

interface Notice {
  kind: 'info' | 'error';
  text: string;
}

const PULL_STATUS: Record<string, string> = {
  up_to_date: 'Already up to date with the remote.',
  fast_forward: 'Pulled: fast-forwarded to the remote.',
  merged: 'Pulled: merged the remote changes.',
};

export function IdeWorkspace({ projectId }: { projectId: string }) {
  const { load, refresh } = useIdeData(projectId);
  if (load.state === 'loading') return <p className="ide-muted ide-loading">Loading project {projectId}…</p>;
  if (load.state === 'error') {
    return (
      <div className="ide-page">
        <p role="alert" className="ide-error-text">Cannot open project {projectId}: {load.message}</p>
        <Link to="/projects">All projects</Link>
      </div>
    );
  }
  return <IdeReady key={projectId} projectId={projectId} data={load.data} refresh={refresh} />;
}

/**
 * Why the files cannot be edited right now, or null when they can: production is read-only, so is a
 * branch the server marks read-only (the production branch, another developer's personal branch).
 */
function readOnlyReason(data: IdeData): string | null {
  if (data.workspace !== 'dev') return 'You are viewing production, read-only. Enter Development Mode to edit.';
  if (!data.permissions.has('develop')) return 'You do not have the develop permission: files are read-only.';
  if (data.project.can?.update === false) return `You may not change project ${data.project.name}: files are read-only.`;
  const b = data.branch;
  if (b?.readonly === true) {
    const whose = b.is_production ? 'the production branch' : b.personal ? `${b.owner_name ?? 'another developer'}'s personal branch` : 'read-only for you';
    return `Branch ${b.name} is ${whose}, so its files are read-only here. Switch to your own branch or create a new one to edit.`;
  }
  return null;
}

function IdeReady({ projectId, data, refresh }: { projectId: string; data: IdeData; refresh: () => Promise<void> }) {
  const p = encodeURIComponent(projectId);
  const readOnly = readOnlyReason(data);
  const editable = readOnly === null;
  // Branches can be switched on a read-only branch too: that is how one gets back to a writable one.
  const canChangeBranch = data.workspace === 'dev' && data.permissions.has('develop');
  const ownBranch = data.branches.find((b) => b.personal && !b.readonly && b.name !== data.branch?.name) ?? null;
  const [searchParams, setSearchParams] = useSearchParams();
  const [open, setOpen] = useState<EditorFile | null>(null);
  const [goto, setGoto] = useState<GotoTarget | null>(null);
  const [dirty, setDirty] = useState<ReadonlySet<string>>(new Set());
  const [problems, setProblems] = useState<ProblemList | null>(null);
  const [tests, setTests] = useState<LookmlTestResult[] | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  const busyRef = useRef(false);
  // Server text of each file opened so far, and unsaved edits by path.
  const saved = useRef(new Map<string, string>());
  const drafts = useRef(new Map<string, string>());
  const seq = useRef(0);

  const markDirty = (path: string, isDirty: boolean) => {
    setDirty((prev) => {
      if (prev.has(path) === isDirty) return prev;
      const next = new Set(prev);
      if (isDirty) next.add(path);
      else next.delete(path);
      return next;
    });
  };

  const readFile = async (path: string): Promise<string> => {
    const file = await api<FileContent>('GET', `/projects/${p}/ide/file`, undefined, { query: { path } });
    saved.current.set(path, file.content);
    return file.content;
  };

  const show = (path: string, content: string) => {
    seq.current += 1;
    setOpen({ path, content, version: seq.current });
  };

  /** Runs one action at a time; its result (or error, with LookML problems) goes to the status line. */
  const run = async (label: string, fn: () => Promise<string | null>): Promise<boolean> => {
    if (busyRef.current) return false;
    busyRef.current = true;
    setBusy(true);
    setNotice(null);
    try {
      const message = await fn();
      if (message !== null) setNotice({ kind: 'info', text: message });
      return true;
    } catch (e) {
      setNotice({ kind: 'error', text: `${label} failed: ${messageOf(e)}` });
      const found = problemsOfApiError(e);
      if (found.length > 0) setProblems({ source: `${label} refused`, problems: found });
      return false;
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  };

  const openFile = async (path: string, target?: { line: number; column: number }) => {
    try {
      if (open?.path !== path) {
        show(path, drafts.current.get(path) ?? await readFile(path));
        setSearchParams((prev) => { const next = new URLSearchParams(prev); next.set('file', path); return next; }, { replace: true });
      }
      seq.current += 1;
      setGoto(target === undefined ? null : { ...target, seq: seq.current });
    } catch (e) {
      setNotice({ kind: 'error', text: `Cannot open ${path}: ${messageOf(e)}` });
    }
  };

  const openInitialFile = useEffectEvent(() => {
    const path = searchParams.get('file');
    const line = Number(searchParams.get('line') ?? '');
    if (path !== null && path !== '') void openFile(path, Number.isInteger(line) && line > 0 ? { line, column: 1 } : undefined);
  });
  useEffect(() => { openInitialFile(); }, []);

  useEffect(() => {
    if (dirty.size === 0) return;
    const warn = (e: BeforeUnloadEvent) => { e.preventDefault(); };
    window.addEventListener('beforeunload', warn);
    return () => { window.removeEventListener('beforeunload', warn); };
  }, [dirty]);

  /** Forget cached text of `paths` (all when undefined), reload the lists and the open file. */
  const invalidate = async (paths?: readonly string[]) => {
    const hit = (x: string) => paths === undefined || paths.includes(x);
    for (const k of [...saved.current.keys()]) if (hit(k)) saved.current.delete(k);
    for (const k of [...drafts.current.keys()]) if (hit(k)) drafts.current.delete(k);
    setDirty((prev) => new Set([...prev].filter((x) => !hit(x))));
    await refresh();
    if (open !== null && hit(open.path)) {
      try {
        show(open.path, await readFile(open.path));
      } catch {
        setOpen(null);
      }
    }
  };

  const onChange = (text: string) => {
    if (open === null) return;
    if (text === saved.current.get(open.path)) drafts.current.delete(open.path);
    else drafts.current.set(open.path, text);
    markDirty(open.path, drafts.current.has(open.path));
  };

  const save = () => {
    if (!editable || open === null || busy) return;
    const path = open.path;
    void run('Save', async () => {
      const content = drafts.current.get(path) ?? saved.current.get(path) ?? '';
      const file = await api<FileContent>('PUT', `/projects/${p}/ide/file`, { path, content });
      saved.current.set(path, file.content);
      // Typing while the save was on its way keeps the newer text as an unsaved edit.
      if (drafts.current.get(path) === content) {
        drafts.current.delete(path);
        markDirty(path, false);
      }
      await refresh();
      return `Saved ${path}.`;
    });
  };

  const validate = () => void run('Validation', async () => {
    const result = await api<ProjectValidation>('POST', `/projects/${p}/validate`);
    setProblems({ source: 'Validation', problems: result.errors.map((e) => problemOf(e, projectId)) });
    const n = result.errors.length;
    const summary = n === 0 ? 'No LookML errors found.' : `Validation found ${n} problem(s).`;
    return dirty.size > 0 ? `${summary} Unsaved edits were not validated: save them first.` : summary;
  });

  const runTests = () => void run('Data tests', async () => {
    const results = await api<LookmlTestResult[]>('GET', `/projects/${p}/lookml_tests/run`);
    setTests(results);
    const failed = results.filter((r) => !r.success).length;
    return `${results.length} data test(s) run, ${failed} failed.`;
  });

  const pick = (problem: IdeProblem) => {
    if (problem.path === null) return;
    void openFile(problem.path, { line: problem.line ?? 1, column: problem.column ?? 1 });
  };

  const branchName = data.branch?.name ?? 'your branch';
  const needsClean = (what: string): string | null => (dirty.size > 0 ? `Save or discard your unsaved edits before ${what}.` : null);

  const commit = (message: string) => run('Commit', async () => {
    const result = await api<{ commit: string }>('POST', `/projects/${p}/ide/commit`, { message });
    // The saved edits became the commit; unsaved ones still apply on top of it, so they stay.
    await refresh();
    return `Committed ${result.commit.slice(0, 7)} to ${branchName} and pushed it.`;
  });

  const pull = () => void run('Pull', async () => {
    const blocked = needsClean('pulling');
    if (blocked !== null) throw new Error(blocked);
    const result = await api<{ status: string; head: string }>('POST', `/projects/${p}/ide/pull`);
    await invalidate();
    return PULL_STATUS[result.status] ?? `Pulled (${result.status}).`;
  });

  const deploy = () => void run('Deploy', async () => {
    await api<null>('POST', `/projects/${p}/deploy_to_production`);
    await refresh();
    const ref = data.branch?.ref;
    return `Deployed ${branchName}${ref !== null && ref !== undefined ? ` (${ref.slice(0, 7)})` : ''} to production.`;
  });

  const reset = (to: 'production' | 'remote') => void run(`Reset to ${to}`, async () => {
    await api<null>('POST', `/projects/${p}/reset_to_${to}`);
    await invalidate();
    return `Reset ${branchName} to ${to}.`;
  });

  const discard = (paths?: string[]) => void run('Discard', async () => {
    await api<null>('POST', `/projects/${p}/ide/discard`, paths === undefined ? {} : { paths });
    await invalidate(paths);
    return paths === undefined ? 'Discarded all uncommitted changes.' : `Discarded changes to ${paths.join(', ')}.`;
  });

  const switchBranch = (name: string) => void run('Switch branch', async () => {
    const blocked = needsClean('switching branches');
    if (blocked !== null) throw new Error(blocked);
    await api<unknown>('PUT', `/projects/${p}/git_branch`, { name });
    announceBranchChange();
    await invalidate();
    return `Switched to branch ${name}.`;
  });

  const createBranch = (name: string) => void run('Create branch', async () => {
    const blocked = needsClean('creating a branch');
    if (blocked !== null) throw new Error(blocked);
    await api<unknown>('POST', `/projects/${p}/git_branch`, { name });
    announceBranchChange();
    await invalidate();
    return `Created branch ${name} from ${branchName} and switched to it.`;
  });

  const deleteBranch = (name: string) => void run('Delete branch', async () => {
    await api<null>('DELETE', `/projects/${p}/git_branch/${encodeURIComponent(name)}`);
    await refresh();
    return `Deleted branch ${name}.`;
  });

  const createFile = (path: string) => void run('New file', async () => {
    await api<FileContent>('PUT', `/projects/${p}/ide/file`, { path, content: '' });
    await refresh();
    await openFile(path);
    return `Created ${path}.`;
  });

  const renameFile = (path: string, newPath: string) => void run('Rename', async () => {
    if (dirty.has(path)) throw new Error(`Save or discard the edits to ${path} first.`);
    await api<null>('POST', `/projects/${p}/ide/rename`, { path, new_path: newPath });
    saved.current.delete(path);
    await refresh();
    if (open?.path === path) show(newPath, await readFile(newPath));
    return `Renamed ${path} to ${newPath}.`;
  });

  const deleteFile = (path: string) => void run('Delete', async () => {
    await api<null>('DELETE', `/projects/${p}/ide/file`, undefined, { query: { path } });
    saved.current.delete(path);
    drafts.current.delete(path);
    markDirty(path, false);
    if (open?.path === path) setOpen(null);
    await refresh();
    return `Deleted ${path}.`;
  });

  const enterDevMode = () => void run('Enter Development Mode', async () => {
    await api<unknown>('PATCH', '/session', { workspace_id: 'dev' });
    window.location.reload();
    return null;
  });

  const openDirty = open !== null && dirty.has(open.path);
  return (
    <div className="ide-page" data-workspace={data.workspace}>
      <header className="ide-toolbar">
        <Link to="/projects" className="ide-crumb">Projects</Link>
        <span className="ide-crumb-sep">/</span>
        <h1 className="ide-title">{data.project.name}</h1>
        <BranchMenu current={data.branch} branches={data.branches} canChange={canChangeBranch} busy={busy}
          onSwitch={switchBranch} onCreate={createBranch} onDelete={deleteBranch} />
        <span className="ide-toolbar-spacer" />
        {editable ? (
          <ActionButton className="ide-primary" data-testid="ide-save" unavailable={busy || open === null} onClick={save}
            title="Save (Ctrl/Cmd+S)">{openDirty ? 'Save changes' : 'Save'}</ActionButton>
        ) : null}
        <ActionButton data-testid="ide-validate" unavailable={busy} onClick={validate}>Validate LookML</ActionButton>
      </header>
      {readOnly !== null ? (
        <div className="ide-readonly" data-testid="ide-readonly-notice" role="note">
          {readOnly}
          {data.workspace !== 'dev' && data.permissions.has('develop') ? (
            <ActionButton data-testid="ide-enter-dev" unavailable={busy} onClick={enterDevMode}>Enter Development Mode</ActionButton>
          ) : null}
          {canChangeBranch && data.branch?.readonly === true && ownBranch !== null ? (
            <ActionButton data-testid="ide-switch-own-branch" unavailable={busy} onClick={() => { switchBranch(ownBranch.name); }}>
              Switch to {ownBranch.name}
            </ActionButton>
          ) : null}
        </div>
      ) : null}
      {notice !== null ? (
        <p className={`ide-notice ide-notice-${notice.kind}`} data-testid="ide-status" data-kind={notice.kind}
          role={notice.kind === 'error' ? 'alert' : 'status'}>{notice.text}</p>
      ) : null}
      <div className="ide-body">
        <aside className="ide-side">
          <FileTree files={data.files} selected={open?.path ?? null} dirty={dirty} editable={editable} busy={busy}
            onOpen={(path) => void openFile(path)} onCreate={createFile} onRename={renameFile} onDelete={deleteFile} />
        </aside>
        <main className="ide-main">
          <div className="ide-file-header">
            <span data-testid="ide-open-path">{open?.path ?? 'No file open'}</span>
            {openDirty ? <span className="ide-warning"> — unsaved</span> : null}
            {!editable && open !== null ? <span className="ide-badge">read-only</span> : null}
          </div>
          <Editor file={open} readOnly={!editable} goto={goto} onChange={onChange} onSave={save} />
        </main>
        <aside className="ide-side ide-side-right">
          <ProblemsPanel list={problems} tests={tests} busy={busy} onPick={pick} onRunTests={runTests} />
          <GitPanel changes={data.changes} branch={data.branch} editable={editable} canDeploy={data.permissions.has('deploy')}
            busy={busy} unsavedCount={dirty.size} onOpen={(path) => void openFile(path)} onDiscard={discard} onCommit={commit}
            onPull={pull} onDeploy={deploy} onResetProduction={() => { reset('production'); }} onResetRemote={() => { reset('remote'); }} />
        </aside>
      </div>
    </div>
  );
}
