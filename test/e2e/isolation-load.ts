/**
 * Issue 5's workspace-isolation load, shared by its end-to-end test (one node), the cluster test
 * (every call goes to a node picked at random) and the bench soak (bench/tasks/isolation.ts).
 *
 * Tokens of several users run a query whose answer names the workspace it was answered from, while
 * each token flips between production and dev and one more token per user keeps switching that
 * user's checked-out branch. A production answer must be production's label; a dev answer must come
 * from that user's own dev copy (either of its two branches), never another user's or production.
 */

export interface HttpResult {
  readonly status: number;
  readonly json: unknown;
  readonly text: string;
}

/** The nodes the load is spread over: plain HTTP, as any client calls them. */
export interface LoadTarget {
  readonly nodes: number;
  http(node: number, token: string, method: string, path: string, body?: unknown): Promise<HttpResult>;
  login(node: number, clientId: string, secret: string): Promise<string>;
}

/** A target over the nodes' base URLs (`http://host:port`), with `fetch`. */
export function urlTarget(urls: readonly string[]): LoadTarget {
  const base = (node: number): string => {
    const url = urls[node];
    if (url === undefined) throw new Error(`no node ${node} (${urls.length} nodes)`);
    return url;
  };
  return {
    nodes: urls.length,
    async http(node, token, method, path, body) {
      const res = await fetch(`${base(node)}/api/4.0${path}`, {
        method,
        headers: { authorization: `token ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      let json: unknown = null;
      try {
        json = text === '' ? null : JSON.parse(text);
      } catch {
        // Not JSON: the caller reports the text.
      }
      return { status: res.status, json, text };
    },
    async login(node, clientId, secret) {
      const res = await fetch(`${base(node)}/api/4.0/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: clientId, client_secret: secret }).toString(),
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`login on node ${node}: ${res.status} ${text}`);
      return (JSON.parse(text) as { access_token: string }).access_token;
    },
  };
}

/** Where the label lives: the project, its view file, and that file's text for a label. */
export interface LabelledProject {
  readonly project: string;
  readonly viewPath: string;
  view(label: string): string;
}

/** A user whose dev copy answers `personalLabel` on its personal branch and `branchLabel` on `branch`. */
export interface LoadUser {
  readonly index: number;
  readonly project: string;
  readonly clientId: string;
  readonly secret: string;
  readonly personal: string;
  readonly branch: string;
  readonly personalLabel: string;
  readonly branchLabel: string;
}

async function must(result: Promise<HttpResult>, what: string): Promise<unknown> {
  const res = await result;
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.json;
}

/**
 * Developer users, each with its dev copy edited on its personal branch and on a second branch.
 * Each user's steps go through different nodes: the dev copy lives in the metadata DB and the
 * remote, not in a node.
 */
export async function makeLoadUsers(target: LoadTarget, adminToken: string, project: LabelledProject, count: number, prefix: string): Promise<LoadUser[]> {
  const roles = (await must(target.http(0, adminToken, 'GET', '/roles'), 'all_roles')) as { id: string; name: string }[];
  const developer = roles.find((r) => r.name === 'Developer');
  if (developer === undefined) throw new Error('no Developer role');
  const file = `/projects/${encodeURIComponent(project.project)}`;
  const users: LoadUser[] = [];
  for (let u = 0; u < count; u++) {
    const at = (step: number): number => (u + step) % target.nodes;
    const user = (await must(target.http(at(0), adminToken, 'POST', '/users', { first_name: `${prefix}${u}`, last_name: 'Load' }), 'create_user')) as { id: string };
    await must(target.http(at(1), adminToken, 'PUT', `/users/${user.id}/roles`, [developer.id]), 'set_user_roles');
    const cred = (await must(target.http(at(2), adminToken, 'POST', `/users/${user.id}/credentials_api3`), 'create_user_credentials_api3')) as { client_id: string; client_secret: string };
    const token = await target.login(at(0), cred.client_id, cred.client_secret);
    await must(target.http(at(1), token, 'PATCH', '/session', { workspace_id: 'dev' }), 'update_session dev');
    const personal = ((await must(target.http(at(2), token, 'GET', `${file}/git_branch`), 'git_branch')) as { name: string }).name;
    const personalLabel = `u${u}-personal`;
    const branchLabel = `u${u}-branch`;
    await must(target.http(at(0), token, 'PUT', `${file}/ide/file`, { path: project.viewPath, content: project.view(personalLabel) }), 'edit on the personal branch');
    const branch = `${prefix.toLowerCase()}-u${u}`;
    await must(target.http(at(1), token, 'POST', `${file}/git_branch`, { name: branch }), 'create_git_branch');
    await must(target.http(at(2), token, 'PUT', `${file}/ide/file`, { path: project.viewPath, content: project.view(branchLabel) }), 'edit on the second branch');
    users.push({ index: u, project: project.project, clientId: cred.client_id, secret: cred.client_secret, personal, branch, personalLabel, branchLabel });
  }
  return users;
}

