// The host's sandbox checks: once per runtime, image and group shape, in the background after
// start-up (never holding it up), kept in the home so the next start checks only what changed.
import path from 'node:path';
import {imageIdentity} from '../image/image-staleness.js';
import type {Logger} from '../logger.js';
import {formatCheckLine} from '../sandbox-check/properties.js';
import {VerdictCache, verdictKey, type VerdictKey} from '../sandbox-check/verdict-cache.js';
import type {RegisteredGroup} from '../api/types.js';
import {checkGroupSandbox, sandboxShape, type GroupSandboxDeps} from './group-sandbox.js';
import type {SandboxVerdictView} from '../api/host-api.js';

export interface SandboxVerdictsOptions {
	deps: GroupSandboxDeps;
	groups: () => RegisteredGroup[];
	logger: Logger;
	onChange(): void;
	/** A failed check, for the status bar. */
	onFailed(folder: string, reason: string): void;
}

export const verdictCacheFile = (home: string) => path.join(home, 'sandbox-checks.json');

export class SandboxVerdicts {
	private readonly verdicts = new Map<string, SandboxVerdictView>();
	private readonly cache: VerdictCache;
	private imageId?: string;
	private queue: Promise<void> = Promise.resolve();
	private stopped = false;
	/** Per group: the verdict key it has (or is getting) a verdict for. */
	private readonly checked = new Map<string, string>();

	constructor(private readonly options: SandboxVerdictsOptions) {
		this.cache = new VerdictCache(verdictCacheFile(options.deps.config.home));
	}

	view(): Record<string, SandboxVerdictView> {
		return Object.fromEntries([...this.verdicts].map(([folder, verdict]) => [folder, {...verdict, lines: [...verdict.lines]}]));
	}

	/** Finds the image's id, then checks every group without a verdict for it. Resolves at once. */
	start(): void {
		const {launcher, config} = this.options.deps;
		if (!launcher.sandboxed) return;
		this.queue = this.queue.then(async () => {
			this.imageId = await imageIdentity(config, {runtime: launcher.name, engine: launcher.engine});
			this.checkMissing();
		});
	}

	/** Checks the groups whose shape has no verdict yet (a new group, new mounts), one at a time. */
	checkMissing(): void {
		if (!this.options.deps.launcher.sandboxed || this.stopped) return;
		for (const group of this.options.groups()) {
			const key = this.keyOf(group);
			if (!key) {
				this.set(group.folder, {state: 'unchecked', lines: [], reason: `image ${this.options.deps.config.containerImage} is missing: run \`babybot-tui image build\``});
				continue;
			}
			const id = verdictKey(key);
			if (this.checked.get(group.folder) === id) continue;
			this.checked.set(group.folder, id);
			const cached = this.cache.get(key);
			if (cached) {
				this.set(group.folder, viewOf(cached.ok, cached.lines, cached.checkedAt));
				continue;
			}
			this.set(group.folder, {state: 'checking', lines: []});
			this.queue = this.queue.then(() => this.checkOne(group, key));
		}
	}

	/** Waits for the checks under way; none start after. */
	async stop(): Promise<void> {
		this.stopped = true;
		await this.queue.catch(() => {});
	}

	private keyOf(group: RegisteredGroup): VerdictKey | undefined {
		const {launcher} = this.options.deps;
		return this.imageId ? {runtime: launcher.name, engine: launcher.engine, imageId: this.imageId, folder: group.folder, shape: sandboxShape(group)} : undefined;
	}

	private async checkOne(group: RegisteredGroup, key: VerdictKey): Promise<void> {
		if (this.stopped) return;
		const result = await checkGroupSandbox(this.options.deps, group, this.options.groups()).catch((error: Error) => ({
			ok: false,
			lines: [{property: 'sandbox', verdict: 'fail' as const, text: `the check could not run: ${error.message}`}],
		}));
		const lines = result.lines.map(formatCheckLine);
		const checkedAt = new Date().toISOString();
		this.cache.set(key, {ok: result.ok, lines, checkedAt});
		const view = viewOf(result.ok, lines, checkedAt);
		this.set(group.folder, view);
		if (result.ok) this.options.logger.info({group: group.folder, runtime: key.runtime}, 'sandbox check passed');
		else {
			this.options.logger.error({group: group.folder, runtime: key.runtime, lines}, `sandbox check FAILED: ${view.reason}`);
			this.options.onFailed(group.folder, view.reason ?? 'the sandbox check failed');
		}
	}

	private set(folder: string, verdict: SandboxVerdictView): void {
		this.verdicts.set(folder, verdict);
		this.options.onChange();
	}
}

function viewOf(ok: boolean, lines: string[], checkedAt: string): SandboxVerdictView {
	return {state: ok ? 'ok' : 'failed', lines, checkedAt, reason: ok ? undefined : lines.find((text) => text.startsWith('FAIL'))?.replace(/^FAIL\s+/, '')};
}
