//! The page's set-up as a URL query, so a link reproduces an experiment: the instance (its
//! distribution, parameters, agents, seed) and the leader's settings, each field as typed.
//!
//! `?agents=12&seed=3` is enough: missing keys keep the page's defaults, unknown keys are
//! ignored, and values are kept as text, so a bad one reaches the form and is refused there
//! with a message beside its field. The network size is written only when it was typed by
//! hand; otherwise it follows the number of agents. The LBF panel's form travels too (`lbf=…`,
//! and its custom grid's `lbf.side=…` and so on when `lbf=custom`).

use super::lbf_setup::LbfForm;

/// Every field of the set-up as the form holds it (text as typed, switches as booleans).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setup {
    /// The value distribution's name.
    pub dist: String,
    /// Its parameters, `(name, text)`.
    pub params: Vec<(String, String)>,
    /// The number of agents.
    pub agents: String,
    /// The seed.
    pub seed: String,
    /// Training episodes.
    pub episodes: String,
    /// How many seeds train at once.
    pub seeds: String,
    /// The network size, when typed by hand.
    pub network: Option<String>,
    /// The hidden widths, comma-separated.
    pub hidden: String,
    /// The pair scorer ψ.
    pub scorer: String,
    /// ε decay steps.
    pub epsilon_decay: String,
    /// The learning rate.
    pub learning_rate: String,
    /// Updates between target syncs.
    pub target_sync: String,
    /// Updates per merge step.
    pub updates_per_step: String,
    /// The return mix λ.
    pub return_mix: String,
    /// Double DQN.
    pub double_dqn: bool,
    /// The return lower bound.
    pub return_bound: bool,
    /// The leader's network: `paper` or `graph` (the size-independent one).
    pub leader: String,
    /// The graph leader's training sizes as typed, e.g. `10..60`.
    pub graph_sizes: String,
    /// The graph leader's training distributions: `all` or `instance`.
    pub graph_dists: String,
    /// The bi-level run's form (LBF).
    pub lbf: LbfForm,
    /// The built-in example leader the page holds (`leader` or `graph`), so that a link shares
    /// it: whoever opens the link gets the same leader, loaded from the page's own build.
    pub example: Option<String>,
}

/// The text fields' keys in the query, in the order they are written.
const TEXT_KEYS: [&str; 14] = [
    "dist", "agents", "seed", "episodes", "seeds", "hidden", "scorer", "eps", "lr", "sync",
    "updates", "leader", "gsizes", "gdists",
];

impl Setup {
    /// A set-up with the values the page's form starts with (`web::state` holds those), the one
    /// fixture of the tests that read and write queries: the unit tests here and the wasm tests
    /// in `tests/web.rs`, which cannot see a `#[cfg(test)]` item.
    #[doc(hidden)]
    pub fn fixture() -> Setup {
        Setup {
            dist: "modified_normal".into(),
            params: vec![("scale".into(), "10".into()), ("p".into(), "0.2".into())],
            agents: "10".into(),
            seed: "1".into(),
            episodes: "300".into(),
            seeds: "1".into(),
            network: None,
            hidden: "128,128".into(),
            scorer: "lookahead".into(),
            epsilon_decay: "1000".into(),
            learning_rate: "0.0003".into(),
            target_sync: "20".into(),
            updates_per_step: "2".into(),
            return_mix: "0.25".into(),
            double_dqn: true,
            return_bound: true,
            leader: "paper".into(),
            graph_sizes: "10..60".into(),
            graph_dists: "all".into(),
            lbf: LbfForm::default(),
            example: None,
        }
    }

    /// The text field named `key` in the query.
    fn text_mut(&mut self, key: &str) -> Option<&mut String> {
        Some(match key {
            "dist" => &mut self.dist,
            "agents" => &mut self.agents,
            "seed" => &mut self.seed,
            "episodes" => &mut self.episodes,
            "seeds" => &mut self.seeds,
            "hidden" => &mut self.hidden,
            "scorer" => &mut self.scorer,
            "eps" => &mut self.epsilon_decay,
            "lr" => &mut self.learning_rate,
            "sync" => &mut self.target_sync,
            "updates" => &mut self.updates_per_step,
            "mix" => &mut self.return_mix,
            "leader" => &mut self.leader,
            "gsizes" => &mut self.graph_sizes,
            "gdists" => &mut self.graph_dists,
            _ => return None,
        })
    }

