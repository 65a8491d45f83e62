// The probe program itself, run here as the sandbox runs it (`node -e`, one line in, one line out).
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {factsMarker, probeProgram, type ProbeFacts, type ProbeInput} from '../../src/sandbox-check/probe.js';
import {tempHome} from '../support/temp-home.js';

function runProbe(input: ProbeInput): Promise<{facts: ProbeFacts; code: number | null}> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['-e', probeProgram], {stdio: ['pipe', 'pipe', 'inherit']});
		let stdout = '';
		child.stdout.on('data', (chunk) => {
			stdout += chunk;
			// The probe stays until its stdin closes, so the host can read its cgroup meanwhile.
			if (stdout.includes('\n')) child.stdin.end();
		});
		child.on('error', reject);
		child.on('close', (code) => {
			const line = stdout.split('\n').find((text) => text.startsWith(factsMarker));
			if (!line) return reject(new Error(`no facts line in ${JSON.stringify(stdout)}`));
			resolve({facts: JSON.parse(line.slice(factsMarker.length)) as ProbeFacts, code});
		});
		child.stdin.write(JSON.stringify(input) + '\n');
	});
}

describe('the probe program', () => {
	it('reports what it finds, removes the one file it could write, and exits when stdin closes', async () => {
		const {root} = tempHome('babybot-probe-');
		const writable = path.join(root, 'writable');
		const present = path.join(root, 'other-group');
		const secret = path.join(root, 'project.env');
		fs.mkdirSync(writable);
		fs.mkdirSync(present);
		fs.writeFileSync(secret, 'KEY=1\n');
		const {facts, code} = await runProbe({writeProbes: [writable, path.join(root, 'missing')], absentPaths: [present, path.join(root, 'absent')], hiddenFiles: [secret, '/dev/null'], socketPaths: []});
		expect(code).toBe(0);
		expect(facts.writes).toEqual({[writable]: 'written', [path.join(root, 'missing')]: 'ENOENT'});
		expect(fs.readdirSync(writable)).toEqual([]);
		expect(facts.present).toEqual([present]);
		expect(facts.hidden).toEqual({[secret]: {kind: 'file', size: 6}, '/dev/null': {kind: 'device', size: 0}});
		expect(facts.uid).toBe(process.getuid!());
		expect(facts.interfaces).toContain('lo');
		expect(facts.caps.CapEff).toMatch(/^[0-9a-f]{16}$/);
		expect(facts.mounts.some((mount) => mount.point === '/')).toBe(true);
		expect(facts.kernel.version).toMatch(/^Linux version /);
	});
});
