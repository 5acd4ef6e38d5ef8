//! The display: places and rounding of shown prices.

use super::{Change, ChangeKind};
use crate::exact::Rounding;
use crate::tariff::{Display, Tariff};

/// The display's change, if any: whether some shown price can be higher for the same exact
/// price decides whether it fails the gate.
pub(super) fn change(old: &Tariff, new: &Tariff) -> Option<Change> {
    if old.display == new.display {
        return None;
    }
    let words = |d: Display| format!("{} places, {}", d.decimals, d.rounding.name());
    let rises = !never_shows_more(old.display, new.display);
    Some(Change {
        kind: ChangeKind::Display,
        model: None,
        old: words(old.display),
        new: words(new.display),
        percent: None,
        always_fails: rises,
        effect: if rises {
            "some shown prices can be higher for the same exact price".to_owned()
        } else {
            "no shown price is higher for the same exact price".to_owned()
        },
    })
}

/// Whether rounding with `new` never shows more than rounding with `old`, for every amount.
fn never_shows_more(old: Display, new: Display) -> bool {
    use Rounding::{Down, HalfEven, HalfUp, Up};
    // Same places: down <= half-even <= half-up <= up, amount by amount.
    let rank = |r: Rounding| match r {
        Down => 0,
        HalfEven => 1,
        HalfUp => 2,
        Up => 3,
    };
    match (old.rounding, new.rounding) {
        _ if old.decimals == new.decimals => rank(new.rounding) <= rank(old.rounding),
        // Down to no more places is at most down at the old places, which is at most any mode.
        (_, Down) if new.decimals < old.decimals => true,
        // Old rounds up, so it is at least the amount; the new one, at more places, is at most
        // the old one's grid point above it (Down: at most the amount itself).
        (Up, _) => new.decimals > old.decimals,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::Exact;

    #[test]
    fn rounding_that_never_shows_more() {
        use Rounding::*;
        let at = |decimals, rounding| Display { decimals, rounding };
        let modes = [Down, HalfEven, HalfUp, Up];
        // Brute force: a claim of "never more" must hold for every amount. Rounding looks the
        // same at every scale, so places 3 to 5 over amounts to 0.003 at 7 places cover it.
        for od in 3..=5 {
            for nd in 3..=5 {
                for om in modes {
                    for nm in modes {
                        let (old, new) = (at(od, om), at(nd, nm));
                        let more = (0..30_000u128).any(|n| {
                            let x = Exact::over(n, 7, 7);
                            x.round(nd, nm) > x.round(od, om)
                        });
                        assert_eq!(never_shows_more(old, new), !more, "{old:?} -> {new:?}");
                    }
                }
            }
        }
    }
}
