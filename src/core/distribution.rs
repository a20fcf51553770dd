//! The paper's six value distributions for normal-form CSG (section 5.1, appendix D.2; SPEC
//! section 2), as lazy, deterministic functions of `(distribution, parameters, seed, coalition)`.
//!
//! Every draw of a coalition comes from its own [`Sampler`] stream, in a fixed order that does not
//! depend on the outcome of earlier draws (a boost is drawn whether or not its coin says to add
//! it), so the layout of a stream is part of this file's contract:
//!
//! | distribution | draws, in order |
//! |---|---|
//! | `modified_uniform` | base `U(0, scale·k)`, coin `p`, boost `U(0, boost)` |
//! | `modified_normal` | base `N(scale·k, sd)`, coin `p`, boost `U(0, boost)` |
//! | `agent_based` | `p_C^i ~ U(0, 2 p_i)` for each member `i` in increasing order; `p_i ~ U(0, power)` from agent `i`'s stream |
//! | `hard_modified_uniform` | `h ~ U(0.8, 1.2)`, base `U(0, alpha·k)`, coin `p`, boost `U(0, boost)`, cost `U(0, 2k)` |
//! | `hard_modified_normal` | `h`, base `N(0, sd·k)`, coin `p`, boost `N(0, boost)`, cost `U(0, 2k)` |
//! | `combined` | `h`, base `U(0, alpha·k)`, base `N(0, sd·k)`, coin, boost `U(0, boost)`, coin, boost `N(0, boost)`, cost |
//!
//! The hard distributions then take `max(0, h·[b + r − γk² − δ(k−4)²·1[k>4] − c·1[k>6]])`.

use super::coalition::Coalition;
use super::error::{Error, Result};
use super::sampler::Sampler;

/// The largest value of a [`Domain::NonNegative`] parameter. Values grow with it and with the
/// coalitions' sizes (`scale·k`, `γk²`), and are summed over a structure, then read by the
/// networks in `f32` (at most about 3.4e38): far below that, no instance a person means overflows.
pub const MAX_PARAMETER: f64 = 1e15;

/// What values a parameter may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    /// A probability, in `[0, 1]`.
    Probability,
    /// Any number from 0 to [`MAX_PARAMETER`].
    NonNegative,
}

impl Domain {
    fn check(self, name: &str, value: f64) -> Result<()> {
        let why = match self {
            Domain::Probability if !(0.0..=1.0).contains(&value) => {
                "must be a probability, from 0 to 1"
            }
            Domain::NonNegative if !(0.0..=MAX_PARAMETER).contains(&value) => {
                "must be a number from 0 to 1e15 (larger ones overflow the values' sums and the \
                 networks' 32-bit arithmetic)"
            }
            _ => return Ok(()),
        };
        Err(Error::BadParameter {
            name: name.to_string(),
            value,
            why,
        })
    }
}

/// One settable parameter of a distribution, for listing in the CLI's help and the UI.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamSpec {
    /// The name used by `--param name=value`, in files and in the UI.
    pub name: &'static str,
    /// The published (or SPEC) default.
    pub default: f64,
    /// What it means, in the paper's terms.
    pub meaning: &'static str,
    /// Its allowed values.
    pub domain: Domain,
}

/// The specs of the parameters the hard distributions share, each listed by those that read it.
struct HardSpecs {
    alpha: ParamSpec,
    p: ParamSpec,
    gamma: ParamSpec,
    delta: ParamSpec,
    sd: ParamSpec,
}

/// Parameters of the hard distributions (appendix D.2); SPEC section 2 sets the defaults the
/// paper leaves open.
#[derive(Clone, Debug, PartialEq)]
pub struct HardParams {
    /// Baseline factor `α`: uniform base values are `U(0, α k)`.
    pub alpha: f64,
    /// Boost probability `p`.
    pub p: f64,
    /// Interaction factor `γ`: penalty `γ k²`.
    pub gamma: f64,
    /// Size penalty `δ`: penalty `δ (k − 4)²` above 4 members.
    pub delta: f64,
    /// Boost scale: `U(0, boost)` or `N(0, boost)`; 40 in the paper.
    pub boost: f64,
    /// Normal base scale per member: `N(0, sd·k)`; 2 in the paper.
    pub sd: f64,
}

