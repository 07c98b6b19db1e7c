//! The database key: where it lives (OS keychain, key file, memory) and how it is recovered.
//!
//! The key is 256 random bits used as SQLCipher's *raw* key (`PRAGMA key = "x'…'"`), so a
//! standard SQLCipher 4 shell opens the file with the same hex string. It never appears in
//! logs (`Debug` prints `<redacted>`) and cannot be serialized (no `Serialize` impl).

mod recovery;
mod sources;

pub use recovery::{generate_passphrase, RecoveryEnvelope};
pub use sources::{KeyFile, KeySource, Keychain, MemoryKeySource};

use crate::error::{AppError, ErrorCode};
use hkdf::Hkdf;
use rand::RngCore;
use sha2::Sha256;
use std::fmt;
use zeroize::Zeroizing;

/// Errors of key handling; converted to [`AppError`] at the command edge.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("key file {path} does not exist (`clinicdesk init` creates it)")]
    KeyFileMissing { path: String },
    #[error("key file {path} must hold exactly 64 hexadecimal characters (a 256-bit key)")]
    KeyFileMalformed { path: String },
    #[error("key file {path} is readable by other users (mode {mode:o}); run `chmod 600 {path}`")]
    KeyFileTooOpen { path: String, mode: u32 },
    #[error("key file {path}: {source}")]
    KeyFileIo {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the OS keychain has no key for this database ({account})")]
    KeychainMissing { account: String },
    #[error("the OS keychain is not usable here: {0}; on a headless machine use --key-file")]
    Keychain(String),
    #[error("the recovery passphrase does not open this key")]
    WrongPassphrase,
    #[error("recovery file {path}: {message}")]
    RecoveryFile { path: String, message: String },
}

impl From<KeyError> for AppError {
    fn from(e: KeyError) -> Self {
        let code = match &e {
            KeyError::KeyFileMissing { .. } => ErrorCode::NotFound,
            KeyError::KeyFileMalformed { .. } | KeyError::KeyFileTooOpen { .. } => {
                ErrorCode::Validation
            }
            KeyError::KeyFileIo { .. } | KeyError::RecoveryFile { .. } => ErrorCode::Io,
            KeyError::KeychainMissing { .. } | KeyError::Keychain(_) => ErrorCode::Keychain,
            KeyError::WrongPassphrase => ErrorCode::WrongKey,
        };
        let field = match &e {
            KeyError::WrongPassphrase => Some("recovery_passphrase".to_string()),
            _ => None,
        };
        AppError {
            code,
            message: e.to_string(),
            field,
        }
    }
}

/// A 256-bit database key. Zeroed on drop; prints as `<redacted>`; not serializable.
#[derive(Clone)]
pub struct DbKey(Zeroizing<[u8; 32]>);

impl DbKey {
    /// A fresh random key from the OS's CSPRNG.
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        DbKey(bytes)
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        DbKey(Zeroizing::new(bytes))
    }

    /// Parses 64 hexadecimal characters (surrounding whitespace ignored).
    pub fn from_hex(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.len() != 64 {
            return None;
        }
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text, bytes.as_mut()).ok()?;
        Some(DbKey(bytes))
    }

    /// The key as 64 lowercase hex characters (for the key file and the keychain).
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.as_ref()))
    }

    /// The value for `PRAGMA key` / `ATTACH … KEY`: SQLCipher's raw-key form `x'…'`.
    pub(crate) fn sqlcipher_raw(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", self.to_hex().as_str()))
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A separate key for another purpose (the audit chain), so the database key itself is
    /// never used twice.
    pub(crate) fn derive(&self, purpose: &str) -> Zeroizing<[u8; 32]> {
        let hk = Hkdf::<Sha256>::new(None, self.0.as_ref());
        let mut out = Zeroizing::new([0u8; 32]);
        // 32 bytes is far below HKDF-SHA256's 8160-byte limit, so expand cannot fail.
        if hk.expand(purpose.as_bytes(), out.as_mut()).is_err() {
            unreachable!("HKDF output length is fixed at 32 bytes");
        }
        out
    }
}

impl PartialEq for DbKey {
    fn eq(&self, other: &Self) -> bool {
        // Constant-time enough for equality of two local keys; never used on guesses.
        self.0.as_ref() == other.0.as_ref()
    }
}
impl Eq for DbKey {}

impl fmt::Debug for DbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DbKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let key = DbKey::from_bytes([0xAB; 32]);
        let shown = format!("{key:?}");
        assert_eq!(shown, "DbKey(<redacted>)");
        assert!(!shown.to_lowercase().contains("abab"));
    }

    #[test]
    fn hex_round_trip_and_rejects_malformed() {
        let key = DbKey::generate();
        let again = DbKey::from_hex(&key.to_hex()).unwrap();
        assert_eq!(key, again);
        assert!(DbKey::from_hex("abc").is_none());
        assert!(DbKey::from_hex(&"zz".repeat(32)).is_none());
        assert_ne!(DbKey::generate(), DbKey::generate());
    }

    #[test]
    fn derived_keys_differ_by_purpose_and_from_the_key() {
        let key = DbKey::generate();
        let a = key.derive("a");
        let b = key.derive("b");
        assert_ne!(a.as_ref(), b.as_ref());
        assert_ne!(a.as_ref(), key.as_bytes());
    }
}
