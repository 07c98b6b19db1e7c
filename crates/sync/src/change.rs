use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::SyncError;

/// What a change did to its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeOp {
    Insert,
    Update,
    /// A tombstone: the row is gone and the change carries no data.
    Delete,
}

impl ChangeOp {
    /// The spelling used in the local change log and the central `changes.op` column.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeOp::Insert => "insert",
            ChangeOp::Update => "update",
            ChangeOp::Delete => "delete",
        }
    }
}

impl fmt::Display for ChangeOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not one of `insert`, `update`, `delete`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown change operation {0:?}")]
pub struct UnknownChangeOp(String);

impl FromStr for ChangeOp {
    type Err = UnknownChangeOp;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "insert" => Ok(ChangeOp::Insert),
            "update" => Ok(ChangeOp::Update),
            "delete" => Ok(ChangeOp::Delete),
            other => Err(UnknownChangeOp(other.to_owned())),
        }
    }
}

/// One entry of a workstation's change log, exactly as the local store records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// UUIDv7 minted on the workstation; the server's idempotency key.
    pub id: Uuid,
    /// Hybrid logical clock, sortable as text:
    /// `<13-digit unix millis>-<5-digit counter>-<workstation uuid>`.
    pub hlc: String,
    pub workstation_id: Uuid,
    /// The synced table the row belongs to (a plain lowercase identifier).
    pub table_name: String,
    /// The row's id (a UUIDv7 for rows minted by a workstation; a few seeded rows have
    /// fixed text ids such as `tax-standard`).
    pub row_id: String,
    pub op: ChangeOp,
    /// The whole row after the change as a JSON object; `None` for a delete.
    pub row_data: Option<serde_json::Value>,
    /// Column name -> HLC of the last change to that column (per-field last writer wins).
    #[serde(default)]
    pub field_hlcs: Option<serde_json::Value>,
}

impl Change {
    /// Checks what the central schema enforces, so a bad change is reported by id before
    /// its batch is sent rather than as an anonymous constraint violation.
    pub fn validate(&self) -> Result<(), SyncError> {
        let invalid = |reason: &str| SyncError::InvalidChange {
            change_id: self.id,
            reason: reason.to_owned(),
        };
        if !is_valid_hlc(&self.hlc) {
            return Err(invalid(
                "hlc must look like <13-digit millis>-<5-digit counter>-<lowercase workstation uuid>",
            ));
        }
        if !is_plain_identifier(&self.table_name) {
            return Err(invalid(
                "table_name must be a lowercase identifier (a-z, 0-9, _; starting with a letter)",
            ));
        }
        if self.row_id.is_empty() || self.row_id.len() > 100 {
            return Err(invalid("row_id must be 1–100 characters"));
        }
        if let Some(fields) = &self.field_hlcs {
            let serde_json::Value::Object(map) = fields else {
                return Err(invalid("field_hlcs must be a JSON object"));
            };
            if map.values().any(|v| !v.as_str().is_some_and(is_valid_hlc)) {
                return Err(invalid("every field_hlcs value must be an HLC"));
            }
        }
        match (self.op, &self.row_data) {
            (ChangeOp::Delete, None) => Ok(()),
            (ChangeOp::Delete, Some(_)) => Err(invalid("a delete carries no row_data")),
            (_, Some(serde_json::Value::Object(_))) => Ok(()),
            (op, _) => Err(invalid(&format!("an {op} needs row_data as a JSON object"))),
        }
    }
}

fn is_valid_hlc(hlc: &str) -> bool {
    let mut parts = hlc.splitn(3, '-');
    let (Some(millis), Some(counter), Some(node)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    // The node part must be the canonical (lowercase, hyphenated) spelling, or text
    // ordering of equal (millis, counter) pairs would depend on how a uuid was written.
    let canonical_uuid = Uuid::try_parse(node).is_ok_and(|u| u.hyphenated().to_string() == node);
    digits(millis, 13) && digits(counter, 5) && canonical_uuid
}

fn is_plain_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A change as stored on the central server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PulledChange {
    /// The server's arrival order; pass the last one applied as the next pull's cursor.
    pub server_seq: i64,
    pub received_at: DateTime<Utc>,
    #[serde(flatten)]
    pub change: Change,
}

/// The payload of a notification on [`crate::CHANGES_CHANNEL`]: `count` new changes from
/// one workstation to one table arrived, the newest with `server_seq`. A listener reacts
/// by pulling; the notification itself carries no row data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeNotification {
    pub server_seq: i64,
    pub workstation_id: Uuid,
    pub table_name: String,
    pub count: i64,
}

