//! The rounding modes a tariff may name for shown amounts.

/// A rounding mode for shown amounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// Half away from zero.
    HalfUp,
    /// Half to the even neighbour (banker's rounding).
    HalfEven,
    /// Away from zero.
    Up,
    /// Toward zero.
    Down,
}

impl Rounding {
    /// Every mode, in the order the docs list them.
    pub const ALL: [Rounding; 4] = [
        Rounding::HalfUp,
        Rounding::HalfEven,
        Rounding::Up,
        Rounding::Down,
    ];

    /// The name used in tariffs.
    pub fn name(self) -> &'static str {
        match self {
            Rounding::HalfUp => "half-up",
            Rounding::HalfEven => "half-even",
            Rounding::Up => "up",
            Rounding::Down => "down",
        }
    }
}
