// Unbounded agent text: a hostile agent writes huge `log` protocol lines straight to the
// agent-runner's stdout (the host's end of the stdio channel) from its bash tool. What the host
// keeps of them (the UI's log ring, the log file) stays bounded.
import fs from 'node:fs';
import path from 'node:path';
import {expect, it} from 'vitest';
import {describeWithDocker} from '../support/docker-gate.js';
import {attackHosts, bash, mib} from './support.js';

const hosts = attackHosts();
const lines = 20;
const lineBytes = 8 * mib;

await describeWithDocker('unbounded agent text', () => {
	it(`${lines} log lines of 8 MB each leave the log ring under 16 MB, each kept line at most 4 KB and a marker, and the log file a few MB larger`, async () => {
		const attack = await hosts.start();
		const logFile = path.join(attack.home, 'logs', 'babybot.log');
		const fileBefore = fs.statSync(logFile).size;
		const {outcome, results} = await attack.agentRuns([
			bash(
				[
					// The bash tool's shell is a child of the agent-runner, whose stdout is the protocol channel.
					`echo "chain: $(cat /proc/$$/comm) <- $(tr '\\0' ' ' < /proc/$PPID/cmdline)"`,
					`line() { printf '{"type":"log","level":"info","msg":"'; head -c ${lineBytes} /dev/zero | tr '\\0' A; printf '"}\\n'; }`,
					`for i in $(seq ${lines}); do line > /proc/$PPID/fd/1 || exit 1; done; echo "wrote ${lines} lines"`,
				].join('\n'),
				120_000,
			),
		]);
		expect(outcome.ok).toBe(true);
		expect(results[0]).toMatch(/chain: (ba)?sh <- node \/app\/main\.js/);
		expect(results[0]).toContain(`wrote ${lines} lines`);

		const kept = attack.running.host.logs.all();
		const sizes = kept.map((line) => Buffer.byteLength(line.msg) + Buffer.byteLength(line.fields));
		const total = sizes.reduce((sum, size) => sum + size, 0);
		// Soft, so a failure shows all three figures.
		expect.soft(total, 'bytes in the log ring').toBeLessThan(16 * mib);
		expect.soft(Math.max(...sizes), 'the longest kept line').toBeLessThanOrEqual(4096 + 256);
		expect.soft(fs.statSync(logFile).size - fileBefore, 'bytes added to the log file').toBeLessThan(4 * mib);
		expect(attack.boundary.changes()).toEqual([]);
		await attack.expectStillAnswering();
	}, 180_000);
});