impl ChangeNotification {
    pub fn from_payload(payload: &str) -> Result<Self, SyncError> {
        serde_json::from_str(payload).map_err(SyncError::InvalidNotification)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NODE: &str = "0195a000-0000-7000-8000-000000000001";

    fn change(op: ChangeOp, row_data: Option<serde_json::Value>) -> Change {
        Change {
            id: Uuid::now_v7(),
            hlc: format!("1763769600000-00000-{NODE}"),
            workstation_id: Uuid::parse_str(NODE).unwrap(),
            table_name: "patients".into(),
            row_id: Uuid::now_v7().to_string(),
            op,
            row_data,
            field_hlcs: None,
        }
    }

    #[test]
    fn serializes_with_the_local_change_log_field_names() {
        let c = change(ChangeOp::Delete, None);
        let value = serde_json::to_value(&c).unwrap();
        assert_eq!(
            value,
            json!({
                "id": c.id.to_string(),
                "hlc": c.hlc,
                "workstation_id": NODE,
                "table_name": "patients",
                "row_id": c.row_id,
                "op": "delete",
                "row_data": null,
                "field_hlcs": null,
            })
        );
        let back: Change = serde_json::from_value(value).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn op_text_round_trips() {
        for op in [ChangeOp::Insert, ChangeOp::Update, ChangeOp::Delete] {
            assert_eq!(op.as_str().parse::<ChangeOp>().unwrap(), op);
        }
        assert!("upsert".parse::<ChangeOp>().is_err());
    }

    #[test]
    fn accepts_well_formed_changes() {
        change(ChangeOp::Insert, Some(json!({"name": "Ada"})))
            .validate()
            .unwrap();
        change(ChangeOp::Update, Some(json!({})))
            .validate()
            .unwrap();
        change(ChangeOp::Delete, None).validate().unwrap();
    }

    #[test]
    fn rejects_row_data_that_does_not_match_the_op() {
        for bad in [
            change(ChangeOp::Delete, Some(json!({"name": "Ada"}))),
            change(ChangeOp::Insert, None),
            change(ChangeOp::Update, Some(json!(null))),
            change(ChangeOp::Update, Some(json!([1, 2]))),
        ] {
            let err = bad.validate().unwrap_err();
            assert!(
                matches!(err, SyncError::InvalidChange { change_id, .. } if change_id == bad.id),
                "{err}"
            );
        }
    }

    #[test]
    fn rejects_malformed_hlcs_and_table_names() {
        let upper = NODE.to_uppercase();
        for hlc in [
            String::new(),
            format!("176376960000-00000-{NODE}"),
            format!("1763769600000-0000-{NODE}"),
            format!("1763769600000-00000-{upper}"),
            format!("1763769600000-00000-{}", NODE.replace('-', "")),
            format!("1763769600000-0000x-{NODE}"),
            "1763769600000-00000-not-a-uuid".to_owned(),
        ] {
            let mut c = change(ChangeOp::Delete, None);
            c.hlc = hlc;
            assert!(c.validate().is_err(), "accepted hlc {:?}", c.hlc);
        }
        for table in [
            "",
            "Patients",
            "1patients",
            "patients;drop",
            "pa tients",
            "_x",
        ] {
            let mut c = change(ChangeOp::Delete, None);
            c.table_name = table.into();
            assert!(c.validate().is_err(), "accepted table {table:?}");
        }
    }

    #[test]
    fn parses_notification_payloads() {
        let n = ChangeNotification::from_payload(&format!(
            r#"{{"server_seq" : 7, "workstation_id" : "{NODE}", "table_name" : "visits", "count" : 2}}"#
        ))
        .unwrap();
        assert_eq!(n.server_seq, 7);
        assert_eq!(n.table_name, "visits");
        assert_eq!(n.count, 2);
        assert!(matches!(
            ChangeNotification::from_payload("{}"),
            Err(SyncError::InvalidNotification(_))
        ));
    }
}
