/** LookML front end: the `.lkml` parser, YAML dashboards, and plain-JSON views of values. */
export { parseLookml, isLegacyYamlPath, LookmlCodes } from './parser.ts';
export { parseDashboardFile, DashboardCodes } from './dashboard.ts';
export type { LookmlDashboard, DashboardFile } from './dashboard.ts';
export { toPlain, pairsToParams } from './plain.ts';
export type * from './ast.ts';
