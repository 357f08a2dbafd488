// The query being built: selected fields (remove, pivot) and filters (Looker filter expressions,
// each with the API's complaint beside it when a run refused it).
import type { LookmlField } from '../looker.ts';

export function fieldTitle(name: string, index: ReadonlyMap<string, LookmlField>): string {
  const f = index.get(name);
  return f ? `${f.view_label} ${f.label_short}` : name;
}

interface SelectedProps {
  fields: readonly string[];
  pivots: readonly string[];
  index: ReadonlyMap<string, LookmlField>;
  onRemove: (name: string) => void;
  onPivot: (name: string) => void;
}

export function SelectedFields({ fields, pivots, index, onRemove, onPivot }: SelectedProps) {
  if (fields.length === 0) return <p className="muted small" data-testid="no-fields">Pick fields on the left to build a query.</p>;
  return (
    <ul className="chips" aria-label="Selected fields" data-testid="selected-fields">
      {fields.map((name) => {
        const measure = index.get(name)?.category === 'measure';
        const pivoted = pivots.includes(name);
        const title = fieldTitle(name, index);
        return (
          <li key={name} className={`chip ${measure ? 'measure' : 'dimension'} ${pivoted ? 'pivoted' : ''}`} data-testid={`selected-${name}`}>
            <span>{title}{pivoted && <span className="small"> (pivot)</span>}</span>
            {!measure && (
              <button type="button" className="chip-button" aria-pressed={pivoted} data-testid={`pivot-${name}`}
                aria-label={`Pivot on ${title}`} title="Pivot" onClick={() => { onPivot(name); }}>⇄</button>
            )}
            <button type="button" className="chip-button" data-testid={`remove-${name}`} aria-label={`Remove ${title}`}
              onClick={() => { onRemove(name); }}>×</button>
          </li>
        );
      })}
    </ul>
  );
}

interface FilterProps {
  filters: Readonly<Record<string, string>>;
  errors: Readonly<Record<string, string>>;
  index: ReadonlyMap<string, LookmlField>;
  onChange: (name: string, value: string) => void;
  onRemove: (name: string) => void;
  onSubmit: () => void;
}

function suggestionsOf(f: LookmlField | undefined): string[] {
  if (!f) return [];
  return [...(f.enumerations ?? []).map((e) => e.value), ...(f.suggestions ?? [])];
}

export function FilterList({ filters, errors, index, onChange, onRemove, onSubmit }: FilterProps) {
  const names = Object.keys(filters);
  if (names.length === 0) return null;
  return (
    <fieldset className="filters" data-testid="explore-filters">
      <legend>Filters</legend>
      <p className="muted small">Looker filter expressions, e.g. <code>FR,DE</code>, <code>&gt;100</code>, <code>last 7 days</code>, <code>-Cancelled</code>.</p>
      {names.map((name) => {
        const id = `filter-${name}`;
        const error = errors[name];
        const suggestions = suggestionsOf(index.get(name));
        return (
          <div key={name} className={`filter-row ${error !== undefined ? 'invalid' : ''}`}>
            <label htmlFor={id} className="filter-label">{fieldTitle(name, index)}</label>
            <input id={id} data-testid={`filter-input-${name}`} value={filters[name] ?? ''} placeholder="is any value"
              aria-invalid={error !== undefined} {...(error !== undefined ? { 'aria-describedby': `${id}-error` } : {})}
              {...(suggestions.length > 0 ? { list: `${id}-options` } : {})}
              onChange={(e) => { onChange(name, e.target.value); }}
              onKeyDown={(e) => { if (e.key === 'Enter') onSubmit(); }} />
            {suggestions.length > 0 && (
              <datalist id={`${id}-options`}>{suggestions.map((s) => <option key={s} value={s} />)}</datalist>
            )}
            <button type="button" className="icon-button" data-testid={`remove-filter-${name}`} aria-label={`Remove filter on ${fieldTitle(name, index)}`}
              onClick={() => { onRemove(name); }}>×</button>
            {error !== undefined && <p id={`${id}-error`} className="error small filter-error" role="alert" data-testid={`filter-error-${name}`}>{error}</p>}
          </div>
        );
      })}
    </fieldset>
  );
}
