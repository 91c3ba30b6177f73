//! The values a shell completes that only the system knows when you press Tab: this
//! namespace's interfaces, the hosts of the labs `lab-hosts` made, the socket states.
//! The tools complete themselves (see `cli::generate_if_asked`), so these are asked
//! at that moment, never frozen into the installed scripts.

use clap_complete::{ArgValueCandidates, CompletionCandidate};

/// Interface names, and `any`.
pub fn interfaces() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let mut names: Vec<CompletionCandidate> = crate::nics::links()
            .unwrap_or_default()
            .into_iter()
            .map(|nic| CompletionCandidate::new(nic.name))
            .collect();
        names.push(CompletionCandidate::new("any").help(Some("every interface".into())));
        names
    })
}

/// The hosts of every lab on record (`brooklyn`, `midwood`, ...).
pub fn lab_hosts() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        crate::lab::recorded_labs()
            .iter()
            .flat_map(|record| record.spec.hosts.iter())
            .map(|host| CompletionCandidate::new(host.hostname.clone()))
            .collect()
    })
}

/// netstat's TCP state names.
pub fn socket_states() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        crate::sockets::state_names()
            .iter()
            .map(|name| CompletionCandidate::new(*name))
            .collect()
    })
}
