//! `bridge repro` sweeps: `--jobs`, `--shard` and `--merge` give the tables of one sequential
//! run (apart from measured times); merges refuse missing, duplicated and mismatched runs; the
//! Slurm script and the Kubernetes manifest run shards and merges as `bridge` expects.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BRIDGE: &str = env!("CARGO_BIN_EXE_bridge");

/// Each experiment with the options of a tiny sweep (table3's two runs train 400 episodes each;
/// one of its three shards is empty).
const TINY: [(&str, &str); 7] = [
    (
        "table1",
        "--seeds 2 --pretrain-episodes 3 --few-shot-short 2 --few-shot-long 3 --agents 5,6 --graph-episodes 2",
    ),
    ("table3", "--seeds 2 --pretrain-episodes 3 --agents 5"),
    ("table5", "--seeds 2 --agents 30,40"),
    (
        "fig2",
        "--seeds 1 --agents 30 --pretrain-episodes 2 --pretrain-agents 4 --graph-episodes 2",
    ),
    (
        "table2",
        "--seeds 2 --agents 30,40 --pretrain-episodes 2 --pretrain-agents 4 --graph-episodes 2",
    ),
    (
        "table4",
        "--seeds 2 --agents 30 --pretrain-episodes 2 --pretrain-agents 4 --graph-episodes 2",
    ),
    (
        "table7",
        "--seeds 2 --agents 30 --pretrain-episodes 2 --pretrain-agents 4 --graph-episodes 2",
    ),
];

/// The options of `name`'s tiny sweep.
fn tiny(name: &str) -> Vec<&'static str> {
    TINY.iter()
        .find(|(n, _)| *n == name)
        .map(|(_, args)| args.split_whitespace().collect())
        .expect("a tiny sweep of every experiment")
}

fn run(args: &[&str]) -> Output {
    Command::new(BRIDGE)
        .args(args)
        .output()
        .expect("the bridge binary runs")
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The refusal's one line on stderr, after checking the exit code.
fn refused(out: Output) -> String {
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    String::from_utf8(out.stderr).expect("utf-8 errors")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// `bridge repro NAME` with its tiny options, `--results dir` and `extra`.
fn repro(name: &str, dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["repro", name, "--results", s(dir)];
    args.extend(tiny(name));
    args.extend_from_slice(extra);
    run(&args)
}

/// The columns that hold measured times, by CSV header.
const TIME_COLUMNS: [&str; 3] = ["seconds", "ms_mean", "ms_std"];

/// Splits a CSV line at commas outside quotes.
fn fields(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// A CSV with its time columns blanked.
fn without_times(csv: &str) -> String {
    let mut lines = csv.lines();
    let header = fields(lines.next().unwrap_or(""));
    let times: Vec<bool> = header
        .iter()
        .map(|h| TIME_COLUMNS.contains(&h.as_str()))
        .collect();
    assert!(!header.is_empty());
    let mut out = header.join(",") + "\n";
    for line in lines {
        let cells: Vec<String> = fields(line)
            .into_iter()
            .zip(&times)
            .map(|(cell, &time)| if time { "T".to_string() } else { cell })
            .collect();
        out += &(cells.join(",") + "\n");
    }
    out
}

/// The Markdown with its measured times blanked: Table 2's table of milliseconds and speed-up
/// row, Table 5's `mean ± std ms` and its sentence on the time at 100 agents.
fn markdown_without_times(md: &str) -> String {
    let mut out = String::new();
    let mut milliseconds = false;
    for line in md.lines() {
        milliseconds = line.starts_with("| ours (ms)") || (milliseconds && line.starts_with('|'));
        if milliseconds
            || line.starts_with("| paper's BRIDGE ÷ ours")
            || line.starts_with("At 100 agents")
        {
            out += "<times>\n";
            continue;
        }
        let cells: Vec<String> = line
            .split(" | ")
            .map(|cell| match cell.find(" ms, ") {
                Some(i) => format!("<time>{}", &cell[i..]),
                None => cell.to_string(),
            })
            .collect();
        out += &(cells.join(" | ") + "\n");
    }
    out
}

/// The files an experiment wrote into `dir`, by name (shards and leaders aside), with measured
/// times blanked and the SVG plots of times left out.
fn outputs(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("results dir") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        if !path.is_file() || name.contains(".shard-") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("text output");
        let text = match name.rsplit('.').next() {
            Some("csv") => without_times(&text),
            Some("md") => markdown_without_times(&text),
            // The plots of times (table2.svg, table5.svg) are not compared.
            Some("svg") if name == "table2.svg" || name == "table5.svg" => continue,
            _ => text,
        };
        files.insert(name, text);
    }
    files
}

fn assert_same(name: &str, what: &str, a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{name}, {what}: the same files"
    );
    for (file, text) in a {
        assert!(
            text == &b[file],
            "{name}, {what}: {file} differs:\n--- one run\n{text}\n--- {what}\n{}",
            b[file]
        );
    }
}

/// The shard files of `name` in `dir`.
fn shard_files(dir: &Path, name: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("results dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("{name}.shard-")) && n.ends_with(".jsonl"))
        })
        .collect();
    files.sort();
    files
}

