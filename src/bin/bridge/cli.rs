//! The command line's arguments (clap), one struct per command.

use std::path::PathBuf;

use bridge_lab::leader::graph::{FeatureSet, GraphTraining};
use bridge_lab::leader::network::Scorer;
use bridge_lab::leader::DqnParams;
use clap::parser::ValueSource;
use clap::{ArgMatches, Args, Parser, Subcommand, ValueEnum};

use crate::repro::sweep::Shard;

/// BRIDGE Lab: coalition structure generation by bi-level reinforcement learning.
#[derive(Parser, Debug)]
#[command(name = "bridge", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Write a dense instance (n ≤ 20) drawn from a value distribution.
    Gen(GenArgs),
    /// Solve an instance with one algorithm and print the solution as JSON.
    Solve(SolveArgs),
    /// Train the leader (DQN) on an instance and write its weights (safetensors).
    Train(TrainArgs),
    /// Regenerate one of the paper's experiments under results/ (table1-5, table7, fig2).
    Repro(ReproArgs),
    /// Replay a recorded Level-Based Foraging episode and print the trajectory in the same format.
    LbfReplay(LbfReplayArgs),
    /// Bi-level training on a Level-Based Foraging configuration: the leader forms coalitions,
    /// the followers (MADDPG) learn to forage in them; prints the structure, V(CS) and the gain
    /// over all singletons.
    Lbf(LbfArgs),
}

/// An instance given by its distribution, size and seed.
#[derive(Args, Debug, Clone)]
pub struct DistArgs {
    /// Value distribution: modified_uniform, modified_normal, agent_based,
    /// hard_modified_uniform, hard_modified_normal, combined.
    #[arg(long)]
    pub dist: Option<String>,
    /// Number of agents; `train --network graph` also takes a range A..B to sample from.
    #[arg(long, value_parser = parse_agents)]
    pub agents: Option<AgentsArg>,
    /// Seed of the instance (and of randomised algorithms).
    #[arg(long)]
    pub seed: Option<u64>,
    /// A distribution parameter as name=value (repeatable), e.g. --param gamma=0.2.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
}

/// `--agents`: one size, or a range `A..B` (both ends included) to sample sizes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgentsArg {
    /// The smallest size.
    pub lo: usize,
    /// The largest size (`lo` for one size).
    pub hi: usize,
}

fn parse_agents(text: &str) -> Result<AgentsArg, String> {
    let number = |t: &str| {
        t.trim()
            .parse::<usize>()
            .map_err(|_| format!("`{t}` is not a whole number of agents"))
    };
    match text.split_once("..") {
        Some((a, b)) => {
            let (lo, hi) = (number(a)?, number(b.trim_start_matches('='))?);
            if lo > hi {
                return Err(format!(
                    "the range {lo}..{hi} is empty: give A..B with A <= B"
                ));
            }
            Ok(AgentsArg { lo, hi })
        }
        None => number(text).map(|n| AgentsArg { lo: n, hi: n }),
    }
}

#[derive(Args, Debug)]
pub struct GenArgs {
    #[command(flatten)]
    pub dist: DistArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// Write here instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Instance file formats (SPEC section 3).
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The JSON instance format.
    Json,
    /// ODP-IP text: one value per line, line x holds bitmask x − 1.
    Odpip,
}