impl Default for HardParams {
    fn default() -> Self {
        Self {
            alpha: 10.0,
            p: 0.2,
            gamma: 0.1,
            delta: 0.5,
            boost: 40.0,
            sd: 2.0,
        }
    }
}

/// A lazy value distribution with its parameters (SPEC section 2).
#[derive(Clone, Debug, PartialEq)]
pub enum Distribution {
    /// `U(0, scale·k)`, plus `U(0, boost)` with probability `p` (Adams et al., 2010).
    ModifiedUniform {
        /// Per-member scale, 10.
        scale: f64,
        /// Boost probability, 0.2.
        p: f64,
        /// Boost upper bound, 50.
        boost: f64,
    },
    /// `N(scale·k, sd)`, plus `U(0, boost)` with probability `p` (Rahwan et al., 2012).
    ModifiedNormal {
        /// Per-member mean, 10.
        scale: f64,
        /// Standard deviation, 0.1.
        sd: f64,
        /// Boost probability, 0.2.
        p: f64,
        /// Boost upper bound, 50.
        boost: f64,
    },
    /// `v(C) = Σ_{i∈C} p_C^i`, `p_C^i ~ U(0, 2 p_i)`, `p_i ~ U(0, power)` (Rahwan et al., 2012).
    AgentBased {
        /// Upper bound of an agent's power, 10.
        power: f64,
    },
    /// Hard modified uniform (appendix D.2).
    HardModifiedUniform(HardParams),
    /// Hard modified normal (appendix D.2).
    HardModifiedNormal(HardParams),
    /// Both hard bases and boosts together (appendix D.2).
    Combined(HardParams),
}

impl Distribution {
    /// The names of the six distributions, as used by the CLI, files and UI.
    pub const NAMES: [&'static str; 6] = [
        "modified_uniform",
        "modified_normal",
        "agent_based",
        "hard_modified_uniform",
        "hard_modified_normal",
        "combined",
    ];

    /// The distribution called `name`, with default parameters.
    pub fn from_name(name: &str) -> Result<Self> {
        Ok(match name {
            "modified_uniform" => Self::ModifiedUniform {
                scale: 10.0,
                p: 0.2,
                boost: 50.0,
            },
            "modified_normal" => Self::ModifiedNormal {
                scale: 10.0,
                sd: 0.1,
                p: 0.2,
                boost: 50.0,
            },
            "agent_based" => Self::AgentBased { power: 10.0 },
            "hard_modified_uniform" => Self::HardModifiedUniform(HardParams::default()),
            "hard_modified_normal" => Self::HardModifiedNormal(HardParams::default()),
            "combined" => Self::Combined(HardParams::default()),
            other => return Err(Error::UnknownDistribution(other.to_string())),
        })
    }

    /// The distribution called `name` with `params` set over its defaults.
    pub fn with_params(name: &str, params: &[(String, f64)]) -> Result<Self> {
        let mut d = Self::from_name(name)?;
        for (k, v) in params {
            d.set_param(k, *v)?;
        }
        Ok(d)
    }

