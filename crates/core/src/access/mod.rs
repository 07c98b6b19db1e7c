//! Roles and the permission matrix. The matrix is data (one table below), checked by the
//! registry before every command runs — never only in the UI.

use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Doctor,
    Nurse,
    Receptionist,
    Pharmacist,
    Accountant,
    /// The waiting-room display / self check-in kiosk: no medical data.
    Kiosk,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::Doctor,
        Role::Nurse,
        Role::Receptionist,
        Role::Pharmacist,
        Role::Accountant,
        Role::Kiosk,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Doctor => "doctor",
            Role::Nurse => "nurse",
            Role::Receptionist => "receptionist",
            Role::Pharmacist => "pharmacist",
            Role::Accountant => "accountant",
            Role::Kiosk => "kiosk",
        }
    }

    pub fn has(self, permission: Permission) -> bool {
        MATRIX
            .iter()
            .any(|(p, roles)| *p == permission && roles.contains(&self))
    }

    pub fn permissions(self) -> Vec<Permission> {
        MATRIX
            .iter()
            .filter(|(_, roles)| roles.contains(&self))
            .map(|(p, _)| *p)
            .collect()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = AppError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_lowercase())
            .ok_or_else(|| {
                AppError::field(
                    "role",
                    format!(
                        "unknown role {s:?}; expected one of: {}",
                        Role::ALL.map(Role::as_str).join(", ")
                    ),
                )
            })
    }
}

/// Every permission the product knows. Later capabilities attach their commands to these.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS,
)]
pub enum Permission {
    #[serde(rename = "users.manage")]
    UsersManage,
    #[serde(rename = "settings.manage")]
    SettingsManage,
    #[serde(rename = "audit.view")]
    AuditView,
    #[serde(rename = "backup.manage")]
    BackupManage,
    #[serde(rename = "sync.manage")]
    SyncManage,
    #[serde(rename = "patients.read")]
    PatientsRead,
    #[serde(rename = "patients.write")]
    PatientsWrite,
    #[serde(rename = "patients.merge")]
    PatientsMerge,
    #[serde(rename = "schedule.read")]
    ScheduleRead,
    #[serde(rename = "schedule.write")]
    ScheduleWrite,
    #[serde(rename = "queue.manage")]
    QueueManage,
    /// Call the next patient in and run the consultation's steps (nurses and doctors).
    #[serde(rename = "queue.call")]
    QueueCall,
    #[serde(rename = "availability.set_own")]
    AvailabilitySetOwn,
    #[serde(rename = "display.view")]
    DisplayView,
    #[serde(rename = "clinical.read")]
    ClinicalRead,
    #[serde(rename = "clinical.write")]
    ClinicalWrite,
    #[serde(rename = "clinical.sign")]
    ClinicalSign,
    #[serde(rename = "vitals.write")]
    VitalsWrite,
    /// Prescriptions and current medications (pharmacists read them to dispense).
    #[serde(rename = "prescriptions.read")]
    PrescriptionsRead,
    #[serde(rename = "prescriptions.write")]
    PrescriptionsWrite,
    #[serde(rename = "prescriptions.dispense")]
    PrescriptionsDispense,
    #[serde(rename = "billing.read")]
    BillingRead,
    #[serde(rename = "billing.write")]
    BillingWrite,
    #[serde(rename = "billing.refund")]
    BillingRefund,
    #[serde(rename = "pricelist.manage")]
    PriceListManage,
    #[serde(rename = "reports.finance")]
    ReportsFinance,
    #[serde(rename = "inventory.read")]
    InventoryRead,
    #[serde(rename = "inventory.write")]
    InventoryWrite,
    #[serde(rename = "messages.use")]
    MessagesUse,
    #[serde(rename = "notices.post")]
    NoticesPost,
}

