//! The followers' weights as a safetensors file of format `bridge-follower/1` (SPEC section 3):
//! every actor's and the critic's layers (`actor{i}.layer{l}.weight` `[out, in]` and `.bias`,
//! `critic.layer{l}.…`), with metadata naming the configuration (as JSON), the number of agents
//! and the layer widths. Reading refuses a file of another kind, for another configuration or
//! other sizes, and says which.
//!
//! Only the parameters are saved (not the critic's target, the optimiser moments or the replay
//! buffer): a file is for playing and inspecting trained followers; a checkpoint serialises the
//! whole [`Followers`] instead (every part of it is `serde`).

use candle_core::{Device, Tensor};

use crate::followers::config::Config;
use crate::followers::error::{Error, Result};
use crate::followers::maddpg::Followers;
use crate::followers::mlp::Mlp;
use crate::nn::{TensorsFile, TensorsWriter};

/// The format tag of a follower weights file.
pub const FORMAT: &str = "bridge-follower/1";

fn sizes_text(sizes: &[usize]) -> String {
    sizes
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn write_net(w: &mut TensorsWriter, prefix: &str, net: &Mlp) -> Result<()> {
    for l in 0..net.sizes().len() - 1 {
        let (weight, bias) = net.layer(l);
        let (i, o) = (net.sizes()[l], net.sizes()[l + 1]);
        let cpu = &Device::Cpu;
        let weight = Tensor::from_slice(weight, (o, i), cpu).map_err(crate::nn::Error::from)?;
        let bias = Tensor::from_slice(bias, o, cpu).map_err(crate::nn::Error::from)?;
        w.tensor(format!("{prefix}.layer{l}.weight"), &weight)?;
        w.tensor(format!("{prefix}.layer{l}.bias"), &bias)?;
    }
    Ok(())
}

fn read_net(file: &TensorsFile<'_>, prefix: &str, sizes: &[usize]) -> Result<Mlp> {
    let mut params = Vec::new();
    for l in 0..sizes.len() - 1 {
        let (i, o) = (sizes[l], sizes[l + 1]);
        for (name, shape) in [("weight", vec![o, i]), ("bias", vec![o])] {
            let t = file.tensor(&format!("{prefix}.layer{l}.{name}"), &shape)?;
            let values = t
                .flatten_all()
                .and_then(|t| t.to_vec1::<f32>())
                .map_err(crate::nn::Error::from)?;
            params.extend(values);
        }
    }
    Mlp::from_params(sizes, params)
        .ok_or_else(|| Error::Weights(format!("`{prefix}` does not fit its sizes {sizes:?}")))
}

impl Followers {
    /// The actors' and the critic's parameters as a `bridge-follower/1` file.
    pub fn weights_to_bytes(&self) -> Result<Vec<u8>> {
        let mut w = TensorsWriter::new(FORMAT);
        let config = serde_json::to_string(self.config())
            .map_err(|e| Error::Weights(format!("the configuration does not serialise: {e}")))?;
        w.meta("config", config);
        w.meta("agents", self.actors().len());
        w.meta("actor_sizes", sizes_text(self.actors()[0].net.sizes()));
        w.meta("critic_sizes", sizes_text(self.critic().net.sizes()));
        for (a, actor) in self.actors().iter().enumerate() {
            write_net(&mut w, &format!("actor{a}"), &actor.net)?;
        }
        write_net(&mut w, "critic", &self.critic().net)?;
        Ok(w.to_bytes()?)
    }

    /// Loads a `bridge-follower/1` file saved by followers of the same configuration and sizes;
    /// anything else is refused with what differs, and leaves these followers unchanged. The
    /// critic's target is set to the loaded critic; optimiser moments are kept.
    pub fn load_weights(&mut self, bytes: &[u8]) -> Result<()> {
        let file = TensorsFile::open(bytes, FORMAT, "a follower weights file")?;
        let config: Config = serde_json::from_str(file.meta("config")?)
            .map_err(|e| Error::Weights(format!("its `config` is not a configuration ({e})")))?;
        if &config != self.config() {
            return Err(Error::Weights(format!(
                "the file is for configuration `{}` ({} agents, grid {:?}), these followers play `{}` ({} agents, grid {:?}) or differ in a setting",
                config.name,
                config.agents(),
                config.lbf.field_size,
                self.config().name,
                self.config().agents(),
                self.config().lbf.field_size
            )));
        }
        let agents = file.meta_usize("agents")?;
        let actor_sizes = file.meta_usizes("actor_sizes")?;
        let critic_sizes = file.meta_usizes("critic_sizes")?;
        let mine = (self.actors()[0].net.sizes(), self.critic().net.sizes());
        if agents != self.actors().len() || actor_sizes != mine.0 || critic_sizes != mine.1 {
            return Err(Error::Weights(format!(
                "the file holds {agents} actors of widths {actor_sizes:?} and a critic of {critic_sizes:?}; these followers have {} of {:?} and {:?} (set `hidden` to match)",
                self.actors().len(),
                mine.0,
                mine.1
            )));
        }
        file.expect_count(
            2 * (agents + 1) * (actor_sizes.len() - 1),
            "the followers' layers",
        )?;
        let actors = (0..agents)
            .map(|a| read_net(&file, &format!("actor{a}"), &actor_sizes))
            .collect::<Result<Vec<_>>>()?;
        let critic = read_net(&file, "critic", &critic_sizes)?;
        for (actor, net) in self.actors_mut().iter_mut().zip(actors) {
            actor.net = net;
        }
        let c = self.critic_mut();
        c.target = critic.clone();
        c.net = critic;
        Ok(())
    }
}
