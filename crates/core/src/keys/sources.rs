//! Where the database key is kept: the OS keychain (desktop), a key file (headless), or
//! memory (tests).

use super::{DbKey, KeyError};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A place that keeps one database key.
pub trait KeySource {
    /// The stored key; an error when there is none.
    fn load(&self) -> Result<DbKey, KeyError>;
    /// Stores `key`, replacing nothing: fails when a key is already kept.
    fn store_new(&self, key: &DbKey) -> Result<(), KeyError>;
    /// Whether a key is kept here.
    fn exists(&self) -> Result<bool, KeyError>;
    /// Forgets the key (only to undo a `store_new` whose operation then failed).
    fn remove(&self) -> Result<(), KeyError>;

    /// The stored key, or a fresh random one stored first.
    fn load_or_create(&self) -> Result<DbKey, KeyError> {
        if self.exists()? {
            return self.load();
        }
        let key = DbKey::generate();
        self.store_new(&key)?;
        Ok(key)
    }
}

/// A key file: 64 hex characters, mode 0600. For servers, CI and scripts.
#[derive(Debug, Clone)]
pub struct KeyFile {
    path: PathBuf,
}

impl KeyFile {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        KeyFile { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn shown(&self) -> String {
        self.path.display().to_string()
    }

    fn io(&self, source: std::io::Error) -> KeyError {
        KeyError::KeyFileIo {
            path: self.shown(),
            source,
        }
    }
}

impl KeySource for KeyFile {
    fn load(&self) -> Result<DbKey, KeyError> {
        let meta = match fs::metadata(&self.path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(KeyError::KeyFileMissing { path: self.shown() })
            }
            Err(e) => return Err(self.io(e)),
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(KeyError::KeyFileTooOpen {
                    path: self.shown(),
                    mode,
                });
            }
        }
        #[cfg(not(unix))]
        let _ = meta;
        let text = zeroize::Zeroizing::new(fs::read_to_string(&self.path).map_err(|e| self.io(e))?);
        DbKey::from_hex(&text).ok_or_else(|| KeyError::KeyFileMalformed { path: self.shown() })
    }

    fn store_new(&self, key: &DbKey) -> Result<(), KeyError> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|e| self.io(e))?;
        }
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&self.path).map_err(|e| self.io(e))?;
        let mut line = key.to_hex();
        line.push('\n');
        file.write_all(line.as_bytes()).map_err(|e| self.io(e))?;
        file.sync_all().map_err(|e| self.io(e))
    }

    fn exists(&self) -> Result<bool, KeyError> {
        self.path.try_exists().map_err(|e| self.io(e))
    }

    fn remove(&self) -> Result<(), KeyError> {
        match fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(self.io(e)),
            _ => Ok(()),
        }
    }
}

/// The OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on
/// Windows), one entry per database file.
#[derive(Debug, Clone)]
pub struct Keychain {
    service: String,
    account: String,
}

const KEYCHAIN_SERVICE: &str = "ClinicDesk database key";

impl Keychain {
    /// The entry for the database at `db_path` (absolute path as the account name).
    pub fn for_database(db_path: &Path) -> Self {
        let absolute = std::path::absolute(db_path).unwrap_or_else(|_| db_path.to_path_buf());
        Keychain {
            service: KEYCHAIN_SERVICE.to_string(),
            account: absolute.display().to_string(),
        }
    }

    /// An entry with explicit names (tests use a unique account).
    pub fn with_names(service: &str, account: &str) -> Self {
        Keychain {
            service: service.to_string(),
            account: account.to_string(),
        }
    }

    fn entry(&self) -> Result<keyring::Entry, KeyError> {
        keyring::Entry::new(&self.service, &self.account)
            .map_err(|e| KeyError::Keychain(e.to_string()))
    }

    /// Removes the entry (tests clean up after themselves).
    pub fn delete(&self) -> Result<(), KeyError> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(KeyError::Keychain(e.to_string())),
        }
    }
}

