// web_fetch on the host: the group's allowlist decides, an unknown host waits for the operator (the
// chat is told), and the operator's decision (once, this group, all groups, reject) is kept.
import type {WebFetchResult} from '../../container/agent-runner/src/protocol.js';
import type {WebAccessView} from '../api/host-api.js';
import type {Logger} from '../logger.js';
import type {MountAllowlist} from '../mounts/allowlist.js';
import type {WebApprovalScope, WebRequestRecord, WebRequestStore} from '../store/web-requests.js';
import type {FetchOutcome, HopPolicy, WebFetcher} from './fetcher.js';
import {decideAccess, entriesFor, hostRulesOf, parseTarget, type AccessVerdict, type FetchTarget, type HostRules} from './host-rules.js';
import {pageText} from './readable.js';

export interface WebAccessOptions {
	allowlist: MountAllowlist;
	store: WebRequestStore;
	fetcher: WebFetcher;
	logger: Pick<Logger, 'info' | 'warn'>;
	/** Tells a chat something (that its request waits, or what the operator decided). */
	notify(chatJid: string, text: string): void;
	now?: () => Date;
	/** Requests or the allowlist changed (the UI refreshes its Access pane). */
	onChange?: () => void;
	maxPendingPerGroup?: number;
	maxFetchesPerGroup?: number;
	/** The most text an answer carries, whatever the agent asks for. */
	maxTextBytes?: number;
}

export interface WebFetchRequest {
	url: string;
	maxBytes: number;
}

export interface WebRequestContext {
	groupFolder: string;
	/** The chat told when the request has to wait. */
	chatJid: string;
}

export const webDefaults = {maxPendingPerGroup: 5, maxFetchesPerGroup: 3, maxTextBytes: 100_000};

/** Cuts UTF-8 text to `maxBytes` on a character boundary. */
export function cutToBytes(text: string, maxBytes: number): {text: string; cut: boolean} {
	const bytes = Buffer.from(text, 'utf8');
	if (bytes.length <= maxBytes) return {text, cut: false};
	return {text: bytes.subarray(0, maxBytes).toString('utf8').replace(/\uFFFD$/, ''), cut: true};
}

export class WebAccess {
	private readonly now: () => Date;
	private readonly fetching = new Map<string, number>();
	private readonly unsubscribe: () => void;

	constructor(private readonly options: WebAccessOptions) {
		this.now = options.now ?? (() => new Date());
		this.unsubscribe = options.allowlist.onChange(() => {
			this.settleCovered();
			options.onChange?.();
		});
	}

	close(): void {
		this.unsubscribe();
	}

	/** The rules of the allowlist now, or why it cannot be used. */
	rules(): {rules: HostRules; error?: string} {
		return hostRulesOf(this.options.allowlist.current());
	}

	/** The verdict for a group and URL now. */
	verdict(target: FetchTarget, groupFolder: string): {verdict: AccessVerdict; once?: WebRequestRecord} {
		const {rules, error} = this.rules();
		if (error) return {verdict: {decision: 'refuse', why: `the web allowlist cannot be used (${error})`}};
		return accessNow({target, groupFolder, rules, latest: this.options.store.latestFor(groupFolder, target.host)});
	}

