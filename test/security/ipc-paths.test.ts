// Attacks on the paths the host reads and writes in a group's IPC folder, run by a hostile agent
// from inside its real Docker sandbox: a planted symlink where the host writes a reason, the
// messages/ and acks/ folders swapped for symlinks into the host's store while the host works, and
// a request that grows past the size bound after it was created. Each ends with the canaries
// around the sandbox untouched and the host still answering.
import path from 'node:path';
import {expect, it} from 'vitest';
import {describeWithDocker} from '../support/docker-gate.js';
import {baitAndSwap, growingRequest, keepRequesting, nodeCall, nodeCommand, exchangeLoop, together} from './agent-scripts.js';
import {attackHosts, attacker, bash, mib, resultOf} from './support.js';

/** How long each race runs (the agent swaps in a loop for this long; hundreds of tries). */
const raceMs = 15_000;
const hosts = attackHosts();

await describeWithDocker('attacks on IPC paths', () => {
	it('a symlink planted where the host writes a refused file\'s reason creates or replaces no host file', async () => {
		const attack = await hosts.start();
		const {outsideDir, creds} = attack.boundary.paths;
		const planted = path.join(outsideDir, 'planted.sh');
		// The reason quotes the bad `type`, so the attacker's text would be the written file's content.
		const shellLine = (n: string) => JSON.stringify({type: `x\n#!/bin/sh\nid > ${outsideDir}/pwned-${n}\n`});
		const plant = (name: string, target: string) =>
			[
				`ln -s ${target} ${name}.json.reason.txt`,
				// The host takes the symlink away first (it is not a .json request), then the bad request.
				`for i in $(seq 100); do [ -L ${name}.json.reason.txt ] || break; sleep 0.05; done`,
				`printf '%s' '${shellLine(name)}' > .tmp-${name} && mv .tmp-${name} ${name}.json`,
			].join('\n');
		const {outcome, results} = await attack.agentRuns([
			bash(
				[
					'cd /workspace/ipc/messages',
					plant('a', planted),
					plant('b', creds),
					'for i in $(seq 200); do [ -e ../acks/a.json ] && [ -e ../acks/b.json ] && break; sleep 0.05; done',
					'echo "ack a: $(cat ../acks/a.json)"; echo "ack b: $(cat ../acks/b.json)"',
				].join('\n'),
			),
		]);
		expect(outcome.ok).toBe(true);
		// The bad requests were answered as refused: the host read them and said why.
		expect(results[0]).toMatch(/ack a: \{"ok":false/);
		expect(results[0]).toMatch(/ack b: \{"ok":false/);
		// …and the answers name no host path (where it keeps refused files, say).
		expect(results[0]).not.toContain(attack.home);
		expect(attack.boundary.changes()).toEqual([]);
		await attack.expectStillAnswering();
	}, 90_000);

	it('messages/ swapped for a symlink into the store while the host handles paced sends moves no store file or credential', async () => {
		const attack = await hosts.start();
		const {outcome, results} = await attack.agentRuns([
			nodeCall(
				baitAndSwap,
				{
					deadlineMs: raceMs,
					chatJid: `${attacker}@g.us`,
					sendsPerTry: 3,
					holdMs: 8,
					// Relative to messages/ as the host resolves it: ipc/<folder>/messages -> <home>/store/…
					rounds: [
						{target: '../../store/auth', bait: 'creds.json'},
						{target: '../../store', bait: 'canary.txt'},
						{target: '../../store', bait: 'babybot.db'},
					],
				},
				raceMs + 30_000,
			),
		]);
		expect(outcome.ok).toBe(true);
		const tally = resultOf<{tries: number; swaps: number; failures: number}>(results[0]);
		// Hundreds of tries, whether or not the folder could be moved at all.
		expect(tally.tries).toBeGreaterThan(100);
		expect(attack.boundary.changes()).toEqual([]);
		await attack.expectStillAnswering();
	}, raceMs + 90_000);

	it('acks/ swapped between the real folder and symlinks while many requests are acked: no ack lands outside, nothing is overwritten', async () => {
		const attack = await hosts.start();
		const {allowlist, creds} = attack.boundary.paths;
		const race = {deadlineMs: raceMs};
		const swap = exchangeLoop({...race, dir: 'acks', holdUs: 300, targets: ['../../store/auth', '../../store', path.dirname(allowlist)]});
		const write = nodeCommand(keepRequesting, {...race, kind: 'requests', pending: 100, names: [path.basename(creds), 'canary.txt', path.basename(allowlist)], body: {type: 'list_tasks'}});
		const both = together([swap, write], raceMs + 30_000);
		const {outcome, results} = await attack.agentRuns([both]);
		expect(outcome.ok).toBe(true);
		const [swapped, written] = [...results[0]!.matchAll(/^RESULT .*$/gm)].map((m) => resultOf<{written?: number; swaps?: number}>(m[0]));
		expect(swapped?.swaps, results[0]).toBeTypeOf('number');
		expect(written?.written, results[0]).toBeGreaterThan(300);
		expect(attack.boundary.changes()).toEqual([]);
		await attack.expectStillAnswering();
	}, raceMs + 90_000);

	it('a request that is empty when created and grows past 1 MiB right after is never accepted', async () => {
		const attack = await hosts.start();
		const {outcome, results} = await attack.agentRuns([nodeCall(growingRequest, {deadlineMs: raceMs, maxTries: 400, bytes: 2 * mib, maxDelayMs: 2}, raceMs + 30_000)]);
		expect(outcome.ok).toBe(true);
		const tally = resultOf<{tries: number; accepted: number; refused: number; missing: number; reasons: Record<string, number>}>(results[0]);
		expect(tally.tries).toBeGreaterThan(100);
		expect(tally, 'a request over 1 MiB was handled').toMatchObject({accepted: 0, missing: 0});
		expect(Object.keys(tally.reasons).join('\n'), 'a host path in an answer').not.toContain('babybot-attack-');
		expect(attack.boundary.changes()).toEqual([]);
		await attack.expectStillAnswering();
	}, raceMs + 90_000);
});
