import { describe, expect, it } from 'vitest';
import { EmbedError } from './errors.ts';
import {
  createSignedEmbedUrl, embedPathFor, embedSignature, embedStringToSign, verifySignedLogin,
  type EmbedUserGrant, type VerifyInput,
} from './signing.ts';

// Looker's worked example (reference/looker-embed.md); expected HMACs computed independently with
// Python's hmac module: base64(hmac.new(b'my-secret', text, sha1/sha256)).
const EXAMPLE = [
  'instance.looker.com',
  '/login/embed/embed%2Fdashboards%2F1527',
  '"ac786cbc06162b1edde3a8b35920a93e"',
  '1585244357',
  '3600',
  '"57"',
  '["access_data","see_user_dashboards"]',
  '["some_model","someother_model"]',
  '[]',
  '"test group space"',
  '{"can_see_stuff":"yes"}',
  '{}',
].join('\n');

describe('string to sign and signature', () => {
  it("rebuilds Looker's worked example line for line", () => {
    expect(embedStringToSign('instance.looker.com', '/login/embed/embed%2Fdashboards%2F1527', {
      nonce: '"ac786cbc06162b1edde3a8b35920a93e"', time: '1585244357', session_length: '3600', external_user_id: '"57"',
      permissions: '["access_data","see_user_dashboards"]', models: '["some_model","someother_model"]',
      group_ids: '[]', external_group_id: '"test group space"', user_attributes: '{"can_see_stuff":"yes"}', access_filters: '{}',
    })).toBe(EXAMPLE);
  });

  it('leaves out group, external group and attribute lines that are absent, and defaults access_filters to {}', () => {
    expect(embedStringToSign('h', '/p', { nonce: '"n"', time: '1', session_length: '2', external_user_id: '"u"', permissions: '[]', models: '[]' }))
      .toBe('h\n/p\n"n"\n1\n2\n"u"\n[]\n[]\n{}');
    expect(embedStringToSign('h', '/p', { nonce: '"n"', time: '1', session_length: '2', external_user_id: '"u"', permissions: '[]', models: '[]', user_attributes: '{}' }))
      .toBe('h\n/p\n"n"\n1\n2\n"u"\n[]\n[]\n{}\n{}');
  });

  it('signs with HMAC-SHA1 or HMAC-SHA256, standard base64', () => {
    expect(embedSignature('my-secret', 'hmac/sha-1', EXAMPLE)).toBe('EAqAFmdCpEfps4bI3IAfI2Ovvak=');
    expect(embedSignature('my-secret', 'hmac/sha-256', EXAMPLE)).toBe('VAGR/DZl+KUF2jq9BFUr1ceQ7CQF8Zjc4RJT555I8GE=');
  });

  it('encodes the target into the login path with encodeURIComponent', () => {
    expect(embedPathFor('/embed/dashboards/1?embed_domain=https://a.b&sdk=3'))
      .toBe('/login/embed/%2Fembed%2Fdashboards%2F1%3Fembed_domain%3Dhttps%3A%2F%2Fa.b%26sdk%3D3');
  });
});

const SECRET = 'embed-secret-0123456789';
const NOW = 1_700_000_000;
const USER: EmbedUserGrant = {
  external_user_id: 'user-1', first_name: 'Pat', last_name: 'Embed', session_length: 3600, force_logout_login: true,
  permissions: ['access_data', 'see_user_dashboards'], models: ['shop'], external_group_id: 'group1', user_attributes: { region: 'EU' },
};

function signed(overrides: Partial<{ user: EmbedUserGrant; time: number; nonce: string; host: string; secret: string }> = {}): URL {
  return new URL(createSignedEmbedUrl({
    origin: 'https://bi.example:9999', host: overrides.host ?? 'bi.example:9999', target: '/embed/dashboards/7?embed_domain=https://app.example&sdk=3',
    user: overrides.user ?? USER, secret: overrides.secret ?? SECRET, algorithm: 'hmac/sha-1', time: overrides.time ?? NOW, nonce: overrides.nonce ?? 'abc123',
  }));
}

/** What the server sees: the raw path and query of a URL, optionally edited. */
function input(url: URL, search = url.search, extra: Partial<VerifyInput> = {}): VerifyInput {
  return { hosts: ['bi.example:9999'], embedPath: url.pathname, search, secrets: [{ secret: SECRET, algorithm: 'hmac/sha-1' }], nowSeconds: NOW, ...extra };
}

function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof EmbedError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected an EmbedError');
}

/** Replaces one query parameter's raw (encoded) value. */
function withParam(url: URL, name: string, rawValue: string | null): string {
  const parts = url.search.slice(1).split('&').filter((p) => !p.startsWith(`${name}=`));
  if (rawValue !== null) parts.push(`${name}=${rawValue}`);
  return `?${parts.join('&')}`;
}

