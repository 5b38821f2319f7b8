//! `exowiz profiles`: what each connector profile registers.

use super::{Exit, Failure};
use exowiz::profile::{self, InstallMode};

#[derive(Debug, clap::Args)]
pub struct ProfilesArgs {
    /// Print the profiles as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: ProfilesArgs) -> Result<(), Failure> {
    let profiles = profile::all().map_err(|e| Failure::new(Exit::Other, e.to_string()))?;
    if args.json {
        let text = serde_json::to_string_pretty(&profiles)
            .map_err(|e| Failure::new(Exit::Other, e.to_string()))?;
        json_println!("{text}");
        return Ok(());
    }
    for p in &profiles {
        safe_println!(
            "{:<13} {} — app \"{}\"",
            p.id,
            p.product,
            p.default_app_name
        );
        for perm in p.permissions_for(InstallMode::CloudOnly) {
            let hybrid = if p.permissions_for(InstallMode::Hybrid).contains(&perm) {
                ""
            } else {
                " (cloud-only)"
            };
            safe_println!(
                "{:<13}   {} {} ({}){hybrid}",
                "",
                perm.api.display_name(),
                perm.name,
                perm.kind.as_str()
            );
        }
        if p.permissions.is_empty() {
            safe_println!("{:<13}   permissions from --permission API:NAME:TYPE", "");
        }
    }
    Ok(())
}
