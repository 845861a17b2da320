import { describe, expect, it } from 'vitest';
import { displayNameSchema } from './display-name';

describe('displayNameSchema', () => {
  it('folds look-alike forms and collapses spaces', () => {
    expect(displayNameSchema.parse('  Ａｌｉｃｅ   Smith ')).toBe('Alice Smith');
  });

  it.each([
    ['a right-to-left override', 'Bob\u202Egnp.exe'],
    ['an isolate', 'Eve\u2067x'],
    ['a zero-width joiner', 'ad\u200Dmin'],
    ['a control character', 'tab\u0007bell'],
    ['a leading @', '@alice'],
    ['nothing but spaces', '   '],
  ])('refuses %s', (_what, name) => {
    expect(displayNameSchema.safeParse(name).success).toBe(false);
  });
});
