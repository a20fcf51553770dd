//! Every experiment as a sweep of independent runs: (a) a list of runs, (b) a function from one
//! run to its outcome, (c) a function from the ordered outcomes to the tables. Running all runs
//! here (`--jobs N` threads), one shard of them (`--shard i/N`, written as JSON lines) or merging
//! shards (`--merge DIR...`) are the same code path: every outcome goes through its JSON line,
//! and the tables are built from outcomes in the order of the run list.
//!
//! A shard is a contiguous block of the run list (`Shard::range`): experiments list the runs
//! that share a trained leader or a pretrained network next to each other, so a shard trains
//! few of them.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{anyhow, bail, Context, Result};
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One experiment, split into independent runs.
pub trait Experiment: Sync {
    /// What identifies one run: its key fields.
    type Run: Serialize + Sync;
    /// What one run measures.
    type Outcome: Serialize + DeserializeOwned + Send;

    /// Every run, in the order the tables are built from.
    fn runs(&self) -> Result<Vec<Self::Run>>;

    /// Makes ready, on the current thread pool, what `runs` share (trained leaders, pretrained
    /// networks), so that [`Experiment::execute`] never waits for another run.
    fn prepare(&self, runs: &[&Self::Run]) -> Result<()>;

    /// Executes one run. It depends on the run and the settings only, never on other runs.
    fn execute(&self, run: &Self::Run) -> Result<Self::Outcome>;

    /// The tables, CSV and plots from every run's outcome, in the order of [`Experiment::runs`]
    /// (`None`: missing, when merging with `--allow-partial`).
    fn report(&self, results: &[(&Self::Run, Option<Self::Outcome>)]) -> Result<Report>;
}

/// What an experiment writes under `--results`.
pub struct Report {
    /// The Markdown table, written as `<experiment>.md` and printed.
    pub markdown: String,
    /// Every other file: name and content (CSV, SVG).
    pub files: Vec<(String, String)>,
}

/// `--shard i/N`: the `index`-th of `count` slices of a sweep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// `i`, from 0.
    pub index: usize,
    /// `N`, at least 1.
    pub count: usize,
}

impl Shard {
    /// Reads `i/N` with `0 ≤ i < N`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a shard i/N with 0 ≤ i < N, such as 0/4");
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }

    /// The runs of this shard among `total`: a contiguous block, the blocks of all shards
    /// covering `0..total` once, their sizes differing by at most one.
    pub fn range(self, total: usize) -> std::ops::Range<usize> {
        total * self.index / self.count..total * (self.index + 1) / self.count
    }

    /// The file this shard writes for `experiment`.
    pub fn file_name(self, experiment: &str) -> String {
        format!(
            "{experiment}{SHARD_INFIX}{}-of-{}.jsonl",
            self.index, self.count
        )
    }
}

/// Shard files are named `<experiment>.shard-<i>-of-<N>.jsonl`.
const SHARD_INFIX: &str = ".shard-";

/// How to run a sweep: the command's options that do not change results.
pub struct Plan<'a> {
    /// The experiment's name (`fig2`), which names its files.
    pub experiment: &'a str,
    /// Every setting that changes results, recorded in shard files and compared on merging.
    pub settings: Value,
    /// The directory of the outputs.
    pub results: &'a Path,
    /// Threads.
    pub jobs: usize,
    /// Run only this slice and write its outcomes as JSON lines.
    pub shard: Option<Shard>,
    /// Build the tables from these shard outputs (directories or files) instead of running.
    pub merge: &'a [PathBuf],
    /// With `merge`: build the tables from the runs present.
    pub allow_partial: bool,
}

/// This build's version: the package's, and the commit when the build was given one in
/// `BRIDGE_COMMIT` (the container build does).
pub fn code_version() -> String {
    match option_env!("BRIDGE_COMMIT") {
        Some(commit) if !commit.is_empty() => {
            format!("{}+{commit}", env!("CARGO_PKG_VERSION"))
        }
        _ => env!("CARGO_PKG_VERSION").to_string(),
    }
}

/// A stable hash of the settings (SipHash-1-3 with zero keys over their JSON), as hex.
fn settings_hash(settings: &Value) -> String {
    use std::hash::Hasher as _;
    let mut hasher = siphasher::sip::SipHasher13::new_with_keys(0, 0);
    hasher.write(settings.to_string().as_bytes());
    format!("{:016x}", hasher.finish())
}

