// Share: saves the current query (POST /queries) and shows its short link `/x/<slug>` and the
// expanded URL, both of which reproduce the query.
import { useState } from 'react';
import { messageOf } from '../load.ts';
import type { Query } from '../looker.ts';

export function ShareButton({ makeQuery, disabled }: { makeQuery: () => Promise<Query>; disabled: boolean }) {
  const [link, setLink] = useState<{ short: string; expanded: string } | { error: string } | null>(null);
  const share = async (): Promise<void> => {
    try {
      const q = await makeQuery();
      setLink({ short: `${window.location.origin}/x/${q.slug ?? ''}`, expanded: window.location.href });
    } catch (e) {
      setLink({ error: messageOf(e) });
    }
  };
  return (
    <div className="share">
      <button type="button" data-testid="share-button" disabled={disabled} onClick={() => { void share(); }}>Share</button>
      {link !== null && 'error' in link && <span className="error small" role="alert">{link.error}</span>}
      {link !== null && 'short' in link && (
        <div className="share-popup" role="group" aria-label="Share links">
          <label className="field-label" htmlFor="share-short">Short link</label>
          <input id="share-short" readOnly value={link.short} data-testid="share-link" onFocus={(e) => { e.target.select(); }} />
          <label className="field-label" htmlFor="share-expanded">Expanded URL</label>
          <input id="share-expanded" readOnly value={link.expanded} data-testid="share-expanded" onFocus={(e) => { e.target.select(); }} />
          <div className="dialog-actions">
            <button type="button" onClick={() => { void navigator.clipboard.writeText(link.short).catch(() => undefined); }}>Copy short link</button>
            <button type="button" onClick={() => { setLink(null); }}>Close</button>
          </div>
        </div>
      )}
    </div>
  );
}
