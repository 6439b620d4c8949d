//! The durable tracker store: bucketed counts (and optionally raw events)
//! in an SQLite file, in WAL mode, shared by processes.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};

use super::aggregate::{Extent, Resolved, Row, Runs, aggregate};
use super::snapshot::{Scope, Snapshot, check_bucket_secs};
use crate::{Error, Event, Experiment, Outcome, Result};

/// The schema version this build writes (and the newest it reads), kept in
/// the file's `PRAGMA user_version`.
pub const SCHEMA_VERSION: u32 = 1;

/// `PRAGMA application_id` of a postab store ("pstb").
const APPLICATION_ID: i32 = 0x7073_7462;

/// The statements that take a file from schema version `i` to `i + 1`
/// (index `i`). A new version appends one; opening an older file applies
/// the missing ones in one transaction.
const MIGRATIONS: &[&str] = &[
    // 0 -> 1: the first schema.
    "CREATE TABLE postab_meta (
         name TEXT PRIMARY KEY,
         value TEXT NOT NULL
     ) WITHOUT ROWID;
     CREATE TABLE postab_keys (
         id INTEGER PRIMARY KEY,
         scope TEXT NOT NULL CHECK (scope IN ('variants', 'posts')),
         name TEXT NOT NULL CHECK (name <> ''),
         UNIQUE (scope, name)
     );
     CREATE TABLE postab_outcomes (
         id INTEGER PRIMARY KEY,
         name TEXT NOT NULL UNIQUE CHECK (name <> '')
     );
     CREATE TABLE postab_counts (
         key INTEGER NOT NULL,
         outcome INTEGER NOT NULL,
         bucket INTEGER NOT NULL,
         n INTEGER NOT NULL CHECK (n > 0),
         PRIMARY KEY (key, outcome, bucket)
     ) WITHOUT ROWID;
     CREATE TABLE postab_batches (
         id INTEGER PRIMARY KEY,
         committed_at INTEGER NOT NULL,
         events INTEGER NOT NULL,
         cells INTEGER NOT NULL,
         writer INTEGER NOT NULL
     );
     CREATE TABLE postab_events (
         batch INTEGER NOT NULL,
         key INTEGER NOT NULL,
         outcome INTEGER NOT NULL,
         at INTEGER NOT NULL,
         n INTEGER NOT NULL
     );
     CREATE INDEX postab_events_by_batch ON postab_events (batch);",
];

const UPSERT: &str = "INSERT INTO postab_counts (key, outcome, bucket, n) VALUES (?1, ?2, ?3, ?4)
     ON CONFLICT (key, outcome, bucket) DO UPDATE SET n = n + excluded.n
     WHERE n <= 9223372036854775807 - excluded.n";

/// A committed batch's id (ascending in commit order within a file).
pub type BatchId = i64;

/// When a commit counts as durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// Committed batches survive the process being killed at any moment
    /// (SQLite `synchronous = NORMAL` in WAL mode); a power loss may lose
    /// the last few commits, never consistency.
    #[default]
    Process,
    /// Committed batches also survive a power loss or OS crash (`synchronous
    /// = FULL`: an fsync per commit).
    Power,
}

/// How to open a [`Store`].
///
/// | option | default | meaning |
/// |---|---|---|
/// | [`experiment`](StoreOptions::experiment) | the file's | the experiment id the file must have (a new file gets it) |
/// | [`bucket`](StoreOptions::bucket) | the file's (1 minute for a new file) | the bucket width the file must have |
/// | [`keep_events`](StoreOptions::keep_events) | off | also store every raw event (key, outcome, second, multiplicity) with its batch |
/// | [`busy_timeout`](StoreOptions::busy_timeout) | 5 s | how long a writer retries while another process holds the write lock |
/// | [`durability`](StoreOptions::durability) | [`Durability::Process`] | when a commit is durable |
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    pub(crate) experiment: Option<String>,
    pub(crate) bucket: Option<Duration>,
    pub(crate) keep_events: bool,
    pub(crate) busy_timeout: std::time::Duration,
    pub(crate) durability: Durability,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            experiment: None,
            bucket: None,
            keep_events: false,
            busy_timeout: std::time::Duration::from_secs(5),
            durability: Durability::Process,
        }
    }
}

