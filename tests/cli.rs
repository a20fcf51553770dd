//! The `bridge` command line: results on good input, exit code 2 and one clear line on bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use bridge_lab::core::Solution;

fn bridge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bridge"))
        .args(args)
        .output()
        .expect("the bridge binary runs")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("utf-8 output")
}

fn solve(args: &[&str]) -> Solution {
    Solution::from_json(&stdout(&bridge(args))).expect("a solution file")
}

/// A scratch directory that lives as long as the test.
struct Scratch(tempfile::TempDir);

impl Scratch {
    fn new() -> Self {
        Self(tempfile::tempdir().expect("a temporary directory"))
    }

    fn file(&self, name: &str, content: &str) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, content).expect("writable temp dir");
        path
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// Every partition of `0..n` (restricted growth strings), for a brute-force optimum.
fn best_partition_value(values: &[f64], n: usize) -> f64 {
    fn go(i: usize, n: usize, blocks: &mut Vec<usize>, values: &[f64]) -> f64 {
        if i == n {
            return blocks.iter().map(|&m| values[m]).sum();
        }
        let bit = 1 << i;
        let mut best = f64::NEG_INFINITY;
        for b in 0..blocks.len() {
            blocks[b] |= bit;
            best = best.max(go(i + 1, n, blocks, values));
            blocks[b] &= !bit;
        }
        blocks.push(bit);
        best = best.max(go(i + 1, n, blocks, values));
        blocks.pop();
        best
    }
    go(0, n, &mut Vec::new(), values)
}

#[test]
fn gen_then_solve_exact_finds_the_true_optimum() {
    let dir = Scratch::new();
    for dist in [
        "modified_normal",
        "agent_based",
        "hard_modified_normal",
        "combined",
    ] {
        let file = dir.path(&format!("{dist}.json"));
        stdout(&bridge(&[
            "gen",
            "--dist",
            dist,
            "--agents",
            "8",
            "--seed",
            "3",
            "--out",
            s(&file),
        ]));
        let text = std::fs::read_to_string(&file).expect("gen wrote the file");
        let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let values: Vec<f64> = json["values"]
            .as_array()
            .expect("values")
            .iter()
            .map(|v| v.as_f64().expect("number"))
            .collect();
        assert_eq!(json["n"], 8);
        assert_eq!(json["distribution"], dist);
        let solution = solve(&["solve", "--algo", "exact", "--instance", s(&file)]);
        assert!(solution.optimal);
        let expected = best_partition_value(&values, 8);
        assert!(
            (solution.value - expected).abs() < 1e-9,
            "{dist}: {} vs brute force {expected}",
            solution.value
        );
        let cs = solution.structure(8).expect("a partition of the 8 agents");
        let recomputed: f64 = cs
            .coalitions()
            .iter()
            .map(|c| values[c.as_mask().expect("small") as usize])
            .sum();
        assert!((recomputed - solution.value).abs() < 1e-9);
        assert!(solution.seconds >= 0.0 && solution.seconds < 60.0);
    }
}

#[test]
fn a_generated_instance_solves_the_same_from_a_file_and_from_the_flags() {
    let dir = Scratch::new();
    let flags = [
        "--dist",
        "hard_modified_uniform",
        "--agents",
        "9",
        "--seed",
        "12",
        "--param",
        "gamma=0.05",
    ];
    let json = dir.path("i.json");
    let odpip = dir.path("i.txt");
    stdout(&bridge(
        &[&["gen"][..], &flags, &["--out", s(&json)]].concat(),
    ));
    stdout(&bridge(
        &[
            &["gen"][..],
            &flags,
            &["--format", "odpip", "--out", s(&odpip)],
        ]
        .concat(),
    ));
    let direct = solve(&[&["solve", "--algo", "exact"][..], &flags].concat());
    for file in [&json, &odpip] {
        let from_file = solve(&["solve", "--algo", "exact", "--instance", s(file)]);
        assert_eq!(from_file.value.to_bits(), direct.value.to_bits());
        assert_eq!(from_file.coalitions, direct.coalitions);
    }
    let text = std::fs::read_to_string(&json).expect("written");
    assert!(
        text.contains("\"gamma\":0.05"),
        "provenance records the parameter: {text}"
    );
}

