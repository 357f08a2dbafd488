/** Comparison 2, Overlook's side: compile the fixture query on the loaded thelook model. */
import { parseLookml } from '../../src/lookml/index.ts';
import { buildProject } from '../../src/model/index.ts';
import type { Model } from '../../src/model/index.ts';
import { getDialect } from '../../src/sql/dialects/registry.ts';
import { compileQuery } from '../../src/sql/index.ts';
import type { CompileResult } from '../protocol.ts';
import { summarize, timeSync } from '../stats.ts';
import { LOOKER_QUERY, LOOKML_FILES } from '../thelook.ts';

export const COMPILE_WARMUP = 500;
export const COMPILE_ITERATIONS = 5000;

export function loadThelook(): Model {
  const project = buildProject(LOOKML_FILES.map((f) => parseLookml(f.text, f.path)));
  const errors = project.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`thelook fixture does not build: ${errors.map((d) => d.message).join('; ')}`);
  const model = project.models[LOOKER_QUERY.model];
  if (!model) throw new Error(`thelook fixture has no model ${LOOKER_QUERY.model}`);
  return model;
}

export function compileOverlook(): CompileResult {
  const model = loadThelook();
  const options = { dialect: getDialect('duckdb') };
  const sql = compileQuery(model, LOOKER_QUERY, options).sql;
  const samples = timeSync(() => compileQuery(model, LOOKER_QUERY, options), COMPILE_ITERATIONS, COMPILE_WARMUP);
  return { task: 'compile-overlook', summary: summarize(samples), warmup: COMPILE_WARMUP, sql };
}