describe('signed URLs made here', () => {
  it("have the embed SDK's shape: JSON values, URI-encoded, in its parameter order", () => {
    const url = signed();
    expect(url.pathname).toBe('/login/embed/%2Fembed%2Fdashboards%2F7%3Fembed_domain%3Dhttps%3A%2F%2Fapp.example%26sdk%3D3');
    expect([...url.searchParams.keys()]).toEqual([
      'access_filters', 'external_group_id', 'external_user_id', 'first_name', 'force_logout_login', 'last_name', 'models',
      'nonce', 'permissions', 'session_length', 'time', 'user_attributes', 'signature',
    ]);
    expect(url.searchParams.get('nonce')).toBe('"abc123"');
    expect(url.searchParams.get('external_user_id')).toBe('"user-1"');
    expect(url.searchParams.get('time')).toBe(String(NOW));
    expect(url.searchParams.get('permissions')).toBe('["access_data","see_user_dashboards"]');
    expect(url.search).toContain('signature=');
    expect(url.search).not.toMatch(/signature=[^&]*\+/);
  });

  it('verify and decode', () => {
    const login = verifySignedLogin(input(signed()));
    expect(login).toEqual({
      nonce: 'abc123', time: NOW, session_length: 3600, external_user_id: 'user-1', permissions: ['access_data', 'see_user_dashboards'],
      models: ['shop'], group_ids: undefined, external_group_id: 'group1', user_attributes: { region: 'EU' },
      first_name: 'Pat', last_name: 'Embed', user_timezone: undefined, force_logout_login: true,
    });
  });

  it('verify when signed the Python way: all twelve lines, every param present', () => {
    const url = signed({ user: { ...USER, group_ids: [], user_timezone: null } });
    expect(verifySignedLogin(input(url)).group_ids).toEqual([]);
  });

  it('accept any enabled secret, and the public host as well as the request host', () => {
    const url = signed({ host: 'public.example' });
    expect(() => verifySignedLogin(input(url, url.search, { hosts: ['127.0.0.1:1', 'public.example'], secrets: [{ secret: 'other', algorithm: 'hmac/sha-256' }, { secret: SECRET, algorithm: 'hmac/sha-1' }] }))).not.toThrow();
  });
});

