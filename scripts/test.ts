/**
 * `npm test [-- vitest args]`: the whole suite in one command. Prepares a fresh,
 * migrated `edge_chat_test` database and a relay to it, builds the web app, runs
 * `vitest run` with TEST_DATABASE_URL / TEST_PG_RELAY_URL, and ends with a plain
 * "N passed, N failed" line. The local cluster is left running for the next run
 * (except under CI=true, where a cluster this run started is stopped).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from './lib/paths';
import { hostPort, startPgRelay, type PgRelay } from './lib/pg-relay';
import { prepareTestDatabase, type TestDatabase } from './lib/test-database';
import { buildWeb } from './lib/web-build';
import { offlineWranglerEnv } from './lib/wrangler-env';

const log = (m: string) => console.log(`[test] ${m}`);

interface JsonReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: { status: string; assertionResults: { status: string }[] }[];
  numPendingTests: number;
  numTodoTests: number;
}

function runVitest(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(projectRoot, 'node_modules/.bin/vitest'), ['run', ...args], {
      cwd: projectRoot,
      stdio: 'inherit',
      env,
    });
    // Ctrl-C reaches vitest directly (same process group); we just stay alive to clean up.
    // SIGTERM (e.g. from CI) is sent to us alone, so pass it on.
    const ignore = () => {};
    const forward = () => child.kill('SIGTERM');
    process.on('SIGINT', ignore);
    process.on('SIGTERM', forward);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal === 'SIGINT' ? 130 : 1));
    });
  });
}

/** Projects picked with --project (either `--project x` or `--project=x`); empty = all. */
function selectedProjects(args: string[]): string[] {
  return args.flatMap((a, i) => (a === '--project' ? [args[i + 1] ?? ''] : a.startsWith('--project=') ? [a.slice(10)] : []));
}

/**
 * The closing line. A run that vitest failed (exit code) never reads "0 failed": a file that
 * could not run, or an unhandled error, counts as a failure even though no test failed.
 */
function summary(reportFile: string, exitCode: number): string | undefined {
  if (!fs.existsSync(reportFile)) return undefined;
  const r = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as JsonReport;
  const skipped = r.numPendingTests + r.numTodoTests;
  // A file that failed with no failed test in it never ran (its pool could not start, or it did not load).
  const filesThatNeverRan = r.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed')).length;
  const failed = Math.max(r.numFailedTests + filesThatNeverRan, exitCode === 0 ? 0 : 1);
  if (failed > r.numFailedTests) log(`vitest exited with ${exitCode}: failed files or unhandled errors count as failures`);
  return `${r.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}

async function main(): Promise<number> {
  const userArgs = process.argv.slice(2);
  let relay: PgRelay | undefined;
  let testDb: TestDatabase | undefined;
  const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-chat-test-'));
  try {
    testDb = await prepareTestDatabase(log);
    const databaseUrl = testDb.url;
    log(`fresh, migrated database ${new URL(databaseUrl).host}${new URL(databaseUrl).pathname}`);
    relay = await startPgRelay({ allow: [hostPort(databaseUrl)] });
    log(`relay ws://${relay.relayUrl} -> ${hostPort(databaseUrl)}`);
    const projects = selectedProjects(userArgs);
    // Only workers/e2e/browser serve the web build; a unit-only run needs none.
    if (projects.length && projects.every((p) => p === 'unit')) log('unit tests only: skipping the web build');
    else await buildWeb(log);

    const reportFile = path.join(reportDir, 'vitest.json');
    // Keep vitest's own output (or the user's --reporter) and add a JSON report for the summary line.
    const reporters = userArgs.some((a) => a.startsWith('--reporter')) ? [] : ['--reporter=default'];
    const code = await runVitest([...reporters, '--reporter=json', `--outputFile.json=${reportFile}`, ...userArgs], {
      ...offlineWranglerEnv(),
      TEST_DATABASE_URL: databaseUrl,
      TEST_PG_RELAY_URL: relay.relayUrl,
    });
    const line = summary(reportFile, code);
    if (line) console.log(`\n${line}`);
    else log(`vitest exited with ${code} without a report`);
    return code;
  } finally {
    await relay?.close();
    await testDb?.drop().catch((err: unknown) => log(`could not drop the test database: ${String(err)}`));
    // Developers keep the cluster for the next run; a CI machine is thrown away, so tidy up there.
    if (process.env.CI === 'true') await testDb?.stopIfStarted();
    fs.rmSync(reportDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[test] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
