import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {openDb, type Db} from '../../src/store/db.js';
import {TaskStore} from '../../src/store/tasks.js';
import type {ScheduledTask} from '../../src/api/types.js';
import {tempHome} from '../support/temp-home.js';

const dbs: Db[] = [];
afterEach(() => {
	for (const db of dbs.splice(0)) db.close();
});

const task = (overrides: Partial<ScheduledTask> = {}): ScheduledTask => ({
	id: 't1',
	groupFolder: 'main',
	chatJid: 'local:main',
	prompt: 'p',
	scheduleType: 'interval',
	scheduleValue: '60000',
	contextMode: 'isolated',
	misfire: 'once',
	nextRun: '2025-01-01T10:01:00.000Z',
	lastRun: null,
	lastResult: null,
	status: 'active',
	createdAt: '2025-01-01T10:00:00.000Z',
	...overrides,
});

function store() {
	const db = openDb(path.join(tempHome().root, 'db.sqlite'));
	dbs.push(db);
	return new TaskStore(db);
}

describe('TaskStore.claimSlot', () => {
	it.each([
		['the current slot of an active task', {}, '2025-01-01T10:01:00.000Z', true],
		['a slot already moved on', {}, '2025-01-01T10:00:00.000Z', false],
		['a paused task', {status: 'paused' as const}, '2025-01-01T10:01:00.000Z', false],
		['a completed task', {status: 'completed' as const, nextRun: null}, '2025-01-01T10:01:00.000Z', false],
	])('claims %s: %s', (_name, overrides, slot, claimed) => {
		const tasks = store();
		tasks.create(task(overrides));
		expect(tasks.claimSlot('t1', slot, '2025-01-01T10:02:00.000Z')).toBe(claimed);
		expect(tasks.claimSlot('t1', slot, '2025-01-01T10:02:00.000Z')).toBe(false);
	});

	it('completes a task when the claim has no next run, and lists due tasks by time', () => {
		const tasks = store();
		tasks.create(task({id: 'late', nextRun: '2025-01-01T10:05:00.000Z'}));
		tasks.create(task({id: 'early', nextRun: '2025-01-01T10:01:00.000Z', scheduleType: 'once'}));
		tasks.create(task({id: 'paused', nextRun: '2025-01-01T09:00:00.000Z', status: 'paused'}));
		expect(tasks.due(Date.parse('2025-01-01T10:05:00.000Z')).map((t) => t.id)).toEqual(['early', 'late']);
		expect(tasks.claimSlot('early', '2025-01-01T10:01:00.000Z', null)).toBe(true);
		expect(tasks.get('early')).toMatchObject({status: 'completed', nextRun: null});
		expect(tasks.upcoming()).toEqual([{id: 'late', nextRun: '2025-01-01T10:05:00.000Z'}]);
	});
});
