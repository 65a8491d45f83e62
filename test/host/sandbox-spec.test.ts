import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {unwritableBySandbox} from '../../src/host/sandbox-spec.js';
import {tempHome} from '../support/temp-home.js';

describe('unwritableBySandbox', () => {
	const folder = (root: string, name: string, mode: number) => {
		const dir = path.join(root, name);
		fs.mkdirSync(dir);
		fs.chmodSync(dir, mode);
		return dir;
	};

	it.each([
		['nobody may write', 0o555, true],
		['everybody may write', 0o777, false],
	])('with a root host, a read-write mount that %s is reported: %s', (_what, mode, reported) => {
		const {root} = tempHome();
		const dir = folder(root, 'shared', mode);
		expect(unwritableBySandbox([{hostPath: dir, readonly: false}], 0)).toEqual(reported ? [dir] : []);
	});

	it('ignores read-only mounts, missing folders and non-root hosts (the sandbox runs as the host user there)', () => {
		const {root} = tempHome();
		const locked = folder(root, 'locked', 0o555);
		expect(unwritableBySandbox([{hostPath: locked, readonly: true}], 0)).toEqual([]);
		expect(unwritableBySandbox([{hostPath: path.join(root, 'gone'), readonly: false}], 0)).toEqual([]);
		expect(unwritableBySandbox([{hostPath: locked, readonly: false}], 501)).toEqual([]);
	});
});