    /// This distribution's name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::ModifiedUniform { .. } => "modified_uniform",
            Self::ModifiedNormal { .. } => "modified_normal",
            Self::AgentBased { .. } => "agent_based",
            Self::HardModifiedUniform(_) => "hard_modified_uniform",
            Self::HardModifiedNormal(_) => "hard_modified_normal",
            Self::Combined(_) => "combined",
        }
    }

    /// Each parameter with a handle to its value: the one place that maps names to fields.
    fn fields(&mut self) -> Vec<(ParamSpec, &mut f64)> {
        use Domain::*;
        let spec = |name, default, meaning, domain| ParamSpec {
            name,
            default,
            meaning,
            domain,
        };
        let hard = HardSpecs {
            alpha: spec(
                "alpha",
                10.0,
                "baseline factor: the uniform base value is U(0, alpha·k)",
                NonNegative,
            ),
            p: spec("p", 0.2, "probability of each boost", Probability),
            gamma: spec("gamma", 0.1, "interaction penalty gamma·k²", NonNegative),
            delta: spec(
                "delta",
                0.5,
                "size penalty delta·(k−4)² above 4 members",
                NonNegative,
            ),
            sd: spec(
                "sd",
                2.0,
                "the normal base value is N(0, sd·k)",
                NonNegative,
            ),
        };
        match self {
            Self::ModifiedUniform { scale, p, boost } => vec![
                (
                    spec("scale", 10.0, "base value is U(0, scale·k)", NonNegative),
                    scale,
                ),
                (spec("p", 0.2, "probability of a boost", Probability), p),
                (
                    spec("boost", 50.0, "a boost is U(0, boost)", NonNegative),
                    boost,
                ),
            ],
            Self::ModifiedNormal {
                scale,
                sd,
                p,
                boost,
            } => vec![
                (
                    spec("scale", 10.0, "base value has mean scale·k", NonNegative),
                    scale,
                ),
                (
                    spec(
                        "sd",
                        0.1,
                        "standard deviation of the base value",
                        NonNegative,
                    ),
                    sd,
                ),
                (spec("p", 0.2, "probability of a boost", Probability), p),
                (
                    spec("boost", 50.0, "a boost is U(0, boost)", NonNegative),
                    boost,
                ),
            ],
            Self::AgentBased { power } => {
                vec![(
                    spec(
                        "power",
                        10.0,
                        "agent i's power p_i is U(0, power)",
                        NonNegative,
                    ),
                    power,
                )]
            }
            // Each hard distribution lists the parameters its draw reads (`value`): the
            // uniform one has no `sd`, the normal one no `alpha`, the combined one both.
            Self::HardModifiedUniform(h) => vec![
                (hard.alpha, &mut h.alpha),
                (hard.p, &mut h.p),
                (hard.gamma, &mut h.gamma),
                (hard.delta, &mut h.delta),
                (
                    spec("boost", 40.0, "a boost is U(0, boost)", NonNegative),
                    &mut h.boost,
                ),
            ],
            Self::HardModifiedNormal(h) => vec![
                (hard.p, &mut h.p),
                (hard.gamma, &mut h.gamma),
                (hard.delta, &mut h.delta),
                (
                    spec("boost", 40.0, "a boost is N(0, boost)", NonNegative),
                    &mut h.boost,
                ),
                (hard.sd, &mut h.sd),
            ],
            Self::Combined(h) => vec![
                (hard.alpha, &mut h.alpha),
                (hard.p, &mut h.p),
                (hard.gamma, &mut h.gamma),
                (hard.delta, &mut h.delta),
                (
                    spec(
                        "boost",
                        40.0,
                        "its two boosts are U(0, boost) and N(0, boost)",
                        NonNegative,
                    ),
                    &mut h.boost,
                ),
                (hard.sd, &mut h.sd),
            ],
        }
    }

    /// The parameters this distribution takes, with their defaults and meanings.
    pub fn param_specs(&self) -> Vec<ParamSpec> {
        self.clone().fields().into_iter().map(|(s, _)| s).collect()
    }

    /// The current parameter values, by name (for provenance in files).
    pub fn params(&self) -> Vec<(&'static str, f64)> {
        self.clone()
            .fields()
            .into_iter()
            .map(|(s, v)| (s.name, *v))
            .collect()
    }

    /// Sets parameter `name`, refusing unknown names and values outside the parameter's domain.
    pub fn set_param(&mut self, name: &str, value: f64) -> Result<()> {
        let distribution = self.name().to_string();
        let mut fields = self.fields();
        let names: Vec<&str> = fields.iter().map(|(s, _)| s.name).collect();
        let expected = names.join(", ");
        let Some((spec, slot)) = fields.iter_mut().find(|(s, _)| s.name == name) else {
            return Err(Error::UnknownParameter {
                distribution,
                name: name.to_string(),
                expected,
            });
        };
        spec.domain.check(name, value)?;
        **slot = value;
        Ok(())
    }

    /// Parses `name=value` as given to `--param`.
    pub fn parse_param(text: &str) -> Result<(String, f64)> {
        let malformed = || Error::MalformedParameter(text.to_string());
        let (k, v) = text.split_once('=').ok_or_else(malformed)?;
        let value: f64 = v.trim().parse().map_err(|_| malformed())?;
        Ok((k.trim().to_string(), value))
    }

    /// Agent `i`'s power `p_i` for agent-based instances (unused by the others).
    pub fn agent_power(&self, seed: u64, agent: usize) -> f64 {
        match self {
            Self::AgentBased { power } => Sampler::for_agent(seed, agent).uniform(0.0, *power),
            _ => 0.0,
        }
    }

    /// `v(C)` of the instance with `seed`; `powers` holds `p_i` of every agent for agent-based.
    pub fn value(&self, seed: u64, powers: &[f64], c: &Coalition) -> f64 {
        let k = c.len();
        if k == 0 {
            return 0.0;
        }
        let kf = k as f64;
        let mut s = Sampler::for_coalition(seed, c);
        match self {
            Self::ModifiedUniform { scale, p, boost } => {
                let base = s.uniform(0.0, scale * kf);
                let boosted = s.chance(*p);
                let r = s.uniform(0.0, *boost);
                base + if boosted { r } else { 0.0 }
            }
            Self::ModifiedNormal {
                scale,
                sd,
                p,
                boost,
            } => {
                let base = s.normal(scale * kf, *sd);
                let boosted = s.chance(*p);
                let r = s.uniform(0.0, *boost);
                base + if boosted { r } else { 0.0 }
            }
            Self::AgentBased { .. } => c.agents().map(|i| s.uniform(0.0, 2.0 * powers[i])).sum(),
            Self::HardModifiedUniform(h) => {
                let hist = s.uniform(0.8, 1.2);
                let b = s.uniform(0.0, h.alpha * kf);
                let r = boost(&mut s, h.p, |s| s.uniform(0.0, h.boost));
                hard_value(h, k, hist, b + r, &mut s)
            }
            Self::HardModifiedNormal(h) => {
                let hist = s.uniform(0.8, 1.2);
                let b = s.normal(0.0, h.sd * kf);
                let r = boost(&mut s, h.p, |s| s.normal(0.0, h.boost));
                hard_value(h, k, hist, b + r, &mut s)
            }
            Self::Combined(h) => {
                let hist = s.uniform(0.8, 1.2);
                let b_uni = s.uniform(0.0, h.alpha * kf);
                let b_norm = s.normal(0.0, h.sd * kf);
                let r_uni = boost(&mut s, h.p, |s| s.uniform(0.0, h.boost));
                let r_norm = boost(&mut s, h.p, |s| s.normal(0.0, h.boost));
                hard_value(h, k, hist, b_uni + b_norm + r_uni + r_norm, &mut s)
            }
        }
    }
}

