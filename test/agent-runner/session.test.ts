import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {ChatMessage} from '../../container/agent-runner/src/protocol.js';
import {trimTranscript} from '../../container/agent-runner/src/session.js';
import {call, startFakeHost} from './fake-host.js';

const u = (content: string): ChatMessage => ({role: 'user', content});
const a = (content: string): ChatMessage => ({role: 'assistant', content});
const ac = (content: string): ChatMessage => ({role: 'assistant', content, tool_calls: [{function: {name: 'bash', arguments: {command: 'ls'}}}]});
const t = (content: string): ChatMessage => ({role: 'tool', content, tool_name: 'bash'});
const roles = (messages: ChatMessage[]) => messages.map((m) => `${m.role[0]}:${m.content}`).join(' ');

describe('trimTranscript', () => {
	it.each([
		['fits: unchanged', [u('1'), a('2')], {maxMessages: 10, maxChars: 1000}, 'u:1 a:2'],
		['too many messages: cut at a user message', [u('1'), a('2'), u('3'), a('4'), u('5'), a('6')], {maxMessages: 4, maxChars: 1000}, 'u:3 a:4 u:5 a:6'],
		['never starts at a tool message', [u('1'), ac('2'), t('3'), t('4'), a('5'), u('6'), a('7')], {maxMessages: 4, maxChars: 1000}, 'u:6 a:7'],
		['the char bound cuts too', [u('aaaa'), a('bbbb'), u('c'), a('d')], {maxMessages: 10, maxChars: 5}, 'u:c a:d'],
		[
			'a last turn too big keeps its prompt and final answer without the tool exchange',
			[u('1'), a('2'), u('3'), ac('4'), t('5'), ac('6'), t('7'), a('8')],
			{maxMessages: 3, maxChars: 1000},
			'u:3 a:8',
		],
		['a last turn with no final answer keeps its prompt', [u('1'), ac('2'), t('3')], {maxMessages: 2, maxChars: 1000}, 'u:1'],
		['a huge prompt alone is cut to the char bound', [u('x'.repeat(50))], {maxMessages: 10, maxChars: 10}, `u:${'x'.repeat(10)}`],
		['empty', [], {maxMessages: 10, maxChars: 10}, ''],
	])('%s', (_label, messages, bounds, expected) => {
		const trimmed = trimTranscript(messages, bounds);
		expect(roles(trimmed)).toBe(expected);
		expect(trimmed[0]?.role ?? 'user').toBe('user');
	});
});

