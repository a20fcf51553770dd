//! Reference values, recorded once from a native release build, that every platform must
//! reproduce bit for bit: the native integration tests and the wasm tests in headless Chromium
//! both check them, so together they show that a seed gives the same instance everywhere.
//!
//! Changing a distribution's stream layout changes these on purpose: regenerate them and say so.

/// `(distribution, seed, coalition, v(C))` of instances with 1024 agents.
pub const VALUES: &[(&str, u64, &[usize], f64)] = &[
    ("modified_uniform", 0, &[0], 7.40719103060322),
    ("modified_uniform", 0, &[0, 1, 2], 13.097306597511821),
    ("modified_uniform", 0, &[3, 9], 11.296731291110069),
    (
        "modified_uniform",
        0,
        &[5, 63, 64, 1000],
        11.719162920310495,
    ),
    (
        "modified_uniform",
        0,
        &[1, 2, 3, 4, 5, 6, 7, 8],
        76.22507291545764,
    ),
    ("modified_uniform", 7, &[0], 7.7174332469869125),
    ("modified_uniform", 7, &[0, 1, 2], 1.4452131867575446),
    ("modified_uniform", 7, &[3, 9], 8.183261458712606),
    ("modified_uniform", 7, &[5, 63, 64, 1000], 35.65331407553321),
    (
        "modified_uniform",
        7,
        &[1, 2, 3, 4, 5, 6, 7, 8],
        38.31478404314086,
    ),
    (
        "modified_uniform",
        18446744073709551615,
        &[0],
        7.23060609551779,
    ),
    (
        "modified_uniform",
        18446744073709551615,
        &[0, 1, 2],
        20.513194210498668,
    ),
    (
        "modified_uniform",
        18446744073709551615,
        &[3, 9],
        11.438163249286326,
    ),
    (
        "modified_uniform",
        18446744073709551615,
        &[5, 63, 64, 1000],
        36.50102021799515,
    ),
    (
        "modified_uniform",
        18446744073709551615,
        &[1, 2, 3, 4, 5, 6, 7, 8],
        55.045750442492476,
    ),
    ("modified_normal", 0, &[0], 9.848763750237017),
    ("modified_normal", 0, &[0, 1, 2], 30.106700513523307),
    ("modified_normal", 0, &[3, 9], 20.028514147187725),
    ("modified_normal", 0, &[5, 63, 64, 1000], 45.049046557404054),
    (
        "modified_normal",
        0,
        &[1, 2, 3, 4, 5, 6, 7, 8],
        82.46572728675018,
    ),
    ("modified_normal", 7, &[0], 10.006996927979028),
    ("modified_normal", 7, &[0, 1, 2], 30.03082019694444),
    ("modified_normal", 7, &[3, 9], 20.021195692718127),
    ("modified_normal", 7, &[5, 63, 64, 1000], 40.06557728210918),
    (
        "modified_normal",
        7,
        &[1, 2, 3, 4, 5, 6, 7, 8],
        117.11861793931001,
    ),
    (
        "modified_normal",
        18446744073709551615,
        &[0],
        10.11609623186851,
    ),
    (
        "modified_normal",
        18446744073709551615,
        &[0, 1, 2],
        29.93856464531736,
    ),
    (
        "modified_normal",
        18446744073709551615,
        &[3, 9],
        19.947281526168386,
    ),
    (
        "modified_normal",
        18446744073709551615,
        &[5, 63, 64, 1000],
        39.84635004472634,
    ),
    (
        "modified_normal",
        18446744073709551615,
        &[1, 2, 3, 4, 5, 6, 7, 8],
        79.9752536374797,
    ),
    ("agent_based", 0, &[0], 13.230784189972269),
    ("agent_based", 0, &[0, 1, 2], 19.882273124353148),
    ("agent_based", 0, &[3, 9], 14.12514625274996),
    ("agent_based", 0, &[5, 63, 64, 1000], 5.377262639286767),
    (
        "agent_based",
        0,
        &[1, 2, 3, 4, 5, 6, 7, 8],
        27.01406834345527,
    ),
    ("agent_based", 7, &[0], 5.682673491208472),
    ("agent_based", 7, &[0, 1, 2], 18.296343720516674),
    ("agent_based", 7, &[3, 9], 7.296924191572201),
    ("agent_based", 7, &[5, 63, 64, 1000], 13.434946320516811),
    (
        "agent_based",
        7,
        &[1, 2, 3, 4, 5, 6, 7, 8],
        32.3503900750013,
    ),
    (
        "agent_based",
        18446744073709551615,
        &[0],
        11.606633250467059,
    ),
    (
        "agent_based",
        18446744073709551615,
        &[0, 1, 2],
        18.045286652788583,
    ),
    (
        "agent_based",
        18446744073709551615,
        &[3, 9],
        8.216138132190334,
    ),
    (
        "agent_based",
        18446744073709551615,
        &[5, 63, 64, 1000],
        19.13900376511139,
    ),
    (
        "agent_based",
        18446744073709551615,
        &[1, 2, 3, 4, 5, 6, 7, 8],
        41.49005846623896,
    ),
    ("hard_modified_uniform", 0, &[0], 6.072469533626839),
    ("hard_modified_uniform", 0, &[0, 1, 2], 27.950260165304762),
    ("hard_modified_uniform", 0, &[3, 9], 3.9914416005617297),
    (
        "hard_modified_uniform",
        0,
        &[5, 63, 64, 1000],
        2.3149703980999665,
    ),
    (
        "hard_modified_uniform",
        0,
        &[1, 2, 3, 4, 5, 6, 7, 8],
        63.434408104215066,
    ),
    ("hard_modified_uniform", 7, &[0], 8.276208041440274),
    ("hard_modified_uniform", 7, &[0, 1, 2], 23.07279592463989),
    ("hard_modified_uniform", 7, &[3, 9], 3.7944986913665284),
    ("hard_modified_uniform", 7, &[5, 63, 64, 1000], 0.0),
    (
        "hard_modified_uniform",
        7,
        &[1, 2, 3, 4, 5, 6, 7, 8],
        37.63276283916745,
    ),
    (
        "hard_modified_uniform",
        18446744073709551615,
        &[0],
        9.464929719539304,
    ),
    (
        "hard_modified_uniform",
        18446744073709551615,
        &[0, 1, 2],
        9.221681850798365,
    ),
    (
        "hard_modified_uniform",
        18446744073709551615,
        &[3, 9],
        6.096731258915692,
    ),
    (
        "hard_modified_uniform",
        18446744073709551615,
        &[5, 63, 64, 1000],
        15.496085819389823,
    ),
    (
        "hard_modified_uniform",
        18446744073709551615,
        &[1, 2, 3, 4, 5, 6, 7, 8],
        35.029428780394746,
    ),
    ("hard_modified_normal", 0, &[0], 1.6581911133487275),
    ("hard_modified_normal", 0, &[0, 1, 2], 0.0),
    ("hard_modified_normal", 0, &[3, 9], 0.0),
    ("hard_modified_normal", 0, &[5, 63, 64, 1000], 0.0),
    (
        "hard_modified_normal",
        0,
        &[1, 2, 3, 4, 5, 6, 7, 8],
        1.6098600197063944,
    ),
    ("hard_modified_normal", 7, &[0], 79.2108949223568),
    ("hard_modified_normal", 7, &[0, 1, 2], 7.460828376551146),
    ("hard_modified_normal", 7, &[3, 9], 0.0),
    ("hard_modified_normal", 7, &[5, 63, 64, 1000], 0.0),
    ("hard_modified_normal", 7, &[1, 2, 3, 4, 5, 6, 7, 8], 0.0),
    ("hard_modified_normal", 18446744073709551615, &[0], 0.0),
    (
        "hard_modified_normal",
        18446744073709551615,
        &[0, 1, 2],
        0.0,
    ),
    ("hard_modified_normal", 18446744073709551615, &[3, 9], 0.0),
    (
        "hard_modified_normal",
        18446744073709551615,
        &[5, 63, 64, 1000],
        0.0,
    ),
    (
        "hard_modified_normal",
        18446744073709551615,
        &[1, 2, 3, 4, 5, 6, 7, 8],
        0.0,
    ),
    ("combined", 0, &[0], 23.16747267807249),
    ("combined", 0, &[0, 1, 2], 29.603035380141467),
    ("combined", 0, &[3, 9], 4.966452448743414),
    ("combined", 0, &[5, 63, 64, 1000], 0.0),
    ("combined", 0, &[1, 2, 3, 4, 5, 6, 7, 8], 68.67411308968434),
    ("combined", 7, &[0], 10.335733882788844),
    ("combined", 7, &[0, 1, 2], 33.70729960207285),
    ("combined", 7, &[3, 9], 10.462317469653865),
    ("combined", 7, &[5, 63, 64, 1000], 0.0),
    ("combined", 7, &[1, 2, 3, 4, 5, 6, 7, 8], 21.126189558736783),
    ("combined", 18446744073709551615, &[0], 12.864686535908746),
    ("combined", 18446744073709551615, &[0, 1, 2], 0.0),
    (
        "combined",
        18446744073709551615,
        &[3, 9],
        15.215693137005896,
    ),
    (
        "combined",
        18446744073709551615,
        &[5, 63, 64, 1000],
        4.835967683508682,
    ),
    (
        "combined",
        18446744073709551615,
        &[1, 2, 3, 4, 5, 6, 7, 8],
        54.17127311162359,
    ),
];

