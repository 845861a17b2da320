/** Absolute paths the scripts share, resolved from this file so any cwd works. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Git-ignored, kept between runs: the local Postgres cluster and its socket/log. */
export const dataDir = path.join(projectRoot, '.data');
export const migrationsFolder = path.join(projectRoot, 'drizzle/migrations');
export const wranglerBin = path.join(projectRoot, 'node_modules/.bin/wrangler');
export const devVarsPath = path.join(projectRoot, '.dev.vars');
export const devVarsExamplePath = path.join(projectRoot, '.dev.vars.example');
