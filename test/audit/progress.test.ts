import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressBar } from '../../src/cli/audit.js';

function sink(): Writable & { text: string; columns: number } {
  const w = new Writable({
    write(chunk, _enc, done) {
      w.text += String(chunk);
      done();
    },
  }) as Writable & { text: string; columns: number };
  w.text = '';
  w.columns = 60;
  return w;
}

describe('progress bar', () => {
  it('stays silent on a short run', () => {
    const out = sink();
    let t = 0;
    const bar = progressBar(out, () => t);
    bar.update(1, 2);
    t = 300;
    bar.update(2, 2);
    bar.done();
    expect(out.text).toBe('');
  });

  it('draws on one line once a run takes a while, at most every 100 ms, and clears itself', () => {
    const out = sink();
    let t = 0;
    const bar = progressBar(out, () => t);
    t = 600;
    bar.update(250, 1000);
    t = 650;
    bar.update(260, 1000); // too soon: not drawn
    t = 800;
    bar.update(500, 1000);
    bar.done();
    const frames = out.text.split('\r').filter((f) => f !== '');
    expect(frames).toHaveLength(3);
    expect(frames[0]).toMatch(/^█{8}░{22} 250\/1000 files$/);
    expect(frames[1]).toMatch(/^█{15}░{15} 500\/1000 files$/);
    expect(frames[2]).toBe('\x1b[2K');
  });
});
