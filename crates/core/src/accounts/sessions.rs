//! Signed-in sessions of this workstation (in memory: a restart signs everyone out).
//! A session idle for longer than the clinic's limit locks; only its own user unlocks it.

use crate::registry::SignedInUser;
use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub user_id: String,
    pub last_activity: DateTime<Utc>,
    pub locked: bool,
}

#[derive(Debug, Default)]
pub(crate) struct Sessions {
    // Keyed by the token's SHA-256 so a memory dump does not hand out live tokens.
    by_token_hash: Mutex<HashMap<String, Session>>,
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Sessions {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.by_token_hash.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts a session and returns its bearer token.
    pub fn start(&self, user: &SignedInUser, now: DateTime<Utc>) -> String {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = hex::encode(bytes);
        self.map().insert(
            token_hash(&token),
            Session {
                user_id: user.id.clone(),
                last_activity: now,
                locked: false,
            },
        );
        token
    }

    /// The session behind `token`, locking it first if it sat idle for `idle_limit`.
    pub fn resolve(
        &self,
        token: &str,
        now: DateTime<Utc>,
        idle_limit: chrono::Duration,
    ) -> Option<Session> {
        let mut map = self.map();
        let session = map.get_mut(&token_hash(token))?;
        if !session.locked && now - session.last_activity >= idle_limit {
            session.locked = true;
        }
        Some(session.clone())
    }

    pub fn touch(&self, token: &str, now: DateTime<Utc>) {
        if let Some(s) = self.map().get_mut(&token_hash(token)) {
            if !s.locked {
                s.last_activity = now;
            }
        }
    }

    pub fn set_locked(&self, token: &str, locked: bool, now: DateTime<Utc>) {
        if let Some(s) = self.map().get_mut(&token_hash(token)) {
            s.locked = locked;
            s.last_activity = now;
        }
    }

    pub fn end(&self, token: &str) -> Option<Session> {
        self.map().remove(&token_hash(token))
    }

    /// Ends every session of a user (disabled account, password reset).
    pub fn end_all_of(&self, user_id: &str) {
        self.map().retain(|_, s| s.user_id != user_id);
    }
}
