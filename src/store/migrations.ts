// Versioned schema. Append a migration; never edit one that has shipped.
export interface Migration {
	version: number;
	name: string;
	sql: string;
}

export const migrations: Migration[] = [
	{
		version: 1,
		name: 'foundation',
		sql: `
CREATE TABLE chats (
	jid TEXT PRIMARY KEY,
	name TEXT NOT NULL DEFAULT '',
	channel TEXT NOT NULL,
	is_group INTEGER NOT NULL DEFAULT 0,
	last_message_at TEXT
);
CREATE TABLE messages (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	id TEXT NOT NULL,
	chat_jid TEXT NOT NULL,
	sender TEXT NOT NULL,
	sender_name TEXT NOT NULL,
	content TEXT NOT NULL,
	timestamp TEXT NOT NULL,
	from_me INTEGER NOT NULL DEFAULT 0,
	is_bot INTEGER NOT NULL DEFAULT 0,
	UNIQUE (chat_jid, id)
);
CREATE INDEX messages_chat_seq ON messages (chat_jid, seq);
CREATE TABLE registered_groups (
	jid TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	folder TEXT NOT NULL UNIQUE,
	trigger TEXT NOT NULL,
	requires_trigger INTEGER NOT NULL DEFAULT 1,
	is_main INTEGER NOT NULL DEFAULT 0,
	added_at TEXT NOT NULL,
	extra_mounts TEXT NOT NULL DEFAULT '[]',
	network INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE router_cursors (
	chat_jid TEXT PRIMARY KEY,
	last_seq INTEGER NOT NULL
);
CREATE TABLE sessions (
	group_folder TEXT PRIMARY KEY,
	updated_at TEXT NOT NULL,
	turns INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE scheduled_tasks (
	id TEXT PRIMARY KEY,
	group_folder TEXT NOT NULL,
	chat_jid TEXT NOT NULL,
	prompt TEXT NOT NULL,
	schedule_type TEXT NOT NULL,
	schedule_value TEXT NOT NULL,
	context_mode TEXT NOT NULL DEFAULT 'isolated',
	next_run TEXT,
	last_run TEXT,
	last_result TEXT,
	status TEXT NOT NULL DEFAULT 'active',
	created_at TEXT NOT NULL
);
CREATE INDEX scheduled_tasks_next ON scheduled_tasks (status, next_run);
CREATE TABLE task_run_logs (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	task_id TEXT NOT NULL,
	run_at TEXT NOT NULL,
	duration_ms INTEGER NOT NULL,
	status TEXT NOT NULL,
	result TEXT,
	error TEXT
);
CREATE TABLE container_runs (
	id TEXT PRIMARY KEY,
	group_folder TEXT NOT NULL,
	runtime TEXT NOT NULL,
	container_name TEXT NOT NULL,
	started_at TEXT NOT NULL,
	last_output_at TEXT,
	ended_at TEXT,
	state TEXT NOT NULL,
	end_reason TEXT,
	error TEXT,
	argv TEXT NOT NULL DEFAULT '[]',
	mounts TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE outbox (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	chat_jid TEXT NOT NULL,
	text TEXT NOT NULL,
	created_at TEXT NOT NULL,
	sent_at TEXT,
	attempts INTEGER NOT NULL DEFAULT 0,
	last_error TEXT
);
CREATE INDEX outbox_pending ON outbox (sent_at, id);
CREATE TABLE mount_requests (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	group_folder TEXT NOT NULL,
	host_path TEXT NOT NULL,
	container_path TEXT,
	readonly INTEGER NOT NULL DEFAULT 1,
	source TEXT NOT NULL,
	reason TEXT,
	status TEXT NOT NULL DEFAULT 'pending',
	created_at TEXT NOT NULL,
	decided_at TEXT,
	decided_by TEXT
);
CREATE TABLE kv (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
`,
	},
	{
		version: 2,
		name: 'task-claims',
		// The slot a run has claimed and not yet finished: after a crash it is logged as interrupted, never run twice.
		sql: `ALTER TABLE scheduled_tasks ADD COLUMN claimed_slot TEXT;`,
	},
	{
		version: 3,
		name: 'task-claim-started',
		// A claimed run that never started (it waited in its group's queue) is released, not lost.
		sql: `ALTER TABLE scheduled_tasks ADD COLUMN claim_started INTEGER NOT NULL DEFAULT 0;`,
	},
	{
		version: 4,
		name: 'answered-through',
		// On an assistant message: the last inbound message of the turn it answers. After a crash
		// between storing an answer and moving the cursor, recovery moves the cursor instead of asking again.
		sql: `ALTER TABLE messages ADD COLUMN answers_seq INTEGER;`,
	},
	{
		version: 5,
		name: 'outbox-given-up',
		// A message given up for good (its chat unreachable, or sends kept failing), kept with the reason.
		// Rows the earlier code gave up after 5 attempts stay given up (they are not sent days late).
		sql: `ALTER TABLE outbox ADD COLUMN given_up_at TEXT;
UPDATE outbox SET given_up_at = created_at WHERE sent_at IS NULL AND attempts >= 5;`,
	},
	{
		version: 6,
		name: 'web-requests',
		// web_fetch of a host not on a group's allowlist: waits for the operator; the decision, who and when.
		sql: `CREATE TABLE web_requests (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	group_folder TEXT NOT NULL,
	chat_jid TEXT NOT NULL,
	url TEXT NOT NULL,
	host TEXT NOT NULL,
	reason TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending',
	scope TEXT,
	created_at TEXT NOT NULL,
	decided_at TEXT,
	decided_by TEXT,
	used_at TEXT
);
CREATE INDEX web_requests_group_host ON web_requests (group_folder, host, id);`,
	},
	{
		version: 7,
		name: 'mount-real-path',
		// Where a requested folder resolved when it was asked: approvals and mounts bind to it.
		sql: `ALTER TABLE mount_requests ADD COLUMN real_path TEXT;`,
	},
	{
		version: 8,
		name: 'messages-fts',
		// search_history: a full-text index of the messages (their text is not stored twice), built here
		// for the messages already stored. New messages are indexed in batches up to the latest one
		// before every search (src/memory/history-search.ts); messages_fts_progress says how far: an
		// insert trigger would be one more index write in every message's own commit (ingest fell from
		// 21,000 to 10,500 messages a second). Removed or changed messages leave the index at once.
		sql: `CREATE VIRTUAL TABLE messages_fts USING fts5(content, content='messages', content_rowid='seq', tokenize='porter unicode61 remove_diacritics 2');
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
CREATE TABLE messages_fts_progress (id INTEGER PRIMARY KEY CHECK (id = 1), through_seq INTEGER NOT NULL);
INSERT INTO messages_fts_progress (id, through_seq) SELECT 1, COALESCE(MAX(seq), 0) FROM messages;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
	WHEN old.seq <= (SELECT through_seq FROM messages_fts_progress) BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages
	WHEN old.seq <= (SELECT through_seq FROM messages_fts_progress) BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
	INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
END;`,
	},
	{
		version: 9,
		name: 'task-misfire',
		// What a task does about occurrences missed while the host was down; 'once' is what ran before.
		sql: `ALTER TABLE scheduled_tasks ADD COLUMN misfire TEXT NOT NULL DEFAULT 'once';`,
	},
	{
		version: 10,
		name: 'drop-unused',
		// Never read or written: sessions live in the session folders, and nothing kept key-values.
		sql: `DROP TABLE IF EXISTS sessions;
DROP TABLE IF EXISTS kv;`,
	},
	{
		version: 11,
		name: 'retention-indexes',
		// Retention prunes by age: ended runs, task run logs and ended outbox rows.
		sql: `CREATE INDEX IF NOT EXISTS container_runs_ended ON container_runs (ended_at);
CREATE INDEX IF NOT EXISTS task_run_logs_run_at ON task_run_logs (run_at);
CREATE INDEX IF NOT EXISTS outbox_sent ON outbox (sent_at);`,
	},
];
