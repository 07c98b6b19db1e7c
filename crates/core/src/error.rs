//! The one error type that crosses every boundary (IPC, CLI): `{code, message, field?}`.
//!
//! `code` is a closed set the UI branches on; `message` is for people; `field` names the
//! input field at fault so a form can highlight it.

use serde::Serialize;
use std::fmt;

/// Closed set of error codes, mirrored in the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Input failed validation; `field` names the culprit.
    Validation,
    /// The thing asked for does not exist.
    NotFound,
    /// The change clashes with existing data (duplicate username, already set up, ...).
    Conflict,
    /// No session, or the session ended.
    Unauthenticated,
    /// The session is locked after idle time; the same user must unlock it.
    SessionLocked,
    /// The signed-in role may not do this.
    PermissionDenied,
    /// Wrong username or password.
    InvalidCredentials,
    /// Too many failed sign-ins; the account is locked for a while.
    LockedOut,
    /// The account is disabled.
    AccountDisabled,
    /// The user must choose a new password before doing anything else.
    PasswordChangeRequired,
    /// The database key does not open this database.
    WrongKey,
    /// The database was written by a newer ClinicDesk.
    SchemaTooNew,
    /// The clinic has not been set up yet (first run).
    NotInitialized,
    /// The OS keychain is missing or does not keep secrets.
    Keychain,
    /// A file could not be read or written.
    Io,
    /// The database reported a problem.
    Storage,
    /// An integrity check failed (database, audit chain, backup).
    Integrity,
    /// A bug: reported, never expected.
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Validation => "validation",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::SessionLocked => "session_locked",
            ErrorCode::PermissionDenied => "permission_denied",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::LockedOut => "locked_out",
            ErrorCode::AccountDisabled => "account_disabled",
            ErrorCode::PasswordChangeRequired => "password_change_required",
            ErrorCode::WrongKey => "wrong_key",
            ErrorCode::SchemaTooNew => "schema_too_new",
            ErrorCode::NotInitialized => "not_initialized",
            ErrorCode::Keychain => "keychain",
            ErrorCode::Io => "io",
            ErrorCode::Storage => "storage",
            ErrorCode::Integrity => "integrity",
            ErrorCode::Internal => "internal",
        }
    }
}

/// The error every command returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError {
            code,
            message: message.into(),
            field: None,
        }
    }

    /// A validation error naming the field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError {
            code: ErrorCode::Validation,
            message: message.into(),
            field: Some(field.into()),
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }
    pub fn io(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Io, message)
    }
    pub fn integrity(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Integrity, message)
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{} ({}: {})", self.message, self.code.as_str(), field),
            None => write!(f, "{} ({})", self.message, self.code.as_str()),
        }
    }
}

impl std::error::Error for AppError {}

pub type AppResult<T> = Result<T, AppError>;