	async serve(request: WebFetchRequest, context: WebRequestContext, signal?: AbortSignal): Promise<WebFetchResult> {
		const parsed = parseTarget(String(request.url ?? ''));
		if (!parsed.ok) return {status: 'refused', reason: parsed.error};
		const {target} = parsed;
		const {verdict, once} = this.verdict(target, context.groupFolder);
		if (verdict.decision === 'ask') return this.ask(target, context, verdict.why);
		if (verdict.decision === 'refuse') return {status: 'refused', reason: verdict.why};
		const {groupFolder} = context;
		const running = this.fetching.get(groupFolder) ?? 0;
		const limit = this.options.maxFetchesPerGroup ?? webDefaults.maxFetchesPerGroup;
		if (running >= limit) return {status: 'refused', reason: `${limit} fetches of this group are running already: wait for them to finish`};
		if (once) this.options.store.use(once.id, this.now().toISOString());
		this.fetching.set(groupFolder, running + 1);
		try {
			const outcome = await this.options.fetcher.fetch(target, this.hopPolicy(target, groupFolder, verdict.internal, once !== undefined), signal);
			this.options.logger.info({group: groupFolder, url: target.url, ok: outcome.ok, ...(outcome.ok ? {status: outcome.status} : {reason: outcome.reason})}, 'web_fetch');
			return this.answer(outcome, request.maxBytes);
		} finally {
			this.fetching.set(groupFolder, (this.fetching.get(groupFolder) ?? 1) - 1);
		}
	}

	/** Approves a pending request: one fetch, the host for the request's group, or for all groups. */
	approve(id: number, scope: 'once' | 'group' | 'all', who: string): WebRequestRecord {
		const {store, allowlist, logger} = this.options;
		const request = this.pendingRequest(id);
		const at = this.now().toISOString();
		// Decided first, so the allowlist's change event does not settle it as 'allowlist'.
		store.decide(id, {status: 'approved', scope, by: who, at});
		if (scope !== 'once') {
			const group = scope === 'group' ? request.groupFolder : undefined;
			try {
				allowlist.addAllowedHost({host: request.host, group, http: request.url.startsWith('http:'), description: `approved ${group ? `for ${group}` : 'for all groups'} by ${who} at ${at}`});
			} catch (error) {
				store.reopen(id);
				throw error;
			}
		}
		logger.info({request: id, group: request.groupFolder, host: request.host, scope, by: who, at}, 'web host approved');
		this.options.notify(request.chatJid, `🌐 The operator allowed ${request.host}${scope === 'once' ? ' for one fetch' : ''}: ask again and I can read it.`);
		this.options.onChange?.();
		return store.get(id)!;
	}

	reject(id: number, who: string): WebRequestRecord {
		const request = this.pendingRequest(id);
		const at = this.now().toISOString();
		this.options.store.decide(id, {status: 'rejected', by: who, at});
		this.options.logger.info({request: id, group: request.groupFolder, host: request.host, by: who, at}, 'web host rejected');
		this.options.notify(request.chatJid, `🌐 The operator declined the request to read ${request.host}.`);
		this.options.onChange?.();
		return this.options.store.get(id)!;
	}

	view(): WebAccessView {
		const {rules} = this.rules();
		return {
			allowedHosts: rules.allowedHosts.map((entry) => ({...entry, internal: rules.internalHosts.includes(entry.host)})),
			internalHosts: [...rules.internalHosts],
			requests: this.options.store.all(100).map(({chatJid: _chat, usedAt: _used, ...request}) => request),
		};
	}

	private ask(target: FetchTarget, context: WebRequestContext, why: string): WebFetchResult {
		const {store, logger} = this.options;
		const latest = store.latestFor(context.groupFolder, target.host);
		if (latest?.status === 'pending') {
			return {status: 'waiting', reason: `still waiting for the operator to allow ${target.host} (request #${latest.id}, since ${latest.createdAt}): tell the user it waits`};
		}
		const limit = this.options.maxPendingPerGroup ?? webDefaults.maxPendingPerGroup;
		if (store.pendingCount(context.groupFolder) >= limit) {
			return {status: 'refused', reason: `${limit} web requests of this group already wait for the operator: no more are queued until they are decided`};
		}
		const id = store.create({...context, url: target.url, host: target.host, reason: why, createdAt: this.now().toISOString()});
		logger.info({request: id, group: context.groupFolder, url: target.url, reason: why}, 'web request waits for the operator');
		this.options.notify(context.chatJid, `🌐 A request to read ${target.host} (${target.url}) waits for the operator's approval.`);
		this.options.onChange?.();
		return {status: 'waiting', reason: `waiting for the operator: ${why}. The chat was told; the operator decides in the Access pane, then call web_fetch again`};
	}

