/**
 * `npm run audit:deps`: package-lock.json against scripts/advisories.json, offline.
 * Exits 1 naming each affected package; refresh the list as docs/security.md says.
 */
import { readFileSync } from 'node:fs';
import { audit, type Advisory } from './lib/advisories';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const list = JSON.parse(readFileSync('scripts/advisories.json', 'utf8')) as { checked: string; advisories: Advisory[] };
const findings = audit(lock, list.advisories);
for (const f of findings) console.error(`${f.package} ${f.installed} (${f.path}): ${f.id}, ${f.summary}; fixed in ${f.fixed}`);
console.log(`${list.advisories.length} advisories (list checked ${list.checked}): ${findings.length ? `${findings.length} affected` : 'none affect the installed versions'}`);
process.exit(findings.length ? 1 : 0);
