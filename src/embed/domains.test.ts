import { describe, expect, it } from 'vitest';
import { domainMatches, normalizeDomainEntry, parseDomain } from './domains.ts';
import { EmbedError } from './errors.ts';

describe('embed domain allowlist entries', () => {
  it.each([
    ['https://App.Example.com', 'https://app.example.com'],
    ['https://app.example.com/', 'https://app.example.com'],
    ['https://app.example.com:443', 'https://app.example.com'],
    ['http://localhost:8080', 'http://localhost:8080'],
    ['  HTTPS://*.Example.com  ', 'https://*.example.com'],
    ['http://*.localhost:3000', 'http://*.localhost:3000'],
    ['https://127.0.0.1:9443', 'https://127.0.0.1:9443'],
  ])('%s is stored as %s', (entry, canonical) => {
    expect(normalizeDomainEntry(entry)).toBe(canonical);
  });

  it.each([
    'app.example.com', // no scheme
    'ftp://app.example.com',
    'https://app.example.com/path',
    'https://app.example.com?x=1',
    'https://user@app.example.com',
    'https://*',
    'https://*.com',
    'https://a.*.example.com',
    'https://*example.com',
    'https://-bad.example.com',
    'https://app.example.com:0',
    'https://app.example.com:70000',
    'javascript:alert(1)',
    '',
  ])('%j is refused', (entry) => {
    expect(() => normalizeDomainEntry(entry)).toThrow(EmbedError);
    expect(parseDomain(entry)).toBeNull();
  });

  it('says what an entry should look like', () => {
    expect(() => normalizeDomainEntry('example.com')).toThrow(
      '"example.com" is not an embed domain: use an origin such as https://app.example.com, or https://*.example.com for all its subdomains.');
  });

  it('exact entries match one origin: scheme, host and port', () => {
    expect(domainMatches('https://app.example.com', 'https://app.example.com')).toBe(true);
    expect(domainMatches('https://app.example.com', 'https://APP.example.com:443')).toBe(true);
    expect(domainMatches('https://app.example.com', 'http://app.example.com')).toBe(false);
    expect(domainMatches('https://app.example.com', 'https://app.example.com:8443')).toBe(false);
    expect(domainMatches('https://app.example.com', 'https://www.app.example.com')).toBe(false);
    expect(domainMatches('http://localhost:8080', 'http://localhost:8080')).toBe(true);
  });

  it('wildcards match subdomains at any depth, not the domain itself nor look-alikes', () => {
    const entry = 'https://*.example.com';
    expect(domainMatches(entry, 'https://app.example.com')).toBe(true);
    expect(domainMatches(entry, 'https://a.b.example.com')).toBe(true);
    expect(domainMatches(entry, 'https://example.com')).toBe(false);
    expect(domainMatches(entry, 'https://evilexample.com')).toBe(false);
    expect(domainMatches(entry, 'https://example.com.evil.net')).toBe(false);
    expect(domainMatches(entry, 'http://app.example.com')).toBe(false);
    expect(domainMatches(entry, 'https://app.example.com:8443')).toBe(false);
    expect(domainMatches('http://*.localhost:3000', 'http://app.localhost:3000')).toBe(true);
  });

  it('an origin that is itself a wildcard matches nothing', () => {
    expect(domainMatches('https://*.example.com', 'https://*.example.com')).toBe(false);
  });
});
