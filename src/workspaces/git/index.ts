export {
  ensureMirror, fetchMirror, fetchRefs, resolveRef, listBranches, listRemoteRefs, defaultBranch, moveRefs, readRefState, setHead,
  type BranchInfo, type RefMove, type RefState,
} from './mirror.ts';
export { ObjectReader, openObjectReader, lsTree, treeOf, type GitObject, type ObjectType, type TreeEntry } from './objects.ts';
export {
  commitFiles,
  updateRef,
  deleteRef,
  pushRef,
  pushRefsAtomic,
  assertRepoPath,
  type CommitFilesInput,
  type Person,
  type PushResult,
  type PushRefsResult,
  type PushUpdate,
} from './commit.ts';
export { GitError, isSha } from './run.ts';
export {
  aheadBehind, changedPaths, commitTime, commitTree, deleteRemoteBranch, initHostedRepo, isAncestor, mergeTrees, type MergeResult,
} from './history.ts';