/// One line of a shard file: one run, everything that identifies it, and its outcome.
#[derive(Serialize, Deserialize)]
struct Record {
    experiment: String,
    /// The run's place in the experiment's run list.
    index: usize,
    run: Value,
    version: String,
    settings_hash: String,
    settings: Value,
    outcome: Value,
}

/// A run's name in messages: its place and key fields.
fn describe(index: usize, key: &str) -> String {
    format!("#{index} {key}")
}

/// At most `limit` items joined by `, `, then how many more.
fn some_of(items: &[String], limit: usize) -> String {
    let mut text = items
        .iter()
        .take(limit)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > limit {
        text += &format!(" and {} more", items.len() - limit);
    }
    text
}

/// Runs `plan` for `experiment`: all runs, one shard, or a merge.
pub fn sweep<E: Experiment>(experiment: &E, plan: &Plan) -> Result<()> {
    let runs = experiment.runs()?;
    let keys = runs
        .iter()
        .map(|run| Ok(serde_json::to_value(run)?.to_string()))
        .collect::<Result<Vec<String>>>()?;
    let outcomes: Vec<Option<E::Outcome>> = if plan.merge.is_empty() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(plan.jobs)
            .build()
            .context("cannot start the worker threads")?;
        let selected = plan.shard.map_or(0..runs.len(), |s| s.range(runs.len()));
        let out = plan.shard.map(|s| open_shard(plan, s)).transpose()?;
        let lines =
            pool.install(|| run_all::<E>(experiment, &runs, &keys, selected, plan, &out))?;
        if let (Some(shard), Some((partial, file))) = (plan.shard, out) {
            // The shard's file takes its name only once every run is in it.
            drop(file);
            let path = plan.results.join(shard.file_name(plan.experiment));
            std::fs::rename(&partial, &path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "wrote {} ({} of {} runs, shard {}/{}); build the tables with --merge",
                path.display(),
                lines.len(),
                runs.len(),
                shard.index,
                shard.count
            );
            return Ok(());
        }
        lines
            .into_iter()
            .map(|(_, outcome)| Some(outcome))
            .collect()
    } else {
        merge::<E>(plan, &keys)?
    };
    let missing: Vec<String> = outcomes
        .iter()
        .enumerate()
        .filter(|(_, o)| o.is_none())
        .map(|(k, _)| describe(k, &keys[k]))
        .collect();
    let results: Vec<(&E::Run, Option<E::Outcome>)> = runs.iter().zip(outcomes).collect();
    let report = experiment.report(&results)?;
    let mut markdown = report.markdown;
    if !missing.is_empty() {
        let note = format!(
            "\n**Partial table**: built from {} of {} runs; missing: {}.\n",
            runs.len() - missing.len(),
            runs.len(),
            some_of(&missing, 50)
        );
        let title_end = markdown.find('\n').map_or(markdown.len(), |i| i + 1);
        markdown.insert_str(title_end, &note);
    }
    super::write(plan.results, &format!("{}.md", plan.experiment), &markdown)?;
    for (name, text) in &report.files {
        super::write(plan.results, name, text)?;
    }
    print!("{markdown}");
    Ok(())
}

/// The open shard file and its path.
type ShardOut = (PathBuf, Mutex<std::io::BufWriter<std::fs::File>>);