/// One experiment: one thread, two threads, three shards in three processes then merged.
fn check_experiment(name: &str) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let one = tmp.path().join("one");
    let two = tmp.path().join("two");
    let sharded = tmp.path().join("sharded");
    let merged = tmp.path().join("merged");
    // All five at once: the shards share their results directory (and its leaders) as on a
    // cluster.
    let start = |dir: &Path, extra: &[&str]| {
        let mut args = vec!["repro", name, "--results", s(dir)];
        args.extend(tiny(name));
        args.extend_from_slice(extra);
        Command::new(BRIDGE)
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the bridge binary runs")
    };
    let processes = [
        start(&one, &["--jobs", "1"]),
        start(&two, &["--jobs", "2"]),
        start(&sharded, &["--jobs", "1", "--shard", "0/3"]),
        start(&sharded, &["--jobs", "1", "--shard", "1/3"]),
        start(&sharded, &["--jobs", "1", "--shard", "2/3"]),
    ];
    let printed: Vec<String> = processes
        .into_iter()
        .map(|p| ok(p.wait_with_output().expect("bridge ran")))
        .collect();
    assert!(!printed[0].contains("Partial"), "{}", printed[0]);
    assert!(
        printed[2..].iter().all(String::is_empty),
        "a shard prints no table"
    );
    let reference = outputs(&one);
    assert!(
        reference.contains_key(&format!("{name}.md")),
        "{reference:?}"
    );
    assert!(
        reference.keys().any(|f| f.ends_with(".csv")),
        "{reference:?}"
    );
    assert_same(name, "--jobs 2", &reference, &outputs(&two));

    let shards = shard_files(&sharded, name);
    assert_eq!(shards.len(), 3, "{shards:?}");
    let lines: usize = shards
        .iter()
        .map(|f| std::fs::read_to_string(f).expect("shard").lines().count())
        .sum();
    assert!(lines >= 2, "{name}: {lines} runs in all");
    ok(repro(name, &merged, &["--merge", s(&sharded)]));
    assert_same(name, "three shards merged", &reference, &outputs(&merged));
}

#[test]
fn tables1_and_5_are_the_same_on_threads_shards_and_merges() {
    for name in ["table1", "table5"] {
        check_experiment(name);
    }
}

#[test]
fn table3_is_the_same_on_threads_shards_and_merges() {
    check_experiment("table3");
}

#[test]
fn fig2_and_table2_are_the_same_on_threads_shards_and_merges() {
    for name in ["fig2", "table2"] {
        check_experiment(name);
    }
}

#[test]
fn tables4_and_7_are_the_same_on_threads_shards_and_merges() {
    for name in ["table4", "table7"] {
        check_experiment(name);
    }
}

