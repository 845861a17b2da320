import { describe, expect, it } from 'vitest';
import { isEmojiOnly, linkParts, systemText } from './text';

describe('linkParts', () => {
  it('links http(s) URLs, www. addresses and e-mail addresses, without trailing punctuation', () => {
    expect(linkParts('see https://example.com/a?b=1. ok')).toEqual([
      { text: 'see ' },
      { text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { text: '. ok' },
    ]);
    expect(linkParts('go to www.example.org, now')).toEqual([
      { text: 'go to ' },
      { text: 'www.example.org', href: 'https://www.example.org/' },
      { text: ', now' },
    ]);
    expect(linkParts('mail ann.lee+x@mail.example.com!')).toEqual([
      { text: 'mail ' },
      { text: 'ann.lee+x@mail.example.com', href: 'mailto:ann.lee+x@mail.example.com' },
      { text: '!' },
    ]);
  });

  it('never produces other schemes', () => {
    const parts = linkParts('javascript:alert(1) data:text/html,x');
    expect(parts.every((p) => !p.href)).toBe(true);
    expect(parts.map((p) => p.text).join('')).toBe('javascript:alert(1) data:text/html,x');
  });
});

describe('isEmojiOnly', () => {
  it('is true for one to three emoji, including joined and flag sequences', () => {
    expect(isEmojiOnly('👍')).toBe(true);
    expect(isEmojiOnly(' ❤️ 😂 ')).toBe(true);
    expect(isEmojiOnly('👩‍👩‍👧')).toBe(true);
    expect(isEmojiOnly('🇫🇷👍🏽')).toBe(true);
  });
  it('is false for text, digits, or more than three emoji', () => {
    expect(isEmojiOnly('ok 👍')).toBe(false);
    expect(isEmojiOnly('123')).toBe(false);
    expect(isEmojiOnly('#')).toBe(false);
    expect(isEmojiOnly('😀😀😀😀')).toBe(false);
    expect(isEmojiOnly('')).toBe(false);
  });
});

describe('systemText', () => {
  const members = [
    { userId: 'a', username: 'alice', displayName: 'Alice Liddell' },
    { userId: 'b', username: 'bob', displayName: 'Bob Builder' },
  ];
  it('uses display names, and You/you for me', () => {
    expect(systemText('alice added bob', members, 'b')).toBe('Alice Liddell added you');
    expect(systemText('bob renamed the group to "alice"', members, 'b')).toBe('You renamed the group to "alice"');
    expect(systemText('carol left', members, 'b')).toBe('carol left');
  });

  const A = '00000000-0000-4000-8000-00000000000a';
  const B = '00000000-0000-4000-8000-00000000000b';
  const C = '00000000-0000-4000-8000-00000000000c';
  const byId = [
    { userId: A, username: 'alice', displayName: 'Alice Liddell' },
    { userId: B, username: 'bob', displayName: 'Bob Builder' },
    { userId: C, username: `deleted-${C}`, displayName: 'Deleted user', deleted: true },
  ];
  it('names people by id: display name, You/you, "Deleted user", and the written username for anyone gone', () => {
    expect(systemText(`<@${A}|alice> added <@${B}|bob>`, byId, B)).toBe('Alice Liddell added you');
    expect(systemText(`<@${C}|carol> made <@${A}|alice> an admin`, byId, A)).toBe('Deleted user made you an admin');
    const gone = '00000000-0000-4000-8000-0000000000ff';
    expect(systemText(`<@${A}|alice> removed <@${gone}|dave>`, byId, B)).toBe('Alice Liddell removed dave');
  });
  it('never takes a username in the text for someone else: only ids name people', () => {
    // Someone registered "carol" after the Carol of this line deleted her account.
    const newcomer = [...byId, { userId: 'new', username: 'carol', displayName: 'Another Carol' }];
    expect(systemText(`<@${C}|carol> left`, newcomer, A)).toBe('Deleted user left');
    expect(systemText(`<@${A}|alice> renamed the group to "bob"`, byId, A)).toBe('You renamed the group to "bob"');
  });
});
