// The Groups pane's memory: the group's details show its memory file, budget, the versions the host
// kept and the newest one's diff; the restore key asks which version and restores it.
import {afterEach, describe, expect, it} from 'vitest';
import type {MemoryDetailsView} from '../../src/api/memory-views.js';
import {memoryLines, restoreChoices} from '../../src/ui/group-memory.js';
import {FakeHost} from '../support/fake-host.js';
import {renderApp, waitFor, type RenderedApp} from './render-app.js';

let app: RenderedApp | undefined;
afterEach(() => app?.unmount());

const view: MemoryDetailsView = {
	groupFolder: 'main',
	files: [
		{
			file: 'group',
			path: '/home/me/.babybot/groups/main/MEMORY.md',
			chars: 40,
			budgetChars: 4000,
			versions: [
				{id: '20260201T090000000Z-restore', savedAt: '2026-02-01T09:00:00.000Z', reason: 'restore', chars: 40},
				{id: '20260101T080000000Z-compaction', savedAt: '2026-01-01T08:00:00.000Z', reason: 'compaction', chars: 9000},
			],
			diff: ['- - fact 1', '+ - facts, merged'],
		},
		{file: 'global', path: '/home/me/.babybot/groups/global/MEMORY.md', chars: null, budgetChars: 4000, versions: [{id: '20260105T000000000Z-compaction', savedAt: '2026-01-05T00:00:00.000Z', reason: 'compaction', chars: 5000}], diff: ['- - shared']},
	],
};

describe('memory lines', () => {
	it('number the versions across the files, as the restore prompt does', () => {
		expect(memoryLines(view)).toEqual([
			'memory:',
			'  MEMORY.md: 40 characters · budget 4,000 (compacted at the next run above it)',
			'    /home/me/.babybot/groups/main/MEMORY.md',
			'  versions kept by the host (m to restore one):',
			'    1  2026-02-01 09:00  replaced by a restore  40 characters',
			'    2  2026-01-01 08:00  before compaction  9,000 characters',
			'  version 1 → now:',
			'    - - fact 1',
			'    + - facts, merged',
			'  global MEMORY.md: none yet · budget 4,000 (compacted at the next run above it)',
			'    /home/me/.babybot/groups/global/MEMORY.md',
			'  versions kept by the host (m to restore one):',
			'    3  2026-01-05 00:00  before compaction  5,000 characters',
			'  version 3 → now:',
			'    - - shared',
		]);
		expect(restoreChoices(view).map((choice) => [choice.file, choice.id])).toEqual([
			['group', '20260201T090000000Z-restore'],
			['group', '20260101T080000000Z-compaction'],
			['global', '20260105T000000000Z-compaction'],
		]);
		expect(memoryLines({groupFolder: 'x', files: [{file: 'group', path: '/p', chars: 3, problem: 'MEMORY.md is a symlink', budgetChars: null, versions: [], diff: []}]})).toEqual([
			'memory:',
			'  MEMORY.md: cannot be read (MEMORY.md is a symlink)',
			'    /p',
			'  no earlier version kept',
		]);
	});
});

describe('the Groups pane', () => {
	it("shows the group's memory in its details and restores the version the operator names", async () => {
		const host = new FakeHost();
		host.memory.set('main', view);
		app = renderApp(host, {size: {columns: 120, rows: 40}});
		await app.waitForText('FOLDER');
		await app.typeAndWait('\r', 'versions kept by the host (m to restore one):');
		expect(app.frame()).toContain('2  2026-01-01 08:00  before compaction  9,000 characters');
		expect(app.frame()).toContain('+ - facts, merged');
		await app.typeAndWait('\u001b', 'FOLDER');

		await app.typeAndWait('m', "Restore which version of main's memory? (1 is the newest of 3 kept; Enter on the group lists them)");
		app.type('\u0015');
		app.type('2\r');
		await waitFor(() => host.callsOf('restoreMemory').length === 1, app.frame);
		expect(host.callsOf('restoreMemory')).toEqual([['main', 'group', '20260101T080000000Z-compaction']]);
		await app.waitForText('restored MEMORY.md of 2026-01-01 08:00 for main (the text it replaced is kept as a version)');

		await app.typeAndWait('m', 'Restore which version');
		app.type('\u0015');
		app.type('3\r');
		await waitFor(() => host.callsOf('restoreMemory').length === 2);
		expect(host.callsOf('restoreMemory')[1]).toEqual(['main', 'global', '20260105T000000000Z-compaction']);

		await app.typeAndWait('m', 'Restore which version');
		app.type('\u0015');
		app.type('9\r');
		await app.waitForText('"9" is not one of the versions: give a number from 1 to 3');
		expect(host.callsOf('restoreMemory')).toHaveLength(2);
	});

	it('says when no version is kept, and shows what went wrong', async () => {
		const host = new FakeHost();
		app = renderApp(host);
		await app.waitForText('FOLDER');
		await app.typeAndWait('m', "no earlier version of main's memory is kept");
		host.failures.set('restoreMemory', 'MEMORY.md could not be replaced (EISDIR): move what is there away and try again');
		host.memory.set('main', view);
		await app.typeAndWait('m', 'Restore which version');
		app.type('\r');
		await app.waitForText('MEMORY.md could not be replaced (EISDIR)');
	});
});
