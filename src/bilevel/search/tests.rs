use super::*;
use crate::bilevel::NormalForm;
use crate::core::{Distribution, Instance};

fn instance(name: &str, n: usize, seed: u64) -> Instance {
    Instance::generate(Distribution::from_name(name).expect("known"), n, seed).expect("valid")
}

/// Runs `algorithm` on `f` as its lower level within `budget`; the best structure, its value
/// and the trainings spent.
fn searched(f: &Instance, algorithm: Algorithm, budget: usize) -> (CoalitionStructure, f64, usize) {
    let mut lower = NormalForm::new(f);
    let mut events = |_| {};
    let mut values = Budgeted::new(&mut lower, budget, 1, &mut events);
    search(algorithm, &mut values, 7).expect("searches");
    let (cs, v) = values.best().expect("valued something").clone();
    (cs, v, values.trainings())
}

#[test]
fn on_a_characteristic_function_grid_clink_is_clink() {
    for name in Distribution::NAMES {
        for seed in 0..3 {
            let f = instance(name, 8, seed);
            let (cs, v, _) = searched(&f, Algorithm::Clink, usize::MAX);
            let expected = crate::algorithms::clink(&f);
            assert_eq!(cs, expected, "{name} seed {seed}");
            assert!((v - expected.value(&f)).abs() < 1e-9);
        }
    }
}

#[test]
fn every_search_keeps_to_its_budget_and_finds_a_valued_partition() {
    let f = instance("modified_normal", 7, 3);
    for algorithm in GRID_ALGORITHMS {
        for budget in [1, 5, 40] {
            let (cs, v, spent) = searched(&f, algorithm, budget);
            assert!(
                spent <= budget,
                "{} spent {spent} of {budget}",
                algorithm.name()
            );
            assert_eq!(cs.agents(), 7);
            assert!((v - cs.value(&f)).abs() < 1e-9);
        }
    }
}

#[test]
fn with_budget_for_its_path_uct_and_saldae_are_never_below_clink() {
    for name in Distribution::NAMES {
        let f = instance(name, 7, 11);
        let (_, clink, _) = searched(&f, Algorithm::Clink, usize::MAX);
        for algorithm in [Algorithm::Uct, Algorithm::Saldae] {
            let (_, v, _) = searched(&f, algorithm, 300);
            assert!(v >= clink, "{} on {name}: {v} < {clink}", algorithm.name());
        }
        // GRASP has no such guarantee, but finds a structure above all singletons.
        let (_, grasp, _) = searched(&f, Algorithm::Grasp, 300);
        assert!(
            grasp >= CoalitionStructure::singletons(7).value(&f),
            "{name}"
        );
    }
}

#[test]
fn searches_are_deterministic_for_a_seed() {
    let f = instance("agent_based", 7, 5);
    for algorithm in [Algorithm::Grasp, Algorithm::Saldae, Algorithm::Uct] {
        assert_eq!(
            searched(&f, algorithm, 60),
            searched(&f, algorithm, 60),
            "{}",
            algorithm.name()
        );
    }
}

#[test]
fn exact_and_random_are_refused_on_the_grid_with_the_list_of_those_that_run() {
    let f = instance("agent_based", 4, 1);
    let mut lower = NormalForm::new(&f);
    let mut events = |_| {};
    let mut values = Budgeted::new(&mut lower, 10, 1, &mut events);
    let err = search(Algorithm::Exact, &mut values, 0)
        .expect_err("refused")
        .to_string();
    assert!(err.contains("clink, grasp, saldae, uct"), "{err}");
}

#[test]
fn a_baseline_on_three_followers_reports_a_fresh_value_of_the_structure_it_found() {
    let settings = crate::bilevel::run::tiny_settings();
    let mut valued = Vec::new();
    let (outcome, _) =
        run_baseline(&settings, Algorithm::Clink, 4, &mut |e| valued.push(e)).expect("runs");
    assert!(outcome.trainings <= 5, "{}", outcome.trainings);
    assert_eq!(valued.len(), outcome.trainings);
    let cs = CoalitionStructure::from_lists(3, &outcome.structure).expect("a partition");
    assert_eq!(cs.agents(), 3);
    assert!((outcome.coalition_values.iter().sum::<f64>() - outcome.value).abs() < 1e-9);
    // The singletons were valued first: the first event is theirs.
    let BiLevelEvent::Valued {
        structure, value, ..
    } = &valued[0]
    else {
        panic!("a valued structure first");
    };
    assert_eq!(structure, &CoalitionStructure::singletons(3).to_lists());
    assert_eq!(*value, outcome.singleton_value);
    // Deterministic for its settings.
    let (again, _) = run_baseline(&settings, Algorithm::Clink, 4, &mut |_| {}).expect("runs");
    assert_eq!(again, outcome);
    assert!(run_baseline(&settings, Algorithm::Clink, 0, &mut |_| {}).is_err());
}
