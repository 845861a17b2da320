import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allowedOriginsProblems,
  deployProblems,
  isLoopbackHost,
  migrationUrlProblems,
  parseSecretList,
  secretProblems,
} from './deploy-readiness';
import { projectRoot } from './paths';

const NEON = 'postgresql://app:pw@ep-cool-sun-123456.eu-central-1.aws.neon.tech/edge_chat?sslmode=require';
const PROD_VARS = { ALLOWED_ORIGINS: 'https://chat.example.com', BCRYPT_COST: '10' };

describe('allowedOriginsProblems', () => {
  it('refuses the development default that wrangler.toml ships with', () => {
    const shipped = /^ALLOWED_ORIGINS = "([^"]*)"/m.exec(fs.readFileSync(path.join(projectRoot, 'wrangler.toml'), 'utf8'))?.[1];
    const problems = allowedOriginsProblems(shipped);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/still names http:\/\/127\.0\.0\.1:8787 .*wrangler\.toml \[vars\]/);
    expect(problems[1]).toMatch(/still names http:\/\/localhost:8787/);
  });

  it('refuses any loopback spelling, plain http and origins with a path', () => {
    expect(allowedOriginsProblems('https://app.localhost')).toHaveLength(1);
    expect(allowedOriginsProblems('https://[::1]:8443')).toHaveLength(1);
    expect(allowedOriginsProblems('http://chat.example.com')[0]).toMatch(/must be https/);
    expect(allowedOriginsProblems('https://chat.example.com/app')[0]).toMatch(/use https:\/\/chat\.example\.com$/);
    expect(allowedOriginsProblems('chat.example.com')[0]).toMatch(/not an origin/);
  });

  it('accepts https origins, a trailing slash, and an empty list (own origin only)', () => {
    expect(allowedOriginsProblems('https://chat.example.com, https://www.example.org/')).toEqual([]);
    expect(allowedOriginsProblems('')).toEqual([]);
    expect(allowedOriginsProblems(undefined)).toEqual([]);
  });
});

describe('isLoopbackHost', () => {
  it('knows loopback from look-alikes', () => {
    for (const host of ['localhost', 'LOCALHOST', 'a.localhost', '127.0.0.1', '127.1.2.3', '[::1]', '0.0.0.0']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['localhost.example.com', '10.0.0.1', '1127.0.0.1', 'example.com']) expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('secretProblems', () => {
  it('names each missing required secret with the command that sets it', () => {
    const problems = secretProblems([], PROD_VARS);
    expect(problems).toEqual([
      expect.stringMatching(/JWT_SECRET is missing: npx wrangler secret put JWT_SECRET/),
      expect.stringMatching(/DATABASE_URL is missing: npx wrangler secret put DATABASE_URL/),
    ]);
  });

  it('passes with both secrets set', () => {
    expect(secretProblems(['DATABASE_URL', 'JWT_SECRET'], PROD_VARS)).toEqual([]);
  });

  it('refuses credentials in plain-text [vars], the local relay, and TURN without its secret', () => {
    const problems = secretProblems(['DATABASE_URL', 'JWT_SECRET', 'PG_RELAY_URL'], { ...PROD_VARS, JWT_SECRET_PREVIOUS: 'x', TURN_URLS: 'turn:turn.example.com:3478' });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/JWT_SECRET_PREVIOUS is in wrangler\.toml \[vars\]/);
    expect(problems[1]).toMatch(/PG_RELAY_URL .* local relay only/);
    expect(problems[2]).toMatch(/TURN_SECRET is missing/);
  });

  it('refuses the VAPID private key in plain text and the tests\' push endpoint exemption', () => {
    const problems = secretProblems(['DATABASE_URL', 'JWT_SECRET'], { ...PROD_VARS, VAPID_PRIVATE_KEY: 'x', PUSH_TEST_ENDPOINT_ORIGINS: 'http://127.0.0.1:9' });
    expect(problems).toEqual([expect.stringMatching(/VAPID_PRIVATE_KEY is in wrangler\.toml \[vars\]/), expect.stringMatching(/PUSH_TEST_ENDPOINT_ORIGINS .* tests only/)]);
  });
});

describe('migrationUrlProblems', () => {
  it('needs a production postgres URL', () => {
    expect(migrationUrlProblems(undefined)[0]).toMatch(/DATABASE_URL is not set/);
    expect(migrationUrlProblems('not a url')[0]).toMatch(/not a URL/);
    expect(migrationUrlProblems('mysql://h/db')[0]).toMatch(/scheme mysql:/);
    expect(migrationUrlProblems('postgres://postgres@127.0.0.1:54329/edge_chat')[0]).toMatch(/local database/);
    expect(migrationUrlProblems(NEON)).toEqual([]);
  });
});

describe('deployProblems', () => {
  it('is empty only when everything is ready', () => {
    expect(deployProblems({ vars: PROD_VARS, secretNames: ['JWT_SECRET', 'DATABASE_URL'], databaseUrl: NEON })).toEqual([]);
    expect(deployProblems({ vars: { ...PROD_VARS, ALLOWED_ORIGINS: 'http://localhost:8787' }, secretNames: ['JWT_SECRET'], databaseUrl: undefined })).toHaveLength(3);
  });

  it('still reports the offline checks when the secrets could not be listed', () => {
    const problems = deployProblems({
      vars: { ALLOWED_ORIGINS: 'http://localhost:8787' },
      secretNames: new Error('Could not list the Worker\'s secrets: npx wrangler login'),
      databaseUrl: NEON,
    });
    expect(problems).toEqual([expect.stringMatching(/still names http:\/\/localhost:8787/), expect.stringMatching(/npx wrangler login/)]);
  });
});

describe('parseSecretList', () => {
  it("reads the names from wrangler's JSON and refuses anything else", () => {
    expect(parseSecretList('[{"name":"JWT_SECRET","type":"secret_text"},{"name":"DATABASE_URL","type":"secret_text"}]')).toEqual(['JWT_SECRET', 'DATABASE_URL']);
    expect(parseSecretList('[]')).toEqual([]);
    expect(() => parseSecretList('✘ [ERROR] You are not authenticated')).toThrow(/did not print JSON/);
  });
});
