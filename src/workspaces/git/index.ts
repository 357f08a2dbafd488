export { ensureMirror, fetchMirror, resolveRef, listBranches, defaultBranch, type BranchInfo } from './mirror.ts';
export { ObjectReader, openObjectReader, lsTree, treeOf, type GitObject, type ObjectType, type TreeEntry } from './objects.ts';
export {
  commitFiles,
  updateRef,
  deleteRef,
  pushRef,
  assertRepoPath,
  type CommitFilesInput,
  type Person,
  type PushResult,
} from './commit.ts';
export { GitError, isSha } from './run.ts';
export {
  aheadBehind, changedPaths, commitTime, commitTree, deleteRemoteBranch, initHostedRepo, isAncestor, mergeTrees, type MergeResult,
} from './history.ts';