#[derive(Args, Debug)]
pub struct SolveArgs {
    /// Algorithm: exact, bridge, clink, grasp, uct, saldae, singleton, grand, random.
    #[arg(long)]
    pub algo: String,
    /// The trained leader's weights, for --algo bridge.
    #[arg(long)]
    pub weights: Option<PathBuf>,
    /// Beam width for --algo bridge (1 = the paper's greedy rollout). The graph leader always
    /// keeps the better of its greedy rollout and C-Link's; with 2 or more it then runs beams
    /// from this width, doubled while most of --time-ms lasts, and GRASP's local search from
    /// the best structure for the rest (with the full horizon; its moves then replace the merge
    /// trace).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub beam: u64,
    /// Milliseconds the graph leader's search may take, its two rollouts included (default
    /// 10 with --beam 2 or more; the result then depends on the machine's speed).
    #[arg(long, value_parser = parse_milliseconds)]
    pub time_ms: Option<f64>,
    /// The leader's horizon: n-1, n/2, n-5 or n-10.
    #[arg(long, default_value = "n-1")]
    pub horizon: String,
    /// How much an anytime algorithm may do: iterations (grasp: restarts, default 5; uct:
    /// playouts, default 1000; saldae: expansions, default 5000), or seconds with an `s`, e.g.
    /// 2.5s (then the result depends on the machine).
    #[arg(long, value_parser = parse_budget)]
    pub budget: Option<BudgetArg>,
    /// Instance file (JSON or ODP-IP text); or give --dist, --agents and --seed.
    #[arg(long, conflicts_with = "dist")]
    pub instance: Option<PathBuf>,
    #[command(flatten)]
    pub dist: DistArgs,
    /// Write the solution here instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// The leader's network (`--network`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Network {
    /// The paper's: an MLP on the M×M adjacency matrix, trained on one instance.
    Paper,
    /// The size-independent graph leader (no M): trained across sizes and distributions, runs
    /// on any n; untrained, it is C-Link.
    Graph,
}

#[derive(Args, Debug)]
pub struct TrainArgs {
    /// The network: paper (the paper's, sized for M agents, trained on one instance) or graph
    /// (size-independent, trained across --agents A..B and --dist all or a comma-separated list;
    /// no instance needed, defaults 10..60 and all).
    #[arg(long, value_enum, default_value_t = Network::Paper)]
    pub network: Network,
    /// Instance file (JSON or ODP-IP text); or give --dist, --agents and --seed.
    #[arg(long, conflicts_with = "dist")]
    pub instance: Option<PathBuf>,
    #[command(flatten)]
    pub dist: DistArgs,
    /// Graph network: episodes between validations (at 50 and 100 agents, on seeds of their
    /// own); the best validated checkpoint is written.
    #[arg(long, default_value_t = 250)]
    pub validate_every: usize,
    /// Steps of reward summed before bootstrapping (n-step returns; the graph network only,
    /// whose default is 3).
    #[arg(long, default_value_t = paper().n_step, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=100))]
    pub n_step: usize,
    /// Graph network: rounds of message passing over the merge graph (0: each coalition and
    /// merge scored from its own features only).
    #[arg(long, default_value_t = 2, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=8))]
    pub rounds: usize,
    /// Graph network: what each candidate merge reads beyond the first feature set:
    /// next-merge-gain (its merged coalition's best next merge reward less the better of the
    /// two sides' best other merges; the default), next-merge (that reward alone, session 16's
    /// leader) or first (neither, about a fifth less time at 100 agents; RESULTS.md).
    #[arg(long, default_value_t = FeatureSet::default(), value_parser = parse_feature_set, value_name = "SET")]
    pub features: FeatureSet,
    /// The most agents the network takes (M); defaults to the instance's n, or --init's.
    #[arg(long)]
    pub max_agents: Option<usize>,
    /// Hidden layer widths, comma-separated (the paper's 3 layers: 128,128).
    #[arg(
        long,
        default_value = "128,128",
        value_delimiter = ',',
        conflicts_with = "init"
    )]
    pub hidden: Vec<usize>,
    /// The pairwise scorer ψ: additive (the paper's default), gain (the merge's true reward
    /// plus the additive score; ours), lookahead (the merge's true reward plus the network's
    /// value of the merged structure; ours, at most 300 agents), learned (an MLP of 16), or
    /// learned:H.
    #[arg(long, default_value = "additive", conflicts_with = "init")]
    pub scorer: String,
    /// Training episodes (training may stop early when the reward settles).
    #[arg(long, default_value_t = 300)]
    pub episodes: usize,
    /// Continue from these weights (few-shot fine-tuning) instead of a fresh network.
    #[arg(long)]
    pub init: Option<PathBuf>,
    /// Where to write the trained weights (safetensors).
    #[arg(long)]
    pub out: PathBuf,
    /// The leader's horizon: n-1, n/2, n-5 or n-10.
    #[arg(long, default_value = "n-1")]
    pub horizon: String,
    /// Adam's learning rate.
    #[arg(long, default_value_t = paper().learning_rate)]
    pub lr: f64,
    /// Minibatch size.
    #[arg(long, default_value_t = paper().batch_size)]
    pub batch: usize,
    /// Replay buffer capacity.
    #[arg(long, default_value_t = paper().replay_capacity)]
    pub replay: usize,
    /// Environment steps over which ε decays from 1.0 to 0.01.
    #[arg(long, default_value_t = paper().epsilon_decay_steps)]
    pub epsilon_decay: usize,
    /// Discount γ (1 = the return is the gain of the final structure).
    #[arg(long, default_value_t = paper().gamma)]
    pub gamma: f64,
    /// Episodes of settled reward for early stopping (0 disables it).
    #[arg(long, default_value_t = paper().early_stop_window)]
    pub early_stop: usize,
    /// Seed of the network's initial weights, exploration and minibatches (default: --seed, or 0).
    #[arg(long)]
    pub train_seed: Option<u64>,
    /// Options of the DQN beyond the paper.
    #[command(flatten)]
    pub dqn: DqnOptions,
}

