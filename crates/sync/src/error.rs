use uuid::Uuid;

/// Everything that can go wrong between a workstation and the central server.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The configured central server address cannot be parsed.
    #[error("the central server address is not a valid PostgreSQL URL: {0}")]
    InvalidUrl(#[source] sqlx::Error),

    /// The server did not answer or refused the connection (offline, wrong host, auth).
    #[error("cannot connect to the central server: {0}")]
    Connect(#[source] sqlx::Error),

    /// The central database has migrations this build does not know: it was upgraded by a
    /// newer ClinicDesk, and this workstation must be updated before it may sync.
    #[error(
        "the central database was upgraded by a newer ClinicDesk (migration {version} is \
         unknown to this version); update this workstation before syncing"
    )]
    SchemaTooNew { version: i64 },

    /// The central database lacks migrations this build needs: it must be prepared first.
    #[error(
        "the central database is not prepared for this version of ClinicDesk (migration \
         {missing} is missing): run `clinicdesk sync migrate --url …` as its owner"
    )]
    SchemaNotMigrated { missing: i64 },

    /// Another workstation already syncs with this workstation's code.
    #[error(
        "this workstation's code {code} (the prefix of its patient numbers and invoice \
         series) is already used by workstation {other:?}: it must be changed before syncing"
    )]
    WorkstationCodeTaken { code: String, other: String },

    /// Applying the central migrations failed.
    #[error("cannot prepare the central database: {0}")]
    Migration(#[source] sqlx::migrate::MigrateError),

    /// A pushed change names a workstation the server has never registered.
    #[error("workstation {0} is not registered with the central server")]
    UnregisteredWorkstation(Uuid),

    /// A change failed validation before it was sent; nothing in its batch was stored.
    #[error("change {change_id} is invalid: {reason}")]
    InvalidChange { change_id: Uuid, reason: String },

    /// A workstation name must contain something other than spaces.
    #[error("a workstation name cannot be empty")]
    EmptyWorkstationName,

    /// `pull` was asked for fewer than one change.
    #[error("a pull must ask for at least one change (limit was {0})")]
    InvalidPullLimit(i64),

    /// A notification on the changes channel did not carry the expected payload.
    #[error("unexpected payload on the changes channel: {0}")]
    InvalidNotification(#[source] serde_json::Error),

    /// The local store refused or failed (its message says why, e.g. "update this
    /// workstation" when another workstation sent data of a newer ClinicDesk).
    #[error("{0}")]
    Local(String),

    /// Any other database failure (connection lost mid-way, constraint, ...).
    #[error("central database error: {0}")]
    Database(#[from] sqlx::Error),
}
