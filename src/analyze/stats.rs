//! Means with 95% intervals for scores in [−1, 1], and differences of two means.
//!
//! **Clustered** (the default): statements of one article are not independent (a
//! speaker quoted five times in one story is one piece of evidence more than five), so
//! the interval is a cluster-robust one with articles as clusters: the CR1 variance of
//! the mean, `G/(G−1) · Σ_g (Σ_{i∈g} (y_i − ȳ))² / n²` over G articles, with Student's
//! t at G − 1 degrees of freedom, clipped to the scale. Repeating every statement of
//! an article k times leaves it unchanged; a cell from one article gets the whole scale
//! (nothing says how another article would read).
//!
//! **Wilson** (`--interval wilson`): Wilson's score interval applied to the mean
//! rescaled to [0, 1] (`(x + 1) / 2`), then mapped back. For a variable in [0, 1] with
//! mean m the variance is at most m(1 − m) (Bhatia–Davis), the Bernoulli variance
//! Wilson assumes, so it is conservative for independent statements, but it treats
//! every statement as independent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// How intervals are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntervalMethod {
    #[default]
    Clustered,
    Wilson,
}

impl IntervalMethod {
    /// What the interval is, in words, for tables and the report.
    pub fn describe(self) -> &'static str {
        match self {
            IntervalMethod::Clustered => {
                "95% cluster-robust interval (articles as clusters, CR1, Student's t with articles − 1 df)"
            }
            IntervalMethod::Wilson => {
                "95% Wilson score interval on the mean rescaled to [0, 1] (statements taken as independent)"
            }
        }
    }
}

/// n, mean and the 95% interval of scores in [−1, 1].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub n: u64,
    /// Articles the statements come from.
    #[serde(default)]
    pub articles: u64,
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// One score and the article (cluster) it comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored<'a> {
    pub value: f64,
    pub article: &'a str,
}

impl Estimate {
    /// None for no values. Values are clamped to [−1, 1].
    pub fn of(values: &[Scored], method: IntervalMethod) -> Option<Estimate> {
        if values.is_empty() {
            return None;
        }
        let n = values.len() as f64;
        let clamped: Vec<f64> = values.iter().map(|v| v.value.clamp(-1.0, 1.0)).collect();
        let mean = clamped.iter().sum::<f64>() / n;
        let articles = cluster_count(values);
        let (ci_low, ci_high) = match method {
            IntervalMethod::Wilson => {
                let (low, high) = wilson((mean + 1.0) / 2.0, n, Z95);
                (2.0 * low - 1.0, 2.0 * high - 1.0)
            }
            IntervalMethod::Clustered => {
                let influence = values.iter().zip(&clamped).map(|(v, &y)| (v.article, (y - mean) / n));
                clustered_interval(mean, influence, 1.0)
            }
        };
        Some(Estimate {
            n: values.len() as u64,
            articles: articles as u64,
            mean,
            ci_low,
            ci_high,
        })
    }
}

/// Mean of `b` less mean of `a`, with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    pub n_a: u64,
    pub n_b: u64,
    pub difference: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

impl Difference {
    /// None when either side is empty. Clustered: articles quoting both sides count once,
    /// so what they share is not counted as a difference twice (the influence of every
    /// statement on the difference is summed per article). Wilson: the two Wilson
    /// half-widths combined as independent (Newcombe's method 10).
    pub fn of(a: &[Scored], b: &[Scored], method: IntervalMethod) -> Option<Difference> {
        let (ea, eb) = (Estimate::of(a, method)?, Estimate::of(b, method)?);
        let difference = eb.mean - ea.mean;
        let (ci_low, ci_high) = match method {
            IntervalMethod::Wilson => {
                let low = difference - ((eb.mean - eb.ci_low).powi(2) + (ea.ci_high - ea.mean).powi(2)).sqrt();
                let high = difference + ((eb.ci_high - eb.mean).powi(2) + (ea.mean - ea.ci_low).powi(2)).sqrt();
                (low.max(-2.0), high.min(2.0))
            }
            IntervalMethod::Clustered => {
                let (na, nb) = (a.len() as f64, b.len() as f64);
                let influence = a
                    .iter()
                    .map(|v| (v.article, -(v.value.clamp(-1.0, 1.0) - ea.mean) / na))
                    .chain(b.iter().map(|v| (v.article, (v.value.clamp(-1.0, 1.0) - eb.mean) / nb)));
                clustered_interval(difference, influence, 2.0)
            }
        };
        Some(Difference {
            n_a: a.len() as u64,
            n_b: b.len() as u64,
            difference,
            ci_low,
            ci_high,
        })
    }
}