#[test]
fn the_simple_baselines_run_at_a_thousand_agents() {
    for algo in ["singleton", "grand", "random", "clink"] {
        let s = solve(&[
            "solve",
            "--algo",
            algo,
            "--dist",
            "modified_uniform",
            "--agents",
            "1000",
            "--seed",
            "1",
        ]);
        let cs = s.structure(1000).expect("a partition");
        assert_eq!(s.algorithm, algo);
        match algo {
            "singleton" => assert_eq!(cs.len(), 1000),
            "grand" => assert_eq!(cs.len(), 1),
            _ => assert!(!cs.is_empty()),
        }
    }
    let a = solve(&[
        "solve", "--algo", "random", "--dist", "combined", "--agents", "30", "--seed", "4",
    ]);
    let b = solve(&[
        "solve", "--algo", "random", "--dist", "combined", "--agents", "30", "--seed", "4",
    ]);
    assert_eq!(a.coalitions, b.coalitions, "the same seed repeats");
}

#[test]
fn solve_writes_to_out() {
    let dir = Scratch::new();
    let out = dir.path("s.json");
    let o = bridge(&[
        "solve",
        "--algo",
        "grand",
        "--dist",
        "agent_based",
        "--agents",
        "5",
        "--seed",
        "1",
        "--out",
        s(&out),
    ]);
    assert!(o.status.success() && o.stdout.is_empty());
    let solution =
        Solution::from_json(&std::fs::read_to_string(&out).expect("written")).expect("a solution");
    assert_eq!(solution.coalitions, vec![vec![0, 1, 2, 3, 4]]);
}

/// Runs `args`; asserts exit code 2, nothing on stdout, one line on stderr containing `expected`.
fn check_refused(args: &[&str], expected: &str) {
    let out = bridge(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?} gave {:?}: {err}",
        out.status
    );
    assert!(
        out.stdout.is_empty(),
        "{args:?} printed {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    assert!(
        err.contains(expected),
        "{args:?}: `{err}` lacks `{expected}`"
    );
}

#[test]
fn bad_instance_files_are_refused_with_the_file_and_key_named() {
    let dir = Scratch::new();
    let cases = [
        (
            "bad.json",
            "{\"n\": 2, \"values\": [0, 1, 2",
            "not valid JSON",
        ),
        (
            "short.json",
            "{\"n\": 2, \"values\": [0, 1, 2]}",
            "values: expected 2^2 = 4 numbers for n = 2, found 3",
        ),
        ("nan.txt", "0\nNaN\n", "values must be finite"),
        (
            "huge.json",
            "{\"n\": 1, \"values\": [0, 1e400]}",
            "not valid JSON",
        ),
        (
            "empty0.json",
            "{\"n\": 1, \"values\": [2, 1]}",
            "entry 0 (the empty coalition) must be 0",
        ),
        (
            "string.json",
            "{\"n\": 1, \"values\": [0, \"one\"]}",
            "values[1]: \"one\" is not a number",
        ),
        (
            "n.json",
            "{\"n\": 25, \"values\": [0, 1]}",
            "n: 25 is not a whole number from 1 to 20",
        ),
        ("text.txt", "hello\n", "line 1: “hello” is not a number"),
        ("empty.txt", "", "content: the file is empty"),
    ];
    for (name, content, expected) in cases {
        let file = dir.file(name, content);
        check_refused(&["solve", "--algo", "exact", "--instance", s(&file)], name);
        check_refused(
            &["solve", "--algo", "exact", "--instance", s(&file)],
            expected,
        );
    }
    // Values beyond a leader's f32 range: the exact solver takes them, the leader refuses them.
    let big = dir.file("big.json", "{\"n\": 1, \"values\": [0, 1e31]}");
    check_refused(
        &["solve", "--algo", "bridge", "--instance", s(&big)],
        "its values must stay within ±1e30",
    );
    let weights = dir.path("big.safetensors");
    check_refused(
        &[
            "train",
            "--instance",
            s(&big),
            "--episodes",
            "1",
            "--out",
            s(&weights),
        ],
        "its values must stay within ±1e30",
    );
    check_refused(
        &[
            "solve",
            "--algo",
            "exact",
            "--instance",
            "/nonexistent/instance.json",
        ],
        "cannot read instance file /nonexistent/instance.json",
    );
}