	/** Every hop after the first: its host must be allowed for the group (a once approval covers its own host only). */
	private hopPolicy(first: FetchTarget, groupFolder: string, internal: boolean, once: boolean): HopPolicy {
		return (target, hop) => {
			if (hop === 0) return {ok: true, internal};
			const {rules} = this.rules();
			const verdict = decideAccess({target, groupFolder, rules, once: once && target.host === first.host});
			if (verdict.decision === 'allow') return {ok: true, internal: verdict.internal};
			if (verdict.decision === 'refuse') return {ok: false, reason: verdict.why};
			return {ok: false, reason: `${verdict.why} (call web_fetch with ${target.url} to ask the operator for it)`};
		};
	}

	private answer(outcome: FetchOutcome, askedBytes: number): WebFetchResult {
		if (!outcome.ok) return {status: 'failed', reason: outcome.reason};
		const page = pageText(outcome.body, outcome.contentType, outcome.finalUrl);
		const ceiling = this.options.maxTextBytes ?? webDefaults.maxTextBytes;
		const budget = Number.isInteger(askedBytes) && askedBytes > 0 ? Math.min(askedBytes, ceiling) : ceiling;
		const notes = [...outcome.notes];
		let text = '';
		if (page.kind === 'binary') notes.push(`the page is ${page.mediaType}, not text: web_fetch returns text only`);
		else {
			const cut = cutToBytes(page.text, budget);
			text = cut.text;
			if (cut.cut) notes.push(`the text is ${Buffer.byteLength(page.text)} bytes: cut at the budget of ${budget} bytes`);
		}
		const title = page.kind === 'text' && page.title ? {title: page.title} : {};
		return {status: 'fetched', httpStatus: outcome.status, finalUrl: outcome.finalUrl, contentType: outcome.contentType, ...title, text, notes};
	}

	/** Pending requests the allowlist now allows are settled as approved by the allowlist. */
	private settleCovered(): void {
		const {rules, error} = this.rules();
		if (error) return;
		for (const request of this.options.store.pending()) {
			const target = parseTarget(request.url);
			if (!target.ok || entriesFor(rules, request.groupFolder, request.host).length === 0) continue;
			if (decideAccess({target: target.target, groupFolder: request.groupFolder, rules}).decision !== 'allow') continue;
			this.options.store.decide(request.id, {status: 'approved', scope: 'allowlist', by: 'allowlist', at: this.now().toISOString()});
		}
	}

	private pendingRequest(id: number): WebRequestRecord {
		const request = this.options.store.get(id);
		if (!request) throw new Error(`no web request ${id}: see the Access pane or \`babybot-tui hosts list\``);
		if (request.status !== 'pending') throw new Error(`web request ${id} was already ${request.status}${request.decidedBy ? ` by ${request.decidedBy}` : ''}`);
		return request;
	}
}

const rejectionOf = (latest: WebRequestRecord | undefined) =>
	latest?.status === 'rejected' ? {at: latest.decidedAt ?? latest.createdAt, by: latest.decidedBy ?? 'the operator'} : undefined;

/**
 * The verdict from the rules and the group's latest request for the host: a rejection sticks until
 * the host is allowed; an unused once approval allows one fetch (`once` is the approval it uses).
 */
export function accessNow(input: {target: FetchTarget; groupFolder: string; rules: HostRules; latest?: WebRequestRecord}): {verdict: AccessVerdict; once?: WebRequestRecord} {
	const {target, groupFolder, rules, latest} = input;
	const plain = decideAccess({target, groupFolder, rules, rejected: rejectionOf(latest)});
	const once = latest?.status === 'approved' && latest.scope === 'once' && !latest.usedAt ? latest : undefined;
	if (plain.decision === 'allow' || !once) return {verdict: plain};
	return {verdict: decideAccess({target, groupFolder, rules, once: true}), once};
}