/// `(distribution, seed, optimal v(CS), coalitions in the optimum)` of 10-agent instances.
pub const OPTIMA: &[(&str, u64, f64, usize)] = &[
    ("modified_uniform", 11, 222.14900954663077, 5),
    ("modified_normal", 11, 238.14514749420104, 4),
    ("agent_based", 11, 44.60765693494489, 4),
    ("hard_modified_uniform", 11, 175.90660610851464, 3),
    ("hard_modified_normal", 11, 200.77364755232506, 4),
    ("combined", 11, 296.7295320686231, 6),
];

/// The graph leader's weights the references below were recorded with (the leader `bridge repro
/// scale` trains: 3 000 episodes on 10..60 agents, checkpoint of episode 1 250, with the next
/// merge's gain, `graph-features/3`).
pub const GRAPH_LEADER: &[u8] = include_bytes!("../data/graph-leader.safetensors");

/// `(distribution, agents, seed, greedy v(CS), its coalitions, v(CS) of the search with a beam of
/// 2 and no time limit, its coalitions)` of [`GRAPH_LEADER`]'s rollouts.
pub const GRAPH_ROLLOUTS: &[(&str, usize, u64, f64, usize, f64, usize)] = &[
    (
        "modified_uniform",
        30,
        1,
        901.9315362069951,
        19,
        901.9315362069951,
        19,
    ),
    (
        "modified_uniform",
        100,
        2,
        3067.002329869432,
        59,
        3067.002329869432,
        59,
    ),
    (
        "modified_normal",
        30,
        1,
        898.3762487021488,
        15,
        916.9648810260252,
        14,
    ),
    (
        "modified_normal",
        100,
        2,
        3311.899933248304,
        55,
        3311.899933248304,
        55,
    ),
    (
        "agent_based",
        30,
        1,
        240.12803465537462,
        15,
        241.1989343297409,
        16,
    ),
    (
        "agent_based",
        100,
        2,
        931.5267123141331,
        46,
        939.7079758061849,
        48,
    ),
    (
        "hard_modified_uniform",
        30,
        1,
        665.776258379927,
        14,
        665.776258379927,
        14,
    ),
    (
        "hard_modified_uniform",
        100,
        2,
        2593.4870040697356,
        52,
        2601.3692587334663,
        52,
    ),
    (
        "hard_modified_normal",
        30,
        1,
        949.8169110179698,
        14,
        1015.0039803280495,
        15,
    ),
    (
        "hard_modified_normal",
        100,
        2,
        3794.725446247597,
        51,
        3794.725446247597,
        51,
    ),
    (
        "combined",
        30,
        1,
        1121.6028058464578,
        14,
        1136.3482280955768,
        14,
    ),
    (
        "combined",
        100,
        2,
        4581.689558184183,
        52,
        4606.452610609454,
        49,
    ),
];

