//! Leader weights as safetensors (SPEC section 3): the format PyTorch and candle share, read and
//! written as bytes so the browser can download and upload them.
//!
//! Tensors are `layers.K.weight` (`[out, in]`) and `layers.K.bias` (`[out]`), all `f32`, plus
//! `scorer.0.*` and `scorer.1.*` for a learned scorer. The
//! header's `__metadata__` holds `format = bridge-leader/1`, `max_agents`, `hidden` (comma-separated
//! widths), `scorer` and `trained_on`. Loading checks all of it and names the first mismatch.

use std::collections::HashMap;

use candle_core::{Device, Tensor};
use safetensors::{Dtype, SafeTensors};

use super::error::{Error, Result};
use super::network::{NetworkConfig, QNetwork, Scorer};

/// The `format` value of leader weight files.
pub const FORMAT: &str = "bridge-leader/1";

/// What a weights file says about itself besides the tensors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeightsInfo {
    /// The network's shape.
    pub config: NetworkConfig,
    /// What it was trained on, in words (distribution, agents, seed, episodes).
    pub trained_on: String,
}

/// The name of layer `k` (counting the trunk, then the scorer): `layers.K` or `scorer.K`.
fn tensor_prefix(config: &NetworkConfig, k: usize) -> String {
    let trunk = config.layer_sizes().len();
    if k < trunk {
        format!("layers.{k}")
    } else {
        format!("scorer.{}", k - trunk)
    }
}

/// Serialises `net` with its metadata.
pub fn to_bytes(net: &QNetwork, trained_on: &str) -> Result<Vec<u8>> {
    let config = net.config();
    let mut metadata = HashMap::new();
    metadata.insert("format".to_string(), FORMAT.to_string());
    metadata.insert("max_agents".to_string(), config.max_agents.to_string());
    metadata.insert(
        "hidden".to_string(),
        config
            .hidden
            .iter()
            .map(|h| h.to_string())
            .collect::<Vec<_>>()
            .join(","),
    );
    metadata.insert("scorer".to_string(), config.scorer.name());
    metadata.insert("trained_on".to_string(), trained_on.to_string());
    let mut buffers: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    for (k, layer) in net.layers().iter().enumerate() {
        for (name, t) in [
            ("weight", layer.weight.as_tensor()),
            ("bias", layer.bias.as_tensor()),
        ] {
            let values = t.flatten_all()?.to_vec1::<f32>()?;
            let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
            buffers.push((
                format!("{}.{name}", tensor_prefix(config, k)),
                t.dims().to_vec(),
                bytes,
            ));
        }
    }
    let views = buffers
        .iter()
        .map(|(name, shape, bytes)| {
            safetensors::tensor::TensorView::new(Dtype::F32, shape.clone(), bytes)
                .map(|v| (name.clone(), v))
                .map_err(|e| Error::Weights(e.to_string()))
        })
        .collect::<Result<Vec<_>>>()?;
    safetensors::serialize(views, Some(metadata)).map_err(|e| Error::Weights(e.to_string()))
}