impl StoreOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// The experiment id the file must have.
    pub fn experiment(mut self, id: impl Into<String>) -> Self {
        self.experiment = Some(id.into());
        self
    }

    /// The bucket width the file must have (whole seconds, 1 s to 366 days).
    pub fn bucket(mut self, width: Duration) -> Self {
        self.bucket = Some(width);
        self
    }

    /// Whether to store raw events too.
    pub fn keep_events(mut self, keep: bool) -> Self {
        self.keep_events = keep;
        self
    }

    /// How long a writer waits for the write lock (SQLite retries with
    /// short sleeps until then), after which it gives up with
    /// [`Error::StoreBusy`].
    pub fn busy_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// When a commit counts as durable.
    pub fn durability(mut self, durability: Durability) -> Self {
        self.durability = durability;
        self
    }
}

/// A committed batch as the store lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchInfo {
    /// The batch's id.
    pub id: BatchId,
    /// When it was committed.
    pub committed_at: DateTime<Utc>,
    /// How many events it had (non-zero multiplicity).
    pub events: u64,
    /// How many (key, outcome, bucket) counts it added to.
    pub cells: u64,
    /// The process id of its writer.
    pub writer: u32,
    /// How many raw events the store kept for it (0 without
    /// [`StoreOptions::keep_events`]).
    pub kept_events: u64,
}

struct Inner {
    conn: Connection,
    keys: HashMap<(Scope, String), i64>,
    outcomes: HashMap<String, i64>,
}

/// A durable tracker store: one SQLite file per experiment holding the
/// bucketed counts of its variants and posts, optionally every raw event,
/// and the experiment's definition.
///
/// - **Batches are transactions.** [`Store::record_batch`] (and every
///   record of a tracker opened on a file, [`Tracker::open`](super::Tracker::open))
///   sums the batch per (key, outcome, bucket) and upserts those counts in
///   one transaction with a row in the batch log: when it returns `Ok` the
///   batch is on disk (see [`Durability`]); if the process dies before,
///   none of it is.
/// - **Several processes** may write one file: SQLite's WAL mode lets
///   readers and one writer work at once, and writers take turns. A writer
///   retries while another holds the lock, up to
///   [`StoreOptions::busy_timeout`], then fails with [`Error::StoreBusy`]
///   (nothing written).
/// - **Readers see consistent snapshots**: [`Store::snapshot`] reads in one
///   read transaction, so it sees every batch committed before it started
///   and nothing of later ones.
/// - **Schema versions**: the file records its schema version; opening an
///   older file migrates it, a newer one is [`Error::StoreSchemaTooNew`].
/// - **Bad files are typed errors**, found before anything is written: a
///   file of another experiment or bucket width ([`Error::SnapshotMismatch`]),
///   not a postab store or damaged ([`Error::StoreCorrupt`]).
///
/// Counts in the file are at most `i64::MAX` per (key, outcome, bucket);
/// a batch that would pass it is [`Error::CountOverflow`].
///
/// # Example
///
/// ```
/// use postab::tracker::{Scope, Store, StoreOptions};
/// use postab::{Event, Outcome};
///
/// let dir = std::env::temp_dir().join(format!("postab-doc-store-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("launch.db");
/// # let _ = std::fs::remove_file(&path);
/// let store = Store::open(&path, &StoreOptions::new().experiment("launch"))?;
/// let at = "2026-11-24T08:00:00Z".parse()?;
/// let id = store.record_batch(Scope::Variants, [
///     Event::new("question", Outcome::Impression, at).times(100),
///     Event::new("question", Outcome::Click, at).times(3),
/// ])?;
/// assert_eq!(store.batches()?.last().map(|b| b.id), Some(id));
/// drop(store);
///
/// // A restart: the counts are still there.
/// let store = Store::open(&path, &StoreOptions::new().experiment("launch"))?;
/// assert_eq!(store.snapshot(Scope::Variants)?.counts("question")?.clicks(), 3);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Store {
    path: String,
    inner: Mutex<Inner>,
    experiment: Option<String>,
    bucket_secs: u64,
    keep_events: bool,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("experiment", &self.experiment)
            .field("bucket_secs", &self.bucket_secs)
            .field("keep_events", &self.keep_events)
            .finish()
    }
}

