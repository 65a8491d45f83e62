// Mount requests (the operator's group config and the agents' requests) and the operator's decisions.
// A request records where its folder resolved when it was asked; the operator is shown that real
// path, an approval binds to it (refused when the path now resolves elsewhere), and the mount uses
// it and is checked again just before each sandbox starts.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import type {MountsView} from '../api/host-api.js';
import type {Logger} from '../logger.js';
import {agentBounds} from '../ipc/ipc-limits.js';
import type {MountRequestSource} from '../api/host-api.js';
import type {MountRequestRecord, MountRequestStore} from '../store/mount-requests.js';
import type {ExtraMountSpec, RegisteredGroup} from '../api/types.js';
import type {MountAllowlist} from './allowlist.js';
import {defaultBlockedPatterns, fixableByApproval, validateMount, type MountVerdict} from './mount-security.js';

/** One mount asked for a group: by the operator (`config`) or by an agent (`ipc`). */
export type MountAsk = ExtraMountSpec & {groupFolder: string; isMain: boolean; source: MountRequestSource};

export interface ValidatedMount {
	name: string;
	hostPath: string;
	containerPath: string;
	readonly: boolean;
}

export type MountRequestOutcome =
	| {status: 'allowed'; mount: ValidatedMount; note?: string}
	| {status: 'pending'; id: number; reason: string}
	/** Refused for a reason approval cannot fix; `id` when it was recorded for the operator to see. */
	| {status: 'rejected'; reason: string; id?: number};

export interface MountApprovalsOptions {
	store: MountRequestStore;
	allowlist: MountAllowlist;
	logger: Pick<Logger, 'info' | 'warn'>;
	homeDir?: string;
	/** The host's own state, never mountable (its home, the allowlist's folder, the project's .env). */
	protectedPaths?: readonly string[];
	now?: () => Date;
	/** Requests or the allowlist changed (the UI refreshes its Access pane). */
	onChange?: () => void;
}

const toMount = (verdict: Extract<MountVerdict, {allowed: true}>): ValidatedMount => ({
	name: verdict.name,
	hostPath: verdict.hostPath,
	containerPath: verdict.containerPath,
	readonly: verdict.readonly,
});

export class MountApprovals {
	private readonly homeDir: string;
	private readonly now: () => Date;
	private readonly unsubscribe: () => void;

	constructor(private readonly options: MountApprovalsOptions) {
		this.homeDir = options.homeDir ?? os.homedir();
		this.now = options.now ?? (() => new Date());
		this.unsubscribe = options.allowlist.onChange(() => options.onChange?.());
	}

	close(): void {
		this.unsubscribe();
	}

	validate(input: ExtraMountSpec & {isMain: boolean; groupFolder?: string; agentRequest?: boolean}): MountVerdict {
		return validateMount({
			request: {hostPath: input.hostPath, containerPath: input.containerPath, readonly: input.readonly},
			allowlist: this.options.allowlist.current(),
			isMain: input.isMain,
			homeDir: this.homeDir,
			groupFolder: input.groupFolder,
			protectedPaths: this.options.protectedPaths,
			agentRequest: input.agentRequest,
		});
	}

