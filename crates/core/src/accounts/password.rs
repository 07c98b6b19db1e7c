//! Password policy and argon2id hashing.

use crate::error::{AppError, AppResult};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use std::sync::LazyLock;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 128;

/// Checks length, common/guessable passwords (zxcvbn's dictionaries) and the username.
pub fn check_policy(password: &str, username: &str, field: &str) -> AppResult<()> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(AppError::field(
            field,
            format!("the password must have at least {MIN_LENGTH} characters"),
        ));
    }
    if length > MAX_LENGTH {
        return Err(AppError::field(
            field,
            format!("the password must have at most {MAX_LENGTH} characters"),
        ));
    }
    let lower = password.to_lowercase();
    if !username.trim().is_empty() && lower.contains(&username.trim().to_lowercase()) {
        return Err(AppError::field(
            field,
            "the password must not contain the username",
        ));
    }
    let estimate = zxcvbn::zxcvbn(password, &[username, "clinicdesk", "clinic"]);
    if (estimate.score() as u8) < 3 {
        let hint = estimate
            .feedback()
            .and_then(|f| f.warning().map(|w| w.to_string()))
            .unwrap_or_else(|| "it is too easy to guess".to_string());
        return Err(AppError::field(
            field,
            format!("this password is too common or guessable ({hint}); try a few unrelated words"),
        ));
    }
    Ok(())
}

/// An argon2id PHC string (OWASP default parameters: 19 MiB, 2 passes).
pub fn hash(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(format!("could not hash the password: {e}")))
}

pub fn verify(stored_hash: &str, password: &str) -> bool {
    match PasswordHash::new(stored_hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spends the same time as a real check, so a wrong username is not faster than a wrong
/// password (no account enumeration by timing).
pub fn verify_against_dummy(password: &str) {
    static DUMMY: LazyLock<Option<String>> =
        LazyLock::new(|| hash("dummy password for timing").ok());
    if let Some(h) = DUMMY.as_deref() {
        let _ = verify(h, password);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_rejects_short_common_and_username_passwords() {
        assert_eq!(
            check_policy("short", "ana", "password")
                .unwrap_err()
                .field
                .as_deref(),
            Some("password")
        );
        for common in [
            "password1234",
            "123456789012",
            "qwertyuiop12",
            "iloveyou1234",
        ] {
            assert!(
                check_policy(common, "ana", "password").is_err(),
                "{common} accepted"
            );
        }
        assert!(check_policy("dr.rossi-is-great-9", "dr.rossi", "password").is_err());
        assert!(check_policy("violet tractor umbrella", "ana", "password").is_ok());
    }

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash("violet tractor umbrella").unwrap();
        let b = hash("violet tractor umbrella").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(verify(&a, "violet tractor umbrella"));
        assert!(!verify(&a, "violet tractor umbrellA"));
        assert!(!verify("not a hash", "x"));
    }
}
