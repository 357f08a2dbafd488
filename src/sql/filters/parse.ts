/**
 * Entry point: pick the grammar for the field's filter kind. Every parser returns
 * `{ ok: false, message }` for input it does not understand; nothing is passed through.
 */
import type { FilterKind } from './index.ts';
import { invalid } from './combine.ts';
import { parseDateFilter } from './parse-date.ts';
import { parseNumberFilter } from './parse-number.ts';
import { parseStringFilter } from './parse-string.ts';
import type { FilterParseResult } from './types.ts';

export function parseFilterExpression(kind: FilterKind, text: string): FilterParseResult {
  switch (kind) {
    case 'string':
      return parseStringFilter(text, 'string');
    case 'tier':
      // Tier values are labels like "10 to 19"; Looker matches them as strings.
      return parseStringFilter(text, 'tier');
    case 'number':
      return parseNumberFilter(text);
    case 'date':
      return parseDateFilter(text);
    case 'yesno':
      return parseYesNoFilter(text);
  }
}

function parseYesNoFilter(text: string): FilterParseResult {
  const value = text.trim().toLowerCase();
  if (value === '') return { ok: true, node: { type: 'all' } };
  if (value === 'yes') return { ok: true, node: { type: 'yesno', value: true } };
  if (value === 'no') return { ok: true, node: { type: 'yesno', value: false } };
  return invalid('yesno', text, 'expected "yes" or "no"');
}
