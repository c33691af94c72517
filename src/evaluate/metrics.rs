//! Classification and regression figures: accuracy, per-class precision/recall/F1,
//! macro-F1, the confusion matrix, SemEval-2016's F1avg, Pearson r, sign accuracy, and
//! for stance how the signed score follows the gold side.

use serde::{Deserialize, Serialize};

/// Precision, recall and F1 of one class, with its gold count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassFigures {
    pub label: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: u64,
}

/// Figures of a classification against gold labels (indices into `labels`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    pub labels: Vec<String>,
    pub n: u64,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub classes: Vec<ClassFigures>,
    /// `confusion[gold][predicted]`.
    pub confusion: Vec<Vec<u64>>,
}

impl Classification {
    pub fn new(labels: &[&str], pairs: &[(usize, usize)]) -> Classification {
        let k = labels.len();
        let mut confusion = vec![vec![0u64; k]; k];
        for &(gold, predicted) in pairs {
            if gold < k && predicted < k {
                confusion[gold][predicted] += 1;
            }
        }
        let n: u64 = confusion.iter().flatten().sum();
        let correct: u64 = (0..k).map(|i| confusion[i][i]).sum();
        let classes: Vec<ClassFigures> = (0..k)
            .map(|c| {
                let tp = confusion[c][c] as f64;
                let predicted: u64 = (0..k).map(|g| confusion[g][c]).sum();
                let support: u64 = confusion[c].iter().sum();
                let precision = ratio(tp, predicted as f64);
                let recall = ratio(tp, support as f64);
                ClassFigures {
                    label: labels[c].to_string(),
                    precision,
                    recall,
                    f1: harmonic(precision, recall),
                    support,
                }
            })
            .collect();
        let macro_f1 = if k == 0 {
            0.0
        } else {
            classes.iter().map(|c| c.f1).sum::<f64>() / k as f64
        };
        Classification {
            labels: labels.iter().map(|l| l.to_string()).collect(),
            n,
            accuracy: ratio(correct as f64, n as f64),
            macro_f1,
            classes,
            confusion,
        }
    }

    /// F1 of one class by name.
    pub fn f1(&self, label: &str) -> Option<f64> {
        self.classes.iter().find(|c| c.label == label).map(|c| c.f1)
    }

    /// SemEval-2016 Task 6's official figure: the mean of F1(FAVOR) and F1(AGAINST).
    pub fn f1_avg_favor_against(&self) -> Option<f64> {
        Some((self.f1("favor")? + self.f1("against")?) / 2.0)
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        0.0
    } else {
        a / b
    }
}

