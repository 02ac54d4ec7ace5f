//! String similarity on the hot path: Jaro–Winkler and optimal-string-alignment (OSA) edit
//! distance without allocation for short ASCII strings (folded names, streets, postcodes), with
//! `strsim` as the fallback for anything longer or non-ASCII. The results are identical to
//! `strsim::jaro_winkler` and `strsim::osa_distance`, which the tests check.

/// Strings up to this many bytes take the fast path.
const FAST: usize = 64;

fn fast(a: &str, b: &str) -> bool {
    a.len() <= FAST && b.len() <= FAST && a.is_ascii() && b.is_ascii()
}

/// Jaro–Winkler similarity (prefix scale 0.1, prefix up to 4, boosting only a Jaro similarity
/// above 0.7), as `strsim::jaro_winkler`.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    if !fast(a, b) {
        return strsim::jaro_winkler(a, b);
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let jaro = jaro_bytes(a, b);
    if jaro <= 0.7 {
        return jaro;
    }
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count();
    jaro + 0.1 * prefix as f64 * (1.0 - jaro)
}

fn jaro_bytes(a: &[u8], b: &[u8]) -> f64 {
    let (la, lb) = (a.len(), b.len());
    if la == 0 && lb == 0 {
        return 1.0;
    }
    if la == 0 || lb == 0 {
        return 0.0;
    }
    let window = (la.max(lb) / 2).saturating_sub(1);
    // Bit j set: b[j] is matched (b is at most 64 bytes long).
    let mut b_used: u64 = 0;
    let mut a_matched = [0u8; FAST];
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(lb);
        for (j, &cb) in b.iter().enumerate().take(hi).skip(lo) {
            if cb == ca && b_used & (1 << j) == 0 {
                b_used |= 1 << j;
                a_matched[matches] = ca;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut k = 0;
    let mut used = b_used;
    while used != 0 {
        let j = used.trailing_zeros() as usize;
        used &= used - 1;
        if b[j] != a_matched[k] {
            transpositions += 1;
        }
        k += 1;
    }
    let m = matches as f64;
    (m / la as f64 + m / lb as f64 + (m - (transpositions / 2) as f64) / m) / 3.0
}

/// Optimal string alignment distance (insertions, deletions, substitutions and adjacent
/// transpositions, no substring edited twice), as `strsim::osa_distance`.
pub fn osa(a: &str, b: &str) -> usize {
    if !fast(a, b) {
        return strsim::osa_distance(a, b);
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (la, lb) = (a.len(), b.len());
    if la == 0 {
        return lb;
    }
    if lb == 0 {
        return la;
    }
    // Distances never exceed 64 here, so rows of bytes suffice.
    let mut prev2 = [0u8; FAST + 1];
    let mut prev = [0u8; FAST + 1];
    for (j, x) in prev.iter_mut().enumerate().take(lb + 1) {
        *x = j as u8;
    }
    let mut cur = [0u8; FAST + 1];
    for i in 1..=la {
        cur[0] = i as u8;
        for j in 1..=lb {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    usize::from(prev[lb])
}

/// A lower bound on the edit distance from letter counts: the larger of the number of letters
/// `a` has in excess of `b` and vice versa (bytes counted modulo 64, which only lowers it).
/// Returns (excess of `a`, excess of `b`).
fn bag(a: &[u8], b: &[u8]) -> (usize, usize) {
    let mut counts = [0i8; 64];
    for &c in a {
        counts[usize::from(c & 63)] += 1;
    }
    for &c in b {
        counts[usize::from(c & 63)] -= 1;
    }
    let (mut more_a, mut more_b) = (0usize, 0usize);
    for c in counts {
        if c > 0 {
            more_a += c as usize;
        } else {
            more_b += (-c) as usize;
        }
    }
    (more_a, more_b)
}

/// Jaro–Winkler similarity when it can reach `floor`; otherwise some value below `floor`
/// (found cheaply from letter counts, without running Jaro).
pub fn jaro_winkler_from(a: &str, b: &str, floor: f64) -> f64 {
    if !fast(a, b) {
        return strsim::jaro_winkler(a, b);
    }
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if !x.is_empty() && !y.is_empty() {
        let (more_a, _) = bag(x, y);
        let common = (x.len() - more_a) as f64;
        let jaro_max = (common / x.len() as f64 + common / y.len() as f64 + 1.0) / 3.0;
        let prefix = x.iter().zip(y).take(4).take_while(|(p, q)| p == q).count() as f64;
        if jaro_max + 0.1 * prefix * (1.0 - jaro_max) < floor {
            return 0.0;
        }
    }
    jaro_winkler(a, b)
}

/// The OSA distance when it is at most `limit`; otherwise some value above `limit` (found
/// cheaply from the lengths and letter counts when possible).
pub fn osa_within(a: &str, b: &str, limit: usize) -> usize {
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    if fast(a, b) {
        let (more_a, more_b) = bag(a.as_bytes(), b.as_bytes());
        if more_a.max(more_b) > limit {
            return limit + 1;
        }
    }
    osa(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn the_fast_paths_agree_with_strsim() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let alphabet = b"abcdeilnorst";
        let word = |rng: &mut ChaCha8Rng| -> String {
            let n = rng.random_range(0..12u32);
            (0..n).map(|_| alphabet[rng.random_range(0..alphabet.len() as u32) as usize] as char).collect()
        };
        for _ in 0..20_000 {
            let (a, b) = (word(&mut rng), word(&mut rng));
            assert_eq!(osa(&a, &b), strsim::osa_distance(&a, &b), "{a} {b}");
            let (x, y) = (jaro_winkler(&a, &b), strsim::jaro_winkler(&a, &b));
            assert!((x - y).abs() < 1e-12, "{a} {b}: {x} vs {y}");
        }
    }

    #[test]
    fn the_bounded_forms_agree_with_the_full_ones_within_their_bounds() {
        let mut rng = ChaCha8Rng::seed_from_u64(10);
        let alphabet = b"aeinrst";
        let word = |rng: &mut ChaCha8Rng| -> String {
            let n = rng.random_range(0..10u32);
            (0..n).map(|_| alphabet[rng.random_range(0..alphabet.len() as u32) as usize] as char).collect()
        };
        for _ in 0..20_000 {
            let (a, b) = (word(&mut rng), word(&mut rng));
            let full = osa(&a, &b);
            for limit in 0..4 {
                let bounded = osa_within(&a, &b, limit);
                assert_eq!(bounded.min(limit + 1), full.min(limit + 1), "{a} {b} {limit}");
            }
            let jw = jaro_winkler(&a, &b);
            for floor in [0.7, 0.85, 0.92] {
                let bounded = jaro_winkler_from(&a, &b, floor);
                assert_eq!(bounded >= floor, jw >= floor, "{a} {b} {floor}");
                if jw >= floor {
                    assert_eq!(bounded, jw);
                }
            }
        }
    }

    #[test]
    fn known_values_hold() {
        assert!((jaro_winkler("martha", "marhta") - 0.9611).abs() < 1e-4);
        assert!((jaro_winkler("dixon", "dicksonx") - 0.8133).abs() < 1e-4);
        assert_eq!(osa("ca", "abc"), 3);
        assert_eq!(osa("stephen", "stepehn"), 1);
        assert_eq!(osa("", "abc"), 3);
        // Non-ASCII and long strings go through strsim.
        assert_eq!(osa("zoë", "zoe"), 1);
        assert_eq!(jaro_winkler("zoë", "zoë"), 1.0);
    }
}