/// The DQN options `train` and `repro` share, all beyond the paper (whose values are the
/// defaults).
#[derive(Args, Debug, Clone)]
pub struct DqnOptions {
    /// Start from the paper's training settings or from our lookahead leader's (lookahead
    /// scorer, ε over 1 000 steps, learning rate 3e-4, target sync every 20 updates, 2 updates
    /// per step, Double DQN, return bound, return mix 0.25; RESULTS.md); options given
    /// explicitly override either. Default: ours for `bridge train` (a leader that learns),
    /// paper for `bridge repro` (its faithful rows).
    #[arg(long, value_enum)]
    pub settings: Option<Settings>,
    /// Double DQN backups (the online network picks, the target network values); not in the paper.
    #[arg(long)]
    pub double_dqn: bool,
    /// Minibatch updates per environment step (the replay ratio; the paper: 1).
    #[arg(long, default_value_t = paper().updates_per_step, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=64))]
    pub updates_per_step: usize,
    /// Bound each backup from below by the return its episode actually got from that step on
    /// (optimality tightening, He et al. 2017; not in the paper).
    #[arg(long)]
    pub return_bound: bool,
    /// Weight λ of the actual return in each backup, `(1 − λ)·backup + λ·return`, from 0 (the
    /// paper) to 1.
    #[arg(long, default_value_t = paper().return_mix)]
    pub return_mix: f64,
    /// Updates between target-network syncs (the paper: 100).
    #[arg(long, default_value_t = paper().target_sync, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
    pub target_sync: usize,
}

/// The paper's DQN settings (appendix D.4), where every DQN option's default comes from: one
/// definition shared with the library and the page.
fn paper() -> DqnParams {
    DqnParams::default()
}

/// Named sets of training settings (`--settings`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Settings {
    /// The paper's (appendix D.4): the defaults of every option.
    Paper,
    /// Our lookahead leader's (`Scorer::OURS` with `DqnParams::ours`).
    Ours,
}

/// The options `--settings` sets, as `train` and `repro` both hold them.
pub struct LeaderOptions<'a> {
    /// `--scorer`.
    pub scorer: &'a mut String,
    /// `--lr`.
    pub lr: &'a mut f64,
    /// `--epsilon-decay`.
    pub epsilon_decay: &'a mut usize,
    /// The rest, beyond the paper.
    pub dqn: &'a mut DqnOptions,
}

