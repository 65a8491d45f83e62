import {describe, expect, it} from 'vitest';
import {folderProblem, groupPaths, homePaths} from '../src/paths.js';

describe('group folder validation', () => {
	it.each([
		['main', null],
		['family-chat', null],
		['Work_2', null],
		['a', null],
		['x'.repeat(64), null],
		['x'.repeat(65), /must be 1-64/],
		['global', /reserved/],
		['GLOBAL', /reserved for the global memory/],
		['errors', /reserved for the IPC quarantine folder ipc\/errors/],
		['Errors', /reserved/],
		['errors2', null],
		['', /must be/],
		['-dash', /must be/],
		['_under', /must be/],
		['../etc', /must be/],
		['a/b', /must be/],
		['a b', /must be/],
		['.hidden', /must be/],
		['ünïcode', /must be/],
	])('%j → %s (for groups and for IPC alike)', (folder, problem) => {
		const result = folderProblem(folder);
		if (problem === null) expect(result).toBeNull();
		else expect(result).toMatch(problem);
	});

	it('resolves group paths inside their parents and refuses invalid folders', () => {
		const paths = homePaths('/tmp/h');
		expect(groupPaths(paths, 'fam')).toEqual({group: '/tmp/h/groups/fam', ipc: '/tmp/h/ipc/fam', session: '/tmp/h/sessions/fam'});
		expect(() => groupPaths(paths, '..')).toThrow(/must be/);
	});
});
