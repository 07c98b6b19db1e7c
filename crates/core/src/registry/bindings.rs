//! TypeScript bindings for the UI, generated from the Rust types with ts-rs: every command's
//! input and output type, the error type, and a `Commands` map from command name to its
//! types, so `ui/src/api/` can offer a typed `call(name, input)`. The generated file is
//! committed; `tests/bindings.rs` fails when it drifts from the Rust types.

use std::collections::BTreeMap;
use ts_rs::{Config, TypeVisitor, TS};

pub(crate) fn config() -> Config {
    // serde_json writes i64 as a JSON number, not a BigInt.
    Config::new().with_large_int("number")
}

/// Collects the declarations of a type and everything it mentions.
pub(crate) struct Collect<'a> {
    cfg: &'a Config,
    pub(crate) decls: BTreeMap<String, String>,
}

impl<'a> Collect<'a> {
    pub(crate) fn new(cfg: &'a Config) -> Self {
        Collect {
            cfg,
            decls: BTreeMap::new(),
        }
    }
}

impl TypeVisitor for Collect<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_some() {
            let name = T::ident(self.cfg);
            if self.decls.contains_key(&name) {
                return;
            }
            self.decls.insert(name, T::decl(self.cfg));
        }
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

/// The TypeScript names and declarations one command needs.
pub struct CommandTypes {
    pub input: String,
    pub output: String,
    pub decls: BTreeMap<String, String>,
}

/// The whole generated file.
pub fn typescript_bindings() -> String {
    let cfg = config();
    let mut decls = BTreeMap::new();
    let mut map = String::new();
    let mut names = Vec::new();
    for spec in super::registry().iter() {
        let types = spec.types(&cfg);
        decls.extend(types.decls);
        map.push_str(&format!(
            "  {}: {{ input: {}; output: {} }};\n",
            spec.name, types.input, types.output
        ));
        names.push(format!("  {:?},", spec.name));
    }
    let mut errors = Collect::new(&cfg);
    errors.visit::<crate::AppError>();
    decls.extend(errors.decls);

    let mut out = String::from(
        "// Generated from the Rust types by clinicdesk-core (ts-rs). Do not edit.\n\
         // Regenerate: UPDATE_BINDINGS=1 cargo test -p clinicdesk-core --test bindings\n\n",
    );
    for decl in decls.values() {
        out.push_str("export ");
        out.push_str(decl.trim());
        out.push_str("\n\n");
    }
    out.push_str(
        "/** Every registry command: its input and output types. */\nexport interface Commands {\n",
    );
    out.push_str(&map);
    out.push_str("}\n\nexport type CommandName = keyof Commands;\n\n");
    out.push_str("export const COMMAND_NAMES: readonly CommandName[] = [\n");
    out.push_str(&names.join("\n"));
    out.push_str("\n];\n\n");

    // The access rules as data, so UI test doubles use the real ones instead of a copy.
    out.push_str("/** Who may run each command: \"public\", \"signed-in\" or a permission. */\n");
    out.push_str("export const COMMAND_ACCESS: Readonly<Record<CommandName, \"public\" | \"signed-in\" | Permission>> = {\n");
    for spec in super::registry().iter() {
        out.push_str(&format!("  {}: {:?},\n", spec.name, spec.access.describe()));
    }
    out.push_str("};\n\n");
    out.push_str(
        "/** The permission matrix (crates/core/src/access): each role's permissions. */\n",
    );
    out.push_str(
        "export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {\n",
    );
    for role in crate::access::Role::ALL {
        let perms: Vec<String> = role
            .permissions()
            .iter()
            .map(|p| format!("{:?}", p.as_str()))
            .collect();
        out.push_str(&format!("  {}: [{}],\n", role.as_str(), perms.join(", ")));
    }
    out.push_str("};\n");
    out
}
