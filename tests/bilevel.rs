//! `bridge lbf`, the bi-level trainer on the grid: its outputs agree with each other, bad input
//! is refused before any training, and a run killed at any moment (SIGKILL) and started again
//! with the same command ends exactly as an uninterrupted run.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use bridge_lab::core::Solution;

fn bridge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bridge"))
        .args(args)
        .output()
        .expect("the bridge binary runs")
}

/// `bridge` with arguments built as owned strings.
fn bridge_with(args: &[String]) -> Output {
    bridge(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Asserts that the command succeeded, showing its error output if not.
fn succeeded(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// A short run of the teaching preset, writing into `dir`.
fn args<'a>(dir: &'a Path, extra: &[&'a str]) -> Vec<String> {
    let mut a: Vec<String> = [
        "lbf",
        "--config",
        "teaching",
        "--episodes",
        "6",
        "--epochs",
        "2",
        "--seed",
        "3",
    ]
    .iter()
    .map(|x| x.to_string())
    .collect();
    a.push("--out".into());
    a.push(s(&dir.join("solution.json")).into());
    a.push("--save".into());
    a.push(s(&dir.join("weights")).into());
    a.extend(extra.iter().map(|x| x.to_string()));
    a
}

fn solution(dir: &Path) -> Solution {
    let mut sol = Solution::from_json(
        &std::fs::read_to_string(dir.join("solution.json")).expect("a solution was written"),
    )
    .expect("a solution file");
    sol.seconds = 0.0;
    sol
}

fn weights(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join("weights").join(name)).expect("weights were written")
}

#[test]
fn a_run_writes_a_solution_an_episode_and_weights_that_agree() {
    let dir = tempfile::tempdir().expect("temp dir");
    let episode = dir.path().join("episode.json");
    let out = bridge_with(&args(dir.path(), &["--episode", s(&episode)]));
    succeeded(&out);
    let summary: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("a JSON summary on stdout");
    let sol = solution(dir.path());
    assert_eq!(summary["value"].as_f64(), Some(sol.value));
    assert_eq!(
        serde_json::to_value(&sol.coalitions).expect("lists"),
        summary["structure"]
    );
    let gain = summary["baseline_gain"].as_f64().expect("a gain");
    let singletons = summary["singleton_value"].as_f64().expect("a reference");
    assert!((sol.value - singletons - gain).abs() < 1e-9);
    // The followers' episode replays in our environment exactly.
    let check = bridge(&["lbf-replay", s(&episode), "--check"]);
    succeeded(&check);
    assert!(!weights(dir.path(), "leader.safetensors").is_empty());
    assert!(!weights(dir.path(), "followers.safetensors").is_empty());
}

#[test]
fn bad_input_is_refused_before_training() {
    let dir = tempfile::tempdir().expect("temp dir");
    let refused = |a: &[&str], expected: &str| {
        let out = bridge(a);
        assert_eq!(out.status.code(), Some(2), "{a:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{a:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    };
    refused(
        &["lbf", "--config", "6a9t"],
        "expected one of teaching, 6a4t",
    );
    refused(
        &["lbf", "--config", "teaching", "--algo", "exact"],
        "the algorithms are bridge, singleton, grand, clink",
    );
    refused(
        &[
            "lbf",
            "--config",
            "teaching",
            "--algo",
            "clink",
            "--checkpoint",
            "x",
        ],
        "not checkpointed",
    );
    refused(
        &["lbf", "--config", "teaching", "--budget", "5"],
        "--budget does not apply to bridge",
    );
    refused(
        &[
            "lbf",
            "--config",
            "teaching",
            "--algo",
            "clink",
            "--episodes",
            "5",
        ],
        "--episodes does not apply to a baseline",
    );
    refused(
        &[
            "lbf", "--config", "teaching", "--algo", "grand", "--budget", "1",
        ],
        "at least 2 follower trainings",
    );
    refused(
        &["repro", "fig3", "--configs", "6a4t,6a4t"],
        "names 6a4t twice",
    );
    refused(
        &["repro", "fig3", "--configs", "6a9t"],
        "the configurations are teaching, 6a4t",
    );
    // A custom configuration file: a misspelt field, a grid too small.
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("written");
        path
    };
    let example = std::fs::read_to_string(example_config()).expect("the example");
    let misspelt = file("misspelt.json", &example.replace("\"apples\"", "\"apple\""));
    refused(
        &["lbf", "--config", s(&misspelt)],
        "is not a custom LBF configuration",
    );
    let small = file(
        "small.json",
        &example.replace("\"grid_side\": 5", "\"grid_side\": 3"),
    );
    refused(&["lbf", "--config", s(&small)], "grid_side");
    let missing = dir.path().join("no/such/dir/out.json");
    refused(
        &["lbf", "--config", "teaching", "--out", s(&missing)],
        "cannot write",
    );
    // A checkpoint of other settings is not silently continued.
    let ckpt = dir.path().join("ckpt");
    let first = bridge(&[
        "lbf",
        "--config",
        "teaching",
        "--episodes",
        "2",
        "--epochs",
        "1",
        "--checkpoint",
        s(&ckpt),
        "--checkpoint-every",
        "0",
    ]);
    succeeded(&first);
    refused(
        &[
            "lbf",
            "--config",
            "teaching",
            "--episodes",
            "3",
            "--epochs",
            "1",
            "--checkpoint",
            s(&ckpt),
        ],
        "other settings",
    );
}

fn example_config() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/lbf-custom.json")
}

#[test]
fn a_custom_grid_from_a_file_trains_and_plays() {
    let dir = tempfile::tempdir().expect("temp dir");
    let episode = dir.path().join("episode.json");
    let config = example_config();
    let out = bridge(&[
        "lbf",
        "--config",
        s(&config),
        "--episodes",
        "2",
        "--epochs",
        "1",
        "--episode",
        s(&episode),
    ]);
    succeeded(&out);
    let summary: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("a JSON summary on stdout");
    let agents: usize = summary["structure"]
        .as_array()
        .expect("lists")
        .iter()
        .map(|c| c.as_array().expect("a coalition").len())
        .sum();
    assert_eq!(agents, 3);
    succeeded(&bridge(&["lbf-replay", s(&episode), "--check"]));
}

#[test]
fn a_run_killed_and_restarted_ends_as_an_uninterrupted_one() {
    let whole = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let out = bridge_with(&args(whole.path(), &[]));
    let whole_run = started.elapsed();
    succeeded(&out);

    let broken = tempfile::tempdir().expect("temp dir");
    let ckpt = broken.path().join("ckpt");
    let with_checkpoints = args(
        broken.path(),
        &["--checkpoint", s(&ckpt), "--checkpoint-every", "0"],
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_bridge"))
        .args(&with_checkpoints)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the bridge binary runs");
    // Kill it (SIGKILL) mid-run, a while after its first checkpoint: most likely in the middle
    // of a follower training, so the restart goes back to the last checkpoint before it. The
    // while is a tenth of the uninterrupted run (at most 300 ms), so that a fast build (release,
    // a fast machine) is still running when killed.
    let saved = ckpt.join("bridge-lbf-checkpoint.json");
    let start = Instant::now();
    while !saved.exists() && start.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep((whole_run / 10).min(Duration::from_millis(300)));
    child.kill().expect("killed");
    let status = child.wait().expect("reaped");
    assert!(
        !status.success(),
        "the run ended before it was killed: make it longer"
    );
    assert!(!broken.path().join("solution.json").exists());

    let again = bridge(
        &with_checkpoints
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    succeeded(&again);
    assert!(String::from_utf8_lossy(&again.stderr).contains("continuing from the checkpoint"));
    assert_eq!(solution(broken.path()), solution(whole.path()));
    for name in ["leader.safetensors", "followers.safetensors"] {
        assert!(
            weights(broken.path(), name) == weights(whole.path(), name),
            "{name} differs"
        );
    }
}

#[test]
fn a_baseline_searches_within_its_budget_and_writes_the_same_outputs() {
    let dir = tempfile::tempdir().expect("temp dir");
    // The run's arguments without --episodes, which a baseline does not read.
    let mut a = args(dir.path(), &["--algo", "clink", "--budget", "3"]);
    let k = a.iter().position(|x| x == "--episodes").expect("in args");
    a.drain(k..k + 2);
    let out = bridge_with(&a);
    succeeded(&out);
    let summary: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("a JSON summary on stdout");
    assert_eq!(summary["algorithm"], "clink");
    // Three trainings searching, one more on the structure found.
    assert!(
        summary["follower_trainings"].as_u64().expect("a count") <= 4,
        "{summary}"
    );
    let sol = solution(dir.path());
    assert_eq!(sol.algorithm, "clink");
    assert_eq!(serde_json::json!(sol.coalitions), summary["structure"]);
    assert_eq!(sol.value, summary["value"].as_f64().expect("a value"));
    // No leader: only the followers' weights.
    assert!(!dir.path().join("weights/leader.safetensors").exists());
    assert!(!weights(dir.path(), "followers.safetensors").is_empty());
}

#[test]
fn repro_table6_writes_the_paper_beside_ours_for_each_reuse_setting() {
    let dir = tempfile::tempdir().expect("temp dir");
    let results = dir.path().join("results");
    let out = bridge(&[
        "repro",
        "table6",
        "--configs",
        "teaching",
        "--seeds",
        "1",
        "--lbf-episodes",
        "1",
        "--results",
        s(&results),
    ]);
    succeeded(&out);
    let md = std::fs::read_to_string(results.join("table6.md")).expect("table6.md");
    for row in [
        "reuse critic / init actors",
        "reuse critic / reuse actors",
        "init critic / init actors",
        "init critic / reuse actors",
    ] {
        assert_eq!(
            md.matches(row).count(),
            3,
            "{row} in V, gain and the paper's: {md}"
        );
    }
    let csv = std::fs::read_to_string(results.join("table6.csv")).expect("table6.csv");
    assert_eq!(csv.lines().count(), 1 + 4, "{csv}");
}
