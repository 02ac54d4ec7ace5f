//! Roles and permissions: the need-to-know table of the console.
//!
//! | role | may |
//! |---|---|
//! | admin | manage staff accounts and the deployment's configuration |
//! | operator | load partner files, manage partners, clients and preference registers, see batches and their quarantine (line, field, reason) — but never read a person's record |
//! | dpo | work rights requests, read persons, read the disclosure ledger and explanations, handle breaches |
//! | auditor | read the audit log — no personal data |
//!
//! Every role may use the console itself (its home page, signing out). The table is
//! `Role::allows`; nothing else grants access.

use std::fmt;

use serde::Serialize;

/// A staff member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Operator,
    Dpo,
    Auditor,
}

/// Something a console endpoint needs its caller to be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See the console home and sign out.
    UseConsole,
    /// Add, disable and change staff accounts.
    ManageStaff,
    /// Change the deployment's configuration (profile, settings).
    ManageConfig,
    /// Load partner files.
    LoadFiles,
    /// Register and change partners and clients.
    ManagePartners,
    /// Load preference registers and manage the suppression list.
    ManageRegisters,
    /// See batches and their quarantine (reasons and lines, never values).
    ViewBatches,
    /// Read a person's record and values.
    ReadPersons,
    /// Work data-subject rights requests.
    WorkRightsRequests,
    /// Read the disclosure ledger and the explanation of past requests.
    ReadLedger,
    /// Open and assess breaches.
    ManageBreaches,
    /// Read the audit log.
    ReadAuditLog,
}

/// A role name that is not one of the four.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`: use admin, operator, dpo or auditor")]
pub struct RoleError(pub String);

impl Role {
    /// Every role, in a stable order.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Operator, Role::Dpo, Role::Auditor];

    /// Reads a role name (`admin`, `operator`, `dpo`, `auditor`; `data_operator` is accepted too).
    pub fn parse(text: &str) -> Result<Role, RoleError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "admin" => Ok(Role::Admin),
            "operator" | "data_operator" | "data-operator" => Ok(Role::Operator),
            "dpo" => Ok(Role::Dpo),
            "auditor" => Ok(Role::Auditor),
            _ => Err(RoleError(text.to_string())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::Dpo => "dpo",
            Role::Auditor => "auditor",
        }
    }

    /// A human title for pages.
    pub fn title(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Operator => "Data operator",
            Role::Dpo => "Data protection officer",
            Role::Auditor => "Auditor",
        }
    }

    /// Whether this role holds `permission`.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match permission {
            UseConsole => true,
            ManageStaff | ManageConfig => self == Role::Admin,
            LoadFiles | ManagePartners | ManageRegisters | ViewBatches => self == Role::Operator,
            ReadPersons | WorkRightsRequests | ReadLedger | ManageBreaches => self == Role::Dpo,
            ReadAuditLog => self == Role::Auditor,
        }
    }

    /// Every permission this role holds.
    pub fn permissions(self) -> Vec<Permission> {
        Permission::ALL.into_iter().filter(|p| self.allows(*p)).collect()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Permission {
    /// Every permission, in a stable order.
    pub const ALL: [Permission; 12] = [
        Permission::UseConsole,
        Permission::ManageStaff,
        Permission::ManageConfig,
        Permission::LoadFiles,
        Permission::ManagePartners,
        Permission::ManageRegisters,
        Permission::ViewBatches,
        Permission::ReadPersons,
        Permission::WorkRightsRequests,
        Permission::ReadLedger,
        Permission::ManageBreaches,
        Permission::ReadAuditLog,
    ];

    pub fn as_str(self) -> &'static str {
        use Permission::*;
        match self {
            UseConsole => "use_console",
            ManageStaff => "manage_staff",
            ManageConfig => "manage_config",
            LoadFiles => "load_files",
            ManagePartners => "manage_partners",
            ManageRegisters => "manage_registers",
            ViewBatches => "view_batches",
            ReadPersons => "read_persons",
            WorkRightsRequests => "work_rights_requests",
            ReadLedger => "read_ledger",
            ManageBreaches => "manage_breaches",
            ReadAuditLog => "read_audit_log",
        }
    }

    /// What the permission lets a person do, in words for pages.
    pub fn describe(self) -> &'static str {
        use Permission::*;
        match self {
            UseConsole => "Use the console",
            ManageStaff => "Manage staff accounts",
            ManageConfig => "Change the configuration",
            LoadFiles => "Load partner files",
            ManagePartners => "Manage partners and clients",
            ManageRegisters => "Manage preference registers and suppressions",
            ViewBatches => "See batches and quarantined rows",
            ReadPersons => "Read persons' records",
            WorkRightsRequests => "Work rights requests",
            ReadLedger => "Read the disclosure ledger",
            ManageBreaches => "Open and assess breaches",
            ReadAuditLog => "Read the audit log",
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    #[test]
    fn an_operator_loads_files_but_cannot_read_a_persons_record() {
        assert!(Role::Operator.allows(LoadFiles));
        assert!(Role::Operator.allows(ViewBatches));
        assert!(!Role::Operator.allows(ReadPersons));
        assert!(!Role::Operator.allows(ReadLedger));
    }

    #[test]
    fn an_auditor_reads_the_audit_log_and_nothing_personal() {
        assert_eq!(Role::Auditor.permissions(), vec![UseConsole, ReadAuditLog]);
    }

    #[test]
    fn the_dpo_works_rights_requests_and_reads_persons_and_the_ledger() {
        for p in [ReadPersons, WorkRightsRequests, ReadLedger, ManageBreaches] {
            assert!(Role::Dpo.allows(p), "{p}");
        }
        assert!(!Role::Dpo.allows(ManageStaff));
        assert!(!Role::Dpo.allows(LoadFiles));
    }

    #[test]
    fn only_the_admin_manages_staff_and_the_admin_reads_no_personal_data() {
        for role in Role::ALL {
            assert_eq!(role.allows(ManageStaff), role == Role::Admin, "{role}");
        }
        assert!(!Role::Admin.allows(ReadPersons));
        assert!(!Role::Admin.allows(ReadLedger));
    }

    #[test]
    fn every_permission_but_using_the_console_belongs_to_exactly_one_role() {
        for p in Permission::ALL {
            let holders = Role::ALL.iter().filter(|r| r.allows(p)).count();
            let expected = if p == UseConsole { 4 } else { 1 };
            assert_eq!(holders, expected, "{p}");
        }
    }

    #[test]
    fn role_names_round_trip_and_unknown_names_are_refused_by_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert_eq!(Role::parse(" DPO "), Ok(Role::Dpo));
        assert_eq!(Role::parse("data_operator"), Ok(Role::Operator));
        let err = Role::parse("root").unwrap_err();
        assert!(err.to_string().contains("`root`") && err.to_string().contains("auditor"), "{err}");
    }
}
