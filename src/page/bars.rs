//! The comparison's bar chart, laid out: one horizontal bar per algorithm for its gain over all
//! singletons, from a zero line (all singletons) to the right for a gain and to the left for a
//! loss. Gains rather than `v(CS)`: bars of `v(CS)` from 0 would differ by a few percent at
//! most and look equal, while a gain has a true zero, so the bars' lengths compare honestly.

/// One bar, in the plot's coordinates (0 at its left edge).
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Where the bar starts.
    pub x: f64,
    /// Its length (0 for a value that is not a finite number).
    pub width: f64,
}

/// Every bar of a chart `width` wide, and where its zero line is.
#[derive(Clone, Debug, PartialEq)]
pub struct BarLayout {
    /// The zero line's position.
    pub zero: f64,
    /// One bar per value, in order.
    pub bars: Vec<Bar>,
}

/// Lays out `values` on a plot `width` wide: the axis spans 0 and every finite value.
pub fn layout(values: &[f64], width: f64) -> BarLayout {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let span = if hi > lo { hi - lo } else { 1.0 };
    let at = |v: f64| (v - lo) / span * width;
    let zero = at(0.0);
    let bars = values
        .iter()
        .map(|&v| {
            if !v.is_finite() {
                return Bar {
                    x: zero,
                    width: 0.0,
                };
            }
            let end = at(v);
            Bar {
                x: zero.min(end),
                width: (end - zero).abs(),
            }
        })
        .collect();
    BarLayout { zero, bars }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gains_go_right_and_losses_left_of_the_zero_line() {
        let l = layout(&[30.0, 0.0, -10.0], 400.0);
        assert_eq!(l.zero, 100.0);
        assert_eq!(
            l.bars[0],
            Bar {
                x: 100.0,
                width: 300.0
            }
        );
        assert_eq!(
            l.bars[1],
            Bar {
                x: 100.0,
                width: 0.0
            }
        );
        assert_eq!(
            l.bars[2],
            Bar {
                x: 0.0,
                width: 100.0
            }
        );
    }

    #[test]
    fn only_gains_start_at_the_left_edge_and_nothing_breaks_on_zeros_or_nan() {
        let l = layout(&[5.0, 10.0], 200.0);
        assert_eq!(l.zero, 0.0);
        assert_eq!(l.bars[1].width, 200.0);
        let l = layout(&[0.0, f64::NAN], 200.0);
        assert_eq!(l.zero, 0.0);
        assert!(l.bars.iter().all(|b| b.width == 0.0));
    }

    #[test]
    fn only_losses_end_at_the_right_edge_and_infinities_leave_the_axis_alone() {
        let l = layout(&[-5.0, -10.0, 0.0], 200.0);
        assert_eq!(l.zero, 200.0);
        assert_eq!(
            l.bars[1],
            Bar {
                x: 0.0,
                width: 200.0
            }
        );
        assert_eq!(
            l.bars[0],
            Bar {
                x: 100.0,
                width: 100.0
            }
        );
        let l = layout(&[10.0, f64::INFINITY, f64::NEG_INFINITY], 100.0);
        assert_eq!((l.zero, l.bars[0].width), (0.0, 100.0));
        assert_eq!(l.bars[1].width, 0.0);
        assert_eq!(l.bars[2].width, 0.0);
    }
}
