//! The recovery passphrase: shown once at first run, it wraps the database key with
//! argon2id + XChaCha20-Poly1305 so that a backup opens on a new machine whose keychain
//! never held the key. The wrapped key (an "envelope") is stored beside the database and
//! beside each backup; it is useless without the passphrase.

use super::{DbKey, KeyError};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rand::{Rng, RngCore};
use serde::{Deserialize, Serialize};
use std::path::Path;
use zeroize::Zeroizing;

/// Crockford's base32 alphabet: no I, L, O, U to misread when copying from paper.
const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const GROUPS: usize = 6;
const GROUP_LEN: usize = 5;

/// A fresh passphrase: 6 groups of 5 base32 characters (150 bits), e.g. `7KQ2M-…`.
pub fn generate_passphrase() -> Zeroizing<String> {
    let mut rng = rand::rngs::OsRng;
    let mut out = Zeroizing::new(String::with_capacity(GROUPS * (GROUP_LEN + 1)));
    for group in 0..GROUPS {
        if group > 0 {
            out.push('-');
        }
        for _ in 0..GROUP_LEN {
            out.push(ALPHABET[rng.gen_range(0..ALPHABET.len())] as char);
        }
    }
    out
}

/// Typing tolerance: case, spaces and dashes do not matter.
fn normalize(passphrase: &str) -> Zeroizing<String> {
    Zeroizing::new(
        passphrase
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_uppercase)
            .collect(),
    )
}

/// The database key wrapped by a recovery passphrase.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RecoveryEnvelope {
    pub format: String,
    pub kdf: String,
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
    pub salt: String,
    pub nonce: String,
    pub ciphertext: String,
}

const FORMAT: &str = "clinicdesk-recovery-v1";

fn kek(
    passphrase: &str,
    salt: &[u8],
    m: u32,
    t: u32,
    p: u32,
) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let params = Params::new(m, t, p, Some(32)).map_err(|e| KeyError::RecoveryFile {
        path: String::new(),
        message: format!("bad argon2 parameters: {e}"),
    })?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(normalize(passphrase).as_bytes(), salt, out.as_mut())
        .map_err(|e| KeyError::RecoveryFile {
            path: String::new(),
            message: format!("argon2: {e}"),
        })?;
    Ok(out)
}

impl RecoveryEnvelope {
    /// Wraps `key` under `passphrase` (argon2id, 64 MiB, 3 passes).
    pub fn wrap(key: &DbKey, passphrase: &str) -> Result<Self, KeyError> {
        let (m, t, p) = (64 * 1024, 3, 1);
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let kek = kek(passphrase, &salt, m, t, p)?;
        let cipher = XChaCha20Poly1305::new(Key::from_slice(kek.as_ref()));
        let ciphertext = cipher
            .encrypt(XNonce::from_slice(&nonce), key.as_bytes().as_ref())
            .map_err(|_| KeyError::RecoveryFile {
                path: String::new(),
                message: "could not wrap the key".into(),
            })?;
        Ok(RecoveryEnvelope {
            format: FORMAT.into(),
            kdf: "argon2id".into(),
            m_cost_kib: m,
            t_cost: t,
            p_cost: p,
            salt: B64.encode(salt),
            nonce: B64.encode(nonce),
            ciphertext: B64.encode(ciphertext),
        })
    }

    /// The key, if `passphrase` is the one it was wrapped with.
    pub fn unwrap_key(&self, passphrase: &str) -> Result<DbKey, KeyError> {
        let malformed = |what: &str| KeyError::RecoveryFile {
            path: String::new(),
            message: format!("malformed {what}"),
        };
        if self.format != FORMAT || self.kdf != "argon2id" {
            return Err(malformed("format"));
        }
        let salt = B64.decode(&self.salt).map_err(|_| malformed("salt"))?;
        let nonce = B64.decode(&self.nonce).map_err(|_| malformed("nonce"))?;
        let ciphertext = B64
            .decode(&self.ciphertext)
            .map_err(|_| malformed("ciphertext"))?;
        if nonce.len() != 24 {
            return Err(malformed("nonce"));
        }
        let kek = kek(passphrase, &salt, self.m_cost_kib, self.t_cost, self.p_cost)?;
        let cipher = XChaCha20Poly1305::new(Key::from_slice(kek.as_ref()));
        let plain = Zeroizing::new(
            cipher
                .decrypt(XNonce::from_slice(&nonce), ciphertext.as_ref())
                .map_err(|_| KeyError::WrongPassphrase)?,
        );
        let bytes: [u8; 32] = plain
            .as_slice()
            .try_into()
            .map_err(|_| malformed("key length"))?;
        Ok(DbKey::from_bytes(bytes))
    }

    /// Writes the envelope atomically (temp file + rename), mode 0600.
    pub fn write_to(&self, path: &Path) -> Result<(), KeyError> {
        let err = |message: String| KeyError::RecoveryFile {
            path: path.display().to_string(),
            message,
        };
        let json = serde_json::to_vec_pretty(self).map_err(|e| err(e.to_string()))?;
        crate::fsutil::write_atomically(path, &json, true).map_err(|e| err(e.to_string()))
    }

    pub fn read_from(path: &Path) -> Result<Self, KeyError> {
        let err = |message: String| KeyError::RecoveryFile {
            path: path.display().to_string(),
            message,
        };
        let bytes = std::fs::read(path).map_err(|e| err(e.to_string()))?;
        serde_json::from_slice(&bytes).map_err(|e| err(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_shape() {
        let p = generate_passphrase();
        assert_eq!(p.len(), 35);
        assert_eq!(p.split('-').count(), 6);
        assert_ne!(*generate_passphrase(), *p);
    }

    #[test]
    fn wrap_and_unwrap_tolerates_case_and_spacing_but_not_a_wrong_passphrase() {
        let key = DbKey::generate();
        let pass = generate_passphrase();
        let env = RecoveryEnvelope::wrap(&key, &pass).unwrap();
        assert_eq!(env.unwrap_key(&pass).unwrap(), key);
        let sloppy = pass.to_lowercase().replace('-', " ");
        assert_eq!(env.unwrap_key(&sloppy).unwrap(), key);
        let wrong = generate_passphrase();
        assert!(matches!(
            env.unwrap_key(&wrong),
            Err(KeyError::WrongPassphrase)
        ));
        // The envelope does not contain the key in any plain form.
        let json = serde_json::to_string(&env).unwrap();
        assert!(!json.contains(key.to_hex().as_str()));
    }
}
