import {describe, expect, it} from 'vitest';
import {decideWorkerMode} from '../../src/app/run-inputs.js';

describe('HARDSTOP_DECIDE_WORKER', () => {
  it.each([
    [undefined, 'never'],
    ['', 'never'],
    ['never', 'never'],
    ['auto', 'auto'],
    ['always', 'always'],
  ])('%s → %s (one thread unless asked: the worker did not pay where measured)', (value, mode) => {
    expect(decideWorkerMode(value === undefined ? {} : {HARDSTOP_DECIDE_WORKER: value})).toBe(mode);
  });

  it.each(['yes', 'AUTO', '2'])('"%s" is a configuration error naming the variable and the allowed values', (value) => {
    expect(() => decideWorkerMode({HARDSTOP_DECIDE_WORKER: value})).toThrow(expect.objectContaining({code: 'CONFIG_ENV_INVALID', message: expect.stringContaining('HARDSTOP_DECIDE_WORKER'), hint: expect.stringContaining('auto, always, never')}));
  });
});
