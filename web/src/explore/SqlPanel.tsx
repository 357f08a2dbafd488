// The SQL a saved query runs (`GET /queries/{id}/run/sql`).
import { useEffect, useState } from 'react';
import { messageOf } from '../load.ts';
import { querySql } from '../vis/run.ts';

export function SqlPanel({ queryId }: { queryId: string }) {
  const [sql, setSql] = useState<{ id: string; text: string; error: boolean } | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    querySql(queryId, controller.signal).then(
      (text) => { setSql({ id: queryId, text, error: false }); },
      (e: unknown) => { if (!controller.signal.aborted) setSql({ id: queryId, text: messageOf(e), error: true }); },
    );
    return () => { controller.abort(); };
  }, [queryId]);
  if (sql?.id !== queryId) return <p className="muted">Loading SQL…</p>;
  if (sql.error) return <p className="error" role="alert">{sql.text}</p>;
  return <pre className="sql" data-testid="sql-text"><code>{sql.text}</code></pre>;
}
