//! The randomness behind lazy value functions (SPEC section 2).
//!
//! A coalition's value must not depend on which coalitions were asked before, and the same seed
//! must give the same value natively and in the browser. So each coalition gets its own random
//! stream, seeded by a keyed hash (SipHash-1-3, keyed by the instance seed and a stream tag) of its
//! member bits; per-agent quantities use the agent's number instead of the bits. Normal draws use
//! the Box–Muller transform on the pure-Rust `libm`, not the platform's `ln`/`cos`, so that the
//! last digits agree between x86 and wasm too.

use std::hash::Hasher;

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use siphasher::sip::SipHasher13;

use super::coalition::Coalition;

/// Which independent stream a draw comes from, so that per-agent and per-coalition draws of
/// the same instance never share randomness.
#[derive(Clone, Copy, Debug)]
#[repr(u64)]
pub enum Stream {
    /// Draws made once per coalition.
    Coalition = 0x636f_616c,
    /// Draws made once per agent (agent-based powers).
    Agent = 0x6167_656e,
}

/// A reproducible random stream for one coalition or agent of one instance.
pub struct Sampler {
    rng: Xoshiro256PlusPlus,
}

impl Sampler {
    /// The stream of `coalition` in the instance with `seed`.
    pub fn for_coalition(seed: u64, coalition: &Coalition) -> Self {
        let mut h = SipHasher13::new_with_keys(seed, Stream::Coalition as u64);
        for &w in coalition.significant_words() {
            h.write_u64(w);
        }
        Self {
            rng: Xoshiro256PlusPlus::seed_from_u64(h.finish()),
        }
    }

    /// The stream of `agent` in the instance with `seed`.
    pub fn for_agent(seed: u64, agent: usize) -> Self {
        let mut h = SipHasher13::new_with_keys(seed, Stream::Agent as u64);
        h.write_u64(agent as u64);
        Self {
            rng: Xoshiro256PlusPlus::seed_from_u64(h.finish()),
        }
    }

    /// A draw from `U(0, 1)`, with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        self.rng.random::<f64>()
    }

    /// A draw from `U(a, b)`.
    pub fn uniform(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.unit()
    }

    /// A draw from `N(mean, sd)`, `sd` the standard deviation (the paper's "scale").
    pub fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        // Box–Muller: u1 in (0, 1] keeps the logarithm finite.
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        let z = libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(std::f64::consts::TAU * u2);
        mean + sd * z
    }

    /// `true` with probability `p`. Always consumes one draw, so the stream's layout does not
    /// depend on the outcome.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_repeat_and_differ() {
        let c = Coalition::from_agents([1, 5, 900]);
        let a: Vec<f64> = (0..4)
            .map({
                let mut s = Sampler::for_coalition(7, &c);
                move |_| s.unit()
            })
            .collect();
        let mut again = Sampler::for_coalition(7, &c);
        assert!(a.iter().all(|&x| x == again.unit()));
        assert_ne!(Sampler::for_coalition(8, &c).unit(), a[0]);
        assert_ne!(
            Sampler::for_agent(7, 1).unit(),
            Sampler::for_agent(7, 2).unit()
        );
    }

    #[test]
    fn normal_draws_have_the_asked_moments() {
        let mut s = Sampler::for_agent(1, 0);
        let xs: Vec<f64> = (0..20_000).map(|_| s.normal(3.0, 2.0)).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64;
        // Standard error of the mean is 2/sqrt(20000) ≈ 0.014.
        assert!((mean - 3.0).abs() < 0.06, "mean {mean}");
        assert!((var.sqrt() - 2.0).abs() < 0.06, "sd {}", var.sqrt());
    }
}