fn cluster_count(values: &[Scored]) -> usize {
    let mut seen: Vec<&str> = values.iter().map(|v| v.article).collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

/// `estimate` ± t·√(CR1 variance), from each observation's influence on the estimate
/// and its cluster; the whole scale [−bound, bound] from fewer than two clusters.
fn clustered_interval<'a>(estimate: f64, influence: impl Iterator<Item = (&'a str, f64)>, bound: f64) -> (f64, f64) {
    // Ordered, so that the variance is summed in one order and a run's intervals are
    // the same to the last digit every time.
    let mut sums: BTreeMap<&str, f64> = BTreeMap::new();
    for (cluster, value) in influence {
        *sums.entry(cluster).or_insert(0.0) += value;
    }
    let g = sums.len();
    if g < 2 {
        return (-bound, bound);
    }
    let g = g as f64;
    let variance = g / (g - 1.0) * sums.values().map(|s| s * s).sum::<f64>();
    let half = t975(g - 1.0) * variance.sqrt();
    ((estimate - half).max(-bound), (estimate + half).min(bound))
}

/// Student's t 0.975 quantile at `df` degrees of freedom.
pub fn t975(df: f64) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];
    if df < 1.0 {
        return f64::INFINITY;
    }
    if df <= 30.0 {
        return TABLE[df as usize - 1];
    }
    // Cornish–Fisher expansion: within 1e-4 of the exact quantile from 30 df on.
    let z = Z95;
    let (z3, z5, z7) = (z.powi(3), z.powi(5), z.powi(7));
    z + (z3 + z) / (4.0 * df)
        + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * df * df)
        + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * df.powi(3))
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

    fn scored<'a>(pairs: &[(f64, &'a str)]) -> Vec<Scored<'a>> {
        pairs
            .iter()
            .map(|&(value, article)| Scored { value, article })
            .collect()
    }

    /// One article per value.
    fn independent(values: &[f64]) -> Vec<(f64, String)> {
        values.iter().enumerate().map(|(i, &v)| (v, format!("a{i}"))).collect()
    }

    fn as_scored(owned: &[(f64, String)]) -> Vec<Scored<'_>> {
        owned
            .iter()
            .map(|(value, article)| Scored { value: *value, article })
            .collect()
    }

    #[test]
    fn wilson_matches_the_textbook_example() {
        // 8 of 10: Wilson 95% interval (0.4902, 0.9433) (Newcombe 1998, table I style).
        let (lo, hi) = wilson(0.8, 10.0, Z95);
        assert!((lo - 0.4902).abs() < 1e-4 && (hi - 0.9433).abs() < 1e-4, "{lo} {hi}");
    }

    #[test]
    fn wilson_estimates_rescale_and_stay_inside() {
        let e = Estimate::of(&scored(&[(1.0, "a"), (1.0, "b"), (1.0, "c")]), IntervalMethod::Wilson).unwrap();
        assert_eq!(e.mean, 1.0);
        assert!(e.ci_high <= 1.0 && e.ci_low < 1.0 && e.ci_low > -1.0);
        let e = Estimate::of(&scored(&[(0.5, "a"), (-0.5, "b")]), IntervalMethod::Wilson).unwrap();
        assert_eq!(e.mean, 0.0);
        assert!((e.ci_low + e.ci_high).abs() < 1e-12, "symmetric around 0");
        assert!(Estimate::of(&[], IntervalMethod::Wilson).is_none());
    }

    #[test]
    fn t_quantiles_match_the_tables() {
        assert_eq!(t975(1.0), 12.706);
        assert_eq!(t975(10.0), 2.228);
        // 40, 60 and 120 df: 2.021, 2.000, 1.980 in the printed tables.
        for (df, t) in [(40.0, 2.021), (60.0, 2.000), (120.0, 1.980)] {
            assert!((t975(df) - t).abs() < 1e-3, "{df}: {}", t975(df));
        }
        assert!((t975(31.0) - 2.040).abs() < 1e-3);
    }

    #[test]
    fn independent_statements_give_the_classic_t_interval_widened_by_cr1() {
        let values = [0.2, -0.1, 0.4, 0.0, 0.3, 0.1];
        let owned = independent(&values);
        let e = Estimate::of(&as_scored(&owned), IntervalMethod::Clustered).unwrap();
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let ss: f64 = values.iter().map(|v| (v - mean).powi(2)).sum();
        // CR1 with one statement a cluster: s²/n · (n−1)/n · n/(n−1) = ss / n².
        let half = t975(n - 1.0) * (ss / (n * n) * n / (n - 1.0)).sqrt();
        assert!((e.mean - mean).abs() < 1e-12);
        assert!((e.ci_high - (mean + half)).abs() < 1e-12, "{e:?}");
        assert!((e.ci_low - (mean - half)).abs() < 1e-12);
        assert_eq!((e.n, e.articles), (6, 6));
    }

    #[test]
    fn repeating_statements_inside_their_article_does_not_narrow_the_clustered_interval() {
        let once = scored(&[(0.6, "a"), (0.1, "b"), (0.4, "c"), (-0.2, "d"), (0.5, "e")]);
        let thrice: Vec<Scored> = once.iter().flat_map(|s| [*s, *s, *s]).collect();
        let (e1, e3) = (
            Estimate::of(&once, IntervalMethod::Clustered).unwrap(),
            Estimate::of(&thrice, IntervalMethod::Clustered).unwrap(),
        );
        assert!((e1.ci_low - e3.ci_low).abs() < 1e-12 && (e1.ci_high - e3.ci_high).abs() < 1e-12);
        assert_eq!((e3.n, e3.articles), (15, 5));
        // Wilson takes the copies for evidence and narrows.
        let (w1, w3) = (
            Estimate::of(&once, IntervalMethod::Wilson).unwrap(),
            Estimate::of(&thrice, IntervalMethod::Wilson).unwrap(),
        );
        assert!(w3.ci_high - w3.ci_low < 0.7 * (w1.ci_high - w1.ci_low));
    }

    #[test]
    fn one_article_says_nothing_about_the_next() {
        let e = Estimate::of(
            &scored(&[(0.9, "a"), (0.8, "a"), (0.95, "a")]),
            IntervalMethod::Clustered,
        )
        .unwrap();
        assert_eq!((e.ci_low, e.ci_high), (-1.0, 1.0));
    }

    #[test]
    fn differences_separate_opposed_actors_and_not_equal_ones() {
        let pro: Vec<(f64, String)> = (0..12)
            .map(|i| (0.6 + 0.02 * (i % 5) as f64, format!("p{i}")))
            .collect();
        let con: Vec<(f64, String)> = (0..12)
            .map(|i| (-0.5 - 0.03 * (i % 4) as f64, format!("c{i}")))
            .collect();
        let d = Difference::of(&as_scored(&pro), &as_scored(&con), IntervalMethod::Clustered).unwrap();
        assert!(d.difference < -1.0 && d.ci_high < 0.0, "{d:?}");
        let same = Difference::of(&as_scored(&pro), &as_scored(&pro), IntervalMethod::Clustered).unwrap();
        assert_eq!(same.difference, 0.0);
        assert!(same.ci_low <= 0.0 && same.ci_high >= 0.0);
        let w = Difference::of(&as_scored(&pro), &as_scored(&con), IntervalMethod::Wilson).unwrap();
        assert!(w.ci_high < 0.0 && w.ci_low >= -2.0, "{w:?}");
    }

    #[test]
    fn intervals_are_the_same_to_the_last_digit_every_time() {
        // Sums of many clusters in another order differ in their last digits; the
        // interval must not depend on the order a map happens to hold them in.
        let values: Vec<f64> = (0..300).map(|i| ((i * 37 % 101) as f64 / 101.0 - 0.5) / 3.0).collect();
        let owned = independent(&values);
        let (a, b) = owned.split_at(150);
        let first = Difference::of(&as_scored(a), &as_scored(b), IntervalMethod::Clustered).unwrap();
        for _ in 0..20 {
            let again = Difference::of(&as_scored(a), &as_scored(b), IntervalMethod::Clustered).unwrap();
            assert_eq!(again.ci_low.to_bits(), first.ci_low.to_bits());
            assert_eq!(again.ci_high.to_bits(), first.ci_high.to_bits());
        }
    }

    #[test]
    fn a_difference_within_shared_articles_counts_each_article_once() {
        // Both actors quoted in the same four articles, B always 0.5 above A: the
        // difference is certain, however each side's level varies between articles.
        let articles = ["a", "b", "c", "d"];
        let levels = [-0.4, 0.1, 0.3, -0.2];
        let a: Vec<Scored> = articles
            .iter()
            .zip(levels)
            .map(|(&article, v)| Scored { value: v, article })
            .collect();
        let b: Vec<Scored> = articles
            .iter()
            .zip(levels)
            .map(|(&article, v)| Scored {
                value: v + 0.5,
                article,
            })
            .collect();
        let d = Difference::of(&a, &b, IntervalMethod::Clustered).unwrap();
        assert!((d.difference - 0.5).abs() < 1e-12);
        assert!((d.ci_high - d.ci_low) < 1e-9, "{d:?}");
    }
}
