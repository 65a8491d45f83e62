#!/usr/bin/env node
import {main} from '../dist/src/cli/main.js';

const code = await main(process.argv.slice(2)).catch((error) => {
	process.stderr.write(`babybot-tui: ${error.message}\n`);
	return 1;
});
// Exit even when a library left a handle open: every command has finished its work here.
process.exit(code);
