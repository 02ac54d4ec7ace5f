//! Expectation–maximisation for the Fellegi–Sunter mixture.
//!
//! Pairs of records are a mixture of matches (probability λ) and non-matches. Under conditional
//! independence the probability of a comparison vector γ is
//! `λ Π_f m_f(γ_f) + (1 − λ) Π_f u_f(γ_f)`, missing levels contributing a factor of 1 to both.
//! EM alternates two steps until the parameters stop moving:
//!
//! - **E-step.** For each distinct vector γ, the probability that a pair showing it is a match:
//!   `w(γ) = λ Π m / (λ Π m + (1 − λ) Π u)`.
//! - **M-step.** λ becomes the count-weighted mean of `w`; `m_f(l)` becomes the `w`-weighted
//!   share of pairs at level `l` among pairs where field `f` is present; likewise `u_f(l)` with
//!   `1 − w` when u is estimated here (training fixes u from random pairs and estimates m only,
//!   as Splink does, which keeps the two classes from swapping).
//!
//! Pairs are first aggregated into distinct vectors with counts, so an iteration costs the number
//! of distinct vectors (hundreds), not the number of pairs. Only *active* fields enter the
//! likelihood: a session trained on pairs blocked on date of birth leaves date of birth out,
//! because every pair agrees on it by construction. The iteration stops when no parameter moves
//! by more than the tolerance, or after the maximum number of iterations. Each iteration does not
//! decrease the likelihood (the usual EM guarantee), which the tests check.

use super::model::MIN_PROBABILITY;

/// A distinct comparison vector and how many pairs showed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    pub levels: Vec<u8>,
    pub count: f64,
}

/// Mixture parameters: `m[field][level]`, `u[field][level]` (level 0, missing, unused).
#[derive(Debug, Clone, PartialEq)]
pub struct EmParams {
    pub prior: f64,
    pub m: Vec<Vec<f64>>,
    pub u: Vec<Vec<f64>>,
}

/// How EM runs.
#[derive(Debug, Clone, PartialEq)]
pub struct EmOptions {
    pub max_iterations: u32,
    /// Stop when no parameter changes by more than this.
    pub tolerance: f64,
    /// Estimate u as well as m (otherwise u is held fixed).
    pub estimate_u: bool,
    /// Fields in the likelihood; `None` means all.
    pub active: Option<Vec<bool>>,
}

