import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { takeTurns } from '../../src/http/turns.js';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('takeTurns', () => {
  it('lets a due timer run between two requests that arrived together', async () => {
    const turns = takeTurns();
    const order: string[] = [];
    const done = new Promise<void>((resolve) => {
      const request = (name: string, last = false): NextFunction => (() => {
        order.push(name);
        busy(5); // a computed list's synchronous part
        if (last) resolve();
      }) as NextFunction;
      turns({} as Request, {} as Response, request('a'));
      turns({} as Request, {} as Response, request('b'));
      turns({} as Request, {} as Response, request('c', true));
    });
    setTimeout(() => order.push('timer'), 1);
    await done;
    // Without turns: a, b, c back to back, the timer after all three.
    expect(order.indexOf('timer')).toBeGreaterThan(-1);
    expect(order.indexOf('timer')).toBeLessThan(order.indexOf('c'));
    expect(order.filter((x) => x !== 'timer')).toEqual(['a', 'b', 'c']);
  });

  it('serves requests in arrival order, also after the queue was compacted', async () => {
    const turns = takeTurns();
    const seen: number[] = [];
    const n = 3000;
    await new Promise<void>((resolve) => {
      for (let i = 0; i < n; i++) turns({} as Request, {} as Response, (() => {
        seen.push(i);
        if (i === n - 1) resolve();
      }) as NextFunction);
    });
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
  });
});
