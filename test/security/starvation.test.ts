// One group must not starve the others: a hostile agent in a real Docker sandbox fills its IPC
// folders with 20,000 junk files and runs a rename storm there, while main's requests (dropped by
// the test into main's IPC folder, as main's agent would) keep being answered. The host's memory
// comes back after the storm (its heap after GC; RSS within a loose bound), and it says in its log
// that it refused the flood.
import fs from 'node:fs';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {expect, it} from 'vitest';
import {waitFor} from '../support/cli.js';
import {describeWithDocker} from '../support/docker-gate.js';
import {nodeCall, renameStorm} from './agent-scripts.js';
import {ackOf, attackHosts, attacker, dropHostRequest, hostIpc, mib, resultOf, settledHeap, settledRss} from './support.js';

/** How long the rename storm runs at least (after the junk files are written; and at least 30,000 renames). */
const stormMs = 15_000;
const junkFiles = 20_000;
const hosts = attackHosts();

await describeWithDocker('one group starving the others', () => {
	it(`${junkFiles.toLocaleString('en')} junk files and a rename storm in a group's IPC folders: main is still answered meanwhile, memory comes back, the flood is logged`, async () => {
		const attack = await hosts.start();
		const rssBefore = settledRss();
		const heapBefore = settledHeap();
		const marker = (name: string) => path.join(attack.home, 'groups', attacker, name);
		const storm = attack.agentRuns([nodeCall(renameStorm, {junk: junkFiles, stormMs, minRenames: 30_000}, stormMs + 240_000)]);
		await waitFor('the storm to start', () => fs.existsSync(marker('storm-started')), 60_000);

		// main asks again and again while the storm runs; each waits for its answer or the storm's end.
		const asked: Array<{name: string; ack: string; answeredInStorm: boolean}> = [];
		while (!fs.existsSync(marker('storm-ended'))) {
			const name = `main-${asked.length}.json`;
			const ack = dropHostRequest(attack.home, 'main', 'requests', name, {type: 'list_tasks'});
			await waitFor(`${name} answered or the storm over`, () => fs.existsSync(ack) || fs.existsSync(marker('storm-ended')), stormMs + 120_000);
			asked.push({name, ack, answeredInStorm: fs.existsSync(ack) && !fs.existsSync(marker('storm-ended'))});
			await sleep(250);
		}
		const {outcome, results} = await storm;
		expect(outcome.ok).toBe(true);
		const tally = resultOf<{junk: number; junkErrors: number; renames: number}>(results[0]);
		expect(tally.junk + tally.junkErrors).toBe(junkFiles);
		expect(tally.renames).toBeGreaterThanOrEqual(30_000);
		// Every request of main was answered while the storm ran (but the one in flight when it ended).
		const seen = asked.map((request) => `${request.name}: ${request.answeredInStorm ? 'answered in the storm' : 'not answered in the storm'}`);
		expect(asked.length, seen.join('\n')).toBeGreaterThanOrEqual(2);
		expect(asked.slice(0, -1).filter((request) => !request.answeredInStorm), seen.join('\n')).toEqual([]);
		for (const request of asked) expect((await ackOf(request.ack, 30_000)).ok, request.name).toBe(true);

		// Give the host the time to be done with whatever it accepted, then compare its memory.
		const waiting = () => ['messages', 'tasks', 'requests'].flatMap((kind) => fs.readdirSync(hostIpc(attack.home, attacker, kind)).filter((name) => !name.startsWith('.')));
		await waitFor('the group\'s IPC folders to be handled', () => waiting().length === 0, 60_000).catch(() => undefined);
		// What the host still holds after the storm is its heap after GC; RSS also counts what V8 and
		// malloc keep reserved after a burst and hand back to the system lazily, so it gets a looser bound.
		const heapGrown = settledHeap() - heapBefore;
		const grown = settledRss() - rssBefore;
		expect.soft(heapGrown / mib, 'heap growth in MB after the storm (after GC)').toBeLessThan(15);
		expect.soft(grown / mib, 'RSS growth in MB after the storm').toBeLessThan(150);
		const flood = attack.running.host.logs.all().filter((line) => {
			const text = `${line.msg} ${line.fields}`;
			return (line.level === 'warn' || line.level === 'error') && text.includes(attacker) && /too many|flood|overflow/i.test(text);
		});
		expect(flood.length, 'a log line that names the group and the flood').toBeGreaterThanOrEqual(1);
		expect(attack.boundary.changes()).toEqual([]);
		await attack.expectStillAnswering('main');
		await attack.expectStillAnswering();
	}, stormMs + 360_000);
});
