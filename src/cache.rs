//! The result cache (Ruff's model): opaque per-file records, each under a key that hashes
//! everything its result depends on (the file's bytes, its paths, the seeds it was analysed with),
//! all under a scan-wide salt (aiguard's build, the packs, the options that change a result).
//! What a record holds is the scan's business (`scan::stored`); this module keeps them safe.
//!
//! One file per salt in the cache directory (`.aiguard_cache`), read once at the start and
//! written once at the end, atomically (a new file renamed over the old), holding only the
//! records this run used, so it never grows past one scan's worth.
//!
//! The directory sits in the scanned repository, which may be hostile: a committed cache must
//! not hide findings. Every file is authenticated with a keyed hash whose key lives outside the
//! repository, in the user's cache directory (`$XDG_CACHE_HOME/aiguard/cache-key`, else
//! `~/.cache/aiguard/cache-key`, mode 0600); a file it does not authenticate is ignored. Nothing
//! is read or written through a symlink: a cache directory or file that is one turns the cache
//! off for the run.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The cache directory's name, in the scan's root, unless `--cache-dir` or `cache-dir` says.
pub const DEFAULT_DIR: &str = ".aiguard_cache";

/// The start of a cache file; the number after it changes when the layout does.
const MAGIC: &[u8; 12] = b"aiguard-c\0\0\x01";

/// The name of the key file in the user's cache directory.
const KEY_FILE: &str = "cache-key";

/// `CACHEDIR.TAG`, as the Cache Directory Tagging Specification has it: backup tools skip the
/// directory.
const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
    # This file is a cache directory tag created by aiguard.\n\
    # For information about cache directory tags see https://bford.info/cachedir/\n";

/// A record's key: what the record's result depends on, hashed under the salt.
pub type Key = [u8; 32];

/// An open cache: the records of the last run with the same salt, and those this run uses.
pub struct Cache {
    file: PathBuf,
    secret: [u8; 32],
    salt: [u8; 32],
    old: HashMap<Key, Vec<u8>>,
    /// The records this run used: `None` for an old one kept as it was.
    used: Mutex<HashMap<Key, Option<Vec<u8>>>>,
    /// The keys used since [`Cache::record_keys`] started, until it ends.
    recording: Mutex<Option<Vec<Key>>>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("file", &self.file)
            .field("records", &self.old.len())
            .finish_non_exhaustive()
    }
}

