import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { isWide, textHalfUnits, textHalfUnitsSegmented, textUnits } from '../../src/payload/units.js';

describe('text units (weibo: full-width 1, half-width ½, emoji 1)', () => {
  test('CJK and full-width count 1, ASCII ½', () => {
    expect(textUnits('纯文本回复')).toBe(5);
    expect(textUnits('abc')).toBe(1.5);
    expect(textUnits('ＡＢ')).toBe(2);
    expect(textUnits('你好 ok')).toBe(3.5);
  });
  test('an emoji grapheme counts 1, whatever its code points', () => {
    expect(textUnits('👍')).toBe(1);
    expect(textUnits('👨‍👩‍👧')).toBe(1);
    expect(textUnits('🇨🇳')).toBe(1);
    expect(textUnits('❤️')).toBe(1);
    expect(textUnits('1️⃣')).toBe(1);
    expect(textUnits('☺')).toBe(1);
    expect(textUnits('©')).toBe(0.5);
  });
  test('combining sequences are one grapheme', () => {
    expect(textUnits('e\u0301')).toBe(0.5);
    expect(textUnits('\r\n')).toBe(0.5);
    expect(textUnits('각')).toBe(1);
    expect(textUnits('\u1100\u1161\u11a8')).toBe(1);
  });
  test('chars mode counts every grapheme as 1', () => {
    expect(textUnits('ab你👍', 'chars')).toBe(4);
  });
  test('the width table', () => {
    expect(isWide('a'.codePointAt(0)!)).toBe(false);
    expect(isWide('中'.codePointAt(0)!)).toBe(true);
    expect(isWide(0x3000)).toBe(true);
    expect(isWide(0xff01)).toBe(true);
    expect(isWide(0xff61)).toBe(false); // half-width katakana block
    expect(isWide(0x20000)).toBe(true);
    expect(isWide(0x1100)).toBe(true);
    expect(isWide(0x10ffff)).toBe(false);
  });
  test('the fast path agrees with the segmenter on any text', () => {
    const alphabet = fc.constantFrom(...'aZ 9\r\n中ｂ、é\u0301\u200d\ufe0f👍🏽🇨🇳각\u1100\u1161\u11a8\u0e33ก☺©✈'.split(''), '👨‍👩‍👧', '\ud83d');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 30 }).map((a) => a.join('')), (s) => {
        expect(textHalfUnits(s)).toBe(textHalfUnitsSegmented(s));
        expect(textHalfUnits(s, 'chars')).toBe(textHalfUnitsSegmented(s, 'chars'));
      }),
      { numRuns: 2000 },
    );
  });
});