impl Default for EmOptions {
    fn default() -> Self {
        EmOptions { max_iterations: 200, tolerance: 1e-6, estimate_u: false, active: None }
    }
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct EmOutcome {
    pub params: EmParams,
    pub iterations: u32,
    pub converged: bool,
    /// Log-likelihood after each iteration (for inspection and tests).
    pub log_likelihood: Vec<f64>,
}

fn ln_components(p: &EmParams, levels: &[u8], active: &[bool]) -> (f64, f64) {
    let mut lm = p.prior.max(MIN_PROBABILITY).ln();
    let mut lu = (1.0 - p.prior).max(MIN_PROBABILITY).ln();
    for (f, &l) in levels.iter().enumerate() {
        if l == 0 || !active[f] {
            continue;
        }
        lm += p.m[f][usize::from(l)].max(MIN_PROBABILITY).ln();
        lu += p.u[f][usize::from(l)].max(MIN_PROBABILITY).ln();
    }
    (lm, lu)
}

/// Log-likelihood of the patterns under `p`.
pub fn log_likelihood(patterns: &[Pattern], p: &EmParams, active: &[bool]) -> f64 {
    patterns
        .iter()
        .map(|pat| {
            let (lm, lu) = ln_components(p, &pat.levels, active);
            let hi = lm.max(lu);
            pat.count * (hi + ((lm - hi).exp() + (lu - hi).exp()).ln())
        })
        .sum()
}

/// The probability that a pair showing `levels` is a match.
pub fn match_probability(p: &EmParams, levels: &[u8], active: &[bool]) -> f64 {
    let (lm, lu) = ln_components(p, levels, active);
    1.0 / (1.0 + (lu - lm).exp())
}

/// Runs EM from `start`.
pub fn run(patterns: &[Pattern], start: EmParams, options: &EmOptions) -> EmOutcome {
    let fields = start.m.len();
    let active: Vec<bool> = options.active.clone().unwrap_or_else(|| vec![true; fields]);
    let mut p = start;
    let mut history = Vec::new();
    let mut converged = false;
    let mut iterations = 0;
    while iterations < options.max_iterations {
        iterations += 1;
        // E-step, accumulated straight into M-step sums.
        let mut m_sum: Vec<Vec<f64>> = p.m.iter().map(|v| vec![0.0; v.len()]).collect();
        let mut u_sum: Vec<Vec<f64>> = p.u.iter().map(|v| vec![0.0; v.len()]).collect();
        let (mut total, mut matched) = (0.0, 0.0);
        for pat in patterns {
            let w = match_probability(&p, &pat.levels, &active);
            total += pat.count;
            matched += pat.count * w;
            for (f, &l) in pat.levels.iter().enumerate() {
                if l != 0 && active[f] {
                    m_sum[f][usize::from(l)] += pat.count * w;
                    u_sum[f][usize::from(l)] += pat.count * (1.0 - w);
                }
            }
        }
        if total == 0.0 {
            break;
        }
        // M-step.
        let mut next = p.clone();
        next.prior = (matched / total).clamp(MIN_PROBABILITY, 1.0 - MIN_PROBABILITY);
        for f in 0..fields {
            if !active[f] {
                continue;
            }
            normalise_into(&m_sum[f], &mut next.m[f]);
            if options.estimate_u {
                normalise_into(&u_sum[f], &mut next.u[f]);
            }
        }
        let change = max_change(&p, &next);
        p = next;
        history.push(log_likelihood(patterns, &p, &active));
        if change < options.tolerance {
            converged = true;
            break;
        }
    }
    EmOutcome { params: p, iterations, converged, log_likelihood: history }
}

/// Writes the shares of `sums[1..]` into `out[1..]`, floored at [`MIN_PROBABILITY`]; leaves
/// `out` alone when there is nothing to share.
fn normalise_into(sums: &[f64], out: &mut [f64]) {
    let total: f64 = sums[1..].iter().sum();
    if total <= 0.0 {
        return;
    }
    for l in 1..sums.len() {
        out[l] = (sums[l] / total).max(MIN_PROBABILITY);
    }
    let renorm: f64 = out[1..].iter().sum();
    for v in &mut out[1..] {
        *v /= renorm;
    }
}

fn max_change(a: &EmParams, b: &EmParams) -> f64 {
    let mut change = (a.prior - b.prior).abs();
    for (x, y) in a.m.iter().flatten().zip(b.m.iter().flatten()).chain(a.u.iter().flatten().zip(b.u.iter().flatten())) {
        change = change.max((x - y).abs());
    }
    change
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use std::collections::HashMap;

    /// Draws a level from the distribution `probs[1..]`.
    fn draw(rng: &mut ChaCha8Rng, probs: &[f64]) -> u8 {
        let x: f64 = rng.random();
        let mut acc = 0.0;
        for (l, p) in probs.iter().enumerate().skip(1) {
            acc += p;
            if x < acc {
                return l as u8;
            }
        }
        (probs.len() - 1) as u8
    }

    fn truth() -> EmParams {
        EmParams {
            prior: 0.2,
            m: vec![
                vec![1.0, 0.85, 0.1, 0.05],
                vec![1.0, 0.9, 0.1],
                vec![1.0, 0.7, 0.2, 0.1],
                vec![1.0, 0.95, 0.05],
                vec![1.0, 0.8, 0.15, 0.05],
            ],
            u: vec![
                vec![1.0, 0.05, 0.15, 0.8],
                vec![1.0, 0.1, 0.9],
                vec![1.0, 0.02, 0.08, 0.9],
                vec![1.0, 0.2, 0.8],
                vec![1.0, 0.01, 0.09, 0.9],
            ],
        }
    }

    /// Pairs drawn from the mixture, with a share of values missing, aggregated into patterns.
    fn synthetic(n: usize, seed: u64) -> Vec<Pattern> {
        let t = truth();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut counts: HashMap<Vec<u8>, f64> = HashMap::new();
        for _ in 0..n {
            let is_match = rng.random_bool(t.prior);
            let levels: Vec<u8> =
                (0..t.m.len())
                    .map(|f| {
                        if rng.random_bool(0.05) { 0 } else { draw(&mut rng, if is_match { &t.m[f] } else { &t.u[f] }) }
                    })
                    .collect();
            *counts.entry(levels).or_default() += 1.0;
        }
        counts.into_iter().map(|(levels, count)| Pattern { levels, count }).collect()
    }

    fn flat_start(t: &EmParams, u_known: bool) -> EmParams {
        let flat = |v: &Vec<f64>| {
            let n = (v.len() - 1) as f64;
            let mut out = vec![1.0; v.len()];
            // Start leaning the right way but far from the truth: more weight on level 1.
            for (l, x) in out.iter_mut().enumerate().skip(1) {
                *x = if l == 1 { 0.5 } else { 0.5 / (n - 1.0) };
            }
            out
        };
        EmParams {
            prior: 0.5,
            m: t.m.iter().map(flat).collect(),
            u: if u_known { t.u.clone() } else { t.u.iter().map(|v| v.iter().rev().cloned().collect()).collect() },
        }
    }

    fn assert_close(got: &EmParams, want: &EmParams, tol: f64) {
        assert!((got.prior - want.prior).abs() < tol, "prior {} vs {}", got.prior, want.prior);
        for (f, (g, w)) in got.m.iter().zip(&want.m).enumerate() {
            for l in 1..g.len() {
                assert!((g[l] - w[l]).abs() < tol, "m[{f}][{l}] {} vs {}", g[l], w[l]);
            }
        }
    }

    #[test]
    fn em_recovers_known_m_and_prior_when_u_is_known() {
        let patterns = synthetic(200_000, 7);
        let t = truth();
        let out = run(&patterns, flat_start(&t, true), &EmOptions::default());
        assert!(out.converged, "did not converge in {} iterations", out.iterations);
        assert_close(&out.params, &t, 0.01);
    }

    #[test]
    fn em_recovers_m_u_and_prior_together_from_a_poor_start() {
        let patterns = synthetic(200_000, 11);
        let t = truth();
        let mut start = flat_start(&t, false);
        for u in &mut start.u {
            let n = (u.len() - 1) as f64;
            for x in u.iter_mut().skip(1) {
                *x = 1.0 / n;
            }
        }
        let options = EmOptions { estimate_u: true, max_iterations: 2000, ..EmOptions::default() };
        let out = run(&patterns, start, &options);
        assert!(out.converged);
        assert_close(&out.params, &t, 0.015);
        for (f, (g, w)) in out.params.u.iter().zip(&t.u).enumerate() {
            for l in 1..g.len() {
                assert!((g[l] - w[l]).abs() < 0.015, "u[{f}][{l}] {} vs {}", g[l], w[l]);
            }
        }
    }

    #[test]
    fn every_iteration_does_not_decrease_the_likelihood() {
        let patterns = synthetic(20_000, 3);
        let out = run(&patterns, flat_start(&truth(), true), &EmOptions::default());
        for pair in out.log_likelihood.windows(2) {
            assert!(pair[1] >= pair[0] - 1e-6, "{} then {}", pair[0], pair[1]);
        }
    }

    #[test]
    fn inactive_fields_are_left_as_they_were() {
        let patterns = synthetic(20_000, 5);
        let start = flat_start(&truth(), true);
        let options = EmOptions { active: Some(vec![true, false, true, true, true]), ..EmOptions::default() };
        let out = run(&patterns, start.clone(), &options);
        assert_eq!(out.params.m[1], start.m[1]);
        assert!((out.params.m[0][1] - 0.85).abs() < 0.03);
    }

    #[test]
    fn no_pairs_leave_the_parameters_unchanged() {
        let start = flat_start(&truth(), true);
        let out = run(&[], start.clone(), &EmOptions::default());
        assert_eq!(out.params, start);
        assert!(!out.converged);
    }
}
