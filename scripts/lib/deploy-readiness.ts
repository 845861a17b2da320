/**
 * What `npm run deploy` refuses to ship, as pure functions over what it read
 * (wrangler.toml [vars], the names of the Worker's secrets, the migration URL).
 * Each problem is one line naming the fix.
 */

/** Worker secrets the app cannot run without (durable-objects/shared/env.ts, drizzle/connection.ts). */
export const REQUIRED_SECRETS = ['JWT_SECRET', 'DATABASE_URL'] as const;

/** Names that must stay out of plain-text [vars]: they are credentials. */
const SECRET_NAMES = ['JWT_SECRET', 'JWT_SECRET_PREVIOUS', 'DATABASE_URL', 'TURN_SECRET', 'VAPID_PRIVATE_KEY'];

/** localhost, *.localhost, 127.0.0.0/8, ::1, 0.0.0.0: only reachable from the machine itself. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) || host === '::1' || host === '0.0.0.0';
}

/** ALLOWED_ORIGINS as deployed: real https origins only (empty is fine: the app's own origin is always allowed). */
export function allowedOriginsProblems(value: string | undefined): string[] {
  const problems: string[] = [];
  for (const origin of (value ?? '').split(',').map((o) => o.trim()).filter(Boolean)) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      problems.push(`ALLOWED_ORIGINS has "${origin}", which is not an origin: use scheme://host[:port], e.g. https://chat.example.com`);
      continue;
    }
    if (isLoopbackHost(url.hostname)) {
      problems.push(
        `ALLOWED_ORIGINS still names ${origin} (local development): set it in wrangler.toml [vars] to your site's origin(s), e.g. https://chat.example.com`,
      );
    } else if (url.protocol !== 'https:') {
      problems.push(`ALLOWED_ORIGINS has ${origin}: production origins must be https://`);
    } else if (url.origin !== origin.replace(/\/$/, '')) {
      problems.push(`ALLOWED_ORIGINS has "${origin}": an origin has no path, query or credentials; use ${url.origin}`);
    }
  }
  return problems;
}

/** The Worker's secrets (names from `wrangler secret list`) against its [vars]. */
export function secretProblems(secretNames: readonly string[], vars: Readonly<Record<string, unknown>>): string[] {
  const secrets = new Set(secretNames);
  const problems: string[] = [];
  for (const name of REQUIRED_SECRETS) {
    if (!secrets.has(name)) {
      const hint = name === 'JWT_SECRET' ? ' (generate one with `openssl rand -base64 48`)' : ' (the Neon connection string)';
      problems.push(`The Worker secret ${name} is missing: npx wrangler secret put ${name}${hint}`);
    }
  }
  for (const name of SECRET_NAMES) {
    if (name in vars) problems.push(`${name} is in wrangler.toml [vars], in plain text: remove it there and use npx wrangler secret put ${name}`);
  }
  if (secrets.has('PG_RELAY_URL') || 'PG_RELAY_URL' in vars) {
    problems.push('PG_RELAY_URL is set for the deployed Worker: it is for the local relay only; npx wrangler secret delete PG_RELAY_URL (or remove it from [vars])');
  }
  if (secrets.has('PUSH_TEST_ENDPOINT_ORIGINS') || 'PUSH_TEST_ENDPOINT_ORIGINS' in vars) {
    problems.push('PUSH_TEST_ENDPOINT_ORIGINS is set for the deployed Worker: it is for tests only (it exempts origins from the push endpoint rules); remove it');
  }
  const turnUrls = typeof vars.TURN_URLS === 'string' && vars.TURN_URLS.trim() !== '';
  if (turnUrls && !secrets.has('TURN_SECRET')) {
    problems.push('TURN_URLS is set but the Worker secret TURN_SECRET is missing: npx wrangler secret put TURN_SECRET (your TURN server\'s static-auth-secret)');
  }
  return problems;
}

/** The database `npm run deploy` migrates before shipping: must be the production one. */
export function migrationUrlProblems(databaseUrl: string | undefined): string[] {
  if (!databaseUrl) {
    return ['DATABASE_URL is not set in the environment: run DATABASE_URL=\'<Neon connection string>\' npm run deploy (it applies the migrations there first)'];
  }
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return ['DATABASE_URL is not a URL: use the connection string Neon shows (postgresql://user:password@host/db?sslmode=require)'];
  }
  if (!/^postgres(ql)?:$/.test(url.protocol)) return [`DATABASE_URL has the scheme ${url.protocol}: use a postgresql:// connection string`];
  if (isLoopbackHost(url.hostname)) {
    return [`DATABASE_URL points at ${url.hostname} (a local database): use the production (Neon) connection string`];
  }
  return [];
}

export interface DeployInputs {
  vars: Readonly<Record<string, unknown>>;
  /** The Worker's secret names, or why they could not be listed (not logged in, no Worker yet). */
  secretNames: readonly string[] | Error;
  databaseUrl: string | undefined;
}

/** Every reason to refuse the deploy; empty means go. */
export function deployProblems({ vars, secretNames, databaseUrl }: DeployInputs): string[] {
  const origins = typeof vars.ALLOWED_ORIGINS === 'string' ? vars.ALLOWED_ORIGINS : undefined;
  const secrets = secretNames instanceof Error ? [secretNames.message] : secretProblems(secretNames, vars);
  return [...allowedOriginsProblems(origins), ...secrets, ...migrationUrlProblems(databaseUrl)];
}

/** Names out of `wrangler secret list --format json` ([{ "name": ..., "type": "secret_text" }]). */
export function parseSecretList(json: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error(`wrangler secret list did not print JSON: ${json.trim().slice(0, 300)}`);
  }
  if (!Array.isArray(parsed)) throw new Error(`wrangler secret list printed ${json.trim().slice(0, 300)}, not a list`);
  return parsed.flatMap((entry) => (entry && typeof entry === 'object' && typeof (entry as { name?: unknown }).name === 'string' ? [(entry as { name: string }).name] : []));
}