#[test]
fn bad_flags_are_refused() {
    let inst = ["--agents", "5", "--seed", "1"];
    let with = |head: &[&'static str], tail: &[&'static str]| [head, tail].concat();
    check_refused(
        &with(&["solve", "--algo", "exact", "--dist", "gaussian"], &inst),
        "unknown distribution “gaussian”; expected one of modified_uniform",
    );
    check_refused(
        &with(
            &["solve", "--algo", "magic", "--dist", "modified_normal"],
            &inst,
        ),
        "unknown algorithm `magic`",
    );
    check_refused(
        &[
            "solve",
            "--algo",
            "exact",
            "--dist",
            "modified_normal",
            "--agents",
            "0",
            "--seed",
            "1",
        ],
        "--agents 0 is out of range: give 1 to 1024",
    );
    check_refused(
        &[
            "solve",
            "--algo",
            "exact",
            "--dist",
            "modified_normal",
            "--agents",
            "1025",
            "--seed",
            "1",
        ],
        "out of range",
    );
    check_refused(
        &[
            "solve",
            "--algo",
            "exact",
            "--dist",
            "modified_normal",
            "--agents",
            "21",
            "--seed",
            "1",
        ],
        "exact takes at most 20 agents",
    );
    check_refused(
        &[
            "gen",
            "--dist",
            "modified_normal",
            "--agents",
            "21",
            "--seed",
            "1",
        ],
        "--agents 21 is out of range: give 1 to 20",
    );
    check_refused(
        &[
            "gen",
            "--dist",
            "modified_normal",
            "--agents",
            "-3",
            "--seed",
            "1",
        ],
        "-3",
    );
    check_refused(
        &[
            "gen",
            "--dist",
            "modified_normal",
            "--agents",
            "4",
            "--seed",
            "x",
        ],
        "invalid value 'x'",
    );
    check_refused(
        &with(
            &["gen", "--dist", "modified_normal", "--param", "beta=1"],
            &inst,
        ),
        "unknown parameter “beta” for modified_normal; expected one of scale, sd, p, boost",
    );
    check_refused(
        &with(&["gen", "--dist", "combined", "--param", "p=2"], &inst),
        "parameter p = 2 is out of range",
    );
    check_refused(
        &with(&["gen", "--dist", "combined", "--param", "p"], &inst),
        "parameter “p” is not of the form name=number",
    );
    check_refused(
        &with(
            &["gen", "--dist", "combined", "--param", "alpha=inf"],
            &inst,
        ),
        "must be a number from 0 to 1e15",
    );
    check_refused(
        &with(
            &["gen", "--dist", "combined", "--param", "alpha=1e308"],
            &inst,
        ),
        "must be a number from 0 to 1e15",
    );
    check_refused(
        &["gen", "--agents", "4", "--seed", "1"],
        "--dist NAME is required",
    );
    check_refused(
        &["gen", "--dist", "combined", "--seed", "1"],
        "--agents N is required",
    );
    check_refused(&["solve", "--algo", "exact"], "give an instance");
    check_refused(&["solve", "--dist", "combined"], "--algo");
    check_refused(&["frobnicate"], "unrecognized subcommand");
    check_refused(
        &with(
            &[
                "gen",
                "--dist",
                "combined",
                "--out",
                "/nonexistent/dir/x.json",
            ],
            &inst,
        ),
        "cannot write /nonexistent/dir/x.json",
    );
}