	/** Validates; an allowed mount is used at the next run, one the operator can allow waits as pending. */
	request(input: MountAsk): MountRequestOutcome {
		const {store, logger} = this.options;
		const containerPath = input.containerPath ?? null;
		const fromAgent = input.source === 'ipc';
		const verdict = this.validate({...input, agentRequest: fromAgent});
		const latest = store.latestFor(input.groupFolder, input.hostPath, containerPath);
		if (verdict.allowed) {
			// An agent's request is remembered so that later runs mount it too; config mounts live in the group.
			if (fromAgent && latest?.status !== 'approved') {
				this.persist(input, verdict.hostPath, null, {status: 'approved', decidedBy: 'allowlist'});
				this.options.onChange?.();
			}
			return {status: 'allowed', mount: toMount(verdict), ...(verdict.note ? {note: verdict.note} : {})};
		}
		const realPath = this.realPathOf(input.hostPath);
		if (!fixableByApproval(verdict.code)) {
			if (!fromAgent) return {status: 'rejected', reason: verdict.reason};
			// Kept so the operator sees what the agent tried (the agent is told only that the operator decides).
			const id = latest?.status === 'rejected' && latest.reason === verdict.reason ? latest.id : this.persist(input, realPath, verdict.reason, {status: 'rejected', decidedBy: 'host'});
			this.options.onChange?.();
			return {status: 'rejected', reason: verdict.reason, id};
		}
		if (latest?.status === 'pending') {
			if (latest.reason !== verdict.reason) store.setReason(latest.id, verdict.reason);
			return {status: 'pending', id: latest.id, reason: verdict.reason};
		}
		if (latest?.status === 'rejected' && !fromAgent) {
			return {status: 'rejected', reason: `the operator rejected mounting ${input.hostPath} on ${latest.decidedAt ?? 'an earlier day'}`};
		}
		if (store.pendingCount(input.groupFolder) >= agentBounds.pendingMountsPerGroup) {
			return {status: 'rejected', reason: `too many mount requests of group ${input.groupFolder} wait for the operator (${agentBounds.pendingMountsPerGroup}): wait for their decision`};
		}
		const id = this.persist(input, realPath, verdict.reason);
		logger.info({request: id, group: input.groupFolder, path: input.hostPath, real: realPath, source: input.source, reason: verdict.reason}, 'mount request waits for the operator');
		this.options.onChange?.();
		return {status: 'pending', id, reason: verdict.reason};
	}

	/**
	 * Allows the real path the operator was shown, read-only or read-write, for the request's group
	 * (or, with `scope: 'all'`, for every group), by adding it to the allowlist.
	 */
	approve(id: number, mode: 'ro' | 'rw', who: string, scope: 'group' | 'all' = 'group'): MountRequestRecord {
		const {store, allowlist, logger} = this.options;
		const request = this.pendingRequest(id);
		const real = request.realPath;
		if (!real) throw new Error(`mount request ${id}: ${request.hostPath} did not resolve when it was asked: reject it`);
		const now = this.realPathOf(request.hostPath);
		if (now !== real) throw new Error(`mount request ${id}: ${request.hostPath} now resolves to ${now ?? 'nothing'}, not ${real} as shown: reject it`);
		// Refuse before writing anything when approval could not make the mount usable.
		const withRoot = validateMount({
			request: {hostPath: real, containerPath: request.containerPath ?? path.basename(this.expand(request.hostPath)), readonly: request.readonly},
			allowlist: {ok: true, allowlist: {allowedRoots: [{path: real, allowReadWrite: mode === 'rw'}], blockedPatterns: this.userPatterns(), nonMainReadOnly: true}},
			isMain: true,
			homeDir: this.homeDir,
			protectedPaths: this.options.protectedPaths,
		});
		if (!withRoot.allowed) throw new Error(`mount request ${id} cannot be approved: ${withRoot.reason}`);
		allowlist.addAllowedRoot(real, mode === 'rw', `approved for ${scope === 'all' ? 'all groups' : request.groupFolder} by ${who}`, scope === 'all' ? {} : {group: request.groupFolder});
		const at = this.now().toISOString();
		store.approve(id, who, at);
		logger.info({request: id, group: request.groupFolder, path: real, mode, scope, by: who, at}, 'mount approved');
		this.options.onChange?.();
		return store.get(id)!;
	}

	reject(id: number, who: string): MountRequestRecord {
		const request = this.pendingRequest(id);
		const at = this.now().toISOString();
		this.options.store.reject(id, who, at);
		this.options.logger.info({request: id, group: request.groupFolder, path: request.hostPath, by: who, at}, 'mount rejected');
		this.options.onChange?.();
		return this.options.store.get(id)!;
	}

