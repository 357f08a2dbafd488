// The field picker: fields grouped by view, each a toggle button (selected = aria-pressed) with a
// "filter by" button beside it. Tab/Enter/Space work as for any button; Up/Down move between them.
import { useState, type KeyboardEvent } from 'react';
import type { LookmlExplore, LookmlField } from '../looker.ts';
import { memberLabel, pickerViews, type PickerItem } from './field-groups.ts';

interface Props {
  explore: LookmlExplore;
  selected: readonly string[];
  filtered: readonly string[];
  onToggleField: (field: LookmlField) => void;
  onFilterField: (field: LookmlField) => void;
}

function moveFocus(e: KeyboardEvent<HTMLElement>): void {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const buttons = [...e.currentTarget.querySelectorAll<HTMLElement>('button, input')];
  const at = buttons.indexOf(document.activeElement as HTMLElement);
  if (at < 0) return;
  const next = buttons[e.key === 'ArrowDown' ? Math.min(at + 1, buttons.length - 1) : Math.max(at - 1, 0)];
  if (next) {
    e.preventDefault();
    next.focus();
  }
}

function FieldRow({ field, label, selected, filtered, onToggle, onFilter }: {
  field: LookmlField; label: string; selected: boolean; filtered: boolean; onToggle: () => void; onFilter: () => void;
}) {
  const selectable = field.category === 'dimension' || field.category === 'measure';
  return (
    <li className="field-row">
      <button type="button" className={`field-button ${field.category}`} data-testid={`field-${field.name}`}
        {...(selectable ? { 'aria-pressed': selected } : {})}
        title={field.description ?? field.label} onClick={selectable ? onToggle : onFilter}>
        {label}
      </button>
      {field.can_filter && (
        <button type="button" className={`icon-button filter-toggle ${filtered ? 'active' : ''}`} data-testid={`filter-field-${field.name}`}
          aria-label={`Filter by ${field.label}`} aria-pressed={filtered} onClick={onFilter}>
          <svg viewBox="0 0 16 16" width="13" height="13" aria-hidden="true" focusable="false">
            <path d="M2 3h12l-4.5 5.5V13l-3 1.5V8.5z" fill="currentColor" />
          </svg>
        </button>
      )}
    </li>
  );
}

export function FieldPicker({ explore, selected, filtered, onToggleField, onFilterField }: Props) {
  const [search, setSearch] = useState('');
  const [open, setOpen] = useState<ReadonlySet<string>>(() => {
    const first = explore.fields.dimensions.find((f) => f.view === explore.name)?.view_label;
    const withSelection = [...explore.fields.dimensions, ...explore.fields.measures].filter((f) => selected.includes(f.name));
    return new Set([
      ...(first !== undefined ? [first] : []),
      ...withSelection.map((f) => f.view_label),
      ...withSelection.flatMap((f) => (f.dimension_group !== null ? [f.dimension_group] : [])),
    ]);
  });
  const searching = search.trim() !== '';
  const views = pickerViews(explore, search);
  const toggle = (key: string): void => {
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  };
  const row = (f: LookmlField, label: string) => (
    <FieldRow key={f.name} field={f} label={label} selected={selected.includes(f.name)} filtered={filtered.includes(f.name)}
      onToggle={() => { onToggleField(f); }} onFilter={() => { onFilterField(f); }} />
  );
  const items = (list: PickerItem[]) => list.map((item) => {
    if (item.kind === 'field') return row(item.field, item.field.label_short);
    const expanded = searching || open.has(item.key);
    const count = item.fields.filter((f) => selected.includes(f.name)).length;
    return (
      <li key={item.key} className="field-group">
        <button type="button" className="group-button" aria-expanded={expanded} data-testid={`group-${item.key}`}
          onClick={() => { toggle(item.key); }}>
          <span className="caret" aria-hidden="true">{expanded ? '▾' : '▸'}</span> {item.label}
          {count > 0 && <span className="badge" aria-label={`${count} selected`}>{count}</span>}
        </button>
        {expanded && <ul className="field-list nested">{item.fields.map((f) => row(f, memberLabel(f)))}</ul>}
      </li>
    );
  });

  return (
    <nav className="field-picker" aria-label="Fields" data-testid="field-picker" onKeyDown={moveFocus}>
      <input type="search" className="field-search" placeholder="Search fields" aria-label="Search fields" data-testid="field-search"
        value={search} onChange={(e) => { setSearch(e.target.value); }} />
      {views.length === 0 && <p className="muted small">No fields match.</p>}
      {views.map((v) => {
        const expanded = searching || open.has(v.label);
        return (
          <section key={v.label} className="picker-view">
            <h3 className="picker-view-title">
              <button type="button" className="view-button" aria-expanded={expanded} data-testid={`view-${v.label}`}
                onClick={() => { toggle(v.label); }}>
                <span className="caret" aria-hidden="true">{expanded ? '▾' : '▸'}</span> {v.label}
              </button>
            </h3>
            {expanded && (
              <div className="picker-view-body">
                {v.dimensions.length > 0 && <><h4 className="picker-kind">Dimensions</h4><ul className="field-list">{items(v.dimensions)}</ul></>}
                {v.measures.length > 0 && <><h4 className="picker-kind">Measures</h4><ul className="field-list">{items(v.measures)}</ul></>}
                {v.filters.length > 0 && <><h4 className="picker-kind">Filter-only fields</h4><ul className="field-list">{v.filters.map((f) => row(f, f.label_short))}</ul></>}
                {v.parameters.length > 0 && <><h4 className="picker-kind">Parameters</h4><ul className="field-list">{v.parameters.map((f) => row(f, f.label_short))}</ul></>}
              </div>
            )}
          </section>
        );
      })}
    </nav>
  );
}