#[test]
fn train_then_solve_with_the_leader() {
    let dir = Scratch::new();
    let w = dir.path("leader.safetensors");
    let inst = ["--dist", "modified_normal", "--agents", "6", "--seed", "2"];
    let summary = stdout(&bridge(
        &[
            &["train"][..],
            &inst,
            &[
                "--episodes",
                "30",
                "--batch",
                "16",
                "--max-agents",
                "8",
                "--hidden",
                "16,16",
                "--out",
                s(&w),
            ],
        ]
        .concat(),
    ));
    let summary: serde_json::Value = serde_json::from_str(&summary).expect("a JSON summary");
    assert_eq!(summary["episodes"], 30);
    assert_eq!(summary["max_agents"], 8);
    let solution = solve(
        &[
            &["solve", "--algo", "bridge", "--weights", s(&w)][..],
            &inst,
        ]
        .concat(),
    );
    assert_eq!(
        solution.value,
        summary["greedy_value"].as_f64().expect("number"),
        "solve reproduces train's greedy rollout"
    );
    let steps = solution.steps.as_ref().expect("the merge trace");
    let merges = steps
        .iter()
        .filter(|s| matches!(s, bridge_lab::core::Step::Merge { .. }))
        .count();
    assert_eq!(solution.coalitions.len(), 6 - merges);
    // Generalisation: the network sized for 8 agents solves 8, and fine-tunes on 8.
    let bigger = ["--dist", "modified_normal", "--agents", "8", "--seed", "3"];
    let s8 = solve(
        &[
            &[
                "solve",
                "--algo",
                "bridge",
                "--weights",
                s(&w),
                "--beam",
                "3",
            ][..],
            &bigger,
        ]
        .concat(),
    );
    assert!(s8.structure(8).is_ok());
    let tuned = dir.path("tuned.safetensors");
    stdout(&bridge(
        &[
            &["train"][..],
            &bigger,
            &[
                "--episodes",
                "10",
                "--batch",
                "16",
                "--init",
                s(&w),
                "--out",
                s(&tuned),
            ],
        ]
        .concat(),
    ));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&bridge(
        &[
            &["train"][..],
            &bigger,
            &[
                "--episodes",
                "5",
                "--batch",
                "16",
                "--init",
                s(&tuned),
                "--out",
                s(&tuned),
            ],
        ]
        .concat(),
    )))
    .expect("JSON");
    let trained_on = summary["trained_on"].as_str().expect("text");
    assert!(
        trained_on.starts_with("modified_normal, 6 agents, seed 2, 30 episodes; then"),
        "{trained_on}"
    );
}

/// Trains a tiny leader (4 agents, 8 hidden units, 2 episodes) into `out`, plus `extra`.
fn train_small(out: &Path, extra: &[&str]) {
    let mut args = vec![
        "train",
        "--dist",
        "agent_based",
        "--agents",
        "4",
        "--seed",
        "1",
        "--episodes",
        "2",
        "--batch",
        "4",
        "--hidden",
        "8",
        "--out",
        s(out),
    ];
    args.extend_from_slice(extra);
    stdout(&bridge(&args));
}

#[test]
fn train_takes_our_settings_by_name() {
    let dir = Scratch::new();
    let w = dir.path("ours.safetensors");
    // The scorer is written into the weights' metadata.
    let scorer_of = || {
        let bytes = std::fs::read(&w).expect("weights written");
        let text = String::from_utf8_lossy(&bytes);
        ["lookahead", "additive"]
            .into_iter()
            .find(|name| text.contains(&format!("\"scorer\":\"{name}\"")))
            .map(str::to_string)
    };
    train_small(&w, &["--settings", "ours"]);
    assert_eq!(scorer_of().as_deref(), Some("lookahead"));
    train_small(&w, &["--settings", "paper"]);
    assert_eq!(scorer_of().as_deref(), Some("additive"));
}