    /// The set-up as a query string without the `?`, every field written.
    pub fn to_query(&self) -> String {
        let mut this = self.clone();
        let mut pairs: Vec<(String, String)> = TEXT_KEYS
            .iter()
            .chain(&["mix"])
            .filter_map(|k| this.text_mut(k).map(|v| (k.to_string(), v.clone())))
            .collect();
        for (name, value) in &self.params {
            pairs.push((format!("p.{name}"), value.clone()));
        }
        if let Some(network) = &self.network {
            pairs.push(("network".into(), network.clone()));
        }
        if let Some(example) = &self.example {
            pairs.push(("example".into(), example.clone()));
        }
        pairs.push(("double".into(), flag(self.double_dqn)));
        pairs.push(("bound".into(), flag(self.return_bound)));
        pairs.extend(self.lbf.to_pairs());
        pairs
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// `defaults` with what `query` (with or without its `?`) sets. `params_of` gives a
    /// distribution's parameters at their defaults, so that a new distribution starts from its
    /// own before the query's `p.NAME` values apply.
    pub fn from_query(
        query: &str,
        defaults: &Setup,
        params_of: impl Fn(&str) -> Vec<(String, String)>,
    ) -> Setup {
        let pairs: Vec<(String, String)> = query
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k), decode(v))
            })
            .collect();
        let mut setup = defaults.clone();
        for (k, v) in &pairs {
            if let Some(field) = setup.text_mut(k) {
                *field = v.clone();
            }
            setup.lbf.set(k, v);
            match k.as_str() {
                "network" => setup.network = Some(v.clone()),
                "example" => setup.example = Some(v.clone()),
                "double" => setup.double_dqn = v == "1",
                "bound" => setup.return_bound = v == "1",
                _ => {}
            }
        }
        if setup.dist != defaults.dist {
            setup.params = params_of(&setup.dist);
        }
        for (k, v) in &pairs {
            if let Some(name) = k.strip_prefix("p.") {
                if let Some(p) = setup.params.iter_mut().find(|p| p.0 == name) {
                    p.1 = v.clone();
                }
            }
        }
        setup
    }
}

fn flag(on: bool) -> String {
    if on { "1" } else { "0" }.into()
}

/// Percent-encodes everything but the characters a query keeps as they are.
pub fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~,".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes a query component: `%XX` escapes (UTF-8) and `+` as a space; a broken escape is
/// kept as written.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params_of(dist: &str) -> Vec<(String, String)> {
        match dist {
            "agent_based" => vec![("power".into(), "10".into())],
            _ => Setup::fixture().params,
        }
    }

    #[test]
    fn a_setup_survives_its_query() {
        let mut s = Setup::fixture();
        s.agents = "12".into();
        s.seed = "18446744073709551615".into();
        s.hidden = "64, 32 & more=ε ü%".into();
        s.network = Some("20".into());
        s.params[1].1 = "1e-3".into();
        s.double_dqn = false;
        s.lbf.config = "custom".into();
        s.lbf.custom.grid_side = "7".into();
        s.leader = "graph".into();
        s.graph_sizes = "20..40".into();
        s.seeds = "2".into();
        s.example = Some("graph".into());
        let query = s.to_query();
        assert!(
            query.contains("hidden=64,%2032%20%26%20more%3D%CE%B5%20%C3%BC%25"),
            "{query}"
        );
        assert_eq!(
            Setup::from_query(&format!("?{query}"), &Setup::fixture(), params_of),
            s
        );
    }

    #[test]
    fn a_short_query_keeps_the_defaults_for_the_rest() {
        let s = Setup::from_query(
            "?agents=12&unknown=1&p.nothing=3",
            &Setup::fixture(),
            params_of,
        );
        assert_eq!(
            s,
            Setup {
                agents: "12".into(),
                ..Setup::fixture()
            }
        );
        let s = Setup::from_query(
            "dist=agent_based&p.power=7&lr=2.5",
            &Setup::fixture(),
            params_of,
        );
        assert_eq!(s.params, vec![("power".to_string(), "7".to_string())]);
        assert_eq!(s.learning_rate, "2.5");
        assert_eq!(
            Setup::from_query("", &Setup::fixture(), params_of),
            Setup::fixture()
        );
    }

    #[test]
    fn broken_escapes_are_kept_as_written() {
        assert_eq!(decode("a%2"), "a%2");
        assert_eq!(decode("%zz+b"), "%zz b");
        assert_eq!(decode("%41"), "A");
    }
}
