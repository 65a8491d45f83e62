// Time and timers of the host, injected so tests (and the month-long soak) drive them without sleeping.

export interface HostClock {
	now(): number;
	/** Calls `fn` after `ms`; returns a function that cancels it. */
	setTimer(fn: () => void, ms: number): () => void;
}

export const systemClock: HostClock = {
	now: () => Date.now(),
	setTimer: (fn, ms) => {
		const timer = setTimeout(fn, ms);
		return () => clearTimeout(timer);
	},
};

export const isoNow = (clock: HostClock): string => new Date(clock.now()).toISOString();
