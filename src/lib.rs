//! logoff-backup: the network backup of an EXACT dental practice, prompted when EXACT exits.
//!
//! Data flows one way: `Settings` → `Plan` → engine (on a worker) → `Event`s → terminal or window,
//! and the engine writes the backup set and `backup.log`.

pub mod after;
pub mod cli;
pub mod clock;
pub mod confirm;
pub mod demo;
pub mod drill;
pub mod engine;
pub mod fault;
pub mod format;
pub mod gui;
pub mod plan;
pub mod platform;
pub mod practice_status;
pub mod progress;
pub mod restore;
pub mod settings;
pub mod status;
pub mod terminal;
pub mod validate;
pub mod worker;
