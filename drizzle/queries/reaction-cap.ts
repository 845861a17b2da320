/**
 * Adding a reaction within the distinct-emoji cap, enforced by Postgres in the
 * insert itself, so two members adding different new emoji at the same moment
 * cannot both pass a check made before the write. For the room's `react` path
 * (drizzle/queries/messages.ts#setReaction), next to the cheap in-memory
 * `checkReaction` that gives the client its error first.
 */
import { sql } from 'drizzle-orm';
import { MAX_DISTINCT_REACTIONS } from '../../durable-objects/room/reaction-limits';
import type { Database } from '../connection';
import { messageReactions } from '../schema';

/** True when the reaction is stored (or already was); false when the message is at the cap. */
export async function addReactionWithinCap(db: Database, roomId: string, seq: number, userId: string, emoji: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    // Serialises additions to one message; the insert below (a new statement, so a new snapshot
    // under READ COMMITTED) then counts what the previous holders committed.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`reactions:${roomId}:${seq}`}, 0))`);
    const result = await tx.execute<{ stored: boolean }>(sql`
      with inserted as (
        insert into ${messageReactions} (room_id, seq, user_id, emoji)
        select ${roomId}, ${seq}, ${userId}, ${emoji}
        where exists (select 1 from ${messageReactions} r where r.room_id = ${roomId} and r.seq = ${seq} and r.emoji = ${emoji})
           or (select count(distinct r.emoji) from ${messageReactions} r where r.room_id = ${roomId} and r.seq = ${seq}) < ${MAX_DISTINCT_REACTIONS}
        on conflict do nothing
        returning 1
      )
      select exists (select 1 from inserted)
        or exists (select 1 from ${messageReactions} r
          where r.room_id = ${roomId} and r.seq = ${seq} and r.user_id = ${userId} and r.emoji = ${emoji}) as stored
    `);
    return Boolean(result.rows[0]?.stored);
  });
}