#[test]
fn merges_refuse_missing_duplicated_and_mismatched_runs() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let shards = tmp.path().join("shards");
    let out = tmp.path().join("out");
    for i in 0..3 {
        ok(repro("table5", &shards, &["--shard", &format!("{i}/3")]));
    }
    // Table 5 here: 4 networks × 2 sizes × 2 seeds = 16 runs, in blocks of 5, 5 and 6.
    let files = shard_files(&shards, "table5");
    let third = std::fs::read_to_string(&files[2]).expect("shard 2");
    assert_eq!(third.lines().count(), 6);

    // Missing: shard 2 elsewhere.
    let partial = tmp.path().join("partial");
    std::fs::create_dir_all(&partial).expect("dir");
    for f in &files[..2] {
        std::fs::copy(f, partial.join(f.file_name().expect("name"))).expect("copy");
    }
    let err = refused(repro("table5", &out, &["--merge", s(&partial)]));
    assert!(
        err.contains("6 of 16 runs of table5 are missing")
            && err.contains("#10 {\"agents\":40,\"network\":\"4 layers (128, 128)\",\"seed\":0}")
            && err.contains("--allow-partial"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // Unless asked for partial tables, which say so.
    let md = ok(repro(
        "table5",
        &out,
        &["--merge", s(&partial), "--allow-partial"],
    ));
    assert!(
        md.contains("**Partial table**: built from 10 of 16 runs; missing: #10 "),
        "{md}"
    );
    assert!(md.contains("| 5 layers (128, 128) | NaN ± NaN ms"), "{md}");

    // Duplicated: a shard given twice, as a directory and as a file.
    let err = refused(repro(
        "table5",
        &out,
        &["--merge", s(&shards), s(&files[1])],
    ));
    assert!(
        err.contains("refusing to merge 5 duplicated runs") && err.contains("#5 {"),
        "{err}"
    );
    // Mismatched settings: the shards ran with the paper's learning rate.
    let err = refused(repro(
        "table5",
        &out,
        &["--merge", s(&shards), "--lr", "0.002"],
    ));
    assert!(
        err.contains("refusing to merge 16 mismatched runs")
            && err.contains("was made with other settings: lr 0.001 instead of 0.002"),
        "{err}"
    );
    // Another build's shards: the version each line records differs.
    let other = tmp.path().join("other-build");
    std::fs::create_dir_all(&other).expect("dir");
    for f in &files {
        let text = std::fs::read_to_string(f).expect("shard");
        let ours = format!("\"version\":\"{}", env!("CARGO_PKG_VERSION"));
        assert!(text.contains(&ours), "{text}");
        let theirs = text.replace(&ours, "\"version\":\"0.0.0-other");
        std::fs::write(other.join(f.file_name().expect("name")), theirs).expect("write");
    }
    let err = refused(repro("table5", &out, &["--merge", s(&other)]));
    assert!(
        err.contains("refusing to merge 16 mismatched runs")
            && err.contains("was made by bridge 0.0.0-other"),
        "{err}"
    );
    // Garbage lines name their file and line.
    let garbage = tmp.path().join("garbage");
    std::fs::create_dir_all(&garbage).expect("dir");
    std::fs::write(
        garbage.join("table5.shard-0-of-1.jsonl"),
        format!(
            "{}not json\n",
            std::fs::read_to_string(&files[0]).expect("shard")
        ),
    )
    .expect("write");
    let err = refused(repro("table5", &out, &["--merge", s(&garbage)]));
    assert!(
        err.contains("table5.shard-0-of-1.jsonl:6: not a line of a `bridge repro --shard` output"),
        "{err}"
    );
    // A directory that does not exist, or holds no shard of the experiment.
    let err = refused(repro(
        "table5",
        &out,
        &["--merge", s(&tmp.path().join("nowhere"))],
    ));
    assert!(err.contains("cannot read"), "{err}");
    let err = refused(repro("table1", &out, &["--merge", s(&shards)]));
    assert!(err.contains("holds no shard of table1"), "{err}");
}

#[test]
fn partial_merges_of_every_experiment_say_what_is_missing() {
    // From nothing at all (an empty shard file), and fig2 from one shard of three: whole
    // distributions missing leave plots without points, which must still be drawn.
    let tmp = tempfile::tempdir().expect("temp dir");
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).expect("dir");
    for (name, _) in TINY {
        std::fs::write(empty.join(format!("{name}.shard-0-of-1.jsonl")), "").expect("write");
        let md = ok(repro(
            name,
            &tmp.path().join(name),
            &["--merge", s(&empty), "--allow-partial"],
        ));
        assert!(
            md.contains("**Partial table**: built from 0 of "),
            "{name}: {md}"
        );
    }
    let one = tmp.path().join("one-shard");
    ok(repro("fig2", &one, &["--shard", "1/3"]));
    let md = ok(repro(
        "fig2",
        &tmp.path().join("fig2-partial"),
        &["--merge", s(&one), "--allow-partial"],
    ));
    assert!(
        md.contains(
            "built from 4 of 13 runs; missing: #0 {\"kind\":\"graph_leader\"}, #1 {\"kind\":\"leader\""
        ) && md.contains("Leader: (its run is missing).")
            && md.contains("Leader: agent_based, 4 agents")
            && md.contains("one leader for every distribution and size: (its run is missing)"),
        "{md}"
    );
}

