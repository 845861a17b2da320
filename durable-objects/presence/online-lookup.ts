/**
 * Reaching the online directory (online-directory.ts): which shard holds a user,
 * and who among many users is online, asked once per shard.
 */
import { logFailure } from '../shared/log-failure';
import { groupByShard, shardOf } from '../shared/shard';
import type { OnlineDirectory } from './online-directory';

/**
 * Directory objects the users are spread over. Changing it moves users between
 * shards: their inboxes report again on their next socket, and until then they read
 * as offline (a missed live notice, not a missed room: the list reloads from Postgres).
 */
const DIRECTORY_SHARDS = 16;

export type DirectoryNamespace = DurableObjectNamespace<OnlineDirectory>;

const shardObject = (directories: DirectoryNamespace, shard: number) => directories.get(directories.idFromName(`online#${shard}`));

export function directoryOf(directories: DirectoryNamespace, userId: string) {
  return shardObject(directories, shardOf(userId, DIRECTORY_SHARDS));
}

/**
 * Those of `userIds` online now. A shard that cannot answer counts all of its users
 * as online: telling an offline inbox costs a wake, missing an online one a live notice.
 */
export async function onlineAmong(directories: DirectoryNamespace, userIds: Iterable<string>): Promise<Set<string>> {
  const byShard = groupByShard([...new Set(userIds)], (id) => id, DIRECTORY_SHARDS);
  const answers = await Promise.all(
    [...byShard].map(([shard, ids]) =>
      shardObject(directories, shard)
        .onlineAmong(ids)
        .catch((err: unknown) => {
          logFailure('online directory lookup failed', err, { shard, users: ids.length });
          return ids;
        }),
    ),
  );
  return new Set(answers.flat());
}