#[test]
fn bad_leader_input_is_refused() {
    let dir = Scratch::new();
    let w = dir.path("small.safetensors");
    train_small(&w, &[]);
    let junk = dir.file("junk.safetensors", "this is not a weights file");
    check_refused(
        &[
            "solve",
            "--algo",
            "bridge",
            "--dist",
            "agent_based",
            "--agents",
            "5",
            "--seed",
            "1",
            "--weights",
            s(&w),
        ],
        "the network is sized for at most 4 agents, the instance has 5",
    );
    check_refused(
        &[
            "solve",
            "--algo",
            "bridge",
            "--dist",
            "agent_based",
            "--agents",
            "4",
            "--seed",
            "1",
            "--weights",
            s(&junk),
        ],
        "bad weights file",
    );
    check_refused(
        &[
            "solve",
            "--algo",
            "bridge",
            "--dist",
            "agent_based",
            "--agents",
            "4",
            "--seed",
            "1",
        ],
        "bridge needs a trained leader: give --weights FILE",
    );
    check_refused(
        &[
            "solve",
            "--algo",
            "bridge",
            "--dist",
            "agent_based",
            "--agents",
            "4",
            "--seed",
            "1",
            "--weights",
            s(&w),
            "--horizon",
            "n-2",
        ],
        "expected one of n-1, n/2, n-5, n-10",
    );
    check_refused(
        &[
            "solve",
            "--algo",
            "bridge",
            "--dist",
            "agent_based",
            "--agents",
            "4",
            "--seed",
            "1",
            "--weights",
            s(&w),
            "--beam",
            "0",
        ],
        "--beam",
    );
    check_refused(
        &[
            "train",
            "--dist",
            "agent_based",
            "--agents",
            "4",
            "--seed",
            "1",
            "--max-agents",
            "3",
            "--out",
            s(&w),
        ],
        "--max-agents 3 is smaller than the instance's 4 agents",
    );
    check_refused(
        &[
            "train",
            "--dist",
            "agent_based",
            "--agents",
            "4",
            "--seed",
            "1",
            "--episodes",
            "0",
            "--out",
            s(&w),
        ],
        "--episodes must be at least 1",
    );
    check_refused(
        &[
            "train",
            "--dist",
            "agent_based",
            "--agents",
            "4",
            "--seed",
            "1",
            "--lr=0",
            "--out",
            s(&w),
        ],
        "learning rate",
    );
    check_refused(
        &[
            "train",
            "--dist",
            "agent_based",
            "--agents",
            "4",
            "--seed",
            "1",
            "--hidden",
            "0",
            "--out",
            s(&w),
        ],
        "hidden layer sizes [0]",
    );
    check_refused(
        &[
            "train",
            "--dist",
            "agent_based",
            "--agents",
            "4",
            "--seed",
            "1",
            "--init",
            s(&junk),
            "--out",
            s(&w),
        ],
        "bad weights file",
    );
    check_refused(
        &[
            "train",
            "--dist",
            "agent_based",
            "--agents",
            "4",
            "--seed",
            "1",
            "--init",
            s(&w),
            "--max-agents",
            "9",
            "--out",
            s(&w),
        ],
        "--max-agents 9 differs",
    );
    // A network continued from weights keeps their shape: asking for another one is refused.
    check_refused(
        &[
            "train",
            "--dist",
            "agent_based",
            "--agents",
            "4",
            "--seed",
            "1",
            "--init",
            s(&w),
            "--hidden",
            "16",
            "--out",
            s(&w),
        ],
        "cannot be used with",
    );
    // The refused commands left the good weights file as it was.
    assert!(solve(&[
        "solve",
        "--algo",
        "bridge",
        "--dist",
        "agent_based",
        "--agents",
        "4",
        "--seed",
        "1",
        "--weights",
        s(&w)
    ])
    .structure(4)
    .is_ok());
}

/// `bridge repro table1` on one seed with a few episodes of training, plus `extra`; its
/// Markdown.
fn tiny_table1(results: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "repro",
        "table1",
        "--results",
        s(results),
        "--seeds",
        "1",
        "--pretrain-episodes",
        "3",
        "--few-shot-short",
        "2",
        "--few-shot-long",
        "3",
        "--graph-episodes",
        "2",
    ];
    args.extend_from_slice(extra);
    stdout(&bridge(&args))
}

#[test]
fn repro_table1_writes_its_tables_and_plot() {
    let dir = Scratch::new();
    let results = dir.path("results");
    let md = tiny_table1(&results, &[]);
    assert!(md.contains("| Random policy | "), "{md}");
    assert!(
        md.contains("(97.2)"),
        "the paper's figures stand beside ours: {md}"
    );
    let csv = std::fs::read_to_string(results.join("table1.csv")).expect("CSV written");
    // 3 metrics × 10 methods (7, and the graph leader's 3) × 6 sizes, plus the header.
    assert_eq!(csv.lines().count(), 1 + 3 * 10 * 6);
    assert!(
        md.contains("| Graph leader, greedy (issue 12") && md.contains("Graph leader: 2 episodes"),
        "the graph leader's rows and how it was trained: {md}"
    );
    assert!(
        md.contains("over an untrained network (control"),
        "the beam's control row: {md}"
    );
    let svg = std::fs::read_to_string(results.join("table1_training.svg")).expect("SVG written");
    assert!(svg.starts_with("<svg") && svg.contains("10 agents"));
    // The per-instance comparison with C-Link: one seed, so each size counts one instance.
    for row in [
        "| greedy rollout | ",
        "| beam 8 over Q | ",
        "| graph leader, greedy (no few-shot) | ",
    ] {
        let line = md
            .lines()
            .find(|l| l.starts_with(row))
            .unwrap_or_else(|| panic!("no row {row}: {md}"));
        let cells: Vec<usize> = line
            .trim_matches('|')
            .split('|')
            .skip(1)
            .map(|cell| {
                cell.split('/')
                    .map(|x| x.trim().parse::<usize>().expect("a count"))
                    .sum()
            })
            .collect();
        assert_eq!(cells, vec![1; 6], "{line}");
    }
    // Our leader's options are named in the table, and seeds can start elsewhere.
    let ours = tiny_table1(
        &results,
        &[
            "--first-seed",
            "7",
            "--scorer",
            "lookahead",
            "--double-dqn",
            "--return-bound",
            "--return-mix",
            "0.25",
            "--target-sync",
            "20",
        ],
    );
    assert!(ours.contains("1 seeds: 7..7"), "{ours}");
    assert!(
        ours.contains("except: lookahead scorer, target sync every 20 updates, Double DQN, return lower bound, return mix λ = 0.25"),
        "{ours}"
    );
    // `--settings ours` gives our lookahead leader's settings; options given override them.
    let preset = tiny_table1(
        &results,
        &["--settings", "ours", "--lr", "0.001", "--return-mix", "0.5"],
    );
    assert!(
        preset.contains("except: lookahead scorer, ε decaying over 1000 steps, target sync every 20 updates, 2 updates per step, Double DQN, return lower bound, return mix λ = 0.5;"),
        "{preset}"
    );
    for (flag, value, expected) in [
        ("--settings", "mine", "invalid value 'mine' for '--settings"),
        ("--return-mix", "1.5", "the return mix λ must lie in [0, 1]"),
        ("--scorer", "psychic", "scorer `psychic` is not one of"),
        ("--target-sync", "0", "--target-sync"),
    ] {
        check_refused(
            &["repro", "table1", "--results", s(&results), flag, value],
            expected,
        );
    }
    check_refused(
        &["repro", "table9", "--results", s(&results)],
        "unknown experiment `table9`",
    );
    check_refused(
        &[
            "repro",
            "table1",
            "--results",
            s(&results),
            "--few-shot-short",
            "5",
            "--few-shot-long",
            "4",
        ],
        "--few-shot-long",
    );
}

