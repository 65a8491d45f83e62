// A fake runtime CLI on PATH: a real executable that records its argv and answers like the runtime.
// Asked to `run`, it execs node on the built agent-runner, emulating the bind mounts by translating
// the container paths of the start message to the mounted host directories; asked to run the
// sandbox check's probe (`node -e`), it runs that on the host.
import fs from 'node:fs';
import path from 'node:path';

export interface FakeCli {
	dir: string;
	/** PATH with the fake first. */
	path: string;
	/** Every argv the fake was called with, in order. */
	calls(): string[][];
	setStopped(stopped: boolean): void;
}

const script = (config: object) => `#!${process.execPath}
const fs = require('node:fs');
const path = require('node:path');
const {spawn} = require('node:child_process');
const readline = require('node:readline');
const cfg = ${JSON.stringify(config)};
const args = process.argv.slice(2);
fs.appendFileSync(cfg.log, JSON.stringify(args) + '\\n');
const stoppedFile = path.join(cfg.dir, 'stopped');
const done = (code, text) => { if (text) process.stdout.write(text); process.exit(code); };
if (args[0] === 'system' && args[1] === 'status') done(fs.existsSync(stoppedFile) ? 1 : 0, fs.existsSync(stoppedFile) ? 'apiserver is not running\\n' : 'apiserver is running\\n');
else if (args[0] === 'system' && args[1] === 'start') { fs.rmSync(stoppedFile, {force: true}); done(0); }
else if (args[0] === 'ls' || args[0] === 'ps') done(0, fs.readFileSync(cfg.listFile, 'utf8'));
else if (['stop', 'delete', 'rm'].includes(args[0])) done(0);
else if (args[0] === 'run') {
	const mounts = [];
	for (let i = 0; i < args.length; i++) {
		if (args[i] === '--mount') {
			const fields = Object.fromEntries(args[i + 1].split(',').map((kv) => kv.split('=')));
			mounts.push({source: fields.source, target: fields.target});
		} else if (args[i] === '-v') {
			const [source, target] = args[i + 1].split(':');
			mounts.push({source, target});
		}
	}
	mounts.sort((a, b) => b.target.length - a.target.length);
	const translate = (value) => {
		if (typeof value === 'string') {
			for (const m of mounts) if (value === m.target || value.startsWith(m.target + '/')) return m.source + value.slice(m.target.length);
			return value;
		}
		if (Array.isArray(value)) return value.map(translate);
		if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, translate(v)]));
		return value;
	};
	const group = mounts.find((m) => m.target === '/workspace/group');
	const probeAt = args.lastIndexOf('-e');
	if (probeAt > 0 && args[probeAt - 1] === 'node') {
		// The sandbox check's probe: run as given (on this host, so only what the host is can be seen).
		const probe = spawn(cfg.node, ['-e', args[probeAt + 1]], {cwd: group.source, stdio: 'inherit', env: {PATH: process.env.PATH}});
		probe.on('exit', (code) => process.exit(code === null ? 1 : code));
		return;
	}
	const child = spawn(cfg.node, [cfg.agentMain], {cwd: group.source, stdio: ['pipe', 'inherit', 'inherit'], env: {PATH: process.env.PATH}});
	readline.createInterface({input: process.stdin})
		.on('line', (line) => {
			let message;
			try { message = JSON.parse(line); } catch { child.stdin.write(line + '\\n'); return; }
			if (message.type === 'start') message.paths = translate(message.paths);
			child.stdin.write(JSON.stringify(message) + '\\n');
		})
		.on('close', () => child.stdin.end());
	process.on('SIGTERM', () => child.kill('SIGTERM'));
	child.on('exit', (code) => process.exit(code === null ? 1 : code));
} else done(2, 'fake: unknown command ' + args.join(' ') + '\\n');
`;

export function installFakeCli(options: {root: string; name: string; listOutput?: string}): FakeCli {
	const dir = path.join(options.root, 'fake-bin');
	fs.mkdirSync(dir, {recursive: true});
	const log = path.join(dir, 'calls.log');
	const listFile = path.join(dir, 'list-output');
	fs.writeFileSync(listFile, options.listOutput ?? '[]\n');
	const agentMain = path.resolve('dist/container/agent-runner/src/main.js');
	if (!fs.existsSync(agentMain)) throw new Error(`${agentMain} is missing: build first with npx tsc -p tsconfig.json`);
	fs.writeFileSync(path.join(dir, options.name), script({log, listFile, dir, node: process.execPath, agentMain}), {mode: 0o755});
	return {
		dir,
		path: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
		calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as string[]) : []),
		setStopped: (stopped) => (stopped ? fs.writeFileSync(path.join(dir, 'stopped'), '') : fs.rmSync(path.join(dir, 'stopped'), {force: true})),
	};
}
