//! Why a `--permission API:NAME:TYPE` cannot be read, kept as data (which part is wrong);
//! the `Display` is the command line's sentence (English: only `exowiz register` takes it).

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadPermissionSpec {
    /// Not three parts separated by `:`.
    #[error("'{spec}' is not a permission. Write API:NAME:TYPE, e.g. graph:Mail.Send:application.")]
    NotApiNameType { spec: String },
    /// An API other than graph or exchange.
    #[error("Unknown API '{api}' in '{spec}'. Use graph or exchange.")]
    UnknownApi { api: String, spec: String },
    /// A type other than application or delegated (lower-cased).
    #[error("Unknown permission type '{kind}' in '{spec}'. Use application or delegated.")]
    UnknownType { kind: String, spec: String },
    /// An empty name, or one with white space.
    #[error("'{name}' is not a permission name.")]
    BadName { name: String },
}