impl LeaderOptions<'_> {
    /// With `--settings ours` (or no `--settings` where `default` is ours), every option of
    /// `matches` (a command's own matches) that was not given on the command line takes our
    /// lookahead leader's value.
    pub fn apply_settings(self, matches: &ArgMatches, default: Settings) {
        if self.dqn.settings.unwrap_or(default) != Settings::Ours {
            return;
        }
        let unset = |id: &str| matches.value_source(id) != Some(ValueSource::CommandLine);
        let ours = DqnParams::ours();
        if unset("scorer") {
            *self.scorer = Scorer::OURS.name();
        }
        if unset("lr") {
            *self.lr = ours.learning_rate;
        }
        if unset("epsilon_decay") {
            *self.epsilon_decay = ours.epsilon_decay_steps;
        }
        let dqn = &mut *self.dqn;
        if unset("double_dqn") {
            dqn.double_dqn = ours.double_dqn;
        }
        if unset("updates_per_step") {
            dqn.updates_per_step = ours.updates_per_step;
        }
        if unset("return_bound") {
            dqn.return_bound = ours.return_bound;
        }
        if unset("return_mix") {
            dqn.return_mix = ours.return_mix;
        }
        if unset("target_sync") {
            dqn.target_sync = ours.target_sync;
        }
    }
}

/// Refuses, naming the first, any of the options `ids` (argument ids, `--` flags with `-` for
/// `_`) that the command line gave although they do not apply (`why` says when), rather than
/// ignoring it silently.
pub fn refuse_given(matches: &ArgMatches, ids: &[&str], why: &str) -> anyhow::Result<()> {
    match ids
        .iter()
        .find(|id| matches.value_source(id) == Some(ValueSource::CommandLine))
    {
        Some(id) => anyhow::bail!("--{} does not apply {why}", id.replace('_', "-")),
        None => Ok(()),
    }
}

impl TrainArgs {
    /// Refuses the options given on the command line that this network's training would not
    /// read.
    pub fn refuse_unused(&self, matches: &ArgMatches) -> anyhow::Result<()> {
        match self.network {
            Network::Graph => {
                refuse_given(
                    matches,
                    &[
                        "hidden",
                        "scorer",
                        "early_stop",
                        "return_bound",
                        "return_mix",
                        "settings",
                    ],
                    "to --network graph (its architecture and training settings are its own; \
                     see bridge train --help)",
                )?;
                if self.init.is_some() {
                    refuse_given(
                        matches,
                        &["rounds", "features"],
                        "with --init: the rounds and features are those of the weights continued",
                    )?;
                }
                Ok(())
            }
            Network::Paper => refuse_given(
                matches,
                &["rounds", "features", "validate_every"],
                "to the paper's network (they are --network graph's)",
            ),
        }
    }

    /// With `--network graph`, every training option of `matches` not given on the command
    /// line takes the graph leader's default (`DqnParams::graph`, `GraphTraining::default`).
    pub fn apply_graph_defaults(&mut self, matches: &ArgMatches) {
        if self.network != Network::Graph {
            return;
        }
        let unset = |id: &str| matches.value_source(id) != Some(ValueSource::CommandLine);
        let graph = DqnParams::graph();
        let training = bridge_lab::leader::graph::GraphTraining::default();
        if unset("episodes") {
            self.episodes = training.episodes;
        }
        if unset("lr") {
            self.lr = graph.learning_rate;
        }
        if unset("batch") {
            self.batch = graph.batch_size;
        }
        if unset("replay") {
            self.replay = graph.replay_capacity;
        }
        if unset("epsilon_decay") {
            self.epsilon_decay = graph.epsilon_decay_steps;
        }
        if unset("early_stop") {
            self.early_stop = graph.early_stop_window;
        }
        if unset("n_step") {
            self.n_step = graph.n_step;
        }
        if unset("double_dqn") {
            self.dqn.double_dqn = graph.double_dqn;
        }
        if unset("target_sync") {
            self.dqn.target_sync = graph.target_sync;
        }
        if unset("updates_per_step") {
            self.dqn.updates_per_step = graph.updates_per_step;
        }
    }
}