#[test]
fn bad_sweep_options_are_refused() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("r");
    for (flag, value) in [
        ("--shard", "3/3"),
        ("--shard", "0/0"),
        ("--shard", "x"),
        ("--shard", "1"),
        ("--jobs", "0"),
        ("--agents", "35"),
    ] {
        let err = refused(repro("table5", &dir, &[flag, value]));
        assert!(
            err.contains(flag) || err.contains(value),
            "{flag} {value}: {err}"
        );
    }
    let err = refused(repro("table5", &dir, &["--allow-partial"]));
    assert!(err.contains("--merge"), "{err}");
    // A shard file that cannot be created is refused before any run.
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "").expect("write");
    let err = refused(repro("table5", &file, &["--shard", "0/2"]));
    assert!(err.contains("cannot create"), "{err}");
}

/// A directory holding `bridge` (this build) for scripts that call it by name.
fn path_with_bridge(dir: &Path) -> String {
    std::fs::create_dir_all(dir).expect("dir");
    #[cfg(unix)]
    std::os::unix::fs::symlink(BRIDGE, dir.join("bridge")).expect("symlink");
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[test]
fn the_slurm_script_runs_one_shard_per_task_then_merges() {
    let script = repo("deploy/slurm/repro.sbatch");
    let submit = repo("deploy/slurm/submit.sh");
    for file in [&script, &submit] {
        let out = Command::new("bash")
            .arg("-n")
            .arg(file)
            .output()
            .expect("bash");
        assert!(out.status.success(), "{file:?}: {out:?}");
        if Command::new("shellcheck").arg("--version").output().is_ok() {
            let out = Command::new("shellcheck")
                .arg(file)
                .output()
                .expect("shellcheck");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let results = tmp.path().join("results");
    let options = tiny("table5");
    // An array --array=1-3: tasks 1, 2, 3 are shards 0/3, 1/3, 2/3.
    for task in 1..=3 {
        let dry = Command::new("bash")
            .arg(&script)
            .arg("table5")
            .args(&options)
            .env("SLURM_ARRAY_TASK_ID", task.to_string())
            .env("SLURM_ARRAY_TASK_MIN", "1")
            .env("SLURM_ARRAY_TASK_COUNT", "3")
            .env("SLURM_CPUS_PER_TASK", "2")
            .env("DRY_RUN", "1")
            .output()
            .expect("bash");
        let line = ok(dry);
        assert!(
            line.contains(&format!("--jobs 2 --shard {}/3 --seeds 2", task - 1)),
            "{line}"
        );
        ok(Command::new("bash")
            .arg(&script)
            .arg("table5")
            .args(&options)
            .env("SLURM_ARRAY_TASK_ID", task.to_string())
            .env("SLURM_ARRAY_TASK_MIN", "1")
            .env("SLURM_ARRAY_TASK_COUNT", "3")
            .env("BRIDGE", BRIDGE)
            .env("RESULTS", &results)
            .output()
            .expect("bash"));
    }
    assert_eq!(shard_files(&results, "table5").len(), 3);
    let md = ok(Command::new("bash")
        .arg(&script)
        .arg("--merge")
        .arg("table5")
        .args(&options)
        .env("BRIDGE", BRIDGE)
        .env("RESULTS", &results)
        .output()
        .expect("bash"));
    assert!(
        md.contains("| 3 layers (128, 128) |") && !md.contains("Partial"),
        "{md}"
    );
    // Outside an array the script says how to run it.
    let out = Command::new("bash")
        .arg(&script)
        .arg("table5")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .output()
        .expect("bash");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--array"));
}

/// The value of the environment variable `name` of a container.
fn env_of<'a>(container: &'a serde_norway::Value, name: &str) -> &'a str {
    container["env"]
        .as_sequence()
        .expect("env")
        .iter()
        .find(|e| e["name"].as_str() == Some(name))
        .and_then(|e| e["value"].as_str())
        .unwrap_or_else(|| panic!("no {name} in {container:?}"))
}

#[test]
fn the_kubernetes_manifest_runs_indexed_shards_then_merges() {
    let text = std::fs::read_to_string(repo("deploy/k8s/repro-job.yaml")).expect("manifest");
    let docs: Vec<serde_norway::Value> = serde_norway::Deserializer::from_str(&text)
        .map(|d| serde::Deserialize::deserialize(d).expect("YAML"))
        .collect();
    let kind = |k: &str, name: &str| {
        docs.iter()
            .find(|d| d["kind"].as_str() == Some(k) && d["metadata"]["name"].as_str() == Some(name))
            .unwrap_or_else(|| panic!("no {k} {name}"))
    };
    let claim = kind("PersistentVolumeClaim", "bridge-results");
    assert_eq!(
        claim["spec"]["accessModes"][0].as_str(),
        Some("ReadWriteMany")
    );
    let shards = kind("Job", "bridge-repro-shards");
    let merge = kind("Job", "bridge-repro-merge");
    assert_eq!(shards["spec"]["completionMode"].as_str(), Some("Indexed"));
    let completions = shards["spec"]["completions"].as_u64().expect("completions");
    let shard_pod = &shards["spec"]["template"]["spec"];
    let merge_pod = &merge["spec"]["template"]["spec"];
    for pod in [shard_pod, merge_pod] {
        assert_eq!(
            pod["volumes"][0]["persistentVolumeClaim"]["claimName"].as_str(),
            Some("bridge-results")
        );
        assert_eq!(
            pod["containers"][0]["volumeMounts"][0]["mountPath"].as_str(),
            Some("/results")
        );
    }
    let (shard_c, merge_c) = (&shard_pod["containers"][0], &merge_pod["containers"][0]);
    for var in ["EXPERIMENT", "SHARDS", "OPTIONS"] {
        assert_eq!(env_of(shard_c, var), env_of(merge_c, var), "{var}");
    }
    assert_eq!(env_of(shard_c, "SHARDS"), completions.to_string());

    // Run both containers' commands here, the volume a temp dir, on a tiny table5 split into as
    // many shards as the manifest asks.
    let tmp = tempfile::tempdir().expect("temp dir");
    let results = tmp.path().join("results");
    std::fs::create_dir_all(&results).expect("dir");
    let path = path_with_bridge(&tmp.path().join("bin"));
    let command = |c: &serde_norway::Value| -> Vec<String> {
        c["command"]
            .as_sequence()
            .expect("command")
            .iter()
            .map(|a| a.as_str().expect("string").replace("/results", s(&results)))
            .collect()
    };
    let options = tiny("table5").join(" ");
    let sh = |cmd: &[String], index: Option<u64>| {
        let mut c = Command::new(&cmd[0]);
        c.args(&cmd[1..])
            .env("PATH", &path)
            .env("EXPERIMENT", "table5")
            .env("SHARDS", completions.to_string())
            .env("OPTIONS", &options)
            .env("JOBS", env_of(shard_c, "JOBS"));
        if let Some(i) = index {
            c.env("JOB_COMPLETION_INDEX", i.to_string());
        }
        c.output().expect("sh")
    };
    for i in 0..completions {
        ok(sh(&command(shard_c), Some(i)));
    }
    assert_eq!(shard_files(&results, "table5").len() as u64, completions);
    let md = ok(sh(&command(merge_c), None));
    assert!(
        md.contains("| 3 layers (128, 128) |") && !md.contains("Partial"),
        "{md}"
    );
}
