import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {appendOwnFile, readOwnFile} from '../../container/agent-runner/src/own-files.js';
import {tempHome} from '../support/temp-home.js';

/** A folder with a regular file, a FIFO, a folder and a symlink to the FIFO. */
function folder(): string {
	const {root} = tempHome('babybot-own-files-');
	fs.writeFileSync(path.join(root, 'file'), 'héllo world');
	execFileSync('mkfifo', [path.join(root, 'fifo')]);
	fs.mkdirSync(path.join(root, 'dir'));
	fs.symlinkSync(path.join(root, 'fifo'), path.join(root, 'link-to-fifo'));
	return root;
}

describe('readOwnFile', () => {
	it.each([
		['a regular file, whole', 'file', 100, {text: 'héllo world', size: 12}],
		['a regular file, its first bytes only', 'file', 6, {text: 'héllo', size: 12}],
		['a FIFO: not waited on', 'fifo', 100, undefined],
		['a symlink to a FIFO', 'link-to-fifo', 100, undefined],
		['a folder', 'dir', 100, undefined],
		['a missing file', 'missing', 100, undefined],
	])('%s', (_label, name, maxBytes, expected) => {
		expect(readOwnFile(path.join(folder(), name), maxBytes)).toEqual(expected);
	});
});

describe('appendOwnFile', () => {
	it('appends to a regular file and creates a missing one', () => {
		const root = folder();
		appendOwnFile(path.join(root, 'file'), '!\n');
		appendOwnFile(path.join(root, 'new'), 'first\n');
		expect(fs.readFileSync(path.join(root, 'file'), 'utf8')).toBe('héllo world!\n');
		expect(fs.readFileSync(path.join(root, 'new'), 'utf8')).toBe('first\n');
	});

	it.each([['a FIFO', 'fifo'], ['a folder', 'dir']])('refuses %s at once', (_label, name) => {
		expect(() => appendOwnFile(path.join(folder(), name), 'x')).toThrow();
	});
});