#[test]
fn repro_table5_times_every_network_size() {
    let dir = Scratch::new();
    let results = dir.path("results");
    let md = stdout(&bridge(&[
        "repro",
        "table5",
        "--results",
        s(&results),
        "--seeds",
        "1",
    ]));
    assert!(
        md.contains("| 3 layers (128, 128) |") && md.contains("(8.72 s)"),
        "{md}"
    );
    let csv = std::fs::read_to_string(results.join("table5.csv")).expect("CSV written");
    assert_eq!(csv.lines().count(), 1 + 4 * 8);
    // A rollout makes at most n − 1 merges (fields counted from the right, since the network's
    // name holds a comma).
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.rsplitn(6, ',').collect();
        let merges: f64 = f[1].parse().expect("merges");
        let agents: f64 = f[4].parse().expect("agents");
        assert!((0.0..=agents - 1.0).contains(&merges), "{line}");
    }
    assert!(std::fs::read_to_string(results.join("table5.svg"))
        .expect("SVG")
        .starts_with("<svg"));
}

#[test]
fn budgets_are_checked() {
    let inst = ["--dist", "combined", "--agents", "12", "--seed", "3"];
    let one = solve(&[&["solve", "--algo", "grasp", "--budget", "1"][..], &inst].concat());
    let five = solve(&[&["solve", "--algo", "grasp", "--budget", "5"][..], &inst].concat());
    assert!(
        five.value >= one.value,
        "more restarts never lose: {} < {}",
        five.value,
        one.value
    );
    check_refused(
        &[&["solve", "--algo", "grasp", "--budget", "0"][..], &inst].concat(),
        "--budget must be at least 1",
    );
    check_refused(
        &[&["solve", "--algo", "clink", "--budget", "3"][..], &inst].concat(),
        "clink takes no --budget",
    );
    check_refused(
        &[&["solve", "--algo", "grasp", "--budget=-2"][..], &inst].concat(),
        "--budget",
    );
}

#[test]
fn uct_takes_a_budget_of_playouts() {
    let args = |budget: &str| {
        [
            "solve",
            "--algo",
            "uct",
            "--budget",
            budget,
            "--dist",
            "agent_based",
            "--agents",
            "12",
            "--seed",
            "4",
        ]
        .map(String::from)
    };
    let short = solve(&args("1").each_ref().map(String::as_str));
    let long = solve(&args("300").each_ref().map(String::as_str));
    assert_eq!(short.algorithm, "uct");
    assert!(long.value >= short.value, "more playouts found less");
    check_refused(&args("0").each_ref().map(String::as_str), "--budget");
}

