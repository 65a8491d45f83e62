import {describe, expect, it} from 'vitest';
import {ContextTooSmall, ContextWindow, shortenedToolResult, turnStarts, turnsToDrop} from '../../container/agent-runner/src/context-window.js';
import type {ChatMessage, ContextBudget} from '../../container/agent-runner/src/protocol.js';
import type {Transcript} from '../../container/agent-runner/src/session.js';
import {estimateRequest, fitLimit, memoryCharsPerFile, promptLimit} from '../../container/agent-runner/src/token-budget.js';

const u = (content: string): ChatMessage => ({role: 'user', content});
const a = (content: string): ChatMessage => ({role: 'assistant', content});
const ac = (command: string): ChatMessage => ({role: 'assistant', content: '', tool_calls: [{function: {name: 'bash', arguments: {command}}}]});
const t = (content: string): ChatMessage => ({role: 'tool', content, tool_name: 'bash'});
const x = (n: number) => 'x'.repeat(n);

/** 1 char per token keeps the arithmetic readable; perMessageTokens (6) is added per message. */
const budget: ContextBudget = {numCtx: 10_000, reserveTokens: 1000, charsPerToken: 1};

describe('turnsToDrop', () => {
	it.each<[string, number[], number, number]>([
		['fits: nothing', [100, 100], 300, 0],
		['oldest first until under the target', [100, 100, 100, 100], 220, 2],
		['one huge old turn', [1000, 10, 10], 500, 1],
		['everything when there is no room', [10, 10], 0, 2],
		['empty history', [], 100, 0],
	])('%s', (_name, turns, target, expected) => {
		expect(turnsToDrop(turns, target)).toBe(expected);
	});
});

describe('turnStarts', () => {
	it('starts a turn at each user message, so a tool result stays with its call', () => {
		expect(turnStarts([u('1'), ac('ls'), t('out'), a('done'), u('2'), a('ok')])).toEqual([0, 4]);
		expect(turnStarts([a('orphan'), u('1')])).toEqual([0, 1]);
	});
});

describe('ContextWindow', () => {
	const window = (messages: ChatMessage[], system = x(1000), overrides: Partial<ContextBudget> = {}) => {
		const transcript: Transcript = {messages};
		return {transcript, window: new ContextWindow({budget: {...budget, ...overrides}, systemPrompt: system, tools: [], transcript})};
	};

	it('keeps the whole history while the turn has its room', () => {
		const {transcript, window: w} = window([u('q1'), a('a1'), u('q2'), a('a2')]);
		const turn = [u('now')];
		expect(w.beginTurn(turn)).toBe('');
		expect(w.build(turn).map((m) => m.content)).toEqual([x(1000), 'q1', 'a1', 'q2', 'a2', 'now']);
		expect(transcript.dropped).toBeUndefined();
	});

	it('shrinks the history in one step at the start of a turn: tool results to a line, then the oldest turns; the turn\'s message says so', () => {
		const turn = (i: number) => [u(`q${i} ${x(100)}`), ac('ls'), t(x(1500)), a(`a${i} ${x(100)}`)];
		const {transcript, window: w} = window(Array.from({length: 4}, (_, i) => turn(i)).flat());
		const now = [u('now')];
		expect(w.beginTurn(now)).toBe('4 tool results were shortened');
		expect(transcript.messages.filter((m) => m.role === 'tool').map((m) => m.content)).toEqual(Array(4).fill(shortenedToolResult(1500)));
		expect(now[0].content).toBe("[To fit the model's context, 4 tool results were shortened earlier in this conversation.]\n\nnow");
		expect(w.turnNote).toBe("[To fit the model's context, 4 tool results were shortened earlier in this conversation.]\n\n");
		expect(estimateRequest(w.build(now), [], 1)).toBeLessThanOrEqual(fitLimit(budget));
		// The next turn, with the same history, changes nothing: its prefix is the same.
		expect(w.beginTurn([u('later')])).toBe('');

		// With many turns (about 400 tokens each once shortened, against a low water of about 1800), the
		// oldest whole turns go too, so a tool message never loses its call.
		const many = window(Array.from({length: 12}, (_, i) => turn(i)).flat());
		expect(many.window.beginTurn([u('now')])).toBe('12 tool results were shortened and the 8 oldest turns were dropped');
		expect(many.transcript.dropped).toBe(8);
		expect(many.transcript.messages[0].content).toMatch(/^q8 /);
	});

	it('cuts the turn\'s own tool results, oldest first, never the user\'s message, when nothing else is left', () => {
		const {window: w} = window([]);
		const question = u(`please ${x(1500)}`);
		const turn = [question, ac('cat a'), t(x(5000)), ac('cat b'), t(x(5000))];
		const request = w.build(turn);
		expect(request.at(-5)).toEqual(question);
		expect(request.at(-3)!.content).toContain("tool result cut further to fit the model's context");
		expect(estimateRequest(request, [], 1)).toBeLessThanOrEqual(fitLimit(budget));
	});

	it('gives a tool result its share, and less as the turn fills up', () => {
		const {window: w} = window([]);
		const first = w.toolResultChars([u('q')]);
		expect(first).toBeGreaterThan(1500);
		expect(w.toolResultChars([u('q'), ac('x'), t(x(4000)), ac('y'), t(x(2000))])).toBeLessThan(first);
	});

	it('refuses a turn that cannot fit even alone, saying what to do', () => {
		const {window: w} = window([], x(9000));
		expect(() => w.build([u('hi')])).toThrow(ContextTooSmall);
		expect(() => w.build([u('hi')])).toThrow(/model's context is too small for the agent; use a model with a longer context or raise OLLAMA_NUM_CTX/);
		const {window: long} = window([]);
		expect(() => long.build([u(x(20_000))])).toThrow(/send a shorter message, or raise OLLAMA_NUM_CTX/);
	});

	it('sizes memory in steps of 1000 characters, so a small recalibration does not move the cut', () => {
		expect(memoryCharsPerFile({numCtx: 16_384, reserveTokens: 2048, charsPerToken: 3.0})).toBe(memoryCharsPerFile({numCtx: 16_384, reserveTokens: 2048, charsPerToken: 3.05}));
		expect(memoryCharsPerFile({numCtx: 2048, reserveTokens: 512, charsPerToken: 3})).toBe(1000);
		expect(promptLimit(budget)).toBe(9000);
	});
});
