/**
 * Liquid in LookML SQL, rendered with liquidjs plus Looker's own tags:
 * `{% condition f %}sql{% endcondition %}`, `{% parameter p %}`, `{% date_start f %}`,
 * `{% date_end f %}`, `{% incrementcondition %}` (as condition). Variables:
 * `view.field._in_query|_is_selected|_is_filtered|_parameter_value`, `_user_attributes['a']`,
 * `_filters['view.field']`, `_model._name`, `_explore._name`, `_dialect._name`,
 * `_query._query_timezone`.
 *
 * Values a user controls (attributes, filter text) are inserted with single quotes doubled,
 * so they stay inside the quotes LookML authors put around them and cannot end a literal.
 */
import { Drop, Liquid, Tag, type Context, type Emitter, type Parser, type TagToken, type Template, type TopLevelToken } from 'liquidjs';
import { replaceRefs } from '../model/refs.ts';
import { QueryError } from './errors.ts';

/** What a template needs from the query being compiled. */
export interface LiquidHost {
  readonly modelName: string;
  readonly exploreName: string;
  readonly dialectName: string;
  readonly timezone: string;
  /** Names usable as the first part of `view.field` (aliases and view names). */
  readonly viewNames: readonly string[];
  readonly userAttributes: Readonly<Record<string, string>>;
  readonly filters: ReadonlyMap<string, string>;
  isSelected(field: string): boolean;
  isInQuery(field: string): boolean;
  /** `{% condition f %} sql {% endcondition %}`: the filter on `f` applied to `sql`, or `1=1`. */
  conditionSql(field: string, sql: string): string;
  /** `{% parameter p %}` / `p._parameter_value`. */
  parameterValue(field: string): string;
  /** `{% date_start f %}` / `{% date_end f %}`: a timestamp literal or NULL. */
  dateBound(field: string, which: 'start' | 'end'): string;
}

const HOST_KEY = '__overlook_host';

function hostOf(ctx: Context): LiquidHost {
  const env = ctx.environments as Record<string, unknown>;
  return env[HOST_KEY] as LiquidHost;
}

/** Doubles single quotes so a value cannot close the literal it is placed in. */
export function sqlQuoteInner(value: string): string {
  return value.replaceAll("'", "''");
}

class FieldDrop extends Drop {
  readonly _in_query: boolean;
  readonly _is_selected: boolean;
  readonly _is_filtered: boolean;
  private readonly host: LiquidHost;
  private readonly name: string;

  constructor(host: LiquidHost, name: string) {
    super();
    this.host = host;
    this.name = name;
    this._in_query = host.isInQuery(name);
    this._is_selected = host.isSelected(name);
    this._is_filtered = host.filters.has(name);
  }

  get _parameter_value(): string {
    return this.host.parameterValue(this.name);
  }
}

class ViewDrop extends Drop {
  private readonly host: LiquidHost;
  private readonly view: string;

  constructor(host: LiquidHost, view: string) {
    super();
    this.host = host;
    this.view = view;
  }

  override liquidMethodMissing(key: string | number): FieldDrop {
    return new FieldDrop(this.host, `${this.view}.${String(key)}`);
  }
}

class QuotedMapDrop extends Drop {
  private readonly get: (key: string) => string | undefined;
  constructor(get: (key: string) => string | undefined) {
    super();
    this.get = get;
  }
  override liquidMethodMissing(key: string | number): string | undefined {
    const v = this.get(String(key));
    return v === undefined ? undefined : sqlQuoteInner(v);
  }
}

function tagArg(token: TagToken): string {
  return token.args.trim();
}

/** `{% condition f %} … {% endcondition %}` (and `incrementcondition`). */
function conditionTag(endName: string) {
  return class ConditionTag extends Tag {
    private readonly field: string;
    private readonly templates: Template[] = [];

    constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid, parser: Parser) {
      super(token, remain, liquid);
      this.field = tagArg(token);
      for (;;) {
        const next = remain.shift();
        if (!next) throw new QueryError('query/liquid', `Liquid tag {% ${token.name} ${this.field} %} is not closed with {% ${endName} %}.`);
        if ('name' in next && next.name === endName) return;
        this.templates.push(parser.parseToken(next, remain));
      }
    }

    *render(ctx: Context, emitter: Emitter): Generator<unknown, void, string> {
      const inner = yield this.liquid.renderer.renderTemplates(this.templates, ctx);
      emitter.write(hostOf(ctx).conditionSql(this.field, inner.trim()));
    }
  };
}

