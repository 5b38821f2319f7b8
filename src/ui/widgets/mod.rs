//! Building blocks the screens share.

pub mod checklist;
pub mod key_bar;
pub mod link;
pub mod page;
pub mod popup;
pub mod secret_box;
pub mod table;
pub mod text_field;
