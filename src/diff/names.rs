//! Which model a job gets by each name it may give, and by giving none.

use super::{Change, Kind};
use crate::tariff::{Model, Tariff};

/// The change of the model jobs get when they name none, if any: it fails any gate.
pub(super) fn default_model(old: &Tariff, new: &Tariff) -> Option<Change> {
    let (od, nd) = (old.default_model(), new.default_model());
    (od.id != nd.id).then(|| Change {
        kind: Kind::DefaultModel,
        model: None,
        old: od.id.clone(),
        new: nd.id.clone(),
        percent: None,
        always_fails: true,
        effect: format!("jobs that name no model get {} instead of {}", nd.id, od.id),
    })
}

/// What jobs naming each of `old`'s id and aliases get now.
pub(super) fn name_changes(old: &Model, new: &Tariff) -> Vec<Change> {
    let mut changes = Vec::new();
    for name in old.names() {
        let is_id = name == old.id;
        match new.find_model(name) {
            None => changes.push(Change {
                kind: if is_id {
                    Kind::ModelRemoved
                } else {
                    Kind::AliasRemoved
                },
                model: Some(old.id.clone()),
                old: name.to_owned(),
                new: String::new(),
                percent: None,
                always_fails: true,
                effect: format!("jobs that name {name:?} can no longer be priced"),
            }),
            Some(n) if n.id != old.id => changes.push(Change {
                kind: Kind::NameMoved,
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
