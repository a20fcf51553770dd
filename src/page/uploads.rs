//! What the page accepts as uploads, checked as soon as a file is chosen: its size against the
//! limit stated beside the control (so a wrong file is refused at once, before the browser reads
//! it into memory), then its content where it is read.

/// The kinds of file the page takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UploadKind {
    /// An instance file (SPEC section 3, JSON or ODP-IP text).
    Instance,
    /// Leader weights (safetensors).
    Weights,
    /// A recorded Level-Based Foraging episode (lbforaging's JSON).
    Episode,
}

const MB: f64 = 1024.0 * 1024.0;

impl UploadKind {
    /// The largest file of this kind, in bytes. Text files (instances, episodes): 32 MB holds a
    /// 20-agent instance's 2²⁰ values written in full (about 21 MB); lbforaging's recordings
    /// take kilobytes. Weights: 64 MB holds a leader for 100 agents with hidden layers of 1024
    /// (41 MB); the network the page trains by default takes 5 MB at 100 agents.
    pub fn limit_bytes(self) -> f64 {
        match self {
            UploadKind::Instance | UploadKind::Episode => 32.0 * MB,
            UploadKind::Weights => 64.0 * MB,
        }
    }

    /// What the file is, in the page's words.
    pub fn what(self) -> &'static str {
        match self {
            UploadKind::Instance => "instance files",
            UploadKind::Weights => "leader weights",
            UploadKind::Episode => "recorded episodes",
        }
    }

    /// The limit as the page states it beside the control: `up to 16 MB`.
    pub fn limit_text(self) -> String {
        format!("up to {} MB", self.limit_bytes() / MB)
    }

    /// Whether a file `name` of `bytes` may be read; if not, what to do.
    pub fn check_size(self, name: &str, bytes: f64) -> Result<(), String> {
        if bytes <= self.limit_bytes() {
            return Ok(());
        }
        Err(format!(
            "{name} is {:.1} MB; the page takes {} {} — choose a smaller file, or use the \
             command line, which has no such limit",
            bytes / MB,
            self.what(),
            self.limit_text()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_over_the_stated_limit_are_refused_with_it() {
        let kind = UploadKind::Weights;
        assert_eq!(kind.limit_text(), "up to 64 MB");
        assert!(kind.check_size("w.safetensors", 64.0 * MB).is_ok());
        let e = kind
            .check_size("w.safetensors", 65.0 * MB)
            .expect_err("too large");
        assert!(
            e.starts_with("w.safetensors is 65.0 MB; the page takes leader weights up to 64 MB"),
            "{e}"
        );
        assert!(UploadKind::Episode.check_size("e.json", 33.0 * MB).is_err());
    }

    #[test]
    fn the_limits_hold_what_the_page_makes() {
        // A 20-agent instance file: 2^20 values of at most ~20 characters and a separator.
        assert!(f64::from(1u32 << 20) * 21.0 < UploadKind::Instance.limit_bytes());
        // A leader for 100 agents, hidden 1024,1024: (100² + 1) · 1024 + 1025 · 1024 + … f32.
        let params = (100.0 * 100.0 + 1.0) * 1024.0 + (1024.0 + 1.0) * 1024.0 + 1025.0 * 101.0;
        assert!(params * 4.0 < UploadKind::Weights.limit_bytes());
    }
}