impl DqnOptions {
    /// `params` with these options set.
    pub fn apply(&self, params: DqnParams) -> DqnParams {
        DqnParams {
            double_dqn: self.double_dqn,
            updates_per_step: self.updates_per_step,
            return_bound: self.return_bound,
            return_mix: self.return_mix,
            target_sync: self.target_sync,
            ..params
        }
    }
}

#[derive(Args, Debug)]
pub struct ReproArgs {
    /// The experiment: table1 (generalisation), table2 (inference time of every algorithm),
    /// table3 (baselines on a 200-episode budget), table4 (network sizes), table5 (inference time
    /// by network size), table7 (horizons), fig2 (every algorithm on the six distributions),
    /// scale (one graph leader, trained once, at 10..1000 agents against the baselines; not in
    /// the paper); on the grid (LBF): fig3 (BRIDGE and the baselines), fig4 (follower epochs),
    /// table6 (critic and actor reuse).
    pub name: String,
    /// Directory for the Markdown, CSV and SVG files.
    #[arg(long, default_value = "results")]
    pub results: PathBuf,
    /// Seeds (instances and networks) to average over.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub seeds: u64,
    /// The first seed (table1, scale, fig3, fig4, table6): `--first-seed 20 --seeds 20` runs
    /// seeds 20..39, instances that settings chosen on seeds 0..19 have not seen.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    pub first_seed: u64,
    /// Pretraining episodes (table1; and fig2, table2, table4, table7, whose leaders are
    /// pretrained once per setting).
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub pretrain_episodes: u64,
    /// Agents of the pretraining instance of fig2, table2, table4 and table7 (their networks
    /// take 100 agents).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(2..=100))]
    pub pretrain_agents: u64,
    /// The shorter few-shot budget (table1).
    #[arg(long, default_value_t = 100)]
    pub few_shot_short: usize,
    /// The longer few-shot budget (table1); at least the shorter one.
    #[arg(long, default_value_t = 200)]
    pub few_shot_long: usize,
    /// Environment steps over which ε decays (the paper: 10 000).
    #[arg(long, default_value_t = paper().epsilon_decay_steps)]
    pub epsilon_decay: usize,
    /// Episodes of the graph leader's training (the experiments' graph rows: scale, table1,
    /// fig2, table2, table4, table7; trained once, kept under RESULTS/leaders/).
    #[arg(long, default_value_t = GraphTraining::default().episodes, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
    pub graph_episodes: usize,
    /// Beam width of table1's extra BRIDGE row: a search over the learned Q with true rewards
    /// (not in the paper).
    #[arg(long, default_value_t = 8, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(2..=1000))]
    pub beam: usize,
    /// Adam's learning rate for every leader trained (the paper: 0.001).
    #[arg(long, default_value_t = paper().learning_rate)]
    pub lr: f64,
    /// Options of the DQN beyond the paper, for every leader trained.
    #[command(flatten)]
    pub dqn: DqnOptions,
    /// The pairwise scorer of every leader trained: additive (the paper's), gain (the merge's
    /// true reward plus the additive score; ours), lookahead (the merge's true reward plus the
    /// network's value of the merged structure; ours), learned or learned:H.
    #[arg(long, default_value = "additive")]
    pub scorer: String,
    /// Only these of the experiment's agent counts, comma-separated (e.g. --agents 30,40 for
    /// fig2; default: all of them).
    #[arg(long, value_delimiter = ',', num_args = 1)]
    pub agents: Option<Vec<usize>>,
    /// fig3, fig4 and table6: only these LBF configurations, comma-separated (e.g. --configs
    /// 6a4t,6a5t; default: the paper's six; teaching is allowed too).
    #[arg(long, value_delimiter = ',', num_args = 1)]
    pub configs: Option<Vec<String>>,
    /// fig3, fig4 and table6: BRIDGE's leader episodes per run (`bridge lbf --episodes`).
    #[arg(long, default_value_t = 30, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=100_000))]
    pub lbf_episodes: usize,
    /// Threads running the experiment's independent runs (default: every core); the tables are
    /// the same for any number, apart from measured times (and scale's `name@ours` rows, whose
    /// budget is a measured time).
    #[arg(long, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=4096))]
    pub jobs: Option<usize>,
    /// Run only the i-th of N slices of the experiment's runs (0 ≤ i < N) and write their raw
    /// outcomes to RESULTS/NAME.shard-I-of-N.jsonl, for --merge.
    #[arg(long, value_name = "I/N", value_parser = Shard::parse, conflicts_with = "merge")]
    pub shard: Option<Shard>,
    /// Build the tables, CSV and plots from shard outputs (directories holding
    /// NAME.shard-*.jsonl, or such files) instead of running; give the shards' options.
    /// Missing, duplicated or mismatched runs are refused.
    #[arg(long, value_name = "DIR", num_args = 1..)]
    pub merge: Vec<PathBuf>,
    /// With --merge: build the tables from the runs present and list the missing ones in them.
    #[arg(long, requires = "merge")]
    pub allow_partial: bool,
}