describe('sessions', () => {
	it('group mode saves the transcript after each turn and loads it in the next run', async () => {
		const first = startFakeHost({replies: [{toolCalls: [call('bash', {command: 'echo hi'})]}, {content: 'first answer'}]});
		await first.turnDone('t1');
		await first.stop();
		const saved = JSON.parse(fs.readFileSync(path.join(first.paths.session, 'transcript.json'), 'utf8'));
		expect(saved.messages.map((m: ChatMessage) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
		expect(fs.readdirSync(first.paths.session)).toEqual(['transcript.json']);

		const second = startFakeHost({
			prepare: (paths) => fs.copyFileSync(path.join(first.paths.session, 'transcript.json'), path.join(paths.session, 'transcript.json')),
			replies: [{content: 'second answer'}],
		});
		await second.turnDone('t1');
		const history = second.requests[0].messages.slice(1).map((m) => m.role);
		expect(history).toEqual(['user', 'assistant', 'tool', 'assistant', 'user']);
		await second.stop();
	});

	it('isolated mode neither loads nor saves, but keeps follow-ups of the same run together', async () => {
		const host = startFakeHost({
			contextMode: 'isolated',
			prepare: (paths) => fs.writeFileSync(path.join(paths.session, 'transcript.json'), JSON.stringify({messages: [u('OLD'), a('OLD')]})),
			replies: [{content: 'one'}, {content: 'two'}],
		});
		await host.turnDone('t1');
		expect(JSON.stringify(host.requests[0].messages)).not.toContain('OLD');
		host.send({type: 'turn', turnId: 't2', prompt: 'again'});
		await host.turnDone('t2');
		expect(host.requests[1].messages.slice(1).map((m) => m.content)).toEqual([host.start.turn.prompt, 'one', 'again']);
		await host.stop();
		expect(JSON.parse(fs.readFileSync(path.join(host.paths.session, 'transcript.json'), 'utf8')).messages).toEqual([u('OLD'), a('OLD')]);
	});

	it('a damaged transcript is moved aside, never deleted, and a new session starts', async () => {
		const host = startFakeHost({prepare: (paths) => fs.writeFileSync(path.join(paths.session, 'transcript.json'), '{not json'), replies: [{content: 'ok'}]});
		await host.turnDone('t1');
		await host.stop();
		const names = fs.readdirSync(host.paths.session);
		const aside = names.find((n) => n.startsWith('transcript.json.damaged-'))!;
		expect(fs.readFileSync(path.join(host.paths.session, aside), 'utf8')).toBe('{not json');
		expect(host.sent).toContainEqual(expect.objectContaining({type: 'log', level: 'warn', msg: expect.stringContaining('could not be read')}));
	});
});

describe('compact and clear', () => {
	const history = (paths: {session: string}) =>
		fs.writeFileSync(path.join(paths.session, 'transcript.json'), JSON.stringify({messages: [u('my cat is Tom'), a('Nice!')]}));

	it('compact asks for a summary and keeps it as the new session start', async () => {
		const host = startFakeHost({prepare: history, turn: {prompt: '/compact', command: 'compact'}, replies: [{content: '<internal>thinking</internal>User has a cat named Tom.'}, {content: 'Tom!'}]});
		expect((await host.turnDone('t1')).ok).toBe(true);
		// The same tools as a turn: the request shares the turn's prompt prefix (Ollama's cache).
		expect(host.requests[0].tools.map((tool) => tool.function.name)).toContain('bash');
		expect(host.requests[0].messages.at(-1)!.content).toMatch(/^Summarise our conversation/);
		expect(host.outputs('t1')).toEqual(['Conversation compacted: I kept a summary and dropped the old messages.']);
		const saved = JSON.parse(fs.readFileSync(path.join(host.paths.session, 'transcript.json'), 'utf8'));
		expect(saved).toMatchObject({summary: 'User has a cat named Tom.', messages: []});
		host.send({type: 'turn', turnId: 't2', prompt: 'what is my cat called?'});
		await host.turnDone('t2');
		expect(host.requests[1].messages[0].content).toContain('## Summary of the conversation so far\nUser has a cat named Tom.');
		expect(host.requests[1].messages.slice(1).map((m) => m.content)).toEqual(['what is my cat called?']);
		await host.stop();
	});

	it('clear summarises into MEMORY.md under a dated heading and empties the session', async () => {
		const host = startFakeHost({
			prepare: (paths) => {
				history(paths);
				fs.writeFileSync(path.join(paths.group, 'MEMORY.md'), '# Memory\n- existing fact\n');
			},
			now: () => new Date('2030-05-06T07:08:09Z'),
			turn: {prompt: '/clear', command: 'clear'},
			replies: [{content: '- Cat is named Tom'}],
		});
		expect((await host.turnDone('t1')).ok).toBe(true);
		expect(host.outputs('t1')).toEqual(['Cleared: I saved the key points to memory and started a fresh conversation.']);
		expect(fs.readFileSync(path.join(host.paths.group, 'MEMORY.md'), 'utf8')).toBe('# Memory\n- existing fact\n\n## Session notes 2030-05-06 07:08 UTC\n\n- Cat is named Tom\n');
		await host.stop();
		expect(JSON.parse(fs.readFileSync(path.join(host.paths.session, 'transcript.json'), 'utf8')).messages).toEqual([]);
	});

	it('a failed summary leaves the session as it was', async () => {
		const host = startFakeHost({prepare: history, turn: {prompt: '/compact', command: 'compact'}, replies: [{error: 'Ollama is not reachable'}]});
		const done = await host.turnDone('t1');
		expect(done.ok).toBe(false);
		expect(done.error).toContain('Ollama is not reachable; the session was left as it was');
		await host.stop();
		expect(JSON.parse(fs.readFileSync(path.join(host.paths.session, 'transcript.json'), 'utf8')).messages).toEqual([u('my cat is Tom'), a('Nice!')]);
	});

	it('compacting an empty session answers without asking the model', async () => {
		const host = startFakeHost({turn: {prompt: '/compact', command: 'compact'}});
		expect((await host.turnDone('t1')).ok).toBe(true);
		expect(host.requests).toEqual([]);
		expect(host.outputs()).toEqual(['Nothing to compact yet: the conversation is empty.']);
		await host.stop();
	});
});
