//! The one command registry. Every application command is declared here once — name,
//! input, output, required access — and both transports (the Tauri shell and the CLI)
//! dispatch through [`crate::Workstation::dispatch`], so no rule lives in an adapter.

pub mod bindings;
mod context;

pub use context::{Actor, Ctx, SignedInUser};

use crate::access::Permission;
use crate::error::{AppError, AppResult};
use schemars::{JsonSchema, Schema};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::sync::LazyLock;

/// Who may run a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, even without a session (status, first-run setup, sign-in).
    Public,
    /// Any signed-in user.
    SignedIn,
    /// A signed-in user whose role holds this permission.
    Permission(Permission),
}

impl Access {
    pub fn describe(self) -> String {
        match self {
            Access::Public => "public".into(),
            Access::SignedIn => "signed-in".into(),
            Access::Permission(p) => p.as_str().into(),
        }
    }
}

type Handler = Box<dyn Fn(&Ctx<'_>, Value) -> AppResult<Value> + Send + Sync>;

pub struct CommandSpec {
    pub name: &'static str,
    pub summary: &'static str,
    pub access: Access,
    input_schema: fn() -> Schema,
    output_schema: fn() -> Schema,
    types: fn(&ts_rs::Config) -> bindings::CommandTypes,
    handler: Handler,
}

impl CommandSpec {
    pub fn input_schema(&self) -> Schema {
        (self.input_schema)()
    }
    pub fn output_schema(&self) -> Schema {
        (self.output_schema)()
    }
    /// The command's TypeScript types (for the generated UI bindings).
    pub fn types(&self, cfg: &ts_rs::Config) -> bindings::CommandTypes {
        (self.types)(cfg)
    }
    pub(crate) fn run(&self, ctx: &Ctx<'_>, input: Value) -> AppResult<Value> {
        (self.handler)(ctx, input)
    }
}

/// Declares a command from a typed handler.
pub(crate) fn command<I, O>(
    name: &'static str,
    summary: &'static str,
    access: Access,
    run: fn(&Ctx<'_>, I) -> AppResult<O>,
) -> CommandSpec
where
    I: DeserializeOwned + JsonSchema + ts_rs::TS + 'static,
    O: Serialize + JsonSchema + ts_rs::TS + 'static,
{
    CommandSpec {
        name,
        summary,
        access,
        input_schema: || schemars::schema_for!(I),
        output_schema: || schemars::schema_for!(O),
        types: |cfg| {
            use ts_rs::TypeVisitor;
            let mut collect = bindings::Collect::new(cfg);
            collect.visit::<I>();
            collect.visit::<O>();
            bindings::CommandTypes {
                input: <I as ts_rs::TS>::name(cfg),
                output: <O as ts_rs::TS>::name(cfg),
                decls: collect.decls,
            }
        },
        handler: Box::new(move |ctx, value| {
            let input = parse_input::<I>(value)?;
            let output = run(ctx, input)?;
            serde_json::to_value(output)
                .map_err(|e| AppError::internal(format!("could not encode the result: {e}")))
        }),
    }
}

/// Turns a JSON value into the command's input, naming the offending field on failure.
fn parse_input<I: DeserializeOwned>(value: Value) -> AppResult<I> {
    let value = match value {
        Value::Null => Value::Object(Default::default()),
        Value::Object(_) => value,
        _ => return Err(AppError::field("input", "the input must be a JSON object")),
    };
    serde_path_to_error::deserialize::<_, I>(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        // serde reports missing/unknown fields one level up; pull the name out of the text.
        let named = ["missing field `", "unknown field `"]
            .iter()
            .find_map(|prefix| inner.strip_prefix(prefix))
            .and_then(|rest| rest.split('`').next())
            .map(str::to_string);
        let field = match (named, path.as_str()) {
            (Some(name), "." | "") => name,
            (Some(name), parent) if parent == name || parent.ends_with(&format!(".{name}")) => {
                parent.to_string()
            }
            (Some(name), parent) => format!("{parent}.{name}"),
            (None, p) => p.to_string(),
        };
        let message = if inner.starts_with("missing field") {
            format!("{field} is required")
        } else {
            format!("{field}: {inner}")
        };
        AppError::field(field, message)
    })
}

pub struct Registry {
    commands: Vec<CommandSpec>,
}

impl Registry {
    pub fn get(&self, name: &str) -> Option<&CommandSpec> {
        self.commands.iter().find(|c| c.name == name)
    }
    pub fn iter(&self) -> impl Iterator<Item = &CommandSpec> {
        self.commands.iter()
    }
}

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
    let mut commands = Vec::new();
    commands.extend(crate::clinic::commands());
    commands.extend(crate::accounts::commands());
    commands.extend(crate::audit::commands::commands());
    commands.extend(crate::demo::commands());
    commands.extend(crate::maintenance::commands());
    commands.extend(crate::patients::commands());
    commands.extend(crate::staff::commands());
    commands.extend(crate::scheduling::commands());
    commands.extend(crate::records::commands());
    commands.extend(crate::prescriptions::commands());
    commands.extend(crate::billing::commands());
    commands.extend(crate::sync::commands());
    commands.sort_by_key(|c| c.name);
    Registry { commands }
});

/// Every command the application knows.
pub fn registry() -> &'static Registry {
    &REGISTRY
}

/// Input of commands that take none.
#[derive(Debug, Default, serde::Deserialize, JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NoInput {}

/// Output of commands that return nothing but success.
#[derive(Debug, Default, Serialize, JsonSchema, ts_rs::TS)]
pub struct Done {
    pub ok: bool,
}

impl Done {
    pub fn ok() -> Self {
        Done { ok: true }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        username: String,
        age: u32,
    }

    #[test]
    fn bad_input_names_the_field() {
        let e = parse_input::<Sample>(serde_json::json!({"age": 3})).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("username"));
        assert_eq!(e.message, "username is required");
        let e =
            parse_input::<Sample>(serde_json::json!({"username": "a", "age": "x"})).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("age"));
        let e = parse_input::<Sample>(serde_json::json!({"username": "a", "age": 1, "role": 2}))
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("role"));
    }

    #[test]
    fn names_are_unique_and_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for c in registry().iter() {
            assert!(seen.insert(c.name), "{} declared twice", c.name);
            assert!(
                c.name
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
                    && c.name.starts_with(|ch: char| ch.is_ascii_lowercase()),
                "{}",
                c.name
            );
            let _ = c.input_schema();
        }
    }
}
