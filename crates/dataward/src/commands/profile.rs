//! `dataward profile`: the policy in force, readable.

use anyhow::Result;

use crate::cli::Global;
use crate::config;

pub fn run(global: &Global) -> Result<()> {
    let profile = config::load_profile(&global.profile)?;
    println!("profile {} — {}", profile.name, profile.description);
    println!("storage region: {}", profile.region);
    println!("held:     {}", profile.held.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "));
    println!("refused:  {}", profile.refused.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "));
    println!("\n{:<42} {:<26} {:<22} CONDITIONS", "CATEGORY", "PURPOSE", "BASIS");
    for ((category, purpose), rule) in profile.matrix() {
        let conditions: Vec<_> = rule.conditions.iter().map(|c| c.as_str()).collect();
        println!(
            "{:<42} {:<26} {:<22} {}",
            category.as_str(),
            purpose.as_str(),
            rule.basis.as_str(),
            conditions.join(", ")
        );
    }
    for c in &profile.companions {
        println!("{:<42} {:<26} {:<22}", c.as_str(), "(with any released category)", "(as that category)");
    }
    for p in &profile.prohibitions {
        let list: Vec<_> = p.purposes.iter().map(|p| p.as_str()).collect();
        println!("\nnever: {} for {} — {}", p.category, list.join(", "), p.reason);
    }
    println!(
        "\nretention: {} days by default; departed partners held {} days for rights only",
        profile.default_retention_days, profile.departed_partner_hold_days
    );
    Ok(())
}
