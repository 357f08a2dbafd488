/**
 * Looker's rule for comma lists: the positive terms are alternatives (OR), every negated
 * term must hold as well (AND). `FOO%,-FOOD` = starts with FOO and is not FOOD.
 */
import type { FilterNode } from './types.ts';

export function combineTerms(positives: readonly FilterNode[], negatives: readonly FilterNode[]): FilterNode {
  const parts: FilterNode[] = [];
  if (positives.length === 1) parts.push(positives[0]!);
  else if (positives.length > 1) parts.push({ type: 'or', children: positives });
  parts.push(...negatives);
  if (parts.length === 0) return { type: 'all' };
  if (parts.length === 1) return parts[0]!;
  return { type: 'and', children: parts };
}

/** `Invalid <kind> filter "<text>": <problem>` — the one message shape every parser uses. */
export function invalid(kind: string, text: string, problem: string): { ok: false; message: string } {
  return { ok: false, message: `Invalid ${kind} filter ${JSON.stringify(text)}: ${problem}` };
}

/** Thrown inside a parser and turned into a failed `FilterParseResult` at its entry point. */
export class FilterSyntaxError extends Error {}
