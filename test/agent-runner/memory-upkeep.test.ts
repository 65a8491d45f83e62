// Memory upkeep in the agent-runner: compaction before the first turn when the host asks for it,
// and auto-memory's one short request after a turn the host flagged.
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {lastingFactRequest, newMemoryLines} from '../../container/agent-runner/src/auto-memory.js';
import {compactionSystemPrompt, compactionTarget, splitForCompaction} from '../../container/agent-runner/src/memory-compaction.js';
import type {ContextBudget, LlmRequestMessage} from '../../container/agent-runner/src/protocol.js';
import {defaultBudget} from '../../container/agent-runner/src/token-budget.js';
import {call, startFakeHost, type FakeHost, type ScriptReply} from './fake-host.js';

let host: FakeHost | undefined;
afterEach(async () => {
	await host?.stop();
	host = undefined;
});

const longMemory = Array.from({length: 300}, (_, n) => `- fact number ${n}: the user said something about day ${n}`).join('\n');
const isCompaction = (request: LlmRequestMessage) => request.messages[0].content === compactionSystemPrompt;
const isFactCheck = (request: LlmRequestMessage) => request.messages.at(-1)?.content === lastingFactRequest;
const memoryOf = (fake: FakeHost, dir: 'group' | 'global' = 'group') => fs.readFileSync(path.join(fake.paths[dir], 'MEMORY.md'), 'utf8');

describe('memory compaction before the first turn', () => {
	it('rewrites a file the host named with one bounded request, and the turn sees the new memory', async () => {
		host = startFakeHost({
			prepare: (paths) => fs.writeFileSync(path.join(paths.group, 'MEMORY.md'), longMemory),
			start: {memory: {compact: ['group']}},
			replies: [{content: '```markdown\n# Memory\n- The user keeps a diary of 300 days.\n```'}, {content: 'hello'}],
		});
		await host.turnDone('t1');
		const [compaction, turn] = host.requests;
		expect(isCompaction(compaction)).toBe(true);
		expect(compaction.tools).toEqual([]);
		expect(compaction.messages[1].content).toContain(`in at most ${compactionTarget(defaultBudget)} characters`);
		expect(compaction.messages[1].content).toContain('- fact number 299');
		expect(memoryOf(host)).toBe('# Memory\n- The user keeps a diary of 300 days.\n');
		expect(turn.messages[0].content).toContain('- The user keeps a diary of 300 days.');
		expect(turn.messages[0].content).not.toContain('fact number');
		expect(host.sent).toContainEqual({type: 'log', level: 'info', msg: `memory ${path.join(host.paths.group, 'MEMORY.md')}: compacted from ${longMemory.length} to 46 characters (the host kept the old text)`});
		expect(host.outputs('t1')).toEqual(['hello']);
	});

	it.each<[string, ScriptReply, string]>([
		['no shorter', {content: `${longMemory}\n- one more`}, 'not compacted: the rewrite'],
		['empty', {content: '<think>hmm</think>'}, 'not compacted: the rewrite was empty'],
		['a model error', {error: 'Ollama is not reachable'}, 'not compacted: the model could not answer (Ollama is not reachable)'],
	])('keeps the file as it was when the rewrite is %s, and answers the turn', async (_name, reply, why) => {
		host = startFakeHost({prepare: (paths) => fs.writeFileSync(path.join(paths.group, 'MEMORY.md'), longMemory), start: {memory: {compact: ['group']}}, replies: [reply, {content: 'hello'}]});
		expect((await host.turnDone('t1')).ok).toBe(true);
		expect(memoryOf(host)).toBe(longMemory);
		expect(host.sent.some((message) => message.type === 'log' && message.level === 'warn' && message.msg.includes(why))).toBe(true);
	});

	it('compacts the global memory only where it is writable, and nothing the host did not name', async () => {
		const prepare = (paths: FakeHost['paths']) => {
			fs.writeFileSync(path.join(paths.group, 'MEMORY.md'), longMemory);
			fs.writeFileSync(path.join(paths.global, 'MEMORY.md'), longMemory);
		};
		host = startFakeHost({isMain: false, prepare, start: {memory: {compact: ['global']}}, replies: [{content: 'hello'}]});
		await host.turnDone('t1');
		expect(host.requests.filter(isCompaction)).toEqual([]);
		await host.stop();

		host = startFakeHost({isMain: true, prepare, start: {memory: {compact: ['global']}}, replies: [{content: '- shared, short'}, {content: 'hello'}]});
		await host.turnDone('t1');
		expect(memoryOf(host, 'global')).toBe('- shared, short\n');
		expect(memoryOf(host, 'group')).toBe(longMemory);
	});

	it('sends the start of a file too long for one request and keeps the rest as it is', () => {
		const small: ContextBudget = {numCtx: 4096, reserveTokens: 512, charsPerToken: 3};
		const text = Array.from({length: 2000}, (_, n) => `- line ${n}`).join('\n');
		const {head, tail} = splitForCompaction(text, small);
		expect(head.length).toBeLessThan(text.length);
		expect(head.length).toBeGreaterThan(5000);
		expect(`${head}\n${tail}`).toBe(text);
		expect(head.endsWith('\n')).toBe(false);
		expect(splitForCompaction('short', small)).toEqual({head: 'short', tail: ''});
	});
});