	/** The extra mounts of the group's next run: its configured mounts and its approved requests, validated now. */
	resolveGroupMounts(group: Pick<RegisteredGroup, 'folder' | 'isMain' | 'extraMounts'>): Array<{name: string; hostPath: string; readonly: boolean}> {
		const mounts: ValidatedMount[] = [];
		const add = (mount: ValidatedMount) => {
			const clash = mounts.find((m) => m.name === mount.name);
			if (!clash) mounts.push(mount);
			else if (clash.hostPath !== mount.hostPath) {
				this.options.logger.warn({group: group.folder, name: mount.name, kept: clash.hostPath, dropped: mount.hostPath}, 'two extra mounts want the same name: give one another name');
			}
		};
		for (const spec of group.extraMounts) {
			const outcome = this.request({groupFolder: group.folder, isMain: group.isMain, ...spec, source: 'config'});
			if (outcome.status === 'allowed') add(outcome.mount);
			else if (outcome.status === 'rejected') this.options.logger.warn({group: group.folder, path: spec.hostPath, reason: outcome.reason}, 'configured mount refused');
		}
		for (const approved of this.options.store.approvedFor(group.folder)) {
			if (approved.source !== 'ipc') continue;
			const verdict = this.validate({hostPath: approved.hostPath, containerPath: approved.containerPath ?? undefined, readonly: approved.readonly, isMain: group.isMain, groupFolder: group.folder});
			if (!verdict.allowed) {
				this.options.logger.warn({group: group.folder, path: approved.hostPath, reason: verdict.reason}, 'approved mount no longer allowed');
			} else if (approved.realPath && verdict.hostPath !== approved.realPath) {
				this.options.logger.warn({group: group.folder, path: approved.hostPath, approved: approved.realPath, now: verdict.hostPath}, 'approved mount now resolves elsewhere: not mounted');
			} else add(toMount(verdict));
		}
		return mounts.map(({name, hostPath, readonly}) => ({name, hostPath, readonly}));
	}

	view(): MountsView {
		const current = this.options.allowlist.current();
		const user = current.ok ? current.allowlist.blockedPatterns : [];
		return {
			allowlistPath: this.options.allowlist.file,
			allowlistError: current.ok ? null : current.error,
			allowedRoots: current.ok ? current.allowlist.allowedRoots.map((root) => ({...root})) : [],
			blockedPatterns: [...new Set([...defaultBlockedPatterns, ...user])],
			nonMainReadOnly: current.ok ? current.allowlist.nonMainReadOnly : true,
			requests: this.options.store.all().map((r) => ({
				id: r.id,
				groupFolder: r.groupFolder,
				hostPath: r.hostPath,
				realPath: r.realPath,
				containerPath: r.containerPath,
				readonly: r.readonly,
				source: r.source,
				reason: r.reason,
				status: r.status,
				createdAt: r.createdAt,
			})),
		};
	}

	private expand(hostPath: string): string {
		return hostPath === '~' ? this.homeDir : hostPath.startsWith('~/') ? path.join(this.homeDir, hostPath.slice(2)) : hostPath;
	}

	private realPathOf(hostPath: string): string | null {
		const expanded = this.expand(hostPath);
		if (!path.isAbsolute(expanded)) return null;
		try {
			return fs.realpathSync(expanded);
		} catch {
			return null;
		}
	}

	private userPatterns(): string[] {
		const current = this.options.allowlist.current();
		return current.ok ? current.allowlist.blockedPatterns : [];
	}

	private pendingRequest(id: number): MountRequestRecord {
		const request = this.options.store.get(id);
		if (!request) throw new Error(`no mount request ${id}: see the Access pane or \`babybot-tui mounts list\``);
		if (request.status !== 'pending') throw new Error(`mount request ${id} was already ${request.status}${request.decidedBy ? ` by ${request.decidedBy}` : ''}`);
		return request;
	}

	private persist(input: MountAsk, realPath: string | null, reason: string | null, decided: {status: 'approved' | 'rejected'; decidedBy: string} | undefined = undefined): number {
		return this.options.store.create({
			groupFolder: input.groupFolder,
			hostPath: input.hostPath,
			realPath,
			containerPath: input.containerPath ?? null,
			readonly: input.readonly ?? true,
			source: input.source,
			reason,
			createdAt: this.now().toISOString(),
			...decided,
		});
	}
}