function valueTag(render: (host: LiquidHost, arg: string) => string) {
  return class ValueTag extends Tag {
    private readonly arg: string;
    constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
      super(token, remain, liquid);
      this.arg = tagArg(token);
    }
    render(ctx: Context, emitter: Emitter): void {
      emitter.write(render(hostOf(ctx), this.arg));
    }
  };
}

const engine = new Liquid({ strictFilters: false, strictVariables: false, cache: false });
engine.registerTag('condition', conditionTag('endcondition'));
engine.registerTag('incrementcondition', conditionTag('endincrementcondition'));
engine.registerTag('parameter', valueTag((host, arg) => host.parameterValue(arg)));
engine.registerTag('date_start', valueTag((host, arg) => host.dateBound(arg, 'start')));
engine.registerTag('date_end', valueTag((host, arg) => host.dateBound(arg, 'end')));
// Values Overlook hands to templates are already quote-safe (see QuotedMapDrop), so quoting must not double them again.
engine.registerFilter('sql_quote', (v: unknown) => `'${typeof v === 'string' || typeof v === 'number' ? String(v) : ''}'`);

/** Parsed templates by source text; LookML strings are few and reused across queries. */
const parsed = new Map<string, Template[]>();
const MAX_PARSED = 5000;

function parse(text: string): Template[] {
  let tpl = parsed.get(text);
  if (!tpl) {
    try {
      tpl = engine.parse(text);
    } catch (e) {
      throw new QueryError('query/liquid', `Invalid Liquid: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(text, tpl);
  }
  return tpl;
}

/** Marks the place of the i-th `${}` reference while Liquid renders (control chars never occur in LookML). */
const OPEN = '\u0002';
const CLOSE = '\u0003';

/** Replace every marker in `text` with `resolve(index)`. */
export function replaceMarkers(text: string, resolve: (index: number) => string): string {
  let out = '';
  let last = 0;
  let i = text.indexOf(OPEN);
  while (i !== -1) {
    const end = text.indexOf(CLOSE, i + 1);
    if (end === -1) break;
    out += text.slice(last, i) + resolve(Number(text.slice(i + 1, end)));
    last = end + 1;
    i = text.indexOf(OPEN, last);
  }
  return out + text.slice(last);
}

const protectedCache = new Map<string, { text: string; refs: string[] }>();

/** Replace each `${ref}` with a marker; returns the marked text and the refs by index. Cached by text. */
export function protectRefs(text: string): { text: string; refs: readonly string[] } {
  let hit = protectedCache.get(text);
  if (!hit) {
    const refs: string[] = [];
    const marked = replaceRefs(text, (r) => `${OPEN}${refs.push(r.ref) - 1}${CLOSE}`);
    if (protectedCache.size >= MAX_PARSED) protectedCache.clear();
    hit = { text: marked, refs };
    protectedCache.set(text, hit);
  }
  return hit;
}

export function hasLiquid(text: string): boolean {
  return text.includes('{%') || text.includes('{{');
}

/** Render `text` for the query described by `host`; text without Liquid is returned as is. */
export function renderLiquid(text: string, host: LiquidHost): string {
  if (!hasLiquid(text)) return text;
  const scope: Record<string, unknown> = {
    [HOST_KEY]: host,
    _user_attributes: new QuotedMapDrop((k) => host.userAttributes[k]),
    _filters: new QuotedMapDrop((k) => host.filters.get(k)),
    _model: { _name: host.modelName },
    _explore: { _name: host.exploreName },
    _dialect: { _name: host.dialectName },
    _query: { _query_timezone: host.timezone },
  };
  for (const v of host.viewNames) scope[v] = new ViewDrop(host, v);
  try {
    return String(engine.renderSync(parse(text), scope));
  } catch (e) {
    if (e instanceof QueryError) throw e;
    const cause = (e as { originalError?: unknown }).originalError;
    if (cause instanceof QueryError) throw cause;
    throw new QueryError('query/liquid', `Liquid error: ${e instanceof Error ? e.message : String(e)}`);
  }
}