/// A typed error from an SQLite one.
fn store_error(path: &str, e: &rusqlite::Error, started: Option<Instant>) -> Error {
    let code = match e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
        _ => None,
    };
    match code {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::StoreBusy {
            path: path.to_string(),
            waited_ms: started.map_or(0, |s| s.elapsed().as_millis() as u64),
        },
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => Error::StoreCorrupt {
            path: path.to_string(),
            reason: e.to_string(),
        },
        _ => Error::Store {
            path: path.to_string(),
            message: e.to_string(),
        },
    }
}

fn scope_name(scope: Scope) -> &'static str {
    match scope {
        Scope::Variants => "variants",
        Scope::Posts => "posts",
    }
}

/// The file's identity, read before anything is written.
struct Meta {
    experiment: Option<String>,
    bucket_secs: u64,
}

fn read_meta(conn: &Connection, path: &str) -> Result<Meta> {
    let corrupt = |reason: String| Error::StoreCorrupt {
        path: path.to_string(),
        reason,
    };
    let mut stmt = conn
        .prepare("SELECT name, value FROM postab_meta")
        .map_err(|e| corrupt(format!("no readable metadata table ({e})")))?;
    let rows: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|rows| rows.collect())
        .map_err(|e| store_error(path, &e, None))?;
    let meta: HashMap<String, String> = rows.into_iter().collect();
    if meta.get("format").map(String::as_str) != Some("postab-tracker") {
        return Err(corrupt("metadata lacks format = postab-tracker".into()));
    }
    let bucket_secs = meta
        .get("bucket_secs")
        .and_then(|s| s.parse::<u64>().ok())
        .and_then(|s| check_bucket_secs(s).ok())
        .ok_or_else(|| corrupt("metadata lacks a valid bucket_secs".into()))?;
    Ok(Meta {
        experiment: meta.get("experiment").cloned(),
        bucket_secs,
    })
}

fn show(id: Option<&str>) -> String {
    id.map_or_else(|| "none".to_string(), |s| format!("{s:?}"))
}

