import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {IpcClient} from '../../container/agent-runner/src/ipc-client.js';
import {MessageWriter} from '../../container/agent-runner/src/json-lines.js';
import {MemoryClient} from '../../container/agent-runner/src/memory-client.js';
import type {StartMessage} from '../../container/agent-runner/src/protocol.js';
import {runToolCall} from '../../container/agent-runner/src/tool-loop.js';
import {toolsFor} from '../../container/agent-runner/src/tools/registry.js';
import type {ToolContext} from '../../container/agent-runner/src/tools/tool.js';
import {WebClient} from '../../container/agent-runner/src/web-client.js';
import {Workspace} from '../../container/agent-runner/src/workspace.js';
import {tempHome} from '../support/temp-home.js';
import {call, makePaths} from './fake-host.js';

/** A non-main workspace (global read-only) with an outside folder and symlinks pointing out and in. */
function setup(toolOutputChars = 4000) {
	const {root} = tempHome('babybot-files-');
	const paths = makePaths(root, false);
	fs.mkdirSync(path.join(root, 'outside'));
	fs.writeFileSync(path.join(root, 'outside', 'secret.txt'), 'SECRET');
	fs.writeFileSync(path.join(paths.group, 'notes.txt'), 'one two two');
	fs.writeFileSync(path.join(paths.global, 'MEMORY.md'), 'global facts');
	fs.symlinkSync(path.join(root, 'outside'), path.join(paths.group, 'link-out'));
	fs.symlinkSync(paths.global, path.join(paths.group, 'link-global'));
	const start = {
		group: {folder: 'family', name: 'Family', isMain: false, chatJid: 'family@g.us'},
		paths,
		limits: {maxToolRounds: 8, toolOutputChars, ipcAckTimeoutMs: 1000},
	} as StartMessage;
	const writer = new MessageWriter(new PassThrough());
	const context: ToolContext = {
		start,
		workspace: new Workspace(paths),
		ipc: new IpcClient({ipcDir: paths.ipc, ackTimeoutMs: 1000}),
		web: new WebClient(writer, 'run-1'),
		memory: new MemoryClient(writer, 'run-1'),
	};
	const tools = toolsFor(start.group);
	const run = (name: string, args: Record<string, unknown>) => runToolCall(call(name, args), tools, context);
	return {root, paths, run};
}

describe('file tools', () => {
	it.each([
		['read_file', {path: '../outside/secret.txt'}, 'is outside the workspace'],
		['read_file', {path: '/etc/passwd'}, 'is outside the workspace'],
		['read_file', {path: 'link-out/secret.txt'}, 'is outside the workspace'],
		['list_files', {path: 'link-out'}, 'is outside the workspace'],
		['write_file', {path: 'link-out/new.txt', content: 'x'}, 'is outside the workspace'],
		['write_file', {path: '../outside/new.txt', content: 'x'}, 'is outside the workspace'],
		['write_file', {path: 'link-global/MEMORY.md', content: 'x'}, 'is read-only here'],
		['edit_file', {path: 'link-global/MEMORY.md', old: 'global', new: 'x'}, 'is read-only here'],
	])('%s %j is refused', async (name, args, expected) => {
		const {root, run} = setup();
		const result = await run(name, args);
		expect(result).toMatch(/^error: /);
		expect(result).toContain(expected);
		expect(fs.readFileSync(path.join(root, 'outside', 'secret.txt'), 'utf8')).toBe('SECRET');
		expect(fs.existsSync(path.join(root, 'outside', 'new.txt'))).toBe(false);
	});

	it('writes under the read-only global folder are refused by absolute path too, reads are allowed', async () => {
		const {paths, run} = setup();
		expect(await run('write_file', {path: path.join(paths.global, 'MEMORY.md'), content: 'x'})).toContain('is read-only here');
		expect(await run('read_file', {path: path.join(paths.global, 'MEMORY.md')})).toBe('global facts');
		expect(await run('read_file', {path: 'link-global/MEMORY.md'})).toBe('global facts');
	});

	it('writes, edits, reads and lists inside the group folder', async () => {
		const {paths, run} = setup();
		expect(await run('write_file', {path: 'sub/dir/a.txt', content: 'hello'})).toBe('wrote 5 bytes to sub/dir/a.txt');
		expect(fs.readFileSync(path.join(paths.group, 'sub/dir/a.txt'), 'utf8')).toBe('hello');
		expect(await run('edit_file', {path: 'notes.txt', old: 'one', new: 'ONE'})).toBe('edited notes.txt');
		expect(await run('read_file', {path: 'notes.txt'})).toBe('ONE two two');
		expect(await run('list_files', {})).toBe(['link-global@', 'link-out@', 'notes.txt', 'sub/'].join('\n'));
	});

	it.each([
		[{old: 'two', new: 'x'}, 'occurs 2 times'],
		[{old: 'three', new: 'x'}, 'does not occur'],
	])('edit_file refuses %j unless old occurs exactly once', async (args, expected) => {
		const {paths, run} = setup();
		expect(await run('edit_file', {path: 'notes.txt', ...args})).toContain(expected);
		expect(fs.readFileSync(path.join(paths.group, 'notes.txt'), 'utf8')).toBe('one two two');
	});

	it('reads only the start of a big file, with a note', async () => {
		const {paths, run} = setup(100);
		fs.writeFileSync(path.join(paths.group, 'big.txt'), 'y'.repeat(10_000));
		const result = await run('read_file', {path: 'big.txt'});
		expect(result).toBe(`${'y'.repeat(100)}\n[file cut: bytes 0-100 of 10000 shown; read on with read_file {"path": "big.txt", "offset": 100}]`);
		expect(await run('read_file', {path: 'big.txt', offset: 9950})).toBe('y'.repeat(50));
		expect(await run('read_file', {path: 'big.txt', offset: 20_000})).toBe('error: offset 20000 is past the end of "big.txt" (10000 bytes)');
	});

	it.each([
		['read_file', {path: 'pipe'}, 'error: "pipe" is not a regular file; read it with bash and a timeout'],
		['edit_file', {path: 'pipe', old: 'a', new: 'b'}, 'error: "pipe" is not a regular file; only a regular file can be edited'],
	])('%s refuses a FIFO at once instead of waiting on it', async (name, args, expected) => {
		const {paths, run} = setup();
		execFileSync('mkfifo', [path.join(paths.group, 'pipe')]);
		expect(await run(name, args)).toBe(expected);
	});

	it('says a missing file does not exist', async () => {
		const {run} = setup();
		expect(await run('read_file', {path: 'nope.txt'})).toBe('error: "nope.txt" does not exist; use list_files to see what is there');
	});
});
