//! Which model a job gets by each name it may give, and by giving none.

use super::{Change, ChangeKind};
use crate::tariff::{Model, Tariff};

/// The change of the model jobs get when they name none, if any: it fails any gate.
pub(super) fn default_model(old: &Tariff, new: &Tariff) -> Option<Change> {
    let (od, nd) = (old.default_model(), new.default_model());
    (od.id != nd.id).then(|| Change {
        kind: ChangeKind::DefaultModel,
        model: None,
        old: od.id.clone(),
        new: nd.id.clone(),
        percent: None,
        always_fails: true,
        effect: format!("jobs that name no model get {} instead of {}", nd.id, od.id),
    })
}

/// What jobs get now under each name they may give `old` (its id, aliases and display name,
/// each matched as the tariff's lookup matches it: trimmed, in any case): a name that names no
/// model now, or another model, fails any gate.
pub(super) fn name_changes(old: &Model, new: &Tariff) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (i, written) in old.job_names().enumerate() {
        let name = written.trim();
        // A display name spelled as the id or an alias is the same name to a job.
        let lowered = name.to_lowercase();
        if seen.contains(&lowered) {
            continue;
        }
        seen.push(lowered);
        match new.find_model(name) {
            None => changes.push(Change {
                kind: if i == 0 {
                    ChangeKind::ModelRemoved
                } else if i <= old.aliases.len() {
                    ChangeKind::AliasRemoved
                } else {
                    ChangeKind::NameRemoved
                },
                model: Some(old.id.clone()),
                old: name.to_owned(),
                new: String::new(),
                percent: None,
                always_fails: true,
                effect: format!("jobs that name {name:?} can no longer be priced"),
            }),
            Some(n) if n.id != old.id => changes.push(Change {
                kind: ChangeKind::NameMoved,
                model: Some(old.id.clone()),
                old: old.id.clone(),
                new: n.id.clone(),
                percent: None,
                always_fails: true,
                effect: format!(
                    "jobs that name {name:?} get model {} instead of {}",
                    n.id, old.id
                ),
            }),
            Some(_) => {}
        }
    }
    changes
}
