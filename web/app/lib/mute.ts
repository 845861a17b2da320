/** Is a room's mute (as the API returns `mutedUntil`: 'forever', an ISO time or null) in force now? */
export function isMuted(mutedUntil: string | null | undefined, now = Date.now()): boolean {
  if (!mutedUntil) return false;
  return mutedUntil === 'forever' || Date.parse(mutedUntil) > now;
}
