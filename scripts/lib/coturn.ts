/**
 * A throwaway TURN server for tests: Debian's coturn (`turnserver`, installed by .ci/run) on
 * 127.0.0.1 and a free port, using the TURN REST API shared secret that the Worker mints
 * credentials with (use-auth-secret / static-auth-secret). Only loopback: it listens and
 * relays on 127.0.0.1, and --allow-loopback-peers lets it relay between two local browsers.
 * No config file (-n), no TLS, no CLI, no database beyond a temp file.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';

export const COTURN_INSTALL_HINT = 'apt-get install coturn';

export interface Coturn {
  /** The TURN URLs for the Worker's TURN_URLS (UDP and TCP). */
  urls: string[];
  port: number;
  stop(): Promise<void>;
}

/** The turnserver binary, or null when coturn is not installed. */
export function findTurnserver(): string | null {
  for (const candidate of [process.env.TURNSERVER_PATH, '/usr/bin/turnserver', '/usr/sbin/turnserver', '/usr/local/bin/turnserver']) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  const which = spawnSync('sh', ['-c', 'command -v turnserver'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  return which.status === 0 && found ? found : null;
}

function tcpReady(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startCoturn(opts: { secret: string; realm?: string; readyTimeoutMs?: number }): Promise<Coturn> {
  const bin = findTurnserver();
  if (!bin) throw new Error(`coturn is not installed (no turnserver binary): ${COTURN_INSTALL_HINT}`);
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-chat-coturn-'));
  const args = [
    '-n',
    `--listening-port=${port}`,
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    '--use-auth-secret',
    `--static-auth-secret=${opts.secret}`,
    `--realm=${opts.realm ?? 'edge-chat.test'}`,
    '--no-tls',
    '--no-dtls',
    '--no-cli',
    '--allow-loopback-peers',
    '--no-multicast-peers',
    '--fingerprint',
    `--pidfile=${path.join(dir, 'turnserver.pid')}`,
    `--userdb=${path.join(dir, 'turndb')}`,
    `--log-file=${path.join(dir, 'turn.log')}`,
    '--simple-log',
    '--no-stdout-log',
  ];
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const logTail = () => {
    try {
      return fs.readFileSync(path.join(dir, 'turn.log'), 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      return stderr;
    }
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 10_000);
  while (!(await tcpReady(port))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`turnserver exited (${child.exitCode ?? child.signalCode}) before listening on ${port}:\n${logTail()}`);
    }
    if (Date.now() > deadline) {
      process.kill(-child.pid!, 'SIGKILL');
      throw new Error(`turnserver did not listen on 127.0.0.1:${port} within ${opts.readyTimeoutMs ?? 10_000} ms:\n${logTail()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const onExit = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  };
  process.once('exit', onExit);

  return {
    port,
    urls: [`turn:127.0.0.1:${port}?transport=udp`, `turn:127.0.0.1:${port}?transport=tcp`],
    async stop() {
      process.off('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {
          // gone
        }
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000).unref())]);
        if (child.exitCode === null && child.signalCode === null) onExit();
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