#[derive(Args, Debug)]
pub struct LbfReplayArgs {
    /// A recorded episode (the format of tests/data/lbf-vectors/).
    pub file: PathBuf,
    /// Compare the trajectory with the file's recorded steps; exit 2 naming the first step and
    /// field that differ (floats within 1e-6).
    #[arg(long)]
    pub check: bool,
    /// Write the trajectory here instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `--budget`: a number of iterations, or of seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BudgetArg {
    /// `500`.
    Iterations(usize),
    /// `2.5s`.
    Seconds(f64),
}

/// The graph leader's search time when `--time-ms` is not given.
pub const DEFAULT_SEARCH_MS: f64 = 10.0;

/// Reads a graph leader's feature set by its name.
fn parse_feature_set(text: &str) -> Result<FeatureSet, String> {
    FeatureSet::from_name(text).ok_or_else(|| {
        let names: Vec<&str> = FeatureSet::ALL.iter().map(|s| s.name()).collect();
        format!(
            "`{text}` is not a feature set of the graph leader: give {}",
            names.join(", ")
        )
    })
}

/// Reads a positive number of milliseconds.
fn parse_milliseconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(ms) if ms.is_finite() && ms > 0.0 => Ok(ms),
        _ => Err(format!(
            "`{text}` is not a positive number of milliseconds such as 10 or 2.5"
        )),
    }
}

/// Reads `500` as iterations and `2.5s` as seconds.
fn parse_budget(text: &str) -> Result<BudgetArg, String> {
    if let Some(seconds) = text.strip_suffix('s') {
        let s: f64 = seconds
            .parse()
            .map_err(|_| format!("`{text}` is not a number of seconds such as 2.5s"))?;
        if !(s.is_finite() && s > 0.0) {
            return Err(format!("`{text}`: give a positive number of seconds"));
        }
        return Ok(BudgetArg::Seconds(s));
    }
    let k: usize = text.parse().map_err(|_| {
        format!("`{text}` is neither a number of iterations (e.g. 500) nor of seconds (e.g. 2.5s)")
    })?;
    if k == 0 {
        return Err("--budget must be at least 1 iteration".into());
    }
    Ok(BudgetArg::Iterations(k))
}

/// `leader_options()` for the commands that train leaders: both hold the options `--settings`
/// sets under the same names.
macro_rules! leader_options {
    ($($command:ty),*) => {$(
        impl $command {
            /// The options `--settings` sets.
            pub fn leader_options(&mut self) -> LeaderOptions<'_> {
                LeaderOptions {
                    scorer: &mut self.scorer,
                    lr: &mut self.lr,
                    epsilon_decay: &mut self.epsilon_decay,
                    dqn: &mut self.dqn,
                }
            }
        }
    )*};
}

