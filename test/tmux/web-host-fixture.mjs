// The real host and UI (built, as `babybot-tui` runs them) with one test seam: web_fetch resolves the
// names of FIXTURE_RESOLVE (`name=address,…`) to their loopback test servers, and nothing else.
// FIXTURE_HEADLESS=1: no UI; the host serves its control socket until SIGTERM (a UI attaches to it).
import {loadConfig} from '../../dist/src/config.js';
import {createHost} from '../../dist/src/host/create-host.js';
import {LogStore} from '../../dist/src/log-store.js';
import {createLauncher} from '../../dist/src/runtimes/detect.js';
import {serveControlSocket} from '../../dist/src/control/control-server.js';
import {homePaths} from '../../dist/src/paths.js';
import {inProcessSession, runTui} from '../../dist/src/ui/run-tui.js';

const names = new Map((process.env.FIXTURE_RESOLVE ?? '').split(',').filter(Boolean).map((pair) => pair.split('=')));
const resolve = async (hostname) => {
	const address = names.get(hostname);
	if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {code: 'ENOTFOUND'});
	return [{address, family: 4}];
};
const config = loadConfig();
const host = await createHost({config, launcher: createLauncher('none', {timezone: config.timezone}), logStore: new LogStore(), web: {resolve}});
await host.start();
if (process.env.FIXTURE_HEADLESS) {
	const server = await serveControlSocket({host, paths: homePaths(config.home)});
	process.stderr.write('host running headless\n');
	await new Promise((resolve) => process.once('SIGTERM', resolve));
	await host.stop();
	await server.close();
	process.exit(0);
}
process.exit(await runTui(inProcessSession(host)));