impl KeySource for Keychain {
    fn load(&self) -> Result<DbKey, KeyError> {
        match self.entry()?.get_password() {
            Ok(text) => {
                let text = zeroize::Zeroizing::new(text);
                DbKey::from_hex(&text)
                    .ok_or_else(|| KeyError::Keychain("the stored key is malformed".into()))
            }
            Err(keyring::Error::NoEntry) => Err(KeyError::KeychainMissing {
                account: self.account.clone(),
            }),
            Err(e) => Err(KeyError::Keychain(e.to_string())),
        }
    }

    fn store_new(&self, key: &DbKey) -> Result<(), KeyError> {
        if self.exists()? {
            return Err(KeyError::Keychain(format!(
                "a key for {} is already stored; refusing to replace it",
                self.account
            )));
        }
        self.entry()?
            .set_password(&key.to_hex())
            .map_err(|e| KeyError::Keychain(e.to_string()))?;
        // keyring silently falls back to a non-persistent mock store when no platform
        // store is compiled in or reachable; a fresh entry reading the key back proves
        // it really persisted.
        match self.load() {
            Ok(read_back) if &read_back == key => Ok(()),
            _ => Err(KeyError::Keychain(
                "the key did not persist in the keychain (no Secret Service running?)".into(),
            )),
        }
    }

    fn remove(&self) -> Result<(), KeyError> {
        self.delete()
    }

    fn exists(&self) -> Result<bool, KeyError> {
        match self.entry()?.get_password() {
            Ok(_) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(KeyError::Keychain(e.to_string())),
        }
    }
}

/// A key kept in memory, for tests.
#[derive(Debug, Default)]
pub struct MemoryKeySource {
    key: Mutex<Option<DbKey>>,
}

impl MemoryKeySource {
    pub fn new() -> Self {
        Self::default()
    }
}

impl KeySource for MemoryKeySource {
    fn load(&self) -> Result<DbKey, KeyError> {
        let guard = self.key.lock().unwrap_or_else(|p| p.into_inner());
        guard.clone().ok_or(KeyError::KeychainMissing {
            account: "memory".into(),
        })
    }

    fn store_new(&self, key: &DbKey) -> Result<(), KeyError> {
        let mut guard = self.key.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_some() {
            return Err(KeyError::Keychain("a key is already stored".into()));
        }
        *guard = Some(key.clone());
        Ok(())
    }

    fn exists(&self) -> Result<bool, KeyError> {
        Ok(self.key.lock().unwrap_or_else(|p| p.into_inner()).is_some())
    }

    fn remove(&self) -> Result<(), KeyError> {
        *self.key.lock().unwrap_or_else(|p| p.into_inner()) = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_is_created_0600_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let source = KeyFile::new(dir.path().join("sub/clinic.key"));
        assert!(!source.exists().unwrap());
        let key = source.load_or_create().unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(source.path()).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert_eq!(source.load().unwrap(), key);
        assert_eq!(
            source.load_or_create().unwrap(),
            key,
            "second call reuses the key"
        );
        assert!(
            source.store_new(&DbKey::generate()).is_err(),
            "never overwritten"
        );
    }

    #[test]
    fn key_file_errors_are_specific() {
        let dir = tempfile::tempdir().unwrap();
        let missing = KeyFile::new(dir.path().join("none.key"));
        assert!(matches!(
            missing.load(),
            Err(KeyError::KeyFileMissing { .. })
        ));

        let bad = dir.path().join("bad.key");
        fs::write(&bad, "not hex").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&bad, fs::Permissions::from_mode(0o600)).unwrap();
        }
        assert!(matches!(
            KeyFile::new(&bad).load(),
            Err(KeyError::KeyFileMalformed { .. })
        ));

        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let open = dir.path().join("open.key");
            fs::write(&open, DbKey::generate().to_hex().as_str()).unwrap();
            fs::set_permissions(&open, fs::Permissions::from_mode(0o644)).unwrap();
            assert!(matches!(
                KeyFile::new(&open).load(),
                Err(KeyError::KeyFileTooOpen { mode: 0o644, .. })
            ));
        }
    }
}