/// Reads a leader network from safetensors bytes, refusing anything that is not exactly what
/// its metadata describes.
pub fn from_bytes(bytes: &[u8]) -> Result<(QNetwork, WeightsInfo)> {
    let bad = |what: String| Error::Weights(what);
    let (_, header) = SafeTensors::read_metadata(bytes)
        .map_err(|e| bad(format!("not a safetensors file, or a corrupted one ({e})")))?;
    let meta = header.metadata().clone().unwrap_or_default();
    let get = |key: &str| {
        meta.get(key).ok_or_else(|| {
            bad(format!(
                "the metadata has no `{key}`; is this a BRIDGE leader's weights file?"
            ))
        })
    };
    let format = get("format")?;
    if format != FORMAT {
        return Err(bad(format!("format is `{format}`, expected `{FORMAT}`")));
    }
    let max_agents: usize = get("max_agents")?
        .parse()
        .map_err(|_| bad("`max_agents` is not a whole number".into()))?;
    let hidden = get("hidden")?
        .split(',')
        .map(|h| h.trim().parse::<usize>())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|_| bad("`hidden` is not a list of whole numbers".into()))?;
    let scorer = Scorer::from_name(get("scorer")?).map_err(|e| bad(format!("metadata: {e}")))?;
    let trained_on = meta.get("trained_on").cloned().unwrap_or_default();
    let config = NetworkConfig {
        max_agents,
        hidden,
        scorer,
    };
    config
        .validate()
        .map_err(|e| bad(format!("metadata: {e}")))?;

    let tensors =
        SafeTensors::deserialize(bytes).map_err(|e| bad(format!("corrupted tensor data ({e})")))?;
    let sizes = config.all_sizes();
    let expected: usize = sizes.len() * 2;
    if tensors.len() != expected {
        return Err(bad(format!(
            "expected {expected} tensors for {} layers, found {}",
            sizes.len(),
            tensors.len()
        )));
    }
    let mut layers = Vec::new();
    for (k, &(inputs, outputs)) in sizes.iter().enumerate() {
        let read = |name: String, shape: Vec<usize>| -> Result<Tensor> {
            let view = tensors
                .tensor(&name)
                .map_err(|_| bad(format!("tensor `{name}` is missing")))?;
            if view.dtype() != Dtype::F32 {
                return Err(bad(format!(
                    "tensor `{name}` is {:?}, expected F32",
                    view.dtype()
                )));
            }
            if view.shape() != shape.as_slice() {
                return Err(bad(format!(
                    "tensor `{name}` has shape {:?}, expected {shape:?}",
                    view.shape()
                )));
            }
            let values: Vec<f32> = view
                .data()
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect();
            if let Some(i) = values.iter().position(|v| !v.is_finite()) {
                return Err(bad(format!(
                    "tensor `{name}` holds a non-finite value at {i}"
                )));
            }
            Ok(Tensor::from_vec(values, shape, &Device::Cpu)?)
        };
        let prefix = tensor_prefix(&config, k);
        let w = read(format!("{prefix}.weight"), vec![outputs, inputs])?;
        let b = read(format!("{prefix}.bias"), vec![outputs])?;
        layers.push((w, b));
    }
    let net = QNetwork::from_tensors(config.clone(), layers)?;
    Ok((net, WeightsInfo { config, trained_on }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> QNetwork {
        QNetwork::new(
            NetworkConfig {
                max_agents: 4,
                hidden: vec![6, 5],
                scorer: Default::default(),
            },
            9,
        )
        .expect("valid")
    }

    fn flat(net: &QNetwork) -> Vec<f32> {
        net.layers()
            .iter()
            .flat_map(|l| {
                let w = l
                    .weight
                    .as_tensor()
                    .flatten_all()
                    .and_then(|t| t.to_vec1::<f32>())
                    .expect("f32");
                let b = l.bias.as_tensor().to_vec1::<f32>().expect("f32");
                w.into_iter().chain(b)
            })
            .collect()
    }

    #[test]
    fn weights_round_trip_with_metadata() {
        let net = sample();
        let bytes = to_bytes(&net, "modified_normal, 3 agents, seed 1").expect("serialises");
        let (back, info) = from_bytes(&bytes).expect("reads its own output");
        assert_eq!(flat(&back), flat(&net));
        assert_eq!(
            info.config,
            NetworkConfig {
                max_agents: 4,
                hidden: vec![6, 5],
                scorer: Default::default()
            }
        );
        assert_eq!(info.trained_on, "modified_normal, 3 agents, seed 1");
    }

    #[test]
    fn a_learned_scorer_round_trips() {
        let config = NetworkConfig {
            scorer: Scorer::Learned { hidden: 3 },
            ..NetworkConfig::new(3)
        };
        let net = QNetwork::new(config.clone(), 1).expect("valid");
        let (back, info) = from_bytes(&to_bytes(&net, "x").expect("serialises")).expect("reads");
        assert_eq!(info.config, config);
        assert_eq!(flat(&back), flat(&net));
        assert_eq!(
            back.plain_scorer().expect("f32"),
            net.plain_scorer().expect("f32")
        );
    }

    fn refused(bytes: &[u8], expected: &str) {
        let err = from_bytes(bytes).expect_err("refused").to_string();
        assert!(err.contains(expected), "`{err}` lacks `{expected}`");
    }

    /// Rewrites a valid file with changed metadata or tensors.
    fn tampered(
        meta: &[(&str, &str)],
        drop: Option<&str>,
        reshape: Option<(&str, Vec<usize>)>,
        dtype: Option<Dtype>,
    ) -> Vec<u8> {
        let bytes = to_bytes(&sample(), "x").expect("serialises");
        let st = SafeTensors::deserialize(&bytes).expect("valid");
        let (_, header) = SafeTensors::read_metadata(&bytes).expect("valid");
        let mut metadata = header.metadata().clone().unwrap_or_default();
        for (k, v) in meta {
            metadata.insert(k.to_string(), v.to_string());
        }
        let mut owned: Vec<(String, Dtype, Vec<usize>, Vec<u8>)> = Vec::new();
        for (name, view) in st.tensors() {
            if Some(name.as_str()) == drop {
                continue;
            }
            let mut shape = view.shape().to_vec();
            let mut data = view.data().to_vec();
            if let Some((n, s)) = &reshape {
                if *n == name {
                    let len: usize = s.iter().product();
                    data.resize(len * 4, 0);
                    shape = s.clone();
                }
            }
            let mut dt = Dtype::F32;
            if let (Some(d), true) = (dtype, name == "layers.0.bias") {
                dt = d;
                data.truncate(data.len() / 2);
            }
            owned.push((name, dt, shape, data));
        }
        let views: Vec<_> = owned
            .iter()
            .map(|(n, d, s, b)| {
                (
                    n.clone(),
                    safetensors::tensor::TensorView::new(*d, s.clone(), b).expect("consistent"),
                )
            })
            .collect();
        safetensors::serialize(views, Some(metadata)).expect("serialises")
    }

    #[test]
    fn wrong_files_are_refused_with_the_reason() {
        refused(b"not a safetensors file at all", "not a safetensors file");
        let good = to_bytes(&sample(), "x").expect("serialises");
        refused(&good[..good.len() - 7], "corrupted");
        refused(
            &tampered(&[("format", "bridge-follower/1")], None, None, None),
            "format is `bridge-follower/1`",
        );
        refused(
            &tampered(&[("max_agents", "five")], None, None, None),
            "`max_agents` is not a whole number",
        );
        refused(
            &tampered(&[("max_agents", "5")], None, None, None),
            "has shape [6, 16], expected [6, 25]",
        );
        refused(
            &tampered(&[("hidden", "6,x")], None, None, None),
            "`hidden` is not a list",
        );
        refused(
            &tampered(&[], Some("layers.1.bias"), None, None),
            "expected 6 tensors for 3 layers, found 5",
        );
        refused(
            &tampered(&[], None, Some(("layers.2.weight", vec![5, 4])), None),
            "tensor `layers.2.weight` has shape [5, 4], expected [5, 5]",
        );
        refused(
            &tampered(&[], None, None, Some(Dtype::F16)),
            "tensor `layers.0.bias` is F16, expected F32",
        );
    }
}
