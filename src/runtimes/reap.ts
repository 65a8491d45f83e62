import type {SandboxLauncher} from './runtime.js';

/**
 * Removes containers an earlier host of this install left behind (found by its label).
 * Call at start-up before any run begins; returns the names removed.
 */
export async function reapOrphans(launcher: SandboxLauncher, installLabel: string): Promise<string[]> {
	if (!launcher.sandboxed) return [];
	const orphans = await launcher.listInstallContainers(installLabel);
	if (orphans.length > 0) await launcher.remove(orphans);
	return orphans;
}
