/**
 * A session's device label ("Chrome on Linux") from the request's User-Agent, so the account
 * page can tell sessions apart. Parsed by bowser (MIT, maintained; ua-parser-js 2.x is AGPL).
 * Only the browser's and the system's names are kept, never the header itself or versions:
 * enough to recognise a device, no more fingerprint than needed.
 */
import Bowser from 'bowser';

/** A User-Agent longer than this is cut before parsing: the names sit near its start. */
const MAX_USER_AGENT = 512;
const MAX_LABEL = 64;

export function deviceLabel(userAgent: string | null | undefined): string | null {
  const header = userAgent?.slice(0, MAX_USER_AGENT).trim();
  if (!header) return null;
  const { browser, os } = Bowser.parse(header);
  const browserName = browser.name?.trim();
  const osName = os.name?.trim();
  const label = browserName && osName ? `${browserName} on ${osName}` : browserName || osName;
  return label ? label.slice(0, MAX_LABEL) : null;
}
