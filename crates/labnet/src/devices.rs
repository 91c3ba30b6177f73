//! What webcapture can capture on, listed as `tcpdump -D` lists it: each interface of
//! this namespace and the `any` pseudo-device, in libpcap's order (its "figure of
//! merit": up and running first, a trailing number as an instance, `any` after the
//! other non-loopback devices, loopback after it, disconnected and down ones last),
//! with libpcap's flags and connection status. Hand-written: it is libpcap's list,
//! which no crate gives without libpcap. The connection status is the driver's own
//! answer (ETHTOOL_GLINK), as libpcap asks it: a driver that cannot tell gets none.

use std::io::{self, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use crate::error::Result;
use crate::nics::{self, iff, Nic};

/// Whether the link is up as the driver reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Connection {
    Connected,
    Disconnected,
    /// Loopback, or a driver that does not say (libpcap's "not applicable").
    NotApplicable,
}

/// One entry of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub name: String,
    pub description: Option<&'static str>,
    up: bool,
    running: bool,
    loopback: bool,
    wireless: bool,
    connection: Connection,
}

impl Device {
    fn from_nic(nic: &Nic, socket: &OwnedFd) -> Device {
        let loopback = nic.flags & iff::LOOPBACK != 0;
        let wireless =
            std::path::Path::new(&format!("/sys/class/net/{}/wireless", nic.name)).exists();
        Device {
            name: nic.name.clone(),
            description: None,
            up: nic.flags & iff::UP != 0,
            running: nic.flags & iff::RUNNING != 0,
            loopback,
            wireless,
            connection: if loopback || wireless {
                Connection::NotApplicable
            } else {
                link_detected(socket, &nic.name)
            },
        }
    }

    fn any() -> Device {
        Device {
            name: "any".into(),
            description: Some("Pseudo-device that captures on all interfaces"),
            up: true,
            running: true,
            loopback: false,
            wireless: false,
            connection: Connection::NotApplicable,
        }
    }

    /// libpcap's figure of merit (lower is listed first).
    fn merit(&self) -> u32 {
        let mut merit = if self.name == "any" {
            // An instance number higher than any other's, below the loopback bit.
            0x0fff_ffff
        } else {
            // A number at the end of the name is an instance number, counted from 1.
            let digits = self.name.len()
                - self
                    .name
                    .trim_end_matches(|c: char| c.is_ascii_digit())
                    .len();
            self.name[self.name.len() - digits..]
                .parse::<u32>()
                .map_or(0, |n| n.saturating_add(1))
        };
        if !self.running {
            merit |= 0x8000_0000;
        }
        if !self.up {
            merit |= 0x4000_0000;
        }
        if !self.wireless && self.connection == Connection::Disconnected {
            merit |= 0x2000_0000;
        }
        if self.loopback {
            merit |= 0x1000_0000;
        }
        merit
    }

    /// `Up, Running, Loopback`, then the connection (`none` with no flag at all).
    fn flags(&self) -> String {
        let words: Vec<&str> = [
            (self.up, "Up"),
            (self.running, "Running"),
            (self.loopback, "Loopback"),
            (self.wireless, "Wireless"),
        ]
        .iter()
        .filter(|(set, _)| *set)
        .map(|(_, word)| *word)
        .collect();
        let mut text = if words.is_empty() {
            "none".to_string()
        } else {
            words.join(", ")
        };
        match self.connection {
            Connection::Connected => text.push_str(", Connected"),
            Connection::Disconnected => text.push_str(", Disconnected"),
            Connection::NotApplicable => {}
        }
        text
    }
}

/// The devices of the current network namespace, in libpcap's order.
pub fn list() -> Result<Vec<Device>> {
    // SAFETY: plain socket(2); the descriptor is owned right away.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(crate::error::Error::Io {
            context: "opening a socket to ask the drivers".into(),
            source: io::Error::last_os_error(),
        });
    }
    // SAFETY: `fd` is a fresh descriptor nobody else owns.
    let socket = unsafe { OwnedFd::from_raw_fd(fd) };
    let mut devices: Vec<Device> = nics::links()?
        .iter()
        .map(|nic| Device::from_nic(nic, &socket))
        .collect();
    devices.push(Device::any());
    // Stable: equal merits keep the kernel's (interface index) order, as libpcap
    // keeps the order it found them in.
    devices.sort_by_key(Device::merit);
    Ok(devices)
}

/// `tcpdump -D`'s lines: `1.eth0 [Up, Running, Connected]`.
pub fn write(out: &mut impl Write, devices: &[Device]) -> io::Result<()> {
    for (number, device) in devices.iter().enumerate() {
        write!(out, "{}.{}", number + 1, device.name)?;
        if let Some(description) = device.description {
            write!(out, " ({description})")?;
        }
        writeln!(out, " [{}]", device.flags())?;
    }
    Ok(())
}

/// The driver's link state (ETHTOOL_GLINK), as libpcap asks it.
fn link_detected(socket: &OwnedFd, name: &str) -> Connection {
    const ETHTOOL_GLINK: u32 = 0x0000_000a;
    #[repr(C)]
    struct EthtoolValue {
        cmd: u32,
        data: u32,
    }
    let mut value = EthtoolValue {
        cmd: ETHTOOL_GLINK,
        data: 0,
    };
    // SAFETY: ifreq is plain data; all-zero is a valid starting value.
    let mut request: libc::ifreq = unsafe { std::mem::zeroed() };
    let bytes = name.as_bytes();
    if bytes.len() >= request.ifr_name.len() {
        return Connection::NotApplicable;
    }
    for (slot, byte) in request.ifr_name.iter_mut().zip(bytes) {
        *slot = *byte as libc::c_char;
    }
    request.ifr_ifru.ifru_data = std::ptr::addr_of_mut!(value).cast();
    // SAFETY: SIOCETHTOOL reads the name and the command and writes `value`, which
    // outlives the call; both are valid for it.
    let answered = unsafe { libc::ioctl(socket.as_raw_fd(), libc::SIOCETHTOOL, &mut request) };
    match (answered, value.data) {
        (0, 0) => Connection::Disconnected,
        (0, _) => Connection::Connected,
        // EOPNOTSUPP or EINVAL: the driver does not say.
        _ => Connection::NotApplicable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(
        name: &str,
        up: bool,
        running: bool,
        loopback: bool,
        connection: Connection,
    ) -> Device {
        Device {
            name: name.into(),
            description: None,
            up,
            running,
            loopback,
            wireless: false,
            connection,
        }
    }

    #[test]
    fn libpcap_s_order_and_flags() {
        let mut devices = vec![
            device("lo", true, true, true, Connection::NotApplicable),
            device("ifb1", false, false, false, Connection::NotApplicable),
            device("eth1", true, false, false, Connection::Disconnected),
            device("eth0", true, true, false, Connection::Connected),
            Device::any(),
        ];
        devices.sort_by_key(Device::merit);
        let mut out = Vec::new();
        write(&mut out, &devices).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "1.eth0 [Up, Running, Connected]\n\
             2.any (Pseudo-device that captures on all interfaces) [Up, Running]\n\
             3.lo [Up, Running, Loopback]\n\
             4.eth1 [Up, Disconnected]\n\
             5.ifb1 [none]\n"
        );
    }
}