impl Store {
    /// Opens (or creates) the store at `path`. Every check happens before
    /// anything is written to an existing file.
    ///
    /// # Errors
    ///
    /// - [`Error::StoreCorrupt`] for a file that is not an SQLite database,
    ///   not a postab store, or damaged;
    /// - [`Error::StoreSchemaTooNew`] for a file of a newer schema;
    /// - [`Error::SnapshotMismatch`] for a file of another experiment or
    ///   bucket width than the options ask for;
    /// - [`Error::InvalidParameter`] for an invalid bucket width;
    /// - [`Error::StoreBusy`] if other processes hold the file's lock past
    ///   the busy timeout; [`Error::Store`] for other failures (I/O).
    pub fn open(path: impl AsRef<Path>, options: &StoreOptions) -> Result<Store> {
        let path_ref = path.as_ref();
        let p = path_ref.display().to_string();
        let started = Instant::now();
        let fail = |e: rusqlite::Error| store_error(&p, &e, Some(started));
        let wanted_bucket = match options.bucket {
            None => None,
            Some(d) if d.subsec_nanos() == 0 && d.num_seconds() > 0 => {
                Some(check_bucket_secs(d.num_seconds() as u64)?)
            }
            Some(d) => {
                return Err(Error::InvalidParameter {
                    name: "bucket width",
                    value: d.as_seconds_f64(),
                    expected: "whole seconds from 1 to 31,622,400 (366 days)",
                });
            }
        };
        let mut conn = Connection::open_with_flags(
            path_ref,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(fail)?;
        conn.busy_timeout(options.busy_timeout).map_err(fail)?;

        // Inspect (reads only).
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(fail)?;
        let app_id: i64 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(fail)?;
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(fail)?;
        if version > i64::from(SCHEMA_VERSION) && app_id == i64::from(APPLICATION_ID) {
            return Err(Error::StoreSchemaTooNew {
                path: p,
                found: u32::try_from(version).unwrap_or(u32::MAX),
                supported: SCHEMA_VERSION,
            });
        }
        let fresh = version == 0 && app_id == 0 && tables == 0;
        if !fresh {
            if app_id != i64::from(APPLICATION_ID) {
                return Err(Error::StoreCorrupt {
                    path: p,
                    reason: format!(
                        "an SQLite database that is not a postab tracker store (application id {app_id:#x})"
                    ),
                });
            }
            if version < 1 {
                return Err(Error::StoreCorrupt {
                    path: p,
                    reason: "a postab store without a schema version".into(),
                });
            }
            let meta = read_meta(&conn, &p)?;
            check_identity(&p, &meta, options.experiment.as_deref(), wanted_bucket)?;
        }

        // Configure and migrate (writes).
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(fail)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Store {
                path: p,
                message: format!("could not switch to WAL mode (journal mode {mode})"),
            });
        }
        let sync = match options.durability {
            Durability::Process => "NORMAL",
            Durability::Power => "FULL",
        };
        conn.pragma_update(None, "synchronous", sync)
            .map_err(fail)?;
        {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(fail)?;
            // Another process may have created or migrated the file since.
            let version: i64 = tx
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(fail)?;
            if version > i64::from(SCHEMA_VERSION) {
                return Err(Error::StoreSchemaTooNew {
                    path: p,
                    found: u32::try_from(version).unwrap_or(u32::MAX),
                    supported: SCHEMA_VERSION,
                });
            }
            let from = usize::try_from(version).unwrap_or(0);
            for sql in &MIGRATIONS[from.min(MIGRATIONS.len())..] {
                tx.execute_batch(sql).map_err(fail)?;
            }
            if from == 0 {
                let mut put = tx
                    .prepare("INSERT INTO postab_meta (name, value) VALUES (?1, ?2)")
                    .map_err(fail)?;
                put.execute(params!["format", "postab-tracker"])
                    .map_err(fail)?;
                put.execute(params![
                    "bucket_secs",
                    wanted_bucket.unwrap_or(60).to_string()
                ])
                .map_err(fail)?;
                put.execute(params!["created_at", Utc::now().to_rfc3339()])
                    .map_err(fail)?;
                if let Some(e) = &options.experiment {
                    put.execute(params!["experiment", e]).map_err(fail)?;
                }
                drop(put);
                tx.pragma_update(None, "application_id", APPLICATION_ID)
                    .map_err(fail)?;
            }
            if from < MIGRATIONS.len() {
                tx.pragma_update(None, "user_version", SCHEMA_VERSION)
                    .map_err(fail)?;
            }
            tx.commit().map_err(fail)?;
        }
        let meta = read_meta(&conn, &p)?;
        check_identity(&p, &meta, options.experiment.as_deref(), wanted_bucket)?;
        let inner = Inner {
            conn,
            keys: HashMap::new(),
            outcomes: HashMap::new(),
        };
        inner.conn.set_prepared_statement_cache_capacity(16);
        Ok(Store {
            path: p,
            inner: Mutex::new(inner),
            experiment: meta.experiment,
            bucket_secs: meta.bucket_secs,
            keep_events: options.keep_events,
        })
    }

    /// The file's experiment id.
    pub fn experiment(&self) -> Option<&str> {
        self.experiment.as_deref()
    }

    /// The file's bucket width.
    pub fn bucket_width(&self) -> Duration {
        Duration::seconds(self.bucket_secs as i64)
    }

    /// The file's path, as given.
    pub fn path(&self) -> &str {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic mid-transaction drops the transaction (a rollback), so
        // the connection is usable.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn fail(&self, started: Instant) -> impl Fn(rusqlite::Error) -> Error + '_ {
        move |e| store_error(&self.path, &e, Some(started))
    }

    /// Writes a summed batch in one transaction: a batch row, the upserted
    /// counts and (with `keep_events`) the raw events. Names come from
    /// `key_name` and `outcome_name` (of the runs' indices).
    pub(crate) fn write_runs<R: Row>(
        &self,
        scope: Scope,
        runs: &Runs,
        raw: &[R],
        key_name: &dyn Fn(u32) -> String,
        outcome_name: &dyn Fn(u32) -> String,
    ) -> Result<BatchId> {
        let started = Instant::now();
        let fail = self.fail(started);
        let mut guard = self.lock();
        let Inner {
            conn,
            keys,
            outcomes,
        } = &mut *guard;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&fail)?;
        let mut new_keys: Vec<((Scope, String), i64)> = Vec::new();
        let mut new_outcomes: Vec<(String, i64)> = Vec::new();
        let mut key_ids: HashMap<u32, i64> = HashMap::new();
        let mut outcome_ids: HashMap<u32, i64> = HashMap::new();
        let mut key_id = |k: u32, tx: &rusqlite::Transaction<'_>| -> Result<i64> {
            if let Some(&id) = key_ids.get(&k) {
                return Ok(id);
            }
            let name = key_name(k);
            let id = match keys.get(&(scope, name.clone())) {
                Some(&id) => id,
                None => {
                    tx.execute(
                        "INSERT OR IGNORE INTO postab_keys (scope, name) VALUES (?1, ?2)",
                        params![scope_name(scope), name],
                    )
                    .map_err(&fail)?;
                    let id: i64 = tx
                        .query_row(
                            "SELECT id FROM postab_keys WHERE scope = ?1 AND name = ?2",
                            params![scope_name(scope), name],
                            |r| r.get(0),
                        )
                        .map_err(&fail)?;
                    new_keys.push(((scope, name), id));
                    id
                }
            };
            key_ids.insert(k, id);
            Ok(id)
        };
        let mut outcome_id = |s: u32, tx: &rusqlite::Transaction<'_>| -> Result<i64> {
            if let Some(&id) = outcome_ids.get(&s) {
                return Ok(id);
            }
            let name = outcome_name(s);
            let id = match outcomes.get(&name) {
                Some(&id) => id,
                None => {
                    tx.execute(
                        "INSERT OR IGNORE INTO postab_outcomes (name) VALUES (?1)",
                        params![name],
                    )
                    .map_err(&fail)?;
                    let id: i64 = tx
                        .query_row(
                            "SELECT id FROM postab_outcomes WHERE name = ?1",
                            params![name],
                            |r| r.get(0),
                        )
                        .map_err(&fail)?;
                    new_outcomes.push((name, id));
                    id
                }
            };
            outcome_ids.insert(s, id);
            Ok(id)
        };
        let events = raw.iter().filter(|r| r.n() > 0).count();
        let cells = runs.cells().count();
        tx.execute(
            "INSERT INTO postab_batches (committed_at, events, cells, writer) VALUES (?1, ?2, ?3, ?4)",
            params![Utc::now().timestamp(), events as i64, cells as i64, std::process::id()],
        )
        .map_err(&fail)?;
        let batch = tx.last_insert_rowid();
        {
            let mut up = tx.prepare_cached(UPSERT).map_err(&fail)?;
            for (k, s, bucket, n) in runs.cells() {
                let (kid, oid) = (key_id(k, &tx)?, outcome_id(s, &tx)?);
                let overflow = |current: u64| Error::CountOverflow {
                    variant: Some(key_name(k)),
                    outcome: outcome_name(s),
                    current,
                    added: n,
                };
                let Ok(n_sql) = i64::try_from(n) else {
                    return Err(overflow(0));
                };
                if up
                    .execute(params![kid, oid, bucket, n_sql])
                    .map_err(&fail)?
                    == 0
                {
                    let current: i64 = tx
                        .query_row(
                            "SELECT n FROM postab_counts WHERE key = ?1 AND outcome = ?2 AND bucket = ?3",
                            params![kid, oid, bucket],
                            |r| r.get(0),
                        )
                        .map_err(&fail)?;
                    return Err(overflow(current as u64));
                }
            }
        }
        if self.keep_events {
            let mut ins = tx
                .prepare_cached("INSERT INTO postab_events (batch, key, outcome, at, n) VALUES (?1, ?2, ?3, ?4, ?5)")
                .map_err(&fail)?;
            for r in raw.iter().filter(|r| r.n() > 0) {
                let (kid, oid) = (key_id(r.key(), &tx)?, outcome_id(r.slot(), &tx)?);
                let n = i64::try_from(r.n()).map_err(|_| Error::CountOverflow {
                    variant: Some(key_name(r.key())),
                    outcome: outcome_name(r.slot()),
                    current: 0,
                    added: r.n(),
                })?;
                ins.execute(params![batch, kid, oid, r.secs(), n])
                    .map_err(&fail)?;
            }
        }
        tx.commit().map_err(&fail)?;
        // Ids are cached only once committed (a rolled-back id may be reused).
        keys.extend(new_keys);
        outcomes.extend(new_outcomes);
        Ok(batch)
    }

    /// Records a batch of events for `scope` (variant ids or post ids), in
    /// one transaction: on `Ok` every event is durable, on error none is.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyVariantId`], [`Error::EmptyOutcomeName`] /
    /// [`Error::ReservedOutcomeName`] for a bad event (nothing written);
    /// [`Error::CountOverflow`] if a count would pass `i64::MAX`;
    /// [`Error::StoreBusy`] when the write lock stays taken past the busy
    /// timeout; [`Error::StoreCorrupt`] / [`Error::Store`] for file
    /// failures.
    pub fn record_batch<'a, I>(&self, scope: Scope, events: I) -> Result<BatchId>
    where
        I: IntoIterator<Item = Event<'a>>,
    {
        let mut names: Vec<String> = Vec::new();
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut customs: Vec<Outcome> = Vec::new();
        let mut rows: Vec<Resolved> = Vec::new();
        let mut extent = Extent::EMPTY;
        for e in events {
            let id = e.variant();
            if id.is_empty() {
                return Err(Error::EmptyVariantId);
            }
            let outcome = e.outcome();
            let slot = match outcome.builtin_index() {
                Some(i) => i as u32,
                None => {
                    outcome.validate()?;
                    let k = match customs.iter().position(|c| c == outcome) {
                        Some(k) => k,
                        None => {
                            customs.push(outcome.clone());
                            customs.len() - 1
                        }
                    };
                    (Outcome::BUILTIN_COUNT + k) as u32
                }
            };
            let key = match index.get(id) {
                Some(&k) => k,
                None => {
                    let k = names.len() as u32;
                    names.push(id.to_string());
                    index.insert(id.to_string(), k);
                    k
                }
            };
            let secs = e.at().timestamp();
            extent.include(key, slot, secs);
            rows.push(Resolved {
                key,
                slot,
                secs,
                n: e.multiplicity(),
            });
        }
        let outcome_name = |s: u32| -> String {
            let s = s as usize;
            match s.checked_sub(Outcome::BUILTIN_COUNT) {
                None => Outcome::from_builtin_index(s)
                    .map(|o| o.name().to_string())
                    .unwrap_or_default(),
                Some(k) => customs
                    .get(k)
                    .map(|o| o.name().to_string())
                    .unwrap_or_default(),
            }
        };
        let key_name = |k: u32| names[k as usize].clone();
        let runs = aggregate::<_, true>(&rows, self.bucket_secs, extent).map_err(|o| {
            let r = rows[o.index];
            Error::CountOverflow {
                variant: Some(key_name(r.key)),
                outcome: outcome_name(r.slot),
                current: o.current,
                added: o.added,
            }
        })?;
        self.write_runs(scope, &runs, &rows, &key_name, &outcome_name)
    }

    /// Everything committed for `scope`, read in one transaction (a
    /// consistent snapshot, even while other processes write).
    ///
    /// # Errors
    ///
    /// [`Error::StoreCorrupt`] for unreadable or invalid rows;
    /// [`Error::Store`] for other failures.
    pub fn snapshot(&self, scope: Scope) -> Result<Snapshot> {
        self.in_transaction(TransactionBehavior::Deferred, |tx, started| {
            self.read_snapshot(tx, scope, started)
        })
    }

    /// Runs `body` in one transaction of `behavior` on the locked
    /// connection (with the time the attempt started, for busy handling)
    /// and commits it when `body` succeeds; a failure rolls it back.
    fn in_transaction<T>(
        &self,
        behavior: TransactionBehavior,
        body: impl FnOnce(&rusqlite::Transaction<'_>, Instant) -> Result<T>,
    ) -> Result<T> {
        let started = Instant::now();
        let mut guard = self.lock();
        let tx = guard
            .conn
            .transaction_with_behavior(behavior)
            .map_err(self.fail(started))?;
        let out = body(&tx, started)?;
        tx.commit().map_err(self.fail(started))?;
        Ok(out)
    }

    fn read_snapshot(&self, conn: &Connection, scope: Scope, started: Instant) -> Result<Snapshot> {
        let fail = self.fail(started);
        let corrupt = |reason: String| Error::StoreCorrupt {
            path: self.path.clone(),
            reason,
        };
        let mut counts: BTreeMap<String, BTreeMap<Outcome, BTreeMap<i64, u64>>> = BTreeMap::new();
        let mut keys = conn
            .prepare_cached("SELECT name FROM postab_keys WHERE scope = ?1")
            .map_err(&fail)?;
        let names = keys
            .query_map([scope_name(scope)], |r| r.get::<_, String>(0))
            .map_err(&fail)?;
        for name in names {
            counts.insert(name.map_err(&fail)?, BTreeMap::new());
        }
        let mut cells = conn
            .prepare_cached(
                "SELECT k.name, o.name, c.bucket, c.n FROM postab_counts c
                 JOIN postab_keys k ON k.id = c.key
                 JOIN postab_outcomes o ON o.id = c.outcome
                 WHERE k.scope = ?1",
            )
            .map_err(&fail)?;
        let rows = cells
            .query_map([scope_name(scope)], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .map_err(&fail)?;
        for row in rows {
            let (key, outcome, bucket, n) = row.map_err(&fail)?;
            let outcome = Outcome::from_key(&outcome)
                .map_err(|e| corrupt(format!("outcome {outcome:?}: {e}")))?;
            let n = u64::try_from(n)
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| corrupt(format!("count {n} of {key:?} is not positive")))?;
            let by_bucket = counts.entry(key).or_default().entry(outcome).or_default();
            if by_bucket.insert(bucket, n).is_some() {
                return Err(corrupt(format!("bucket {bucket} listed twice")));
            }
        }
        Ok(Snapshot {
            experiment: self.experiment.clone(),
            scope,
            bucket_secs: self.bucket_secs,
            fixed: false,
            start: None,
            horizon_secs: None,
            counts,
        })
    }

    /// The committed batches, oldest first.
    ///
    /// # Errors
    ///
    /// [`Error::StoreCorrupt`] / [`Error::Store`] for file failures.
    pub fn batches(&self) -> Result<Vec<BatchInfo>> {
        let started = Instant::now();
        let fail = self.fail(started);
        let guard = self.lock();
        let mut stmt = guard
            .conn
            .prepare(
                "SELECT b.id, b.committed_at, b.events, b.cells, b.writer,
                        (SELECT count(*) FROM postab_events e WHERE e.batch = b.id)
                 FROM postab_batches b ORDER BY b.id",
            )
            .map_err(&fail)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(BatchInfo {
                    id: r.get(0)?,
                    committed_at: DateTime::from_timestamp(r.get(1)?, 0).unwrap_or_default(),
                    events: r.get::<_, i64>(2)? as u64,
                    cells: r.get::<_, i64>(3)? as u64,
                    writer: r.get::<_, i64>(4)? as u32,
                    kept_events: r.get::<_, i64>(5)? as u64,
                })
            })
            .map_err(&fail)?;
        rows.collect::<std::result::Result<_, _>>().map_err(&fail)
    }

    /// Holds the file's write lock while `f` runs (for tests of busy
    /// handling). Not part of the public API.
    #[doc(hidden)]
    pub fn __hold_write_lock(&self, f: impl FnOnce()) -> Result<()> {
        self.in_transaction(TransactionBehavior::Immediate, |_, _| {
            f();
            Ok(())
        })
    }

    /// Runs SQLite's full `PRAGMA integrity_check`.
    ///
    /// # Errors
    ///
    /// [`Error::StoreCorrupt`] with SQLite's findings if the file is
    /// damaged.
    pub fn integrity_check(&self) -> Result<()> {
        let started = Instant::now();
        let guard = self.lock();
        let mut stmt = guard
            .conn
            .prepare("PRAGMA integrity_check")
            .map_err(self.fail(started))?;
        let findings: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(self.fail(started))?;
        if findings == ["ok"] {
            Ok(())
        } else {
            Err(Error::StoreCorrupt {
                path: self.path.clone(),
                reason: findings.join("; "),
            })
        }
    }

    /// Stores the experiment's definition and posts (its events live in
    /// the counts; added counts are part of the definition), replacing any
    /// earlier one.
    ///
    /// # Errors
    ///
    /// [`Error::SnapshotMismatch`] unless the store's experiment id is the
    /// experiment's name; [`Error::StoreBusy`] / [`Error::Store`] for file
    /// failures.
    pub fn save_experiment(&self, experiment: &Experiment) -> Result<()> {
        if self.experiment() != Some(experiment.name()) {
            return Err(Error::SnapshotMismatch {
                what: "experiment",
                ours: show(self.experiment()),
                theirs: format!("{:?}", experiment.name()),
            });
        }
        let mut value = serde_json::to_value(experiment).map_err(|e| Error::Store {
            path: self.path.clone(),
            message: e.to_string(),
        })?;
        if let Some(map) = value.as_object_mut() {
            map.remove("events");
            map.remove("post_events");
        }
        self.in_transaction(TransactionBehavior::Immediate, |tx, started| {
            tx.execute(
                "INSERT INTO postab_meta (name, value) VALUES ('definition', ?1)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                params![value.to_string()],
            )
            .map_err(self.fail(started))?;
            Ok(())
        })
    }

    /// The stored experiment (see [`Store::save_experiment`]) with every
    /// count in the file added to its events (both read in one
    /// transaction); `None` if no definition was saved.
    ///
    /// # Errors
    ///
    /// [`Error::StoreCorrupt`] for an unreadable definition; any error of
    /// reading an experiment back (e.g. [`Error::UnknownVariant`] for
    /// counts of a key the definition lacks).
    pub fn load_experiment(&self) -> Result<Option<Experiment>> {
        let read = self.in_transaction(TransactionBehavior::Deferred, |tx, started| {
            let definition: Option<String> = tx
                .query_row(
                    "SELECT value FROM postab_meta WHERE name = 'definition'",
                    [],
                    |r| r.get(0),
                )
                .optional()
                .map_err(self.fail(started))?;
            let Some(definition) = definition else {
                return Ok(None);
            };
            let variants = self.read_snapshot(tx, Scope::Variants, started)?;
            let posts = self.read_snapshot(tx, Scope::Posts, started)?;
            Ok(Some((definition, variants, posts)))
        })?;
        let Some((definition, variants, posts)) = read else {
            return Ok(None);
        };
        let corrupt = |e: serde_json::Error| Error::StoreCorrupt {
            path: self.path.clone(),
            reason: format!("definition: {e}"),
        };
        let mut value: serde_json::Value = serde_json::from_str(&definition).map_err(corrupt)?;
        if let Some(map) = value.as_object_mut() {
            map.insert(
                "events".into(),
                serde_json::to_value(&variants).map_err(corrupt)?,
            );
            map.insert(
                "post_events".into(),
                serde_json::to_value(&posts).map_err(corrupt)?,
            );
        }
        let exp: Experiment = serde_json::from_value(value).map_err(|e| Error::Store {
            path: self.path.clone(),
            message: format!("reading the experiment back: {e}"),
        })?;
        Ok(Some(exp))
    }
}

fn check_identity(
    path: &str,
    meta: &Meta,
    experiment: Option<&str>,
    bucket: Option<u64>,
) -> Result<()> {
    let _ = path;
    if let Some(e) = experiment
        && meta.experiment.as_deref() != Some(e)
    {
        return Err(Error::SnapshotMismatch {
            what: "experiment",
            ours: format!("{e:?}"),
            theirs: format!("{} in the file", show(meta.experiment.as_deref())),
        });
    }
    if let Some(w) = bucket
        && meta.bucket_secs != w
    {
        return Err(Error::SnapshotMismatch {
            what: "bucket width",
            ours: format!("{w} s"),
            theirs: format!("{} s in the file", meta.bucket_secs),
        });
    }
    Ok(())
}
