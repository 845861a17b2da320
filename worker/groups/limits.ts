/** Who may be added to a group, and how large a group may grow: checked wherever someone joins. */
import type { Context } from 'hono';
import { blockedEitherWay } from '../../drizzle/queries/blocks';
import { groupAddRefusals } from '../../drizzle/queries/privacy';
import type { AppEnv } from '../app-env';
import { readConfig } from '../../durable-objects/shared/env';
import { conflict, forbidden, HttpError, notFound } from '../http/errors';
import { enforceRateLimits } from '../http/rate-limit';

/** A mesh of sockets per room stays cheap well past this; it bounds one fan-out's work. */
export const MAX_GROUP_MEMBERS = 256;

/** The HTTP error for a join the group's lock refused. */
export function joinRefusal(reason: 'full' | 'banned' | 'no_group' | 'not_an_admin'): HttpError {
  switch (reason) {
    case 'full':
      return conflict(`the group is full: a group has at most ${MAX_GROUP_MEMBERS} members`);
    case 'banned':
      return forbidden('an admin removed you from this group: ask an admin to add you back');
    case 'not_an_admin':
      return forbidden('only group admins can do that');
    case 'no_group':
      return notFound('no such group');
  }
}

/**
 * Being put in a group by someone else needs their consent in three ways: nobody
 * can add a person who blocked them (or whom they blocked), nor one whose privacy
 * settings do not let them (403 `privacy_refused`, naming everyone refused, whose
 * usernames are in `details.refused`: nobody is added, so a group is created with
 * all its members or not at all), and each person can
 * be added to only a few groups a minute (GROUP_ADD_RATE_LIMIT), so nobody can
 * be flooded with groups.
 */
export async function requireConsentToAdd(c: Context<AppEnv>, people: { id: string; username: string }[]): Promise<void> {
  if (people.length === 0) return;
  const blocked = await blockedEitherWay(c.var.db(), c.var.user.userId, people.map((p) => p.id));
  const refused = people.filter((p) => blocked.has(p.id));
  if (refused.length > 0) throw forbidden(`you cannot add ${refused.map((p) => p.username).join(', ')}`);
  const unwilling = await groupAddRefusals(c.var.db(), c.var.user.userId, people.map((p) => p.id));
  if (unwilling.size > 0) {
    const names = people.filter((p) => unwilling.has(p.id)).map((p) => p.username);
    throw new HttpError(403, 'privacy_refused', `${names.join(', ')} ${names.length === 1 ? 'does' : 'do'} not let you add them to groups`, { refused: names });
  }
  const spec = readConfig(c.env).GROUP_ADD_RATE_LIMIT;
  // One bucket per person, in a few shared objects: a group of 256 is a handful of calls, not 255 in a row.
  await enforceRateLimits(c, 'group-add', people.map((p) => ({ key: p.id, what: `groups for ${p.username} right now` })), spec);
}
