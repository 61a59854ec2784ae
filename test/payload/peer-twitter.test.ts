import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { isWide, textHalfUnits } from '../../src/payload/units.js';
import { readPeer } from '../peer.js';

/**
 * twitter-text's weighted length (config v3, emoji parsing on) counts like Weibo does,
 * in half-units: 1 for a narrow character, 2 for a wide one or an emoji. Its "narrow"
 * is four code point ranges rather than East Asian Width, and it counts any URL as 23,
 * so the cases compared are those without a link whose characters both rules weigh
 * the same; the skipped ones are counted in a test, not dropped silently.
 */
interface Case {
  description: string;
  text: string;
  expected: { weightedLength: number };
}
const suite = parse(readPeer('twitter-text/validate.yml')) as {
  tests: { WeightedTweetsWithDiscountedEmojiCounterTest: Case[] };
};
const config = JSON.parse(readPeer('twitter-text/config-v3.json')) as {
  ranges: Array<{ start: number; end: number; weight: number }>;
};
const twitterNarrow = (cp: number) => config.ranges.some((r) => cp >= r.start && cp <= r.end && r.weight === 100);
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const HAS_LINK = /https?:|www\.|\.(?:com|co|net|org|jp|de|ly)\b/i;

/** Both rules weigh every grapheme of the text the same way. */
function comparable(text: string): boolean {
  for (const { segment } of segmenter.segment(text.normalize('NFC'))) {
    if (EMOJI.test(segment)) continue;
    const cp = segment.codePointAt(0)!;
    if (twitterNarrow(cp) === isWide(cp)) return false;
  }
  return true;
}

const cases = suite.tests.WeightedTweetsWithDiscountedEmojiCounterTest;
const compared = cases.filter((c) => !HAS_LINK.test(c.text) && comparable(c.text));

describe('twitter-text weighted length (peer suite), on the cases where the rules coincide', () => {
  test('the suite is there and most link-free cases are comparable', () => {
    expect(cases.length).toBeGreaterThan(20);
    expect(compared.length).toBeGreaterThanOrEqual(10);
  });
  test('every case is either compared or skipped for a stated reason', () => {
    const withLink = cases.filter((c) => HAS_LINK.test(c.text)).length;
    const differentWeights = cases.filter((c) => !HAS_LINK.test(c.text) && !comparable(c.text)).map((c) => c.description);
    expect(compared.length + withLink + differentWeights.length).toBe(cases.length);
    // Links count 23 there whatever their length: 9 cases. No link-free case of this suite
    // version uses a character the two width rules weigh differently.
    expect(withLink).toBe(9);
    expect(differentWeights).toEqual([]);
  });
  test.each(compared.map((c) => [c.description, c] as const))('%s', (_d, c) => {
    expect(textHalfUnits(c.text.normalize('NFC'))).toBe(c.expected.weightedLength);
  });
});
