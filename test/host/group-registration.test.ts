// Every way a group is registered refuses the reserved folders and a folder that differs from a
// registered one only in letter case (one folder on a case-insensitive disk, as on macOS).
import {describe, expect, it} from 'vitest';
import {openDb} from '../../src/store/db.js';
import {GroupStore} from '../../src/store/groups.js';
import type {RegisteredGroup} from '../../src/api/types.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {toolResults} from '../support/probe.js';
import {startTestHost, type TestHost, closeAfterEach} from '../support/test-host.js';

let ollama: ScriptedOllama | undefined;
let host: TestHost | undefined;
const track = closeAfterEach();

const group = (jid: string, folder: string): RegisteredGroup => ({
	jid,
	name: folder,
	folder,
	trigger: '@Baby',
	requiresTrigger: true,
	isMain: false,
	addedAt: '2026-01-01T00:00:00.000Z',
	extraMounts: [],
	network: false,
});

const caseClash = (folder: string, taken: string) => `folder "${folder}" differs only in letter case from the group folder "${taken}" (the same folder on macOS): pick another folder name`;

describe('GroupStore.add', () => {
	it.each<[string, RegisteredGroup[], string | null]>([
		['another folder', [group('a', 'family'), group('b', 'work')], null],
		['the same folder', [group('a', 'family'), group('b', 'family')], 'folder "family" is already used by another group: pick another folder name'],
		['the folder in other letters', [group('a', 'Family'), group('b', 'family')], caseClash('family', 'Family')],
		['the folder in capitals', [group('a', 'family'), group('b', 'FAMILY')], caseClash('FAMILY', 'family')],
		['the same jid', [group('a', 'family'), group('a', 'work')], 'chat a is already registered: remove it first with `groups remove a`'],
	])('with %s', (_name, groups, problem) => {
		const store = new GroupStore(openDb(':memory:'));
		const [first, second] = groups;
		store.add(first);
		if (problem === null) store.add(second);
		else expect(() => store.add(second)).toThrow(problem);
		expect(store.all()).toHaveLength(problem === null ? 2 : 1);
	});
});

describe('registration through the host', () => {
	it.each<[string, string, RegExp | null]>([
		['a new folder', 'family', null],
		['main in capitals', 'Main', /differs only in letter case from the group folder "main"/],
		['the IPC quarantine', 'errors', /reserved for the IPC quarantine folder ipc\/errors/],
		['the global memory', 'Global', /reserved for the global memory/],
	])('the host API with %s', async (_name, folder, problem) => {
		ollama = track(await startScriptedOllama());
		host = track(await startTestHost({runtime: 'none', ollamaUrl: ollama.url}));
		const attempt = host.host.registerGroup({jid: 'x@g.us', name: 'X', folder, requiresTrigger: true});
		if (problem) await expect(attempt).rejects.toThrow(problem);
		else await expect(attempt).resolves.toMatchObject({folder});
		expect(host.host.snapshot().groups.map((g) => g.folder)).toEqual(problem ? ['main'] : ['main', folder]);
	});

	it('the register_group tool of main (IPC) is told why, and registers only the good folder', async () => {
		const register = (jid: string, folder: string) => ({name: 'register_group', arguments: {jid, name: folder, folder}});
		ollama = track(await startScriptedOllama({
			replies: [{toolCalls: [register('1@g.us', 'MAIN'), register('2@g.us', 'Errors'), register('3@g.us', 'family')]}, {content: 'done'}],
		}));
		host = track(await startTestHost({runtime: 'none', ollamaUrl: ollama.url}));
		expect(await host.ask('main', 'register three groups')).toMatchObject({ok: true, replies: ['done']});
		const [clash, reserved, ok] = toolResults(ollama.chatRequests[1]);
		expect(clash).toMatch(/differs only in letter case from the group folder "main"/);
		expect(reserved).toMatch(/reserved for the IPC quarantine folder ipc\/errors/);
		expect(JSON.parse(ok)).toEqual({folder: 'family'});
		expect(ok).not.toMatch(/denied|reserved|differs/);
		expect(host.host.snapshot().groups.map((g) => g.folder)).toEqual(['main', 'family']);
	});
});