describe('auto-memory', () => {
	const flagged = (prompt: string) => ({turnId: 't1', prompt: `<messages>\n<message sender="Ann" time="t">${prompt}</message>\n</messages>`, checkLastingFacts: true});

	it('after a flagged turn asks once, on the same prefix, and appends the new lines; the chat sees only the answer', async () => {
		host = startFakeHost({
			prepare: (paths) => fs.writeFileSync(path.join(paths.group, 'MEMORY.md'), '# Memory\n- Lives in Bern'),
			turn: flagged('I prefer tea to coffee'),
			replies: [{content: 'Noted, tea it is.'}, {content: '- Prefers tea to coffee\n- Lives in Bern\nsome chatter'}],
		});
		await host.turnDone('t1');
		expect(host.requests).toHaveLength(2);
		const [answer, check] = host.requests;
		expect(isFactCheck(check)).toBe(true);
		expect(check.messages.slice(0, answer.messages.length)).toEqual(answer.messages);
		expect(check.messages.at(-2)).toEqual({role: 'assistant', content: 'Noted, tea it is.'});
		expect(memoryOf(host)).toBe('# Memory\n- Lives in Bern\n- Prefers tea to coffee\n');
		expect(host.outputs()).toEqual(['Noted, tea it is.']);
		expect(host.sent.filter((message) => message.type === 'delta').map((message) => (message as {text: string}).text).join('')).toBe('Noted, tea it is.');

		host.send({type: 'turn', turnId: 't2', prompt: 'what do I drink?'});
		await host.turnDone('t2');
		expect(host.requests).toHaveLength(3);
		expect(host.requests[2].messages.some((message) => message.content === lastingFactRequest)).toBe(false);
	});

	it('is skipped when the turn changed MEMORY.md itself, and writes nothing for NOTHING', async () => {
		host = startFakeHost({
			prepare: (paths) => fs.writeFileSync(path.join(paths.group, 'MEMORY.md'), '# Memory\n'),
			turn: flagged('Remember that I am vegetarian'),
			replies: [{toolCalls: [call('edit_file', {path: 'MEMORY.md', old: '# Memory\n', new: '# Memory\n- Vegetarian\n'})]}, {content: 'Saved.'}],
		});
		await host.turnDone('t1');
		expect(host.requests.filter(isFactCheck)).toEqual([]);
		expect(memoryOf(host)).toBe('# Memory\n- Vegetarian\n');
		expect(host.sent).toContainEqual({type: 'log', level: 'info', msg: 'turn t1: auto-memory skipped (the turn changed MEMORY.md itself)'});

		host.push({content: 'Sure.'}, {content: 'NOTHING'});
		host.send({type: 'turn', ...flagged('I am a bit tired'), turnId: 't2'});
		await host.turnDone('t2');
		expect(host.requests.filter(isFactCheck)).toHaveLength(1);
		expect(memoryOf(host)).toBe('# Memory\n- Vegetarian\n');
	});
});

describe('newMemoryLines', () => {
	it.each([
		['- Prefers tea', '', ['- Prefers tea']],
		['NOTHING', '', []],
		['Nothing to record.', '', []],
		['* Likes trains\n• Has a cat\n- Third\n- Fourth', '', ['- Likes trains', '- Has a cat', '- Third']],
		['- prefers TEA.', '# Memory\n- Prefers tea', []],
		['- Prefers tea\n- Prefers tea', '', ['- Prefers tea']],
		['<think>maybe</think>\n- Lives in Bern', '', ['- Lives in Bern']],
		['The user likes tea.', '', []],
		[`- ${'x'.repeat(500)}`, '', [`- ${'x'.repeat(200)}`]],
	])('%j with memory %j → %j', (answer, memory, lines) => {
		expect(newMemoryLines(answer, memory)).toEqual(lines);
	});
});
