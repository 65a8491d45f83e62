import {describe, expect, it} from 'vitest';
import {IpcRateLimiter} from '../../src/ipc/ipc-limits.js';

const limiter = () => new IpcRateLimiter({message: {count: 3, windowMs: 60_000, what: 'messages (3 a minute)'}});

describe('IPC rate limits: at most N in any window', () => {
	it.each<[string, number[], Array<boolean | 'first'>]>([
		['within the limit', [0, 1, 2], [true, true, true]],
		['the fourth in a minute is refused (the first of a flood)', [0, 1, 2, 3], [true, true, true, 'first']],
		['a flood is told once', [0, 1, 2, 3, 4, 5], [true, true, true, 'first', false, false]],
		['the window slides: a minute after the first, one more', [0, 1, 2, 3, 60_000], [true, true, true, 'first', true]],
		['never more than N in any minute, however the requests are spread', [0, 20_000, 40_000, 59_999, 60_000, 60_001], [true, true, true, 'first', true, false]],
		['a flood after a quiet window is told again', [0, 1, 2, 3, 200_000, 200_001, 200_002, 200_003], [true, true, true, 'first', true, true, true, 'first']],
	])('%s', (_name, times, expected) => {
		const rate = limiter();
		const got = times.map((at) => {
			const verdict = rate.take('family', 'message', at);
			return verdict.ok ? true : verdict.firstOfFlood ? 'first' : false;
		});
		expect(got).toEqual(expected);
	});

	it('counts each group and type on its own, and leaves unlisted types alone', () => {
		const rate = limiter();
		for (let i = 0; i < 3; i++) rate.take('family', 'message', i);
		expect(rate.take('family', 'message', 5)).toMatchObject({ok: false, reason: expect.stringMatching(/^too many messages \(3 a minute\): this one was refused; try again in 60 s$/)});
		expect(rate.take('work', 'message', 5)).toEqual({ok: true});
		expect(rate.take('family', 'list_tasks', 5)).toEqual({ok: true});
	});
});
