import {describe, expect, it} from 'vitest';
import {shellPath, statxCompatDir} from '../../container/agent-runner/src/shell-compat.js';

const base = '/usr/local/bin:/usr/bin:/bin';
const compatStat = `${statxCompatDir}/stat`;

describe('shellPath', () => {
	it.each([
		['GNU stat works: PATH unchanged', {stat: true, [compatStat]: true}, base, {path: base, compat: false}],
		['GNU stat fails, busybox stat works: the compat folder first', {stat: false, [compatStat]: true}, base, {path: `${statxCompatDir}:${base}`, compat: true}],
		['GNU stat fails and there is no compat stat (another image): PATH unchanged', {stat: false, [compatStat]: false}, base, {path: base, compat: false}],
		['the compat folder already in PATH: not added twice', {stat: false, [compatStat]: true}, `${statxCompatDir}:${base}`, {path: `${statxCompatDir}:${base}`, compat: false}],
	])('%s', (_label, works: Record<string, boolean>, current, expected) => {
		expect(shellPath(current, (command) => works[command] ?? false, statxCompatDir, () => true)).toEqual(expected);
	});

	it('probes nothing where there is no compat folder (the none runtime)', () => {
		const probed: string[] = [];
		expect(shellPath(base, (command) => (probed.push(command), false), statxCompatDir, () => false)).toEqual({path: base, compat: false});
		expect(probed).toEqual([]);
	});
});