impl Permission {
    pub fn as_str(self) -> &'static str {
        use Permission::*;
        match self {
            UsersManage => "users.manage",
            SettingsManage => "settings.manage",
            AuditView => "audit.view",
            BackupManage => "backup.manage",
            SyncManage => "sync.manage",
            PatientsRead => "patients.read",
            PatientsWrite => "patients.write",
            PatientsMerge => "patients.merge",
            ScheduleRead => "schedule.read",
            ScheduleWrite => "schedule.write",
            QueueManage => "queue.manage",
            QueueCall => "queue.call",
            AvailabilitySetOwn => "availability.set_own",
            DisplayView => "display.view",
            ClinicalRead => "clinical.read",
            ClinicalWrite => "clinical.write",
            ClinicalSign => "clinical.sign",
            VitalsWrite => "vitals.write",
            PrescriptionsRead => "prescriptions.read",
            PrescriptionsWrite => "prescriptions.write",
            PrescriptionsDispense => "prescriptions.dispense",
            BillingRead => "billing.read",
            BillingWrite => "billing.write",
            BillingRefund => "billing.refund",
            PriceListManage => "pricelist.manage",
            ReportsFinance => "reports.finance",
            InventoryRead => "inventory.read",
            InventoryWrite => "inventory.write",
            MessagesUse => "messages.use",
            NoticesPost => "notices.post",
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

use Permission as P;
use Role::*;

/// The permission matrix: who may do what. Each role sees only what its work needs
/// (docs/ARCHITECTURE.md renders this table).
pub const MATRIX: &[(Permission, &[Role])] = &[
    (P::UsersManage, &[Admin]),
    (P::SettingsManage, &[Admin]),
    (P::AuditView, &[Admin]),
    (P::BackupManage, &[Admin]),
    (P::SyncManage, &[Admin]),
    (
        P::PatientsRead,
        &[Admin, Doctor, Nurse, Receptionist, Pharmacist, Accountant],
    ),
    (P::PatientsWrite, &[Admin, Doctor, Nurse, Receptionist]),
    (P::PatientsMerge, &[Admin]),
    (P::ScheduleRead, &[Admin, Doctor, Nurse, Receptionist]),
    (P::ScheduleWrite, &[Admin, Receptionist]),
    (P::QueueManage, &[Doctor, Nurse, Receptionist]),
    (P::QueueCall, &[Doctor, Nurse]),
    (P::AvailabilitySetOwn, &[Doctor]),
    (P::DisplayView, &[Admin, Doctor, Nurse, Receptionist, Kiosk]),
    (P::ClinicalRead, &[Doctor, Nurse]),
    (P::ClinicalWrite, &[Doctor]),
    (P::ClinicalSign, &[Doctor]),
    (P::VitalsWrite, &[Doctor, Nurse]),
    (P::PrescriptionsRead, &[Doctor, Nurse, Pharmacist]),
    (P::PrescriptionsWrite, &[Doctor]),
    (P::PrescriptionsDispense, &[Pharmacist]),
    (P::BillingRead, &[Admin, Receptionist, Accountant]),
    (P::BillingWrite, &[Receptionist, Accountant]),
    (P::BillingRefund, &[Accountant]),
    (P::PriceListManage, &[Accountant, Admin]),
    (P::ReportsFinance, &[Accountant, Admin]),
    (P::InventoryRead, &[Pharmacist, Doctor, Nurse, Admin]),
    (P::InventoryWrite, &[Pharmacist]),
    (
        P::MessagesUse,
        &[Admin, Doctor, Nurse, Receptionist, Pharmacist, Accountant],
    ),
    (P::NoticesPost, &[Admin]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kiosk_sees_no_patient_or_clinical_data() {
        for p in [
            P::PatientsRead,
            P::ClinicalRead,
            P::BillingRead,
            P::MessagesUse,
        ] {
            assert!(!Kiosk.has(p), "kiosk must not have {p}");
        }
        assert!(Kiosk.has(P::DisplayView));
    }

    #[test]
    fn reception_has_no_clinical_content_and_only_admin_manages_users() {
        assert!(!Receptionist.has(P::ClinicalRead));
        assert!(Receptionist.has(P::ScheduleWrite));
        for role in Role::ALL {
            assert_eq!(role.has(P::UsersManage), role == Admin, "{role}");
        }
    }

    #[test]
    fn every_permission_appears_once_in_the_matrix_with_a_distinct_name() {
        let mut seen = std::collections::HashSet::new();
        for (p, _) in MATRIX {
            assert!(seen.insert(p.as_str()), "{p} twice");
            let json = serde_json::to_string(p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.as_str()));
        }
    }

    #[test]
    fn roles_parse_case_insensitively_and_bad_ones_name_the_field() {
        assert_eq!("Doctor".parse::<Role>().unwrap(), Doctor);
        let err = "surgeon".parse::<Role>().unwrap_err();
        assert_eq!(err.field.as_deref(), Some("role"));
        assert!(err.message.contains("receptionist"));
    }
}
