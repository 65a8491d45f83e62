import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {formatBashResult, runBash} from '../../container/agent-runner/src/tools/bash-tool.js';
import {waitFor} from '../support/cli.js';
import {tempHome} from '../support/temp-home.js';

describe('bash tool', () => {
	it('runs in the group folder and reports stdout, stderr and the exit code', async () => {
		const {root} = tempHome('babybot-bash-');
		const result = await runBash({command: 'pwd; echo oops >&2; echo made > made.txt; exit 3', cwd: root, outputChars: 1000});
		expect(result).toMatchObject({exitCode: 3, timedOut: false, stdout: `${fs.realpathSync(root)}\n`, stderr: 'oops\n'});
		expect(fs.readFileSync(path.join(root, 'made.txt'), 'utf8')).toBe('made\n');
		expect(formatBashResult(result)).toBe(`exit code: 3\nstdout:\n${fs.realpathSync(root)}\n\nstderr:\noops\n`);
	});

	it('kills the command and its children at the timeout', async () => {
		const {root} = tempHome('babybot-bash-');
		const result = await runBash({command: '(sleep 30; echo late > late.txt) & echo started; sleep 30', cwd: root, timeoutMs: 300, outputChars: 1000});
		expect(result.timedOut).toBe(true);
		expect(result.stdout).toBe('started\n');
		expect(formatBashResult(result)).toMatch(/^killed: the command ran past its timeout of 300 ms/);
		expect(fs.existsSync(path.join(root, 'late.txt'))).toBe(false);
	});

	it('kills the command and its children when its signal aborts, and says why', async () => {
		const {root} = tempHome('babybot-bash-');
		const stop = new AbortController();
		const running = runBash({command: 'echo started; touch running; sleep 30', cwd: root, outputChars: 1000, signal: stop.signal});
		await waitFor('the command to run', () => fs.existsSync(path.join(root, 'running')));
		stop.abort('the sub-agent was killed by the operator');
		const result = await running;
		expect(result).toMatchObject({timedOut: false, stopped: 'the sub-agent was killed by the operator', stdout: 'started\n'});
		expect(formatBashResult(result)).toMatch(/^killed: the sub-agent was killed by the operator\n/);
	});

	it('cuts each stream to the limit and says how much was dropped', async () => {
		const {root} = tempHome('babybot-bash-');
		const result = await runBash({command: 'head -c 50000 /dev/zero | tr "\\0" a; head -c 300 /dev/zero | tr "\\0" b >&2', cwd: root, outputChars: 100});
		expect(result.stdout).toBe(`${'a'.repeat(100)}\n[cut: 49900 more characters not shown]`);
		expect(result.stderr).toBe(`${'b'.repeat(100)}\n[cut: 200 more characters not shown]`);
	});

	it('caps timeout_ms at 10 minutes and says so', async () => {
		const {root} = tempHome('babybot-bash-');
		const result = await runBash({command: 'true', cwd: root, timeoutMs: 99 * 60_000, outputChars: 100});
		expect(result.timeoutMs).toBe(600_000);
		expect(formatBashResult(result, 99 * 60_000)).toContain('note: timeout_ms is capped at 600000');
	});
});
