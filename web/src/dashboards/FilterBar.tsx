// The dashboard's filters: one text input per filter taking a Looker filter expression, and Run.
import type { DashboardFilter } from '../looker.ts';
import type { Filters } from './useDashboardRun.ts';

interface Props {
  filters: readonly DashboardFilter[];
  values: Filters;
  onChange: (values: Filters) => void;
  onRun: () => void;
  running: boolean;
}

export function FilterBar({ filters, values, onChange, onRun, running }: Props) {
  return (
    <form className="filter-bar" data-testid="dashboard-filters" aria-label="Dashboard filters"
      onSubmit={(e) => { e.preventDefault(); onRun(); }}>
      {filters.map((f) => {
        const id = `dashboard-filter-${f.id}`;
        const options = [...(f.field?.enumerations ?? []).map((o) => o.value), ...(f.field?.suggestions ?? [])];
        return (
          <div key={f.id} className="filter-item">
            <label htmlFor={id} className="field-label">{f.title}</label>
            <input id={id} data-testid={`dashboard-filter-${f.name}`} value={values[f.name] ?? ''} placeholder="is any value"
              {...(options.length > 0 ? { list: `${id}-options` } : {})}
              onChange={(e) => { onChange({ ...values, [f.name]: e.target.value }); }} />
            {options.length > 0 && <datalist id={`${id}-options`}>{options.map((o) => <option key={o} value={o} />)}</datalist>}
          </div>
        );
      })}
      <button type="submit" className="primary" data-testid="dashboard-run" aria-busy={running}>{running ? 'Running…' : 'Run'}</button>
    </form>
  );
}
