/**
 * A long conversation written straight into Postgres, for the web list's browser test and bench
 * (thousands of messages through the room's socket would take minutes under its rate limit).
 * The texts vary as a real chat does: one-word answers, sentences, paragraphs, Markdown, links,
 * quotes, code, replies; two people alternate; a few minutes apart, so days change too.
 *
 * Seed a room no socket has opened yet: the room learns the highest stored seq when it first
 * opens (or first writes), and from then on pages older history from Postgres.
 */
import pg from 'pg';

const TEXTS = [
  `'ok'`,
  `'Sounds good, see you at ' || (g % 12 + 1) || ' then'`,
  `'Message ' || g || ': a longer one, the kind that wraps onto a second line in a narrow window and makes the rows of the list differ in height, as they do in any real conversation.'`,
  `'**Note ' || g || '**: run ` + '`npm test`' + ` before merging, and _please_ check the ~~old~~ new docs'`,
  `'Have a look at https://example.org/thread/' || g || ' when you can'`,
  `'> what did they say?' || chr(10) || 'They said yes, number ' || g`,
  `'` + '```' + `' || chr(10) || 'const answer = ' || g || ';' || chr(10) || 'console.log(answer);' || chr(10) || '` + '```' + `'`,
];

export interface SeedOptions {
  /** The two people who write, alternately (the first writes two of every three). */
  senders: [string, string];
  count: number;
  /** Each sender's read cursor afterwards (default: everything read). */
  readUpTo?: number;
  /** Minutes between messages (default 3: 5,000 messages span ten days). */
  minutesApart?: number;
}

/** Inserts messages 1..count into `roomId` in one statement and moves the room's and its members' cursors. */
export async function seedChatHistory(databaseUrl: string, roomId: string, opts: SeedOptions): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000, statement_timeout: 120_000 });
  await client.connect();
  try {
    const text = `case g % ${TEXTS.length} ${TEXTS.map((t, i) => `when ${i} then ${t}`).join(' ')} end`;
    await client.query(
      `insert into messages (id, room_id, seq, sender_id, client_id, message_type, content, reply_to_seq, created_at)
       select gen_random_uuid(), $1::uuid, g, case when g % 3 = 0 then $3::uuid else $2::uuid end, 'seed-' || g, 'text',
              ${text}, case when g % 11 = 0 and g > 5 then g - 5 end,
              now() - (($4::bigint - g + 1) * $5::int * interval '1 minute')
       from generate_series(1::bigint, $4::bigint) g`,
      [roomId, opts.senders[0], opts.senders[1], opts.count, opts.minutesApart ?? 3],
    );
    await client.query('update rooms set last_seq = $2, last_message_at = now() where id = $1', [roomId, opts.count]);
    await client.query('update room_members set last_read_seq = $2 where room_id = $1', [roomId, opts.readUpTo ?? opts.count]);
  } finally {
    await client.end();
  }
}
