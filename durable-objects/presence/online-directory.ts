/**
 * Who is online, for one shard of the users (online-lookup.ts picks the shard):
 * each user's inbox reports here when its first socket opens and its last one
 * closes, so that telling a large group's members of something costs one call
 * per shard plus one per online member, and an offline member's inbox is never
 * woken just to find it has no socket (each wake opens that object's storage).
 *
 * The set is kept in storage as well as in memory: an evicted directory must not
 * forget who is online, since a member it wrongly thought offline would miss a
 * live notice (they would still see the change on their next list load). A user
 * wrongly kept online (their inbox died without reporting) costs only an inbox
 * call that finds no socket.
 */
import { DurableObject } from 'cloudflare:workers';

export class OnlineDirectory extends DurableObject<unknown> {
  private readonly online = new Set<string>();

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec('create table if not exists online (user_id text primary key)');
    for (const row of sql.exec<{ user_id: string }>('select user_id from online')) this.online.add(row.user_id);
  }

  /** The user's inbox has a socket (`true`) or none (`false`) now. Reports from one inbox arrive in order. */
  report(userId: string, online: boolean): void {
    if (online === this.online.has(userId)) return;
    if (online) {
      this.ctx.storage.sql.exec('insert or ignore into online (user_id) values (?)', userId);
      this.online.add(userId);
    } else {
      this.ctx.storage.sql.exec('delete from online where user_id = ?', userId);
      this.online.delete(userId);
    }
  }

  /** Those of `userIds` (all of this shard) whose inbox has a socket. */
  onlineAmong(userIds: string[]): string[] {
    return userIds.filter((id) => this.online.has(id));
  }
}
