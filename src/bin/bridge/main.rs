//! `bridge`, the command line (SPEC section 4). Native only: on wasm32 this is an empty stub
//! so that every target of the package builds for the browser tests.

#[cfg(not(target_arch = "wasm32"))]
mod cli;
#[cfg(not(target_arch = "wasm32"))]
mod gen;
#[cfg(not(target_arch = "wasm32"))]
mod instance_args;
#[cfg(not(target_arch = "wasm32"))]
mod lbf;
#[cfg(not(target_arch = "wasm32"))]
mod lbf_replay;
#[cfg(not(target_arch = "wasm32"))]
mod output;
#[cfg(not(target_arch = "wasm32"))]
mod repro;
#[cfg(not(target_arch = "wasm32"))]
mod solve;
#[cfg(not(target_arch = "wasm32"))]
mod train;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let matches = cli::Cli::command().get_matches();
    let args = cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    // `--settings ours` fills in what the command line left at the paper's defaults.
    let own = |name| {
        matches
            .subcommand_matches(name)
            .expect("the parsed command")
    };
    let result = match args.command {
        cli::Command::Gen(a) => gen::run(a),
        cli::Command::Solve(a) => solve::run(a),
        cli::Command::Train(mut a) => a.refuse_unused(own("train")).and_then(|()| {
            // A leader that learns by default; the paper's settings are `--settings paper`.
            a.leader_options()
                .apply_settings(own("train"), cli::Settings::Ours);
            a.apply_graph_defaults(own("train"));
            train::run(a)
        }),
        cli::Command::Repro(mut a) => {
            a.leader_options()
                .apply_settings(own("repro"), cli::Settings::Paper);
            repro::run(a)
        }
        cli::Command::LbfReplay(a) => lbf_replay::run(a),
        cli::Command::Lbf(a) => a.refuse_unused(own("lbf")).and_then(|()| lbf::run(a)),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // Every error here comes from what the user gave: one line, exit code 2.
            eprintln!("bridge: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}
