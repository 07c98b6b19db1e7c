//! The central server's password, kept in the OS keychain (one entry per database file),
//! never in the database or the server address.

use crate::error::{AppError, AppResult, ErrorCode};
use std::path::Path;
use zeroize::Zeroizing;

const SERVICE: &str = "ClinicDesk sync server";

fn entry(db_path: &Path) -> AppResult<keyring::Entry> {
    let absolute = std::path::absolute(db_path).unwrap_or_else(|_| db_path.to_path_buf());
    keyring::Entry::new(SERVICE, &absolute.display().to_string()).map_err(keychain)
}

fn keychain(e: keyring::Error) -> AppError {
    AppError::new(
        ErrorCode::Keychain,
        format!("the OS keychain could not keep the sync password: {e}"),
    )
}

/// Stores (or replaces) the password, and reads it back: keyring silently falls back to a
/// memory store when no keychain is reachable, which would lose it at the next start.
pub fn store(db_path: &Path, password: &str) -> AppResult<()> {
    entry(db_path)?.set_password(password).map_err(keychain)?;
    match load(db_path)? {
        Some(read_back) if read_back.as_str() == password => Ok(()),
        _ => Err(AppError::new(
            ErrorCode::Keychain,
            "the sync password did not persist in the OS keychain (no Secret Service running?)",
        )
        .with_field("password")),
    }
}

pub fn load(db_path: &Path) -> AppResult<Option<Zeroizing<String>>> {
    match entry(db_path)?.get_password() {
        Ok(p) => Ok(Some(Zeroizing::new(p))),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(keychain(e)),
    }
}

pub fn delete(db_path: &Path) -> AppResult<()> {
    match entry(db_path)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keychain(e)),
    }
}
