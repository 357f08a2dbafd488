// LookML problems (from Validate, or a refused commit/deploy) and data test results. Clicking a
// problem opens its file at its line and column.
import { locationOf } from './problems.ts';
import type { IdeProblem, LookmlTestResult } from './types.ts';
import { ActionButton } from '../shell/ActionButton.tsx';

export interface ProblemList {
  /** What produced the list, e.g. "Validation" or "Commit refused". */
  source: string;
  problems: IdeProblem[];
}

interface ProblemsPanelProps {
  list: ProblemList | null;
  tests: LookmlTestResult[] | null;
  busy: boolean;
  onPick: (p: IdeProblem) => void;
  onRunTests: () => void;
}

function ProblemItem({ p, onPick }: { p: IdeProblem; onPick: (p: IdeProblem) => void }) {
  const where = locationOf(p);
  return (
    <li>
      <button type="button" className={`ide-problem ide-problem-${p.severity}`} data-testid="ide-error-item"
        data-path={p.path ?? ''} data-line={p.line ?? ''} disabled={p.path === null} onClick={() => { onPick(p); }}>
        <span className="ide-problem-severity">{p.severity}</span>
        <span className="ide-problem-message">{p.message}</span>
        {where !== '' ? <span className="ide-problem-where">{where}</span> : null}
      </button>
    </li>
  );
}

export function ProblemsPanel({ list, tests, busy, onPick, onRunTests }: ProblemsPanelProps) {
  const errors = list?.problems.filter((p) => p.severity === 'error').length ?? 0;
  const others = (list?.problems.length ?? 0) - errors;
  return (
    <section className="ide-problems" aria-label="LookML problems">
      <h2 className="ide-panel-title">Problems</h2>
      <div data-testid="ide-errors" data-count={list?.problems.length ?? ''} aria-live="polite">
        {list === null ? <p className="ide-muted">Validate to check the LookML of your workspace.</p> : null}
        {list !== null && list.problems.length === 0 ? <p className="ide-ok" data-testid="ide-no-errors">{list.source}: no LookML errors found.</p> : null}
        {list !== null && list.problems.length > 0 ? (
          <>
            <p className="ide-muted">{list.source}: {errors} error(s){others > 0 ? `, ${others} warning(s)` : ''}</p>
            <ul className="ide-problem-list">{list.problems.map((p, i) => <ProblemItem key={i} p={p} onPick={onPick} />)}</ul>
          </>
        ) : null}
      </div>
      <h2 className="ide-panel-title">Data tests</h2>
      <ActionButton data-testid="ide-run-tests" unavailable={busy} onClick={onRunTests}>Run data tests</ActionButton>
      {tests !== null ? (
        <ul className="ide-test-list" data-testid="ide-test-results">
          {tests.length === 0 ? <li className="ide-muted">This project has no data tests.</li> : null}
          {tests.map((t) => (
            <li key={`${t.model_name}/${t.test_name}`} className={t.success ? 'ide-ok' : 'ide-fail'}>
              {t.success ? '✓' : '✗'} {t.model_name}::{t.test_name}
              {t.errors.length > 0 ? <span className="ide-muted"> — {t.errors.map((e) => e.message).join('; ')}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
