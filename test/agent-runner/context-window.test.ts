import {describe, expect, it} from 'vitest';
import {ContextTooSmall, ContextWindow, turnStarts, turnsToDrop} from '../../container/agent-runner/src/context-window.js';
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
		['just over: down to well under, not just under', [100, 100, 100, 100], 350, 3],
		['one huge old turn', [1000, 10, 10], 500, 1],
		['everything when the room is gone', [10, 10], -5, 2],
		['empty history', [], 100, 0],
	])('%s', (_name, turns, room, expected) => {
		expect(turnsToDrop(turns, room, 0.35)).toBe(expected);
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
		expect(w.beginTurn(u('now'))).toBe(0);
		expect(w.build([u('now')]).map((m) => m.content)).toEqual([x(1000), 'q1', 'a1', 'q2', 'a2', 'now']);
		expect(transcript.dropped).toBeUndefined();
	});

	it('drops the oldest whole turns at the start of a turn, in one step, and says so in the history', () => {
		const turn = () => [u(x(300)), ac('ls'), t(x(500)), a(x(100))];
		const {transcript, window: w} = window(Array.from({length: 8}, turn).flat());
		const dropped = w.beginTurn(u('now'));
		// About 930 tokens a turn against a history room of about 5200: down to a third of it.
		expect(dropped).toBe(7);
		expect(transcript.dropped).toBe(dropped);
		expect(transcript.messages[0].role).toBe('user');
		const request = w.build([u('now')]);
		expect(request[1].content).toMatch(new RegExp(`^\\[${dropped} earlier turns of this conversation were dropped to fit the model's context`));
		expect(estimateRequest(request, [], 1)).toBeLessThanOrEqual(fitLimit(budget));
		// The next turn, with the same history, drops nothing more: its prefix is the same.
		expect(w.beginTurn(u('later'))).toBe(0);
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
