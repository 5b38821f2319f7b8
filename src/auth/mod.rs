//! placeholder, filled in by the auth work.