#[test]
fn anytime_algorithms_take_a_budget_in_seconds() {
    for algo in ["grasp", "uct", "saldae"] {
        let s = solve(&[
            "solve",
            "--algo",
            algo,
            "--budget",
            "0.05s",
            "--dist",
            "modified_normal",
            "--agents",
            "60",
            "--seed",
            "2",
        ]);
        assert!(s.structure(60).is_ok(), "{algo}");
        assert!(
            s.seconds < 5.0,
            "{algo} ran {} s on a 0.05 s budget",
            s.seconds
        );
    }
    let inst = ["--dist", "modified_normal", "--agents", "8", "--seed", "1"];
    for (budget, expected) in [
        ("--budget=0s", "give a positive number of seconds"),
        ("--budget=-1s", "give a positive number of seconds"),
        (
            "--budget=fast",
            "neither a number of iterations (e.g. 500) nor of seconds (e.g. 2.5s)",
        ),
        (
            "--budget=2xs",
            "`2xs` is not a number of seconds such as 2.5s",
        ),
    ] {
        check_refused(
            &[&["solve", "--algo", "uct", budget][..], &inst].concat(),
            expected,
        );
    }
}

#[test]
fn grasp_gives_a_partition_at_two_hundred_agents() {
    for dist in ["modified_normal", "hard_modified_normal"] {
        let s = solve(&[
            "solve", "--algo", "grasp", "--budget", "1", "--dist", dist, "--agents", "200",
            "--seed", "1",
        ]);
        assert!(s.structure(200).is_ok());
        assert_eq!(s.algorithm, "grasp");
    }
}

#[test]
fn every_feature_set_trains_a_graph_leader_that_records_it_and_runs() {
    let dir = Scratch::new();
    let features = |weights: &Path| {
        let bytes = std::fs::read(weights).expect("written");
        let len = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")) as usize;
        let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + len]).expect("json");
        header["__metadata__"]["features"]
            .as_str()
            .map(String::from)
    };
    for (flag, want) in [
        ("first", "graph-features/1"),
        ("next-merge", "graph-features/2"),
        ("next-merge-gain", "graph-features/3"),
    ] {
        let weights = dir.path(&format!("graph-{flag}.safetensors"));
        bridge(&[
            "train",
            "--network",
            "graph",
            "--features",
            flag,
            "--agents",
            "10..10",
            "--dist",
            "combined",
            "--episodes",
            "2",
            "--validate-every",
            "2",
            "--seed",
            "1",
            "--out",
            s(&weights),
        ]);
        assert_eq!(features(&weights).as_deref(), Some(want));
        let sol = solve(&[
            "solve",
            "--algo",
            "bridge",
            "--weights",
            s(&weights),
            "--dist",
            "combined",
            "--agents",
            "30",
            "--seed",
            "2",
        ]);
        assert!(sol.structure(30).is_ok(), "a partition of 30 agents");
    }
}

