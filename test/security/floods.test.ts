// Floods of requests from a hostile agent in a real Docker sandbox: each kind is refused past its
// limit with an ack that says "too many", the chat is told once (not thousands of times), and what
// the host keeps (tasks, groups, pending mount requests, sent messages) stays bounded.
// The limits (per group unless said): send_message 20 a minute, schedule_task 10 an hour and 50
// active tasks, register_group 10 an hour, request_mount 5 an hour and 5 pending, a minimum task
// interval of 60 s. The assertions check bounds, not exact figures, where they can.
import fs from 'node:fs';
import path from 'node:path';
import {expect, it} from 'vitest';
import {describeWithDocker} from '../support/docker-gate.js';
import {flood, nodeCall} from './agent-scripts.js';
import {attackHosts, attacker, resultOf, type Attack} from './support.js';

/** How long one flood may take, writing and waiting for every ack. */
const floodMs = 60_000;
const hosts = attackHosts();

interface Tally {
	sent: number;
	ok: number;
	tooMany: number;
	other: number;
	missing: number;
	otherErrors: string[];
}

interface FloodCase {
	what: string;
	folder: string;
	kind: 'messages' | 'tasks' | 'requests';
	count: number;
	body: Record<string, unknown>;
	/** At most this many are granted. */
	grantedAtMost: number;
	/** What the host keeps stays bounded; `attack` is the host after the flood. */
	kept(attack: Attack): void;
	/** Files the flood needs, made before the host starts. */
	prepare?(root: string): void;
}

const tooMany = (attack: Attack) => attack.chat.botMessages.filter((message) => /too many/i.test(message.text));

const cases: FloodCase[] = [
	{
		what: '10,000 schedule_task from a non-main group',
		folder: attacker,
		kind: 'tasks',
		count: 10_000,
		body: {type: 'schedule_task', prompt: 'flood {i}', schedule_type: 'cron', schedule_value: '0 9 * * *'},
		grantedAtMost: 10,
		kept: (attack) => expect(attack.running.host.snapshot().tasks.filter((task) => task.groupFolder === attacker).length).toBeLessThanOrEqual(50),
	},
	{
		what: '2,000 send_message from a non-main group',
		folder: attacker,
		kind: 'messages',
		count: 2000,
		body: {type: 'message', chatJid: `${attacker}@g.us`, text: 'flood {i}'},
		grantedAtMost: 20,
		kept: (attack) => expect(attack.chat.botMessages.filter((message) => message.text.startsWith('flood ')).length).toBeLessThanOrEqual(20),
	},
	{
		what: '1,000 register_group from main',
		folder: 'main',
		kind: 'requests',
		count: 1000,
		body: {type: 'register_group', jid: 'flood-{i}@g.us', name: 'Flood {i}', folder: 'flood-{i}'},
		grantedAtMost: 10,
		// main and the two groups of the suite, and at most ten registered by the flood.
		kept: (attack) => expect(attack.running.host.snapshot().groups.length).toBeLessThanOrEqual(3 + 10),
	},
	{
		what: '1,000 distinct request_mount from main',
		folder: 'main',
		kind: 'requests',
		count: 1000,
		// Folders that exist, outside every allowed root: today each becomes a pending request and a chat notice.
		body: {type: 'request_mount', hostPath: '{asks}/{i}', readonly: true},
		prepare: (root) => {
			for (let i = 0; i < 1000; i++) fs.mkdirSync(path.join(root, 'asks', String(i)), {recursive: true});
		},
		grantedAtMost: 5,
		kept(attack) {
			const pending = attack.running.host.snapshot().mounts.requests.filter((request) => request.status === 'pending');
			expect(pending.length).toBeLessThanOrEqual(5);
			expect(attack.chat.botMessages.filter((message) => message.text.includes('request to mount')).length).toBeLessThanOrEqual(5);
		},
	},
];

await describeWithDocker('request floods', () => {
	for (const flooded of cases) {
		it(`${flooded.what}: refused past the limit with "too many", the chat told once, what the host keeps bounded`, async () => {
			const attack = await hosts.start({prepare: ({root}) => flooded.prepare?.(root)});
			const body = JSON.parse(JSON.stringify(flooded.body).replaceAll('{asks}', path.join(attack.root, 'asks')));
			const params = {kind: flooded.kind, prefix: 'flood', count: flooded.count, batch: 100, body, ackTimeoutMs: 20_000, deadlineMs: floodMs};
			const {outcome, results} = await attack.agentRuns([nodeCall(flood, params, floodMs + 30_000)], flooded.folder);
			expect(outcome.ok).toBe(true);
			const tally = resultOf<Tally>(results[0]);
			expect(tally.ok, 'granted').toBeLessThanOrEqual(flooded.grantedAtMost);
			expect(tally.ok, 'granted').toBeGreaterThanOrEqual(1);
			expect(tally, 'every request written and answered').toMatchObject({sent: flooded.count, missing: 0});
			expect(tally.tooMany + tally.other, JSON.stringify(tally.otherErrors)).toBe(flooded.count - tally.ok);
			expect(tally.tooMany).toBeGreaterThanOrEqual(flooded.count - flooded.grantedAtMost);
			expect(tooMany(attack).map((message) => message.text)).toHaveLength(1);
			flooded.kept(attack);
			expect(attack.boundary.changes()).toEqual([]);
			await attack.expectStillAnswering(flooded.folder);
		}, floodMs + 90_000);
	}

	it('a task every millisecond is refused with a reason naming the minimum interval', async () => {
		const attack = await hosts.start();
		const body = {type: 'schedule_task', prompt: 'every millisecond', schedule_type: 'interval', schedule_value: '1'};
		const {results} = await attack.agentRuns([nodeCall(flood, {kind: 'tasks', prefix: 'fast', count: 1, batch: 1, body, ackTimeoutMs: 10_000, deadlineMs: 20_000}, 40_000)]);
		const tally = resultOf<Tally>(results[0]);
		expect(tally).toMatchObject({sent: 1, ok: 0, missing: 0});
		const [reason] = tally.otherErrors;
		expect(reason).toMatch(/minimum/i);
		expect(reason).toMatch(/60 ?s|60 seconds|60000|60,000|1 min|one min/i);
		expect(attack.running.host.snapshot().tasks.filter((task) => task.groupFolder === attacker)).toEqual([]);
		await attack.expectStillAnswering();
	}, 90_000);
});
