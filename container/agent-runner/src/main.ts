// Entry point inside the sandbox: the protocol on stdin/stdout.
import {runAgent} from './agent.js';

const exitCode = await runAgent({input: process.stdin, output: process.stdout});
process.stdin.destroy();
process.exitCode = exitCode;