/// Creates the shard's output file before any run starts, as `<file>.partial` until the shard
/// is complete.
fn open_shard(plan: &Plan, shard: Shard) -> Result<ShardOut> {
    let path = plan
        .results
        .join(format!("{}.partial", shard.file_name(plan.experiment)));
    let file = std::fs::File::create(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    Ok((path, Mutex::new(std::io::BufWriter::new(file))))
}

/// Executes the runs `selected` on the current pool: each outcome as its JSON line (written
/// to `out` as soon as it is known), decoded back, in run order.
fn run_all<E: Experiment>(
    experiment: &E,
    runs: &[E::Run],
    keys: &[String],
    selected: std::ops::Range<usize>,
    plan: &Plan,
    out: &Option<ShardOut>,
) -> Result<Vec<(usize, E::Outcome)>> {
    let mine: Vec<&E::Run> = runs[selected.clone()].iter().collect();
    experiment.prepare(&mine)?;
    let version = code_version();
    let hash = settings_hash(&plan.settings);
    selected
        .into_par_iter()
        .map(|k| {
            let name = || format!("{} run {}", plan.experiment, describe(k, &keys[k]));
            let outcome = experiment.execute(&runs[k]).with_context(name)?;
            let record = Record {
                experiment: plan.experiment.to_string(),
                index: k,
                run: serde_json::to_value(&runs[k])?,
                version: version.clone(),
                settings_hash: hash.clone(),
                settings: plan.settings.clone(),
                outcome: serde_json::to_value(&outcome)?,
            };
            let line = serde_json::to_string(&record)?;
            // The table is built from what the line says, as when merging: a value JSON
            // cannot carry (NaN) fails here, at the run, not when merging.
            let back: Record = serde_json::from_str(&line)?;
            let outcome = serde_json::from_value(back.outcome)
                .map_err(|e| anyhow!("its outcome does not survive JSON ({e})"))
                .with_context(name)?;
            if let Some((path, file)) = out {
                let mut file = file.lock().map_err(|_| anyhow!("a run failed"))?;
                writeln!(file, "{line}")
                    .and_then(|()| file.flush())
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            Ok((k, outcome))
        })
        .collect()
}

/// The shard files `path` names: itself if a file, else its `<experiment>.shard-*.jsonl`.
fn shard_files(experiment: &str, path: &Path) -> Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries =
        std::fs::read_dir(path).with_context(|| format!("cannot read {}", path.display()))?;
    let prefix = format!("{experiment}{SHARD_INFIX}");
    let mut files = Vec::new();
    for entry in entries {
        let file = entry
            .with_context(|| format!("cannot read {}", path.display()))?
            .path();
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with(&prefix) && name.ends_with(".jsonl") {
            files.push(file);
        }
    }
    if files.is_empty() {
        bail!(
            "{} holds no shard of {experiment} (files named {prefix}*.jsonl)",
            path.display()
        );
    }
    files.sort();
    Ok(files)
}

/// The settings whose values differ between `ours` and `theirs`, with both values.
fn differences(ours: &Value, theirs: &Value) -> String {
    let (Some(a), Some(b)) = (ours.as_object(), theirs.as_object()) else {
        return format!("{theirs} instead of {ours}");
    };
    let mut names: Vec<&String> = a.keys().chain(b.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| {
            let show = |v: Option<&Value>| v.map_or("none".to_string(), Value::to_string);
            format!("{k} {} instead of {}", show(b.get(k)), show(a.get(k)))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads every shard of `plan.merge`: each run's outcome in run order, refusing garbage,
/// duplicate, mismatched and (unless `allow_partial`) missing runs.
fn merge<E: Experiment>(plan: &Plan, keys: &[String]) -> Result<Vec<Option<E::Outcome>>> {
    let experiment = plan.experiment;
    let version = code_version();
    let hash = settings_hash(&plan.settings);
    let index: HashMap<&str, usize> = keys
        .iter()
        .enumerate()
        .map(|(k, key)| (key.as_str(), k))
        .collect();
    let mut outcomes: Vec<Option<(E::Outcome, String)>> = keys.iter().map(|_| None).collect();
    let (mut duplicates, mut mismatches) = (Vec::new(), Vec::new());
    for path in plan.merge {
        for file in shard_files(experiment, path)? {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            for (l, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let at = format!("{}:{}", file.display(), l + 1);
                let record: Record = serde_json::from_str(line).map_err(|e| {
                    anyhow!("{at}: not a line of a `bridge repro --shard` output ({e})")
                })?;
                let key = record.run.to_string();
                let Some(&k) = index.get(key.as_str()) else {
                    mismatches.push(format!(
                        "{at}: run {key} of {} is not a run of {experiment} with these settings{}",
                        record.experiment,
                        if record.settings_hash == hash {
                            String::new()
                        } else {
                            format!(" ({})", differences(&plan.settings, &record.settings))
                        }
                    ));
                    continue;
                };
                let name = describe(k, &key);
                if record.experiment != experiment {
                    mismatches.push(format!("{at}: run {name} is of {}", record.experiment));
                } else if record.version != version {
                    mismatches.push(format!(
                        "{at}: run {name} was made by bridge {} (this is {version})",
                        record.version
                    ));
                } else if record.settings_hash != hash || record.settings != plan.settings {
                    mismatches.push(format!(
                        "{at}: run {name} was made with other settings: {}",
                        differences(&plan.settings, &record.settings)
                    ));
                } else if let Some((_, first)) = &outcomes[k] {
                    duplicates.push(format!("{name} in {first} and {at}"));
                } else {
                    let outcome = serde_json::from_value(record.outcome).map_err(|e| {
                        anyhow!("{at}: the outcome of run {name} is unreadable ({e})")
                    })?;
                    outcomes[k] = Some((outcome, at));
                }
            }
        }
    }
    if !mismatches.is_empty() {
        bail!(
            "refusing to merge {} mismatched runs (run the shards and the merge with the same \
             options and build): {}",
            mismatches.len(),
            some_of(&mismatches, 5)
        );
    }
    if !duplicates.is_empty() {
        bail!(
            "refusing to merge {} duplicated runs (each run must come from one shard): {}",
            duplicates.len(),
            some_of(&duplicates, 10)
        );
    }
    let missing: Vec<String> = outcomes
        .iter()
        .enumerate()
        .filter(|(_, o)| o.is_none())
        .map(|(k, _)| describe(k, &keys[k]))
        .collect();
    if !missing.is_empty() && !plan.allow_partial {
        bail!(
            "refusing to merge: {} of {} runs of {experiment} are missing: {}; run their shards, \
             or pass --allow-partial to build the tables from the rest",
            missing.len(),
            keys.len(),
            some_of(&missing, 10)
        );
    }
    if !missing.is_empty() {
        eprintln!(
            "building partial tables: {} of {} runs missing",
            missing.len(),
            keys.len()
        );
    }
    Ok(outcomes.into_iter().map(|o| o.map(|(o, _)| o)).collect())
}

/// What runs share (trained leaders, pretrained networks), by key: filled by
/// [`prepare_all`] before the runs, only read by them.
pub type Memo<K, V> = Mutex<HashMap<K, std::sync::Arc<V>>>;

/// Makes the value of every key of `keys` not yet in `memo`, in parallel on the current pool
/// (each key once), and keeps it there.
pub fn prepare_all<K, V>(
    memo: &Memo<K, V>,
    mut keys: Vec<K>,
    make: impl Fn(&K) -> Result<V> + Sync,
) -> Result<()>
where
    K: std::hash::Hash + Eq + Ord + Clone + Send + Sync,
    V: Send + Sync,
{
    keys.sort();
    keys.dedup();
    let missing: Vec<K> = {
        let memo = memo.lock().map_err(|_| anyhow!("a run failed"))?;
        keys.into_iter().filter(|k| !memo.contains_key(k)).collect()
    };
    let made = missing
        .into_par_iter()
        .map(|k| Ok((k.clone(), std::sync::Arc::new(make(&k)?))))
        .collect::<Result<Vec<_>>>()?;
    memo.lock()
        .map_err(|_| anyhow!("a run failed"))?
        .extend(made);
    Ok(())
}

/// What [`prepare_all`] made for `key`.
pub fn prepared<K, V>(memo: &Memo<K, V>, key: &K) -> Result<std::sync::Arc<V>>
where
    K: std::hash::Hash + Eq + std::fmt::Debug,
{
    memo.lock()
        .map_err(|_| anyhow!("a run failed"))?
        .get(key)
        .cloned()
        .ok_or_else(|| anyhow!("{key:?} was not prepared before the runs that use it"))
}

#[cfg(test)]
mod tests {
    use super::Shard;

    #[test]
    fn shards_cover_every_run_once_in_blocks_of_nearly_equal_size() {
        for total in 0..40 {
            for count in 1..9 {
                let ranges: Vec<_> = (0..count)
                    .map(|index| Shard { index, count }.range(total))
                    .collect();
                let mut next = 0;
                for r in &ranges {
                    assert_eq!(r.start, next, "{total} runs, {count} shards: {ranges:?}");
                    assert!(r.len() == total / count || r.len() == total / count + 1);
                    next = r.end;
                }
                assert_eq!(next, total);
            }
        }
    }

    #[test]
    fn shards_are_read_as_i_of_n() {
        assert_eq!(Shard::parse("2/5"), Ok(Shard { index: 2, count: 5 }));
        for bad in ["3/3", "0/0", "x", "1", "-1/2", "1/2/3", ""] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }
}
