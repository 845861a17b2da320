/**
 * An offline dependency audit: the installed versions (package-lock.json) against a
 * checked-in advisory list (scripts/advisories.json), for where the registry's audit
 * endpoint is unreachable. A version is affected when introduced ≤ version < fixed.
 */
export interface Advisory {
  package: string;
  id: string;
  summary: string;
  introduced: string;
  fixed: string;
}

export interface Finding extends Advisory {
  installed: string;
  /** Where in node_modules (a package can be installed more than once). */
  path: string;
}

/** Compares x.y.z versions (a pre-release counts as below its release). */
export function compareVersions(a: string, b: string): number {
  const [coreA, preA] = a.split('-', 2) as [string, string | undefined];
  const [coreB, preB] = b.split('-', 2) as [string, string | undefined];
  const pa = coreA.split('.').map(Number);
  const pb = coreB.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff) return Math.sign(diff);
  }
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return preA < preB ? -1 : 1;
}

export const isAffected = (version: string, advisory: Advisory) =>
  compareVersions(version, advisory.introduced) >= 0 && compareVersions(version, advisory.fixed) < 0;

/** Every installed copy of an advised package whose version an advisory covers. */
export function audit(lock: { packages: Record<string, { version?: string }> }, advisories: Advisory[]): Finding[] {
  const findings: Finding[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (!path.includes('node_modules/') || !entry.version) continue;
    for (const advisory of advisories) {
      if (advisory.package === name && isAffected(entry.version, advisory)) findings.push({ ...advisory, installed: entry.version, path });
    }
  }
  return findings;
}
