/**
 * CPU per sign-in inside workerd (issue #14: does a login fit the Workers Free
 * plan's 10 ms?). workerd freezes Date/performance.now() during execution, so
 * the figure is read from outside: the runtime process's CPU ticks
 * (/proc/<pid>/stat) over N sequential logins, divided by N. Two users whose
 * stored hashes differ only in bcrypt cost (10 vs 4) make the same requests
 * (rate-limit object, user lookup, compare, session insert, JWT), so the
 * difference is bcrypt at cost 10 (less cost 4's 1/64). bcryptjs in this Node
 * process gives the same compare's cost outside workerd, for comparison.
 * Figures are this machine's CPU, not Cloudflare's.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import bcrypt from 'bcryptjs';
import pg from 'pg';
import type { AppClient } from './app-client';
import { processTicks } from './cpu';
import { round } from './stats';

/** Kernel clock ticks per second (utime/stime unit): 100 on Linux. */
const TICK_MS = 10;

export interface LoginCpuResult {
  loginsPerCost: number;
  /** Whole login request, CPU of the workerd runtime process per login. */
  workerdCpuMsPerLogin: { cost4: number; cost10: number };
  /** cost10 - cost4: what bcrypt at cost 10 adds to a login in workerd. */
  bcryptCost10InWorkerdMs: number;
  /** bcryptjs.compare at cost 10 in Node on the same machine. */
  bcryptCost10InNodeMs: number;
  wallMsPerLogin: { cost4: number; cost10: number };
  freePlanCpuLimitMs: 10;
}

async function createUser(databaseUrl: string, cost: number, password: string): Promise<string> {
  const username = `bench_login${cost}_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('insert into users (username, email, display_name, password_hash) values ($1, $2, $1, $3)', [
      username,
      `${username}@bench.test`,
      bcrypt.hashSync(password, cost),
    ]);
  } finally {
    await client.end();
  }
  return username;
}

export async function measureLoginCpu(
  client: AppClient,
  databaseUrl: string,
  runtimePids: number[],
  opts: { logins: number; log: (m: string) => void },
): Promise<LoginCpuResult> {
  const ticks = () => runtimePids.reduce((s, pid) => s + processTicks(pid), 0);
  const password = `pw-${randomUUID()}`;
  const perCost = async (cost: number) => {
    const login = await createUser(databaseUrl, cost, password);
    for (let i = 0; i < 3; i++) await client.json('POST', '/api/auth/login', { login, password }); // warm-up
    const startTicks = ticks();
    const start = performance.now();
    for (let i = 0; i < opts.logins; i++) await client.json('POST', '/api/auth/login', { login, password });
    const wallMs = (performance.now() - start) / opts.logins;
    const cpuMs = ((ticks() - startTicks) * TICK_MS) / opts.logins;
    opts.log(`login at bcrypt cost ${cost}: ${cpuMs.toFixed(1)} ms CPU in workerd, ${wallMs.toFixed(1)} ms wall, per login (${opts.logins} logins)`);
    return { cpuMs, wallMs };
  };
  const cost4 = await perCost(4);
  const cost10 = await perCost(10);

  const hash = bcrypt.hashSync(password, 10);
  const reps = 10;
  const start = performance.now();
  for (let i = 0; i < reps; i++) await bcrypt.compare(password, hash);
  const nodeMs = (performance.now() - start) / reps;

  return {
    loginsPerCost: opts.logins,
    workerdCpuMsPerLogin: { cost4: round(cost4.cpuMs, 1), cost10: round(cost10.cpuMs, 1) },
    bcryptCost10InWorkerdMs: round(cost10.cpuMs - cost4.cpuMs, 1),
    bcryptCost10InNodeMs: round(nodeMs, 1),
    wallMsPerLogin: { cost4: round(cost4.wallMs, 1), cost10: round(cost10.wallMs, 1) },
    freePlanCpuLimitMs: 10,
  };
}
