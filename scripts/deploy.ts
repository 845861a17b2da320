/**
 * `DATABASE_URL='<Neon URL>' npm run deploy`: checks, builds, migrates, ships.
 * Refuses (exit 1, every reason listed with its fix) when a required Worker
 * secret is missing, ALLOWED_ORIGINS in wrangler.toml still names localhost,
 * or DATABASE_URL is not a production database; the checks are the pure
 * functions of scripts/lib/deploy-readiness.ts. Then: the web build, the
 * migrations on DATABASE_URL (over TCP, which Neon accepts), `wrangler deploy`.
 * Needs `npx wrangler login` (or CLOUDFLARE_API_TOKEN): the only script that
 * talks to Cloudflare.
 */
import path from 'node:path';
import { unstable_readConfig } from 'wrangler';
import { deployProblems, parseSecretList } from './lib/deploy-readiness';
import { migrateDatabase } from './lib/migrate';
import { projectRoot } from './lib/paths';
import { buildWeb } from './lib/web-build';
import { runWrangler } from './lib/wrangler-run';

const log = (m: string) => console.log(`[deploy] ${m}`);

async function secretNames(): Promise<string[]> {
  const { code, output } = await runWrangler(['secret', 'list', '--format', 'json'], { timeoutMs: 60_000, env: { WRANGLER_LOG: 'error' } });
  if (code !== 0) {
    throw new Error(
      `Could not list the Worker's secrets (wrangler secret list):\n${output.trim()}\n` +
        'Fix: npx wrangler login (or set CLOUDFLARE_API_TOKEN); a first deploy starts with npx wrangler secret put JWT_SECRET, which creates the Worker',
    );
  }
  return parseSecretList(output.slice(output.indexOf('[')));
}

async function main(): Promise<number> {
  const config = unstable_readConfig({ config: path.join(projectRoot, 'wrangler.toml') }, { hideWarnings: true });
  const databaseUrl = process.env.DATABASE_URL;
  const secrets = await secretNames().catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  const problems = deployProblems({ vars: config.vars, secretNames: secrets, databaseUrl });
  if (problems.length) {
    console.error(`[deploy] refusing to deploy ${config.name}:`);
    for (const p of problems) console.error(`  - ${p}`);
    return 1;
  }
  await buildWeb(log);
  await migrateDatabase(databaseUrl!);
  log(`migrations applied to ${new URL(databaseUrl!).host}`);
  const { code } = await runWrangler(['deploy', '--x-autoconfig=false'], { timeoutMs: 600_000, inherit: true });
  if (code !== 0) log('wrangler deploy failed (above) after the migrations were applied: see docs/deploy.md, "Rolling back"');
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[deploy] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