/// A boost that is added with probability `p`: the coin and the draw are both always taken.
fn boost(s: &mut Sampler, p: f64, draw: impl FnOnce(&mut Sampler) -> f64) -> f64 {
    let boosted = s.chance(p);
    let r = draw(s);
    if boosted {
        r
    } else {
        0.0
    }
}

/// `max(0, h·[gross − γk² − δ(k−4)²·1[k>4] − c·1[k>6]])`, drawing the coalition cost `c` last.
fn hard_value(h: &HardParams, k: usize, hist: f64, gross: f64, s: &mut Sampler) -> f64 {
    let kf = k as f64;
    let cost = s.uniform(0.0, 2.0 * kf);
    let p_int = h.gamma * kf * kf;
    let p_size = if k > 4 {
        h.delta * (kf - 4.0).powi(2)
    } else {
        0.0
    };
    let p_coal = if k > 6 { cost } else { 0.0 };
    (hist * (gross - p_int - p_size - p_coal)).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_parameter_is_read_by_its_distribution() {
        use crate::core::{CharacteristicFunction, Coalition, Instance};
        // Every coalition of 6 agents, by bit mask.
        let values = |d: Distribution| {
            let f = Instance::generate(d, 6, 3).expect("valid");
            (1u32..64)
                .map(|m| f.value(&Coalition::from_agents((0..6).filter(|a| m >> a & 1 == 1))))
                .collect::<Vec<f64>>()
        };
        for name in Distribution::NAMES {
            let d = Distribution::from_name(name).expect("known");
            let before = values(d.clone());
            for spec in d.param_specs() {
                let mut changed = d.clone();
                let other = if spec.domain == Domain::Probability {
                    0.9
                } else {
                    spec.default * 3.0 + 1.0
                };
                changed.set_param(spec.name, other).expect("in its domain");
                assert_ne!(
                    values(changed),
                    before,
                    "{name} lists {} but ignores it",
                    spec.name
                );
            }
        }
    }

    #[test]
    fn every_name_round_trips() {
        for name in Distribution::NAMES {
            assert_eq!(Distribution::from_name(name).expect("known").name(), name);
        }
        let err = Distribution::from_name("normal").expect_err("unknown");
        assert!(err.to_string().contains("modified_normal"), "{err}");
    }

    #[test]
    fn parameters_are_checked_by_name_and_domain() {
        let mut d = Distribution::from_name("hard_modified_uniform").expect("known");
        d.set_param("gamma", 0.3).expect("known parameter");
        assert!(d.params().contains(&("gamma", 0.3)));
        let unknown = d.set_param("beta", 1.0).expect_err("unknown").to_string();
        assert!(unknown.contains("alpha, p, gamma, delta"), "{unknown}");
        assert!(d.set_param("p", 1.5).is_err());
        assert!(d.set_param("alpha", f64::NAN).is_err());
        assert!(d.set_param("alpha", -1.0).is_err());
        // A huge value is written short in the message, not as its 309 digits.
        let huge = d
            .set_param("alpha", 1e308)
            .expect_err("too large")
            .to_string();
        assert!(
            huge.starts_with("parameter alpha = 1e308 is out of range"),
            "{huge}"
        );
        let p = d
            .set_param("p", 1.5)
            .expect_err("not a probability")
            .to_string();
        assert!(p.starts_with("parameter p = 1.5 is out of range"), "{p}");
        assert_eq!(
            Distribution::parse_param("p=0.5"),
            Ok(("p".to_string(), 0.5))
        );
        assert!(Distribution::parse_param("p").is_err());
        assert!(Distribution::parse_param("p=x").is_err());
    }

    #[test]
    fn defaults_are_the_specs() {
        for name in Distribution::NAMES {
            let d = Distribution::from_name(name).expect("known");
            for spec in d.param_specs() {
                assert!(
                    d.params().contains(&(spec.name, spec.default)),
                    "{name}.{}",
                    spec.name
                );
            }
        }
    }

    #[test]
    fn modified_normal_values_sit_near_ten_per_member() {
        let d = Distribution::from_name("modified_normal").expect("known");
        for mask in 1u64..64 {
            let c = Coalition::from_mask(mask);
            let v = d.value(3, &[], &c);
            let base = 10.0 * c.len() as f64;
            // N(10k, 0.1) plus a boost of at most 50.
            assert!(v > base - 1.0 && v < base + 51.0, "{c}: {v}");
        }
    }

    #[test]
    fn hard_values_are_never_negative_and_large_coalitions_are_penalised() {
        let d = Distribution::from_name("hard_modified_uniform").expect("known");
        let big = Coalition::grand(30);
        // γk² = 90 and δ(k−4)² = 338 exceed any base (≤ 300) plus boost (≤ 40).
        assert_eq!(d.value(1, &[], &big), 0.0);
        for mask in 1u64..256 {
            assert!(d.value(1, &[], &Coalition::from_mask(mask)) >= 0.0);
        }
    }
}
