import {describe, expect, it} from 'vitest';
import {LogStore} from '../../src/log-store.js';
import {LogView, nextLevel} from '../../src/ui/log-view.js';
import type {LogLine} from '../../src/api/types.js';

function storeWith(count: number, capacity = 1000): LogStore {
	const store = new LogStore(capacity);
	for (let i = 0; i < count; i++) store.push({time: 0, level: i % 2 ? 'info' : 'warn', msg: `m${i}`, fields: i % 3 === 0 ? 'group=a' : ''});
	return store;
}

describe('LogView', () => {
	it('without a filter reads the ring directly', () => {
		const view = new LogView(storeWith(10), {minLevel: 'trace', text: ''});
		expect(view.size).toBe(10);
		expect(view.slice(8, 20).map((line) => line.msg)).toEqual(['m8', 'm9']);
	});

	it.each<[LogLine['level'], string, number]>([
		['warn', '', 5],
		['trace', 'group=a', 4],
		['warn', 'group=a', 2],
		['error', '', 0],
	])('level ≥ %s and text %j keep %d of 10 lines', (minLevel, text, expected) => {
		expect(new LogView(storeWith(10), {minLevel, text}).size).toBe(expected);
	});

	it('extends a filtered view batch by batch and counts what arrived', () => {
		const store = storeWith(10);
		const view = new LogView(store, {minLevel: 'warn', text: ''});
		const before = view.appended;
		store.push({time: 0, level: 'error', msg: 'boom', fields: ''});
		store.push({time: 0, level: 'info', msg: 'quiet', fields: ''});
		view.append([store.at(10)!, store.at(11)!]);
		view.append([store.at(10)!]);
		expect(view.size).toBe(6);
		expect(view.appended - before).toBe(1);
		expect(view.at(5)?.msg).toBe('boom');
	});

	it('drops lines the ring overwrote and finds lines by sequence number', () => {
		const store = storeWith(10, 10);
		const view = new LogView(store, {minLevel: 'warn', text: ''});
		const pushed: LogLine[] = [];
		for (let i = 10; i < 14; i++) {
			store.push({time: 0, level: 'warn', msg: `n${i}`, fields: ''});
			pushed.push(store.at(store.size - 1)!);
		}
		view.append(pushed);
		expect(view.slice(0, view.size).map((line) => line.msg)).toEqual(['m4', 'm6', 'm8', 'n10', 'n11', 'n12', 'n13']);
		expect(view.indexOfSeq(store.at(store.size - 1)!.seq)).toBe(6);
		expect(view.indexOfSeq(0)).toBe(0);
	});

	it.each<[LogLine['level'], LogLine['level']]>([
		['trace', 'debug'],
		['warn', 'error'],
		['error', 'trace'],
	])('nextLevel(%s) = %s', (level, next) => {
		expect(nextLevel(level)).toBe(next);
	});
});
