//! placeholder, filled in by the graph work.
