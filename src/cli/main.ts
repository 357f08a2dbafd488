/**
 * `overlook` command line: validate LookML projects and compile (or run) Looker queries.
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { runSqlCommand } from './sql.ts';
import { runValidateCommand } from './validate.ts';
import { runDemoCommand } from './demo.ts';
import { serve } from './serve.ts';

// A reader that stops early (`overlook validate … | head`) closes the pipe: the output simply
// ends there, as with any Unix tool, instead of an unhandled EPIPE error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit();
});

const program = new Command();
program
  .name('overlook')
  .description('Open, self-hosted BI server that speaks the Looker API 4.0 and LookML.')
  .version('0.1.0')
  .showHelpAfterError();

program
  .command('validate')
  .description('Validate a LookML project like Looker\'s LookML validator; exits 1 when there are errors.')
  .argument('<project-dir>', 'folder holding the LookML project')
  .option('--format <format>', 'text or json', (v) => {
    if (v !== 'text' && v !== 'json') throw new InvalidArgumentError('use text or json');
    return v;
  }, 'text')
  .action(async (dir: string, opts: { format: 'text' | 'json' }) => {
    process.exitCode = await runValidateCommand(dir, opts.format);
  });

program
  .command('sql')
  .description('Compile a Looker query to SQL (and with --run, execute it).')
  .argument('<project-dir>', 'folder holding the LookML project')
  .requiredOption('--model <model>', 'model name')
  .requiredOption('--explore <explore>', 'explore name')
  .requiredOption('--fields <fields>', 'comma-separated view.field list')
  .option('--filters <json>', 'filters as JSON: {"view.field": "expression"}')
  .option('--sorts <sorts>', 'comma-separated sorts, e.g. "orders.count desc"')
  .option('--pivots <fields>', 'comma-separated pivot fields')
  .option('--limit <n>', 'row limit (default 500; -1 for none)')
  .option('--timezone <tz>', 'query time zone (IANA name)')
  .option('--dialect <dialect>', 'SQL dialect (default: from --run target, else duckdb)')
  .option('--user-attributes <json>', 'user attribute values as JSON for Liquid and access filters')
  .option('--run', 'execute the SQL and print the rows')
  .option('--duckdb <file>', 'with --run: DuckDB database file (default: the bundled demo data)')
  .option('--postgres <url>', 'with --run: PostgreSQL connection URL')
  .option('--format <format>', 'with --run: table, json or csv', 'table')
  .action(async (dir: string, opts: Record<string, string | boolean | undefined>) => {
    process.exitCode = await runSqlCommand(dir, opts);
  });

const portOption = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('use a port number from 0 to 65535');
  return n;
};

program
  .command('serve')
  .description('Run the Looker API 4.0 server (API at /api/4.0). First start creates an admin and writes <data-dir>/looker.ini.')
  .option('--port <port>', 'port to listen on (env OVERLOOK_PORT)', portOption, Number(process.env.OVERLOOK_PORT ?? 19999))
  .option('--host <host>', 'interface to listen on (0.0.0.0 for all)', '127.0.0.1')
  .option('--data-dir <dir>', 'data folder: metadata DB, looker.ini (env OVERLOOK_DATA_DIR)', process.env.OVERLOOK_DATA_DIR ?? '.overlook')
  .option('--hosted-git-dir <dir>', 'where projects made without a git remote keep their repository; in a cluster, a folder every node shares (env OVERLOOK_HOSTED_GIT_DIR; default <data-dir>/repos)', process.env.OVERLOOK_HOSTED_GIT_DIR)
  .option('--public-url <url>', 'URL clients reach the server at, when behind a proxy')
  .option('--log', 'structured JSON request logs on stdout')
  .option('--demo', 'add the demo: DuckDB connection "thelook" with generated data and the thelook project, deployed')
  .option('--tls-cert <pem>', 'serve HTTPS with this PEM certificate file (needs --tls-key; embedding needs HTTPS)')
  .option('--tls-key <pem>', 'private key (PEM file) of --tls-cert')
  .action(async (opts: { port: number; host: string; dataDir: string; hostedGitDir?: string; publicUrl?: string; log?: boolean; demo?: boolean; tlsCert?: string; tlsKey?: string }) => {
    if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) program.error('error: --tls-cert and --tls-key go together');
    await serve({
      ...(opts.tlsCert !== undefined && opts.tlsKey !== undefined ? { tls: { cert: readFileSync(opts.tlsCert, 'utf8'), key: readFileSync(opts.tlsKey, 'utf8') } } : {}),
      port: opts.port, host: opts.host, dataDir: opts.dataDir,
      ...(process.env.OVERLOOK_DATABASE_URL ? { databaseUrl: process.env.OVERLOOK_DATABASE_URL } : {}),
      ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
      ...(opts.hostedGitDir ? { api: { hostedGitDir: opts.hostedGitDir } } : {}),
      logger: opts.log ?? false,
      demo: opts.demo ?? false,
    });
  });

program
  .command('demo')
  .description('Generate the bundled demo data (DuckDB) and run a few queries on the demo LookML project.')
  .action(async () => {
    process.exitCode = await runDemoCommand();
  });

await program.parseAsync(process.argv);