export interface LoadOptions {
  readonly tokensPerUser: number;
  /** Calls in all (queries and session switches; the branch switchers' calls not counted). */
  readonly requests: number;
  /** A query (`run_inline_query` body) answering one row with `labelField`. */
  readonly query: { readonly model: string; readonly view: string; readonly fields: readonly string[]; readonly limit?: string };
  readonly labelField: string;
  /** What production answers. */
  readonly productionLabel: string;
  /** Share of calls that flip the token's workspace instead of querying (default 0.1). */
  readonly switchShare?: number;
  /** Pause between one user's branch switches (default 20 ms). */
  readonly branchPauseMs?: number;
  /** Called every `progressEvery` calls with the count so far. */
  readonly onProgress?: (sent: number) => void;
  readonly progressEvery?: number;
}

export interface LoadOutcome {
  readonly tokens: number;
  /** Calls made: queries plus session switches. */
  readonly sent: number;
  readonly queries: number;
  readonly sessionSwitches: number;
  readonly branchSwitches: number;
  /** Queries answered from a workspace the token was not in (or not answered). */
  readonly wrong: number;
  /** Session or branch switches that did not answer as asked. */
  readonly failedSwitches: number;
  /** The first few wrong answers and failed switches, for the report. */
  readonly failures: readonly string[];
  readonly seconds: number;
  /** Each query's wall time as the client saw it (ms). */
  readonly queryMs: readonly number[];
}

const FAILURES_KEPT = 10;

export async function runIsolationLoad(target: LoadTarget, users: readonly LoadUser[], options: LoadOptions): Promise<LoadOutcome> {
  const node = (): number => Math.floor(Math.random() * target.nodes);
  const tokens: { user: LoadUser; token: string; dev: boolean }[] = [];
  for (const user of users) {
    const made = await Promise.all(Array.from({ length: options.tokensPerUser }, (_, i) => target.login(i % target.nodes, user.clientId, user.secret)));
    for (const token of made) tokens.push({ user, token, dev: false });
  }
  const failures: string[] = [];
  const fail = (message: string): void => {
    if (failures.length < FAILURES_KEPT) failures.push(message);
  };
  const switchShare = options.switchShare ?? 0.1;
  const pause = options.branchPauseMs ?? 20;
  const every = options.progressEvery ?? 10_000;
  let stop = false;
  let sent = 0;
  let queries = 0;
  let sessionSwitches = 0;
  let branchSwitches = 0;
  let wrong = 0;
  let failedSwitches = 0;
  const queryMs: number[] = [];
  const started = performance.now();
  // One token per user keeps switching that user's checked-out branch (the dev copy is per user).
  const switching = Promise.all(users.map(async (user) => {
    const token = await target.login(node(), user.clientId, user.secret);
    await must(target.http(node(), token, 'PATCH', '/session', { workspace_id: 'dev' }), 'update_session dev');
    let onPersonal = true;
    while (!stop) {
      onPersonal = !onPersonal;
      const res = await target.http(node(), token, 'PUT', `/projects/${encodeURIComponent(user.project)}/git_branch`, { name: onPersonal ? user.personal : user.branch });
      branchSwitches++;
      if (res.status !== 200) {
        failedSwitches++;
        fail(`branch switch of user ${user.index}: ${res.status} ${res.text.slice(0, 200)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }));
  const worker = async (t: (typeof tokens)[number]): Promise<void> => {
    while (sent < options.requests) {
      sent++;
      if (options.onProgress !== undefined && sent % every === 0) options.onProgress(sent);
      if (Math.random() < switchShare) {
        t.dev = !t.dev;
        const want = t.dev ? 'dev' : 'production';
        const res = await target.http(node(), t.token, 'PATCH', '/session', { workspace_id: want });
        sessionSwitches++;
        if ((res.json as { workspace_id?: unknown } | null)?.workspace_id !== want) {
          failedSwitches++;
          fail(`session switch to ${want}: ${res.status} ${res.text.slice(0, 200)}`);
        }
        continue;
      }
      const start = performance.now();
      const res = await target.http(node(), t.token, 'POST', '/queries/run/json', options.query);
      queryMs.push(performance.now() - start);
      queries++;
      const label = (res.json as Record<string, unknown>[] | null)?.[0]?.[options.labelField];
      const ok = t.dev ? label === t.user.personalLabel || label === t.user.branchLabel : label === options.productionLabel;
      if (!ok) {
        wrong++;
        fail(`user ${t.user.index} in ${t.dev ? 'dev' : 'production'} saw ${String(label)} (${res.status}${res.status === 200 ? '' : ` ${res.text.slice(0, 200)}`})`);
      }
    }
  };
  try {
    await Promise.all(tokens.map(worker));
  } finally {
    stop = true;
    await switching;
  }
  return { tokens: tokens.length, sent, queries, sessionSwitches, branchSwitches, wrong, failedSwitches, failures, seconds: (performance.now() - started) / 1000, queryMs };
}
