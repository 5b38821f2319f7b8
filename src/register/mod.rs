//! placeholder, filled in by the register work.
