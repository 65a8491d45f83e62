// The host's record of a run's sub-agents: whatever the agent sends, what is kept stays bounded.
import {describe, expect, it} from 'vitest';
import type {SubagentMessage} from '../../container/agent-runner/src/protocol.js';
import {RunSubagents} from '../../src/runner/subagents.js';

const message = (overrides: Partial<SubagentMessage> = {}): SubagentMessage => ({type: 'subagent', id: 'sa1', name: 'alpha', state: 'running', rounds: 0, tokens: 0, ...overrides});

describe('RunSubagents', () => {
	it('keeps the latest state, counts and output of each sub-agent, in the order they started', () => {
		const record = new RunSubagents('run-1');
		expect(record.update(message(), '2026-01-01T00:00:01Z').before).toBeUndefined();
		record.update(message({id: 'sa2', name: 'beta', lines: ['task: b']}), '2026-01-01T00:00:02Z');
		const {before, view} = record.update(message({state: 'done', rounds: 2, tokens: 900, lastOutput: 'alpha: found', lines: ['task: a', 'answer: found']}), '2026-01-01T00:00:03Z');
		expect(before).toBe('running');
		expect(view).toEqual({runId: 'run-1', id: 'sa1', name: 'alpha', state: 'done', rounds: 2, tokens: 900, lastOutput: 'alpha: found', startedAt: '2026-01-01T00:00:01Z', updatedAt: '2026-01-01T00:00:03Z'});
		expect(record.views().map((v) => v.name)).toEqual(['alpha', 'beta']);
		expect(record.transcripts()).toEqual({sa1: ['task: a', 'answer: found'], sa2: ['task: b']});
		expect(record.isRunning('sa2')).toBe(true);
		record.endAll('2026-01-01T00:00:04Z');
		expect(record.views().find((v) => v.id === 'sa2')).toMatchObject({state: 'killed', error: 'the run ended'});
	});

	it.each([
		['a long name on several lines', message({name: `a\n${'b'.repeat(100)}`}), (v: ReturnType<RunSubagents['views']>[number]) => expect(v.name).toHaveLength(40)],
		['a state it does not know', message({state: 'asleep' as SubagentMessage['state']}), (v: ReturnType<RunSubagents['views']>[number]) => expect(v.state).toBe('running')],
		['negative and odd counts', message({rounds: -3, tokens: Number.NaN}), (v: ReturnType<RunSubagents['views']>[number]) => expect([v.rounds, v.tokens]).toEqual([0, 0])],
		['a huge last output', message({lastOutput: 'x'.repeat(10_000)}), (v: ReturnType<RunSubagents['views']>[number]) => expect(v.lastOutput.length).toBe(200)],
	])('bounds %s', (_label, input, check) => {
		const record = new RunSubagents('run-1');
		record.update(input, '2026-01-01T00:00:00Z');
		check(record.views()[0]);
	});

	it('keeps at most 200 transcript lines of 300 characters per sub-agent, and the newest 20 sub-agents of a run', () => {
		const record = new RunSubagents('run-1');
		for (let i = 0; i < 10; i++) record.update(message({lines: Array.from({length: 100}, (_, n) => `${i}-${n} ${'y'.repeat(500)}`)}), '2026-01-01T00:00:00Z');
		const lines = record.transcripts().sa1;
		expect(lines.length).toBe(200);
		expect(lines.every((line) => line.length <= 300)).toBe(true);
		expect(lines.at(-1)).toMatch(/^9-49 /);
		for (let i = 2; i <= 30; i++) record.update(message({id: `sa${i}`, state: 'done'}), `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`);
		expect(record.views()).toHaveLength(20);
		expect(record.views().at(-1)!.id).toBe('sa30');
	});
});
