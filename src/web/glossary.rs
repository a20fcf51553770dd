//! The glossary: every term the page uses, in a sentence or two, folded until opened.

use leptos::prelude::*;

use crate::core::Distribution;

/// The terms, in the order a reader meets them.
const TERMS: [(&str, &str); 48] = [
    ("agent", "one of the n players to be grouped."),
    ("coalition", "a group of agents; it has a value v(C), given by the instance (or, on the grid, learned by its members)."),
    ("coalition structure (CS)", "a split of all agents into coalitions, each agent in exactly one."),
    ("v(CS)", "the value of a structure: the sum of its coalitions' values. On the grid it is written V(CS)."),
    ("seed", "the number every random draw starts from: the same seed gives the same instance, and the same training run; another seed gives another. Trying several seeds shows how much a result owes to luck."),
    ("distribution and its parameters", "how an instance's values are drawn: the paper's six, each with the parameters listed at the end of this glossary (k is a coalition's size)."),
    ("U(a, b) and N(m, s)", "a number drawn uniformly between a and b; a number drawn from the bell-shaped normal distribution with mean m and standard deviation s."),
    ("boost", "an extra amount a coalition gets by chance (with probability p), so that a few coalitions are worth much more than their size suggests."),
    ("all singletons", "the structure where every agent is alone: where the leader starts, and the reference for every gain."),
    ("grand coalition", "all agents in one coalition."),
    ("optimum", "the structure of highest v(CS), found exactly by dynamic programming for up to 16 agents in the page."),
    ("gain over all singletons", "v(CS) less v(all singletons): what grouping the agents added. The paper calls it the baseline gain."),
    ("% of the optimum", "v(CS) as a share of the optimum's v(CS), where the optimum is known."),
    ("leader", "the network that forms coalitions, one merge at a time (the upper level)."),
    ("state", "the current coalition structure, shown to the network as which agents share a coalition (an adjacency matrix)."),
    ("action", "merging two coalitions, or stopping."),
    ("reward", "how much a merge changes v(CS): v(A ∪ B) − v(A) − v(B) for coalitions A and B."),
    ("episode", "one game of the leader: from all singletons, merges until it stops or one coalition is left."),
    ("return", "the sum of an episode's rewards: the final v(CS) less all singletons'."),
    ("Q-value", "what the leader expects to gain from an action and everything it does after it; it picks the highest, and stops when stopping is worth most."),
    ("DQN", "deep Q-network: a network trained to predict Q-values from its own games, kept in a replay memory."),
    ("network update", "one step of the leader's learning: it draws a minibatch of remembered moves from its replay memory and moves its Q-values towards their targets. With the lookahead scorer a target weighs every merge possible after each remembered move: hundreds of thousands at 100 agents, seconds of work."),
    ("replay memory", "the moves the leader remembers from its past episodes; each network update learns from a random handful of them (a minibatch), not only from the last move."),
    ("loss", "how far the network's Q-values are from their targets in an update; it falls as the network learns, but a low loss alone does not mean good merges."),
    ("learning rate (Adam)", "how big a step each update takes; Adam is the usual rule that adapts the step to each weight."),
    ("early stop", "the paper's rule to end training before the episodes asked for: when the returns of the last 20 episodes have a spread (standard deviation) of at most 1 % of their mean, the leader has settled."),
    ("ε (epsilon)", "the share of random actions while training, decaying from 1 to a small floor so that the leader first explores and then uses what it learned."),
    ("Double DQN", "picks the next action with the trained network but values it with the target network, which keeps Q-values from running high."),
    ("target network / sync", "a copy of the network that the training aims at, refreshed every so many updates so that the aim holds still."),
    ("pair scorer ψ", "how the network scores a merge of two coalitions from their outputs; \"lookahead\" adds the value of the merged structure."),
    ("return mix λ", "how much the episode's actual return is mixed into the training target beside the network's own estimate."),
    ("return lower bound", "a target is never below what the episode actually got after that step."),
    ("network size M", "the most agents the paper's network takes: its input is an M × M matrix, so a leader trained for M agents runs on instances of up to M."),
    ("continue training (few-shot)", "more episodes from the current leader instead of a fresh one, as the paper's few-shot tables do."),
    ("graph leader", "ours, not the paper's: a network that reads each possible merge's reward, how much more the merged coalition could get next than either side could without the other, and the coalitions' values instead of an M × M matrix, so one trained file runs on any number of agents. Its Q-value is a merge's reward plus a learned correction, so untrained it merges exactly as C-Link does."),
    ("reward scale", "the graph leader's unit for an instance: the mean of the positive rewards of its first merges. Dividing by it lets instances of any size and distribution share one network and one plot."),
    ("rollout (greedy)", "the trained leader run on an instance: from all singletons, at each step the action of highest Q-value, with no random moves, until it stops."),
    ("checkpoint and validation", "a copy of the network kept during training; the graph leader keeps the one that did best on validation instances (set aside, never trained on), scored as its value divided by C-Link's."),
    ("random merges", "a baseline that plays the leader's game at random: at each step any merge, or stopping, equally likely (the paper's random policy)."),
    ("C-Link, GRASP, CSG-UCT, SALDAE", "classic algorithms that search for good structures without learning: greedy linkage, randomised greedy with local search, Monte Carlo tree search, and an evolutionary search."),
    ("followers", "on the grid, the agents themselves: each learns to move and load apples (MADDPG) inside its coalition."),
    ("MADDPG", "multi-agent deep deterministic policy gradient: how the followers learn. Each agent has its own policy (an actor); while training, one critic that sees the whole grid judges every agent's choices."),
    ("grid presets (6a4t, 8a5t, …)", "the paper's grids, named by their agents and apples: 6a4t has 6 agents and 4 apples (the paper calls apples tasks) on an 8 × 8 grid; teaching is a small grid, 4 agents and 2 apples, that trains in seconds."),
    ("Level-Based Foraging", "the grid game: an apple is loaded when the agents beside it choosing to load have levels adding up to at least its level."),
    ("recruitment cost", "what a coalition pays per episode for each member beyond its first, so that a member who adds nothing is a loss."),
    ("follower epochs (K)", "how long the followers train on each new structure before its value is measured."),
    ("instance file (JSON or ODP-IP text)", "a characteristic function to load: the page's own JSON, or the text format of the ODP-IP solver (one value per line, for every coalition in the order of its bit mask), so instances move between tools."),
    ("weights file (.safetensors)", "a trained leader's numbers in the safetensors format: download it to keep a leader, upload it here or give it to the command line (bridge solve --weights FILE)."),
];

/// The glossary, folded.
#[component]
pub fn Glossary() -> impl IntoView {
    let terms = TERMS
        .iter()
        .map(|(term, meaning)| view! { <dt>{*term}</dt><dd>{*meaning}</dd> })
        .collect_view();
    // Each distribution's parameters in the words of their fields' tooltips (the core's one
    // account of them), for readers who cannot hover.
    let parameters = Distribution::NAMES
        .iter()
        .filter_map(|name| Some((*name, Distribution::from_name(name).ok()?.param_specs())))
        .map(|(name, specs)| {
            let each = specs
                .iter()
                .map(|s| format!("{}: {}", s.name, s.meaning))
                .collect::<Vec<_>>()
                .join("; ");
            view! { <li><code>{name}</code>{format!(" — {each}.")}</li> }
        })
        .collect_view();
    view! {
        <details class="panel glossary" data-testid="glossary">
            <summary>"Glossary: what the words on this page mean"</summary>
            <dl>
                {terms}
                <dt>"the distributions' parameters"</dt>
                <dd><ul data-testid="glossary-parameters">{parameters}</ul></dd>
            </dl>
        </details>
    }
}