describe('refused signed URLs', () => {
  it('wrong secret', () => {
    expect(refusal(() => verifySignedLogin(input(signed({ secret: 'not-the-secret' })))))
      .toEqual({ code: 'bad_signature', message: "'signature' param failed to authenticate." });
  });

  it('signed for another host', () => {
    expect(refusal(() => verifySignedLogin(input(signed({ host: 'evil.example' })))).code).toBe('bad_signature');
  });

  it.each([
    ['external_user_id', encodeURIComponent('"admin"')],
    ['permissions', encodeURIComponent('["access_data","see_user_dashboards","develop"]')],
    ['models', encodeURIComponent('["shop","other"]')],
    ['session_length', '2592000'],
    ['nonce', encodeURIComponent('"abc124"')],
    ['time', String(NOW + 1)],
    ['external_group_id', encodeURIComponent('"group2"')],
    ['user_attributes', encodeURIComponent('{"region":"US"}')],
    ['access_filters', encodeURIComponent('{"a":{"b":"c"}}')],
    ['group_ids', encodeURIComponent('["1"]')],
  ])('tampered %s', (name, value) => {
    const url = signed();
    expect(refusal(() => verifySignedLogin(input(url, withParam(url, name, value)))).code).toBe('bad_signature');
  });

  it('tampered target (embed path)', () => {
    const url = signed();
    expect(refusal(() => verifySignedLogin({ ...input(url), embedPath: url.pathname.replace('%2F7', '%2F8') })).code).toBe('bad_signature');
  });

  it('dropped signed line (user_attributes removed)', () => {
    const url = signed();
    expect(refusal(() => verifySignedLogin(input(url, withParam(url, 'user_attributes', null)))).code).toBe('bad_signature');
  });

  it('signature with an unencoded + (arrives as a space)', () => {
    // Find a nonce whose signature contains '+', then send it raw as a careless signer would.
    let url = signed();
    for (let i = 0; !(url.searchParams.get('signature') ?? '').includes('+'); i++) url = signed({ nonce: `n${i}` });
    const raw = url.searchParams.get('signature')!;
    expect(refusal(() => verifySignedLogin(input(url, withParam(url, 'signature', raw)))).code).toBe('bad_signature');
  });

  it('unsigned fields may change (as on Looker): first_name, last_name, user_timezone, force_logout_login', () => {
    const url = signed();
    const edited = new URL(url);
    edited.search = withParam(url, 'first_name', encodeURIComponent('"Eve"'));
    const login = verifySignedLogin(input(url, withParam(edited, 'force_logout_login', 'false')));
    expect(login.first_name).toBe('Eve');
    expect(login.force_logout_login).toBe(false);
  });

  it('stale time: 5 minutes and 1 second old or ahead', () => {
    const message = "'time' param is not within 5 minutes of the server's system time.";
    expect(refusal(() => verifySignedLogin(input(signed({ time: NOW - 301 }))))).toEqual({ code: 'stale_time', message });
    expect(refusal(() => verifySignedLogin(input(signed({ time: NOW + 301 }))))).toEqual({ code: 'stale_time', message });
    expect(() => verifySignedLogin(input(signed({ time: NOW - 300 })))).not.toThrow();
  });

  it.each([[0], [-5], [2_592_001], [1.5]])('session_length %s', (length) => {
    expect(refusal(() => verifySignedLogin(input(signed({ user: { ...USER, session_length: length } })))))
      .toEqual({ code: 'bad_session_length', message: `'session_length' param must be a whole number of seconds from 1 to 2592000 (got ${length}).` });
  });

  it('session_length of 30 days is accepted', () => {
    expect(verifySignedLogin(input(signed({ user: { ...USER, session_length: 2_592_000 } }))).session_length).toBe(2_592_000);
  });

  it('missing required params', () => {
    const url = signed();
    expect(refusal(() => verifySignedLogin(input(url, withParam(url, 'nonce', null)))))
      .toEqual({ code: 'missing_param', message: "Missing required param: 'nonce'." });
    expect(refusal(() => verifySignedLogin(input(url, '?time=1')))).toEqual({
      code: 'missing_param', message: "Missing required params: 'nonce', 'session_length', 'external_user_id', 'permissions', 'models', 'signature'.",
    });
  });

  it('unknown and repeated params', () => {
    const url = signed();
    expect(refusal(() => verifySignedLogin(input(url, `${url.search}&embed_domain=https://x`))))
      .toEqual({ code: 'invalid_params', message: 'This request includes invalid params: "embed_domain".' });
    expect(refusal(() => verifySignedLogin(input(url, `${url.search}&models=%5B%5D`))).code).toBe('invalid_params');
  });

  it('no secret configured', () => {
    expect(refusal(() => verifySignedLogin(input(signed(), undefined, { secrets: [] }))).code).toBe('no_secret');
  });

  it('values that are not JSON, even when correctly signed', () => {
    const user = { ...USER };
    const url = new URL(createSignedEmbedUrl({ origin: 'https://h', host: 'h', target: '/embed/looks/1', user, secret: SECRET, algorithm: 'hmac/sha-1', time: NOW, nonce: 'n' }));
    // Re-sign a URL whose permissions line is not JSON.
    const fields = Object.fromEntries(url.searchParams);
    fields.permissions = 'access_data';
    const text = embedStringToSign('h', url.pathname, { ...fields, nonce: fields.nonce!, time: fields.time!, session_length: fields.session_length!, external_user_id: fields.external_user_id!, permissions: fields.permissions, models: fields.models! });
    fields.signature = embedSignature(SECRET, 'hmac/sha-1', text);
    const search = `?${Object.entries(fields).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
    expect(refusal(() => verifySignedLogin({ ...input(url, search), hosts: ['h'] })))
      .toEqual({ code: 'invalid_params', message: "'permissions' param is not JSON-encoded (got \"access_data\")." });
  });

  it("legacy access_filters, even correctly signed: refused rather than ignored (rows would show that the signer meant to hide)", () => {
    const url = new URL(createSignedEmbedUrl({ origin: 'https://h', host: 'h', target: '/embed/looks/1', user: USER, secret: SECRET, algorithm: 'hmac/sha-1', time: NOW, nonce: 'n' }));
    const fields = Object.fromEntries(url.searchParams);
    const resign = (accessFilters: string): string => {
      const next: Record<string, string> = { ...fields, access_filters: accessFilters };
      const text = embedStringToSign('h', url.pathname, { ...next, nonce: next.nonce!, time: next.time!, session_length: next.session_length!, external_user_id: next.external_user_id!, permissions: next.permissions!, models: next.models! });
      next.signature = embedSignature(SECRET, 'hmac/sha-1', text);
      return `?${Object.entries(next).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
    };
    expect(refusal(() => verifySignedLogin({ ...input(url, resign('{"shop":{"orders.status":"complete"}}')), hosts: ['h'] }))).toEqual({
      code: 'invalid_params',
      message: "'access_filters' param must be {}: send the values as user_attributes and restrict rows with access_filter { field, user_attribute } on the explore.",
    });
    expect(verifySignedLogin({ ...input(url, resign('{}')), hosts: ['h'] }).external_user_id).toBe('user-1');
  });
});
