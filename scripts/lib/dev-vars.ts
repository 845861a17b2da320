/**
 * Reads .dev.vars (the file wrangler dev loads) and creates it on first use from
 * .dev.vars.example, with a freshly generated JWT_SECRET and VAPID key pair (Web Push)
 * so no shared secret exists. A .dev.vars from before Web Push gets a pair added.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { devVarsExamplePath, devVarsPath } from './paths';
import { generateVapidKeys } from './vapid-keys';

/** Parses KEY=VALUE lines (dotenv subset): # comments, blank lines, optional quotes. */
export function parseDevVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2]!;
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2]!;
    else value = value.replace(/\s+#.*$/, ''); // trailing comment on an unquoted value
    vars[match[1]!] = value;
  }
  return vars;
}

/** The variables in .dev.vars, or {} if there is none. */
export function readDevVars(file = devVarsPath): Record<string, string> {
  return fs.existsSync(file) ? parseDevVars(fs.readFileSync(file, 'utf8')) : {};
}

export function generateJwtSecret(): string {
  return randomBytes(48).toString('base64url');
}

export interface EnsureDevVarsOptions {
  file?: string;
  example?: string;
  log?: (message: string) => void;
}

/** Creates .dev.vars from the example if missing; returns its variables. */
export function ensureDevVars(opts: EnsureDevVarsOptions = {}): Record<string, string> {
  const { file = devVarsPath, example = devVarsExamplePath, log = console.log } = opts;
  if (!fs.existsSync(file)) {
    if (!fs.existsSync(example)) {
      throw new Error(`${example} is missing: restore it with \`git checkout .dev.vars.example\``);
    }
    const text = fs.readFileSync(example, 'utf8').replace(/^JWT_SECRET=.*$/m, `JWT_SECRET=${generateJwtSecret()}`);
    fs.writeFileSync(file, text, { mode: 0o600 }); // holds a secret
    log(`Created ${path.basename(file)} from ${path.basename(example)} with a new random JWT_SECRET`);
  }
  if (!readDevVars(file).VAPID_PRIVATE_KEY) {
    const { publicKey, privateKey } = generateVapidKeys();
    const text = fs.readFileSync(file, 'utf8').replace(/^#?\s*VAPID_(PUBLIC|PRIVATE)_KEY=.*\n?/gm, '');
    const pair = `VAPID_PUBLIC_KEY=${publicKey}\nVAPID_PRIVATE_KEY=${privateKey}\n`;
    fs.writeFileSync(file, `${text}${text.endsWith('\n') || !text ? '' : '\n'}# Web Push, this machine only (npm start made them)\n${pair}`, { mode: 0o600 });
    log(`Added a new local VAPID key pair (Web Push) to ${path.basename(file)}`);
  }
  return readDevVars(file);
}
