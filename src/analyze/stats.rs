//! Means with 95% intervals for scores in [−1, 1].
//!
//! The interval is Wilson's score interval applied to the mean rescaled to [0, 1]
//! (`(x + 1) / 2`), then mapped back. For a variable in [0, 1] with mean m the
//! variance is at most m(1 − m) (Bhatia–Davis), the Bernoulli variance Wilson
//! assumes, so the interval is conservative; unlike mean ± 1.96·sd/√n it stays inside
//! [−1, 1] and does not collapse to a point when a handful of statements agree.

use serde::{Deserialize, Serialize};

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// n, mean and the 95% interval of scores in [−1, 1].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub n: u64,
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

impl Estimate {
    /// None for no values. Values are clamped to [−1, 1].
    pub fn of(values: &[f64]) -> Option<Estimate> {
        if values.is_empty() {
            return None;
        }
        let n = values.len() as f64;
        let mean = values.iter().map(|v| v.clamp(-1.0, 1.0)).sum::<f64>() / n;
        let (low, high) = wilson((mean + 1.0) / 2.0, n, Z95);
        Some(Estimate {
            n: values.len() as u64,
            mean,
            ci_low: 2.0 * low - 1.0,
            ci_high: 2.0 * high - 1.0,
        })
    }
}

/// Wilson score interval for a proportion `p` of `n` trials.
pub fn wilson(p: f64, n: f64, z: f64) -> (f64, f64) {
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_the_textbook_example() {
        // 8 of 10: Wilson 95% interval (0.4902, 0.9433) (Newcombe 1998, table I style).
        let (lo, hi) = wilson(0.8, 10.0, Z95);
        assert!((lo - 0.4902).abs() < 1e-4 && (hi - 0.9433).abs() < 1e-4, "{lo} {hi}");
    }

    #[test]
    fn estimate_rescales_and_stays_inside() {
        let e = Estimate::of(&[1.0, 1.0, 1.0]).unwrap();
        assert_eq!(e.mean, 1.0);
        assert!(e.ci_high <= 1.0 && e.ci_low < 1.0 && e.ci_low > -1.0);
        let e = Estimate::of(&[0.5, -0.5]).unwrap();
        assert_eq!(e.mean, 0.0);
        assert!((e.ci_low + e.ci_high).abs() < 1e-12, "symmetric around 0");
        assert!(Estimate::of(&[]).is_none());
    }
}