impl Cache {
    /// Open the cache in `dir` (created if missing) for a scan whose settings hash to `salt`,
    /// authenticated with the key in `key_dir` (created if missing). An error says why the run
    /// goes without a cache; a cache file that is missing, damaged, foreign or of another
    /// version is no error: the run starts empty.
    pub fn open(dir: &Path, key_dir: &Path, salt: &[u8]) -> Result<Cache, String> {
        prepare_dir(dir)?;
        let secret = load_or_create_key(key_dir)?;
        let salt = *blake3::hash(salt).as_bytes();
        let file = dir.join(format!("{}.bin", hex(&salt[..16])));
        let old = match std::fs::symlink_metadata(&file) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(format!("{} is a symlink", file.display()))
            }
            Ok(_) => std::fs::read(&file)
                .ok()
                .and_then(|bytes| decode_file(&bytes, &secret, &salt))
                .unwrap_or_default(),
            Err(_) => HashMap::new(),
        };
        Ok(Cache {
            file,
            secret,
            salt,
            old,
            used: Mutex::new(HashMap::new()),
            recording: Mutex::new(None),
        })
    }

    /// The key of a record whose result depends on `parts` (and the salt).
    pub fn key(&self, parts: &[&[u8]]) -> Key {
        let mut h = blake3::Hasher::new();
        h.update(&self.salt);
        for p in parts {
            h.update(&(p.len() as u64).to_le_bytes());
            h.update(p);
        }
        *h.finalize().as_bytes()
    }

    /// The record of the last run under `key`, kept for the next run.
    pub fn get(&self, key: &Key) -> Option<&[u8]> {
        self.note(key);
        let record = self.old.get(key)?;
        self.lock().entry(*key).or_insert(None);
        Some(record)
    }

    /// Keep `record` under `key` for the next run.
    pub fn put(&self, key: Key, record: Vec<u8>) {
        self.note(&key);
        self.lock().insert(key, Some(record));
    }

    /// Keep the record of the last run under `key` (if any) for the next run, unread.
    pub fn keep(&self, key: &Key) {
        if self.old.contains_key(key) {
            self.lock().entry(*key).or_insert(None);
        }
    }

    /// Run `f`, and say which keys it looked up or stored: what a later run that skips `f`
    /// should [`Cache::keep`] all the same.
    pub fn record_keys<T>(&self, f: impl FnOnce() -> T) -> (T, Vec<Key>) {
        *self.recording.lock().unwrap_or_else(|e| e.into_inner()) = Some(Vec::new());
        let out = f();
        let keys = self
            .recording
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        (out, keys.unwrap_or_default())
    }

    fn note(&self, key: &Key) {
        if let Some(keys) = self
            .recording
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
        {
            keys.push(*key);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Option<Vec<u8>>>> {
        self.used.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Write the records this run used, replacing the file (never writing through a symlink).
    pub fn save(self) -> Result<(), String> {
        let Cache {
            file,
            secret,
            salt,
            mut old,
            used,
            ..
        } = self;
        let used = used.into_inner().unwrap_or_else(|e| e.into_inner());
        // Every record of the file used again, none new: the file stays as it is.
        if used.len() == old.len() && used.values().all(Option::is_none) {
            return Ok(());
        }
        let mut records: Vec<(Key, Vec<u8>)> = used
            .into_iter()
            .filter_map(|(k, r)| Some((k, r.or_else(|| old.remove(&k))?)))
            .collect();
        records.sort_unstable_by_key(|r| r.0);
        let bytes = encode_file(&records, &secret, &salt)?;
        write_atomically(&file, &bytes).map_err(|e| format!("cannot write {}: {e}", file.display()))
    }
}

/// Where the key that authenticates cache files lives: `$XDG_CACHE_HOME/aiguard`, else
/// `~/.cache/aiguard` (`%LOCALAPPDATA%\aiguard` on Windows). Outside any repository.
pub fn key_dir() -> Option<PathBuf> {
    let absolute = |v: std::ffi::OsString| Some(PathBuf::from(v)).filter(|p| p.is_absolute());
    let base = std::env::var_os("XDG_CACHE_HOME")
        .and_then(absolute)
        .or_else(|| {
            std::env::var_os("HOME")
                .and_then(absolute)
                .map(|h| h.join(".cache"))
        })
        .or_else(|| std::env::var_os("LOCALAPPDATA").and_then(absolute))?;
    Some(base.join("aiguard"))
}

/// Create the cache directory with its `.gitignore` and `CACHEDIR.TAG`; refuse a symlink.
fn prepare_dir(dir: &Path) -> Result<(), String> {
    let not_dir = |m: &std::fs::Metadata| m.file_type().is_symlink() || !m.is_dir();
    match std::fs::symlink_metadata(dir) {
        Ok(m) if not_dir(&m) => {
            return Err(format!("{} is a symlink or not a directory", dir.display()))
        }
        Ok(_) => {}
        Err(_) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            // Made by someone else meanwhile: looked at again.
            let made = std::fs::symlink_metadata(dir).map_err(|e| e.to_string())?;
            if not_dir(&made) {
                return Err(format!("{} is a symlink or not a directory", dir.display()));
            }
        }
    }
    for (name, text) in [
        (".gitignore", "# Made by aiguard.\n*\n"),
        ("CACHEDIR.TAG", CACHEDIR_TAG),
    ] {
        // `create_new` fails on anything already there, a symlink included: never followed.
        if let Ok(mut f) = new_file(&dir.join(name)) {
            let _ = f.write_all(text.as_bytes());
        }
    }
    Ok(())
}

/// A file that did not exist, readable and writable by its owner only.
fn new_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// The secret key of this user's caches, made on first use from the system's random source.
fn load_or_create_key(key_dir: &Path) -> Result<[u8; 32], String> {
    let path = key_dir.join(KEY_FILE);
    if let Some(key) = read_key(&path) {
        return Ok(key);
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(key_dir)
        .map_err(|e| format!("cannot create {}: {e}", key_dir.display()))?;
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| format!("no random source for the cache key: {e}"))?;
    // Written aside, then linked into place: a reader never sees half a key, and of two runs
    // making one at once, the first link wins and both use it.
    let tmp = key_dir.join(format!("{KEY_FILE}.{}.tmp", std::process::id()));
    let written = new_file(&tmp).and_then(|mut f| f.write_all(&key));
    let linked = written.and_then(|()| std::fs::hard_link(&tmp, &path));
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(key),
        Err(e) => read_key(&path).ok_or_else(|| format!("cannot write {}: {e}", path.display())),
    }
}

/// A key file: a regular file (not a symlink) of 32 bytes that only its owner may read.
fn read_key(path: &Path) -> Option<[u8; 32]> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    #[cfg(unix)]
    if std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o077 != 0 {
        return None;
    }
    std::fs::read(path).ok()?.try_into().ok()
}

/// `MAGIC`, the keyed hash of (salt, body), the body: the records, sorted by key.
fn encode_file(records: &[(Key, Vec<u8>)], secret: &Key, salt: &Key) -> Result<Vec<u8>, String> {
    let body = bincode::serialize(records).map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(MAGIC.len() + 32 + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(mac(secret, salt, &body).as_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}

/// The records of a cache file, if it is one this user's aiguard wrote under this salt.
fn decode_file(bytes: &[u8], secret: &Key, salt: &Key) -> Option<HashMap<Key, Vec<u8>>> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let (tag, body) = rest.split_at_checked(32)?;
    // `blake3::Hash` compares in constant time.
    if mac(secret, salt, body) != blake3::Hash::from_bytes(tag.try_into().ok()?) {
        return None;
    }
    let records: Vec<(Key, Vec<u8>)> = bincode::deserialize(body).ok()?;
    Some(records.into_iter().collect())
}

fn mac(secret: &Key, salt: &Key, body: &[u8]) -> blake3::Hash {
    let mut h = blake3::Hasher::new_keyed(secret);
    h.update(salt);
    h.update(body);
    h.finalize()
}

/// Write a new file beside `path`, then rename it over `path`: a reader sees the old file or
/// the new one, and a symlink at `path` is replaced, never followed.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
    // Left by a run of the same id that stopped halfway (removing a symlink removes only it).
    let _ = std::fs::remove_file(&tmp);
    let written = new_file(&tmp).and_then(|mut f| f.write_all(bytes));
    let renamed = written.and_then(|()| std::fs::rename(&tmp, path));
    if renamed.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    renamed
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