fn harmonic(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Pearson correlation; None when either side has no variance or fewer than 2 points.
pub fn pearson(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len().min(ys.len());
    if n < 2 {
        return None;
    }
    let mx = xs[..n].iter().sum::<f64>() / n as f64;
    let my = ys[..n].iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (dx, dy) = (xs[i] - mx, ys[i] - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// Share of items with a non-zero gold value whose prediction has the same sign.
pub fn sign_accuracy(predicted: &[f64], gold: &[f64]) -> Option<f64> {
    let judged: Vec<(f64, f64)> = predicted
        .iter()
        .zip(gold)
        .filter(|(_, g)| **g != 0.0)
        .map(|(p, g)| (*p, *g))
        .collect();
    if judged.is_empty() {
        return None;
    }
    let agree = judged.iter().filter(|(p, g)| (*p > 0.0) == (*g > 0.0)).count();
    Some(agree as f64 / judged.len() as f64)
}

/// The mean signed score of the items of one gold class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreByGold {
    pub label: String,
    pub n: u64,
    pub mean: Option<f64>,
}

/// How a stance model's signed score, p_favor − p_against, follows the gold side. That
/// score, not the label, is what `compare` averages per actor and target: labels can be
/// right while the scores of "none" statements lean as far as those of a side, and then
/// the actor table cannot tell speakers apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedScoreFit {
    /// Pearson r between the score and the gold side (favor +1, none 0, against −1);
    /// items of other labels are left out.
    pub pearson_r: Option<f64>,
    /// The mean score per gold class, in the set's label order.
    pub by_gold: Vec<ScoreByGold>,
}

/// The side a stance label stands for: favor +1, against −1, none 0.
fn side_of(label: &str) -> Option<f64> {
    match label {
        "favor" => Some(1.0),
        "against" => Some(-1.0),
        "none" => Some(0.0),
        _ => None,
    }
}

/// [`SignedScoreFit`] of `(gold index into labels, signed score)` pairs.
pub fn signed_score_fit(labels: &[&str], gold_and_score: &[(usize, f64)]) -> SignedScoreFit {
    let (mut scores, mut sides) = (Vec::new(), Vec::new());
    for &(gold, score) in gold_and_score {
        if let Some(side) = labels.get(gold).and_then(|l| side_of(l)) {
            scores.push(score);
            sides.push(side);
        }
    }
    let by_gold = labels
        .iter()
        .enumerate()
        .map(|(class, label)| {
            let of_class: Vec<f64> = gold_and_score
                .iter()
                .filter(|(gold, _)| *gold == class)
                .map(|(_, score)| *score)
                .collect();
            ScoreByGold {
                label: label.to_string(),
                n: of_class.len() as u64,
                mean: (!of_class.is_empty()).then(|| of_class.iter().sum::<f64>() / of_class.len() as f64),
            }
        })
        .collect();
    SignedScoreFit {
        pearson_r: pearson(&scores, &sides),
        by_gold,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_match_a_hand_count() {
        // gold a,a,a,b,b,c ; predicted a,a,b,b,c,c
        let pairs = [(0, 0), (0, 0), (0, 1), (1, 1), (1, 2), (2, 2)];
        let c = Classification::new(&["a", "b", "c"], &pairs);
        assert_eq!(c.n, 6);
        assert!((c.accuracy - 4.0 / 6.0).abs() < 1e-12);
        assert_eq!(c.confusion, vec![vec![2, 1, 0], vec![0, 1, 1], vec![0, 0, 1]]);
        // a: p 1, r 2/3, f 0.8 ; b: p 1/2, r 1/2, f 1/2 ; c: p 1/2, r 1, f 2/3
        let f: Vec<f64> = c.classes.iter().map(|x| x.f1).collect();
        assert!((f[0] - 0.8).abs() < 1e-12 && (f[1] - 0.5).abs() < 1e-12 && (f[2] - 2.0 / 3.0).abs() < 1e-12);
        assert!((c.macro_f1 - (0.8 + 0.5 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
    }

    #[test]
    fn semeval_f1avg_ignores_none() {
        // favor right twice, against once right once as none, none predicted favor once.
        let pairs = [(0, 0), (0, 0), (1, 1), (1, 2), (2, 0)];
        let c = Classification::new(&["favor", "against", "none"], &pairs);
        let favor = 2.0 * (2.0 / 3.0) * 1.0 / (2.0 / 3.0 + 1.0);
        let against = 2.0 * 1.0 * 0.5 / 1.5;
        assert!((c.f1_avg_favor_against().unwrap() - (favor + against) / 2.0).abs() < 1e-12);
    }

    #[test]
    fn empty_classes_score_zero_not_nan() {
        let c = Classification::new(&["a", "b"], &[(0, 0)]);
        assert_eq!(c.classes[1].f1, 0.0);
        assert!(c.macro_f1.is_finite());
    }

    #[test]
    fn pearson_and_sign() {
        assert!((pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((pearson(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).unwrap() + 1.0).abs() < 1e-12);
        assert_eq!(pearson(&[1.0, 1.0], &[1.0, 2.0]), None);
        assert_eq!(sign_accuracy(&[0.5, -0.2, 0.1], &[1.0, 2.0, 0.0]), Some(0.5));
    }

    #[test]
    fn signed_score_fit_reads_sides_by_label_name() {
        // Sides are read by label name, not position; "none" statements leaning as far as
        // favour ones lower r though every favour and against item has its sign.
        let labels = ["against", "favor", "none"];
        let items = [(1, 0.6), (1, 0.2), (0, -0.4), (2, 0.6), (2, 0.0)];
        let fit = signed_score_fit(&labels, &items);
        let want = pearson(&[0.6, 0.2, -0.4, 0.6, 0.0], &[1.0, 1.0, -1.0, 0.0, 0.0]).unwrap();
        assert!((fit.pearson_r.unwrap() - want).abs() < 1e-12);
        assert!(want < 0.8, "{want}");
        let means: Vec<(String, u64, Option<f64>)> =
            fit.by_gold.iter().map(|g| (g.label.clone(), g.n, g.mean)).collect();
        assert_eq!(means[0], ("against".into(), 1, Some(-0.4)));
        assert_eq!(means[1].1, 2);
        assert!((means[1].2.unwrap() - 0.4).abs() < 1e-12);
        assert!((means[2].2.unwrap() - 0.3).abs() < 1e-12);
        // A class with no items has no mean; labels that are no side stay out of r.
        let fit = signed_score_fit(&["favor", "against", "unrelated"], &[(0, 0.5), (1, -0.5), (2, 0.9)]);
        assert_eq!(fit.by_gold[2].n, 1);
        assert!((fit.pearson_r.unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(
            signed_score_fit(&["favor", "against"], &[(0, 0.5)]).by_gold[1].mean,
            None
        );
    }
}
