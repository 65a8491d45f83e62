#!/usr/bin/env node
// Runs on any Node; hands over to the project's pinned Node 24 when the one on PATH is too old.
import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
	const pinned = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
	if (!existsSync(pinned)) {
		process.stderr.write(`babybot-tui: Node ${process.versions.node} is too old: install Node 22 or newer (or run \`npm install\` here for the pinned Node 24)\n`);
		process.exit(1);
	}
	const child = spawn(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {stdio: 'inherit'});
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
	child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
} else {
	await run();
}

async function run() {
	const {main} = await import('../dist/src/cli/main.js');
	const code = await main(process.argv.slice(2)).catch((error) => {
		process.stderr.write(`babybot-tui: ${error.message}\n`);
		return 1;
	});
	// Exit even when a library left a handle open: every command has finished its work here.
	process.exit(code);
}
