/**
 * Looker's "Embedded Domain Allowlist": the host pages an embed frame may send its JavaScript
 * events to. An entry is an origin (`https://app.example.com`, `http://localhost:8080`) or a
 * wildcard origin whose first host label is `*` (`https://*.example.com`), which matches every
 * subdomain at any depth but not `example.com` itself. Scheme and port must match exactly (a
 * missing port is the scheme's default).
 */
import { EmbedError } from './errors.ts';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const ENTRY = /^(https?):\/\/(\*\.)?([^/:?#@\s]+)(?::(\d{1,5}))?\/?$/;

export interface ParsedDomain {
  readonly scheme: 'http' | 'https';
  /** Lowercase host without the `*.` of a wildcard. */
  readonly host: string;
  readonly wildcard: boolean;
  readonly port: number;
}

const defaultPort = (scheme: 'http' | 'https'): number => (scheme === 'https' ? 443 : 80);

function validHost(host: string): boolean {
  // IPv4 addresses and DNS names; anything else (IPv6 literals, IDN in Unicode) is not listed by hand.
  return host.split('.').every((label) => LABEL.test(label));
}

/** The entry parsed, or null when it is no origin or wildcard origin. */
export function parseDomain(entry: string): ParsedDomain | null {
  const m = ENTRY.exec(entry.trim().toLowerCase());
  if (!m) return null;
  const scheme = m[1] === 'https' ? 'https' : 'http';
  const wildcard = m[2] !== undefined;
  const host = m[3] ?? '';
  if (!validHost(host)) return null;
  // `https://*.com` would allow every site of a top-level domain: never what an admin means.
  if (wildcard && !host.includes('.') && host !== 'localhost') return null;
  const port = m[4] === undefined ? defaultPort(scheme) : Number(m[4]);
  if (port < 1 || port > 65_535) return null;
  return { scheme, host, wildcard, port };
}

/** The canonical text of an entry (lowercase, default port dropped, no trailing slash). */
export function formatDomain(d: ParsedDomain): string {
  const port = d.port === defaultPort(d.scheme) ? '' : `:${d.port}`;
  return `${d.scheme}://${d.wildcard ? '*.' : ''}${d.host}${port}`;
}

/** Canonical entry, or an `invalid_params` refusal naming the entry. */
export function normalizeDomainEntry(entry: string): string {
  const parsed = parseDomain(entry);
  if (parsed === null) {
    throw new EmbedError('invalid_params',
      `${JSON.stringify(entry.slice(0, 200))} is not an embed domain: use an origin such as https://app.example.com, or https://*.example.com for all its subdomains.`);
  }
  return formatDomain(parsed);
}

/** Whether `origin` (a concrete `http(s)://host[:port]`, no wildcard) is matched by `entry`. */
export function domainMatches(entry: string, origin: string): boolean {
  const pattern = parseDomain(entry);
  const actual = parseDomain(origin);
  if (pattern === null || actual === null || actual.wildcard) return false;
  if (pattern.scheme !== actual.scheme || pattern.port !== actual.port) return false;
  return pattern.wildcard ? actual.host.endsWith(`.${pattern.host}`) : actual.host === pattern.host;
}
