import {describe, expect, it} from 'vitest';
import {mayLinger, pickNext, type Lane, type Waiting} from '../../src/llm/queue-policy.js';

/** `group:lane:agent` → a waiting request, in arrival order. */
const queue = (...specs: string[]): Waiting[] =>
	specs.map((spec, index) => {
		const [group, lane, agent] = spec.split(':');
		return {seq: index + 1, origin: {group, lane: lane as Lane, agent: agent ?? `${group}-turn`}};
	});
/** The entry at `index` passed over `times` times. */
const aged = (waiting: Waiting[], index: number, times: number): Waiting[] => waiting.map((entry, i) => (i === index ? {...entry, passedOver: times} : entry));
const served = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('pickNext', () => {
	it.each([
		['nothing waits', queue(), {}, undefined, -1],
		['one request', queue('main:chat'), {}, undefined, 0],
		['a chat turn before an earlier swarm request', queue('main:subagent:a', 'main:subagent:b', 'family:chat'), {main: 5}, 'main-a', 2],
		['a chat turn before a scheduled task', queue('work:task', 'family:chat'), {}, undefined, 1],
		['two chat turns: the group served longest ago', queue('main:chat', 'family:chat'), {main: 3, family: 1}, undefined, 1],
		['two chat turns: a group never served goes first', queue('main:chat', 'family:chat'), {main: 3}, undefined, 1],
		['background: groups take turns (task after a swarm)', queue('main:subagent:a', 'work:task'), {main: 9, work: 2}, 'main-a', 1],
		['background: a task and sub-agents are equals, oldest group first on a tie', queue('work:task', 'main:subagent:a'), {}, undefined, 0],
		['within a group: the agent served last goes again', queue('main:subagent:b', 'main:subagent:c', 'main:subagent:a'), {main: 4}, 'a', 2],
		['within a group: otherwise the oldest', queue('main:subagent:b', 'main:subagent:c'), {main: 4}, 'a', 0],
		['the agent served last, but another group is due first', queue('main:subagent:a', 'work:task'), {main: 4, work: 3}, 'a', 1],
		['a task passed over 19 times still waits for a chat turn', aged(queue('work:task', 'family:chat'), 0, 19), {}, undefined, 1],
		['a task passed over 20 times ranks as a chat turn: groups take turns', aged(queue('work:task', 'family:chat'), 0, 20), {work: 1, family: 2}, undefined, 0],
		['an aged task still takes its turn among the chat groups', aged(queue('work:task', 'family:chat'), 0, 20), {work: 3, family: 2}, undefined, 1],
	])('%s', (_label, waiting, servedAt, lastAgent, expected) => {
		expect(pickNext(waiting, {servedAt: served(servedAt), lastAgent})).toBe(expected);
	});
});

describe('mayLinger', () => {
	const ended = (spec: string, calledTools = true) => ({origin: queue(spec)[0].origin, calledTools});
	it.each([
		['an answer without tool calls', queue(), ended('main:subagent:a', false), false],
		['tool calls, nothing waiting', queue(), ended('main:subagent:a'), true],
		['tool calls, only its siblings wait', queue('main:subagent:b', 'main:subagent:c'), ended('main:subagent:a'), true],
		['tool calls, another group waits in the same class', queue('main:subagent:b', 'work:task'), ended('main:subagent:a'), false],
		['tool calls, a chat turn waits', queue('family:chat'), ended('main:subagent:a'), false],
		['a chat turn with tool calls while a swarm waits', queue('work:subagent:a'), ended('family:chat'), true],
		['a chat turn with tool calls while another chat waits', queue('work:chat'), ended('family:chat'), false],
		['a chat turn with tool calls while an aged task of another group waits', aged(queue('work:task'), 0, 20), ended('family:chat'), false],
	])('%s', (_label, waiting, last, expected) => {
		expect(mayLinger(waiting, last)).toBe(expected);
	});
});