leader_options!(TrainArgs, ReproArgs);

/// Whether a follower network is kept or re-initialised between coalition structures (appendix
/// D.5, Table 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CarryArg {
    /// Keep its parameters.
    Reuse,
    /// Draw fresh parameters.
    Init,
}

/// Named sets of follower settings (`--followers`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FollowerSettings {
    /// Ours: learning rates 1e-3, minibatch 64, updates every 8 steps (they learn within
    /// seconds per structure; RESULTS.md).
    Ours,
    /// Appendix D.4's: learning rates 1e-4, τ 0.005, minibatch 256.
    Paper,
}

/// `bridge lbf`: the bi-level trainer on a grid configuration.
#[derive(Args, Debug)]
pub struct LbfArgs {
    /// The configuration: teaching (4 agents, 2 apples) or the paper's 6a4t, 6a5t, 8a4t, 8a5t,
    /// 10a4t, 10a5t (agents and apples; grid sides, levels and costs in RESULTS.md), or a
    /// JSON file of your own grid's settings (see examples/lbf-custom.json).
    #[arg(long)]
    pub config: String,
    /// The algorithm forming coalitions: bridge, or a baseline searching structures valued by
    /// the same followers (singleton, grand, clink, grasp, saldae, uct) within --budget.
    #[arg(long, default_value = "bridge")]
    pub algo: String,
    /// Follower trainings a baseline may spend searching (singletons included; one more trains
    /// on the structure found). BRIDGE spends about 25 on 6a4t with its defaults; `bridge repro
    /// fig3` gives each baseline BRIDGE's own count.
    #[arg(long, default_value_t = 30, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
    pub budget: usize,
    /// Seed of the followers, the leader and the grids.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Leader episodes (Algorithm 1's outer iterations).
    #[arg(long, default_value_t = 30, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=100_000))]
    pub episodes: usize,
    /// Follower training epochs per coalition structure, the paper's K.
    #[arg(long, default_value_t = 10, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1000))]
    pub epochs: usize,
    /// The followers' critic between structures (the paper: reuse).
    #[arg(long, value_enum, default_value_t = CarryArg::Reuse)]
    pub critic: CarryArg,
    /// The followers' actors between structures (the paper: init).
    #[arg(long, value_enum, default_value_t = CarryArg::Init)]
    pub actor: CarryArg,
    /// The followers' learning settings: ours (the default) or the paper's appendix D.4.
    #[arg(long, value_enum, default_value_t = FollowerSettings::Ours)]
    pub followers: FollowerSettings,
    /// Write the solution file here (SPEC section 3; its value is V(CS)).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write an episode of the trained followers on the structure found, typical of its value
    /// (of several played, the one of median reward; its note says which), in the
    /// recorded-episode format that `bridge lbf-replay --check` reads.
    #[arg(long)]
    pub episode: Option<PathBuf>,
    /// Save the leader's and the followers' weights (safetensors) in this directory.
    #[arg(long)]
    pub save: Option<PathBuf>,
    /// Save the whole run's state in this directory every --checkpoint-every seconds; the same
    /// command started again continues from it to the same result.
    #[arg(long)]
    pub checkpoint: Option<PathBuf>,
    /// Seconds between checkpoints (saved only between two follower trainings).
    #[arg(long, default_value_t = 120.0)]
    pub checkpoint_every: f64,
}

impl LbfArgs {
    /// Refuses the options given on the command line that the chosen algorithm would not read.
    pub fn refuse_unused(&self, matches: &ArgMatches) -> anyhow::Result<()> {
        if self.algo == "bridge" {
            refuse_given(
                matches,
                &["budget"],
                "to bridge, whose leader episodes (--episodes) decide its trainings",
            )
        } else {
            refuse_given(
                matches,
                &["episodes", "checkpoint_every"],
                "to a baseline (its search is bounded by --budget, and it is not checkpointed)",
            )
        }
    }
}