#[test]
fn a_graph_leader_trained_at_twenty_agents_runs_at_a_thousand() {
    let dir = Scratch::new();
    let weights = dir.path("graph.safetensors");
    let summary = stdout(&bridge(&[
        "train",
        "--network",
        "graph",
        "--agents",
        "20..20",
        "--dist",
        "modified_normal,agent_based",
        "--episodes",
        "6",
        "--validate-every",
        "3",
        "--seed",
        "1",
        "--out",
        s(&weights),
    ]));
    let summary: serde_json::Value = serde_json::from_str(&summary).expect("json");
    assert_eq!(summary["network"], "graph");
    assert_eq!(summary["episodes"], 6);
    assert_eq!(summary["validations"].as_array().map(Vec::len), Some(3));
    assert!(summary["bytes"].as_u64().is_some_and(|b| b < 1 << 20));
    for (n, dist) in [("5", "combined"), ("1000", "modified_normal")] {
        let s = solve(&[
            "solve",
            "--algo",
            "bridge",
            "--weights",
            s(&weights),
            "--dist",
            dist,
            "--agents",
            n,
            "--seed",
            "3",
        ]);
        let n: usize = n.parse().expect("a number");
        assert!(s.structure(n).is_ok(), "a partition of {n} agents");
        let clink = solve(&[
            "solve",
            "--algo",
            "clink",
            "--dist",
            dist,
            "--agents",
            &n.to_string(),
            "--seed",
            "3",
        ]);
        // `solve` keeps the better of the leader's greedy rollout and C-Link's (the untrained
        // network's), so it is never below C-Link, whatever checkpoint was kept.
        assert!(
            s.value >= clink.value - 1e-9 * clink.value.abs(),
            "{n} agents: {} vs C-Link {}",
            s.value,
            clink.value
        );
    }
    // A beam within a time budget: a partition, never below C-Link either.
    let beam = |extra: &[&str]| {
        let mut a = vec![
            "solve",
            "--algo",
            "bridge",
            "--weights",
            s(&weights),
            "--dist",
            "hard_modified_normal",
            "--agents",
            "30",
            "--seed",
            "2",
        ];
        a.extend_from_slice(extra);
        solve(&a)
    };
    let clink = solve(&[
        "solve",
        "--algo",
        "clink",
        "--dist",
        "hard_modified_normal",
        "--agents",
        "30",
        "--seed",
        "2",
    ]);
    for extra in [&["--beam", "4"][..], &["--beam", "8", "--time-ms", "0.5"]] {
        let b = beam(extra);
        assert!(b.structure(30).is_ok(), "{extra:?}");
        assert!(
            b.value >= clink.value - 1e-9 * clink.value.abs(),
            "{extra:?}"
        );
    }
    check_refused(
        &[
            "solve",
            "--algo",
            "clink",
            "--dist",
            "combined",
            "--agents",
            "10",
            "--seed",
            "1",
            "--time-ms",
            "5",
        ],
        "--time-ms is the graph leader's search time",
    );
    check_refused(
        &[
            "solve",
            "--algo",
            "bridge",
            "--weights",
            s(&weights),
            "--dist",
            "combined",
            "--agents",
            "10",
            "--seed",
            "1",
            "--budget",
            "5",
        ],
        "bridge takes no --budget",
    );
    // The graph leader's file is not the paper network's, and the other way round.
    check_refused(
        &[
            "train",
            "--dist",
            "modified_normal",
            "--agents",
            "5",
            "--seed",
            "1",
            "--episodes",
            "1",
            "--init",
            s(&weights),
            "--out",
            s(&dir.path("x.safetensors")),
        ],
        "graph leader",
    );
    let paper = dir.path("paper.safetensors");
    train_small(&paper, &[]);
    check_refused(
        &[
            "train",
            "--network",
            "graph",
            "--init",
            s(&paper),
            "--episodes",
            "1",
            "--out",
            s(&dir.path("y.safetensors")),
        ],
        "paper's network",
    );
    check_refused(
        &[
            "train",
            "--network",
            "graph",
            "--instance",
            s(&paper),
            "--out",
            s(&dir.path("z.safetensors")),
        ],
        "not on one instance",
    );
    // Options the chosen network would not read are refused, not ignored.
    check_refused(
        &[
            "train",
            "--network",
            "graph",
            "--hidden",
            "64",
            "--out",
            s(&dir.path("h.safetensors")),
        ],
        "--hidden does not apply to --network graph",
    );
    check_refused(
        &[
            "train",
            "--rounds",
            "1",
            "--agents",
            "5",
            "--dist",
            "agent_based",
            "--out",
            s(&dir.path("r.safetensors")),
        ],
        "--rounds does not apply to the paper's network",
    );
    check_refused(
        &[
            "train",
            "--features",
            "first",
            "--agents",
            "5",
            "--dist",
            "agent_based",
            "--out",
            s(&dir.path("n.safetensors")),
        ],
        "--features does not apply to the paper's network",
    );
    check_refused(
        &[
            "train",
            "--network",
            "graph",
            "--features",
            "next",
            "--out",
            s(&dir.path("n.safetensors")),
        ],
        "`next` is not a feature set of the graph leader: give first, next-merge, next-merge-gain",
    );
    check_refused(
        &[
            "solve", "--algo", "clink", "--dist", "combined", "--agents", "10..20", "--seed", "1",
        ],
        "is a range",
    );
}

/// The page's built-in example leader (src/web/examples.rs) still reads and solves the
/// instance it was trained on as it did when it was made.
#[test]
fn the_page_s_example_leader_solves_its_instance_as_when_it_was_made() {
    let weights = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("static/examples/leader-modified-normal-10.safetensors");
    let sol = solve(&[
        "solve",
        "--dist",
        "modified_normal",
        "--agents",
        "10",
        "--seed",
        "1",
        "--algo",
        "bridge",
        "--weights",
        weights.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(sol.value, 253.13401875992554);
}
