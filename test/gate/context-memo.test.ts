import { describe, expect, it } from 'vitest';
import { ContextError, createGate } from '../../src/gate.js';

// The gate remembers validated plain contexts (account/channel/paidLinks); these tests
// pin that the memo changes nothing about what is judged or what is refused.
describe('context resolution with remembered plain contexts', () => {
  const gate = createGate({ cwd: '/tmp' });
  const text = '加我微信 kefu_1，详情见 https://cheap-deals-shop.com';
  const rules = (ctx?: Parameters<typeof gate.checkText>[1]) => gate.checkText(text, ctx).map((f) => `${f.rule}:${f.severity}`);

  it('an empty context, or one of undefined fields, is the default context', () => {
    expect(rules({})).toEqual(rules());
    expect(rules({ account: undefined, channel: undefined })).toEqual(rules());
  });

  it('gives each plain context its own answer, the same when asked again', () => {
    const reply = rules({ channel: 'reply' });
    const post = rules({ channel: 'post' });
    const paid = rules({ paidLinks: true, channel: 'ad' });
    expect(rules({ channel: 'reply' })).toEqual(reply);
    expect(rules({ channel: 'post' })).toEqual(post);
    expect(rules({ channel: 'ad', paidLinks: true })).toEqual(paid);
    expect(rules({ paidLinks: true, channel: 'ad' })).toEqual(paid);
  });

  it('still refuses a bad value after a good one of the same spelling was remembered', () => {
    expect(() => rules({ paidLinks: true })).not.toThrow();
    expect(() => rules({ paidLinks: 'true' as unknown as boolean })).toThrow(ContextError);
    expect(() => rules({ channel: 'dm' as unknown as 'reply' })).toThrow(/context\.channel/);
    expect(() => rules({ channel: 'dm' as unknown as 'reply' })).toThrow(/context\.channel/);
    expect(() => rules({ colour: 'red' } as never)).toThrow(ContextError);
  });

  it('does not let a caller change a remembered context through a finding or a later call', () => {
    const input = { channel: 'post' as const };
    const before = rules(input);
    (input as { channel: string }).channel = 'ad';
    expect(rules({ channel: 'post' })).toEqual(before);
  });
});
