// Entry point inside the sandbox: the protocol on stdin/stdout.
import {runAgent} from './agent.js';
import {shellPath} from './shell-compat.js';

const shell = shellPath(process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin');
process.env.PATH = shell.path;
if (shell.compat) process.stderr.write('GNU stat cannot run in this kernel (statx refused): the shell uses busybox ls and stat\n');

const exitCode = await runAgent({input: process.stdin, output: process.stdout});
process.stdin.destroy();
process.exitCode = exitCode;