/// Every rollout of [`GRAPH_ROLLOUTS`] this platform computes differently, described (with the
/// line to record when regenerating); empty when all agree bit for bit.
pub fn graph_mismatches() -> Vec<String> {
    use bridge_lab::core::{Distribution, Instance};
    use bridge_lab::leader::graph::{weights, SearchParams};
    use bridge_lab::leader::Horizon;

    let net = match weights::from_bytes(GRAPH_LEADER) {
        Ok((net, _)) => net,
        Err(e) => return vec![format!("the recorded leader does not load: {e}")],
    };
    let mut out = Vec::new();
    let mut recorded = GRAPH_ROLLOUTS.iter();
    for name in Distribution::NAMES {
        for (n, seed) in [(30, 1), (100, 2)] {
            let f = Instance::generate(
                Distribution::from_name(name).expect("a known distribution"),
                n,
                seed,
            )
            .expect("a valid size");
            let greedy = net.rollout(&f, Horizon::Full).expect("any size");
            let search = net
                .search(&f, Horizon::Full, &SearchParams::beam(2), &mut || true)
                .expect("valid")
                .rollout;
            let got: (&str, usize, u64, f64, usize, f64, usize) = (
                name,
                n,
                seed,
                greedy.value,
                greedy.structure.len(),
                search.value,
                search.structure.len(),
            );
            let same = recorded.next().is_some_and(|r| {
                (r.0, r.1, r.2, r.4, r.6) == (got.0, got.1, got.2, got.4, got.6)
                    && r.3.to_bits() == got.3.to_bits()
                    && r.5.to_bits() == got.5.to_bits()
            });
            if !same {
                out.push(format!("{got:?},"));
            }
        }
    }
    if recorded.next().is_some() {
        out.push("more recorded rollouts than instances checked".to_string());
    }
    out
}

/// Every reference value and optimum this platform computes differently, described; empty when
/// all agree bit for bit.
pub fn mismatches() -> Vec<String> {
    use bridge_lab::algorithms::exact;
    use bridge_lab::core::{CharacteristicFunction, Coalition, Distribution, Instance};

    let instance = |name: &str, n: usize, seed: u64| {
        Instance::generate(
            Distribution::from_name(name).expect("a known distribution"),
            n,
            seed,
        )
        .expect("a valid size")
    };
    let mut out = Vec::new();
    for &(name, seed, agents, expected) in VALUES {
        let got = instance(name, 1024, seed).value(&Coalition::from_agents(agents.iter().copied()));
        if got.to_bits() != expected.to_bits() {
            out.push(format!(
                "{name} seed {seed} {agents:?}: {got:?}, expected {expected:?}"
            ));
        }
    }
    for &(name, seed, expected, coalitions) in OPTIMA {
        let (cs, got) = exact(&instance(name, 10, seed)).expect("10 agents");
        if got.to_bits() != expected.to_bits() || cs.len() != coalitions {
            out.push(format!("{name} seed {seed} optimum: {got:?} in {} coalitions, expected {expected:?} in {coalitions}", cs.len()));
        }
    }
    out
}
