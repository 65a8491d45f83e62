// A second, private Docker engine for tests that stop the daemon: it gets its own socket, data
// and exec roots and no networking, and the agent image is copied into it from the main engine.
// Its folder is kept between runs, so the image is copied only when it changed.
import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {waitFor} from './cli.js';

export interface SecondDockerd {
	socket: string;
	env: NodeJS.ProcessEnv;
	start(): Promise<void>;
	stop(): Promise<void>;
}

export function secondDockerd(dir: string): SecondDockerd {
	const socket = path.join(dir, 'docker.sock');
	const env = {...process.env, DOCKER_HOST: `unix://${socket}`};
	let daemon: ChildProcess | undefined;
	const answers = () => {
		try {
			execFileSync('docker', ['info', '--format', '{{json .ID}}'], {env, stdio: 'pipe', timeout: 10_000});
			return true;
		} catch {
			return false;
		}
	};
	const engine: SecondDockerd = {
		socket,
		env,
		async start() {
			fs.mkdirSync(dir, {recursive: true});
			const log = fs.openSync(path.join(dir, 'dockerd.log'), 'a');
			// In a network namespace of its own: a dockerd with `--bridge none` deletes the machine's docker0 at start.
			daemon = spawn(
				'unshare',
				['--net', 'dockerd', '--host', `unix://${socket}`, '--data-root', path.join(dir, 'root'), '--exec-root', path.join(dir, 'exec'), '--pidfile', path.join(dir, 'docker.pid'), '--bridge', 'none', '--iptables=false', '--ip6tables=false'],
				{stdio: ['ignore', log, log]},
			);
			await waitFor('the second dockerd to answer', answers, 60_000);
		},
		async stop() {
			if (!daemon || daemon.exitCode !== null) return;
			const exited = new Promise((resolve) => daemon!.once('exit', resolve));
			daemon.kill('SIGTERM');
			await exited;
			daemon = undefined;
		},
	};
	return engine;
}

const imageId = (image: string, env: NodeJS.ProcessEnv = process.env) => {
	try {
		return execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', image], {env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim();
	} catch {
		return null;
	}
};

/** Copies an image from the main engine into another (`docker save | docker load`) unless it is there already. */
export async function copyImage(image: string, target: NodeJS.ProcessEnv): Promise<void> {
	if (imageId(image) === imageId(image, target)) return;
	const save = spawn('docker', ['save', image], {stdio: ['ignore', 'pipe', 'inherit']});
	const load = spawn('docker', ['load', '-q'], {env: target, stdio: ['pipe', 'ignore', 'inherit']});
	save.stdout.pipe(load.stdin);
	const [saved, loaded] = await Promise.all([new Promise((resolve) => save.once('close', resolve)), new Promise((resolve) => load.once('close', resolve))]);
	if (saved !== 0 || loaded !== 0) throw new Error(`copying ${image} into the second engine failed (save ${saved}, load ${loaded})`);
}
