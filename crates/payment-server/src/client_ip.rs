//! The buyer's IP address, for Payline's `buyer.ip` (fraud scoring and the EMV 3-D Secure
//! browser data the issuer sees).
//!
//! The TCP peer is the buyer only when nothing stands in between. Behind a reverse proxy or a
//! load balancer the peer is the proxy, and the buyer is in `X-Forwarded-For`, a header any client
//! can also send with made-up values. So the header is read only when the peer is one of the
//! configured `TRUSTED_PROXIES`, and from the right: each trusted proxy appends the address it
//! saw, so the right-most entry that is not a trusted proxy is the first address no trusted hop
//! could have been lied to about (the usual rule, e.g. MDN "X-Forwarded-For: Selecting an IP
//! address"). A malformed entry stops the walk: no address is better than a forged one.

use std::net::IpAddr;

use ipnet::IpNet;

/// An address or a CIDR block (`10.0.0.0/8`, `fd00::/8`, `192.0.2.7`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpBlock(IpNet);

/// Why a `TRUSTED_PROXIES` entry was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("TRUSTED_PROXIES entry {0:?} is not an IP address or CIDR block")]
pub struct InvalidBlock(pub String);

impl std::str::FromStr for IpBlock {
    type Err = InvalidBlock;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || InvalidBlock(s.to_owned());
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        // std's parser, not `IpNet`'s `FromStr`: that one has its own IPv4 reader, which takes
        // leading zeros (`010.0.0.1`, read as 10 where inet_aton reads octal 8). std refuses
        // them, so an ambiguous entry stops the configuration instead of trusting a guess.
        let addr: IpAddr = addr.parse().map_err(|_| bad())?;
        let net = match prefix {
            // `IpNet::new` refuses a prefix longer than the address (33 for IPv4, 129 for IPv6).
            Some(p) => {
                let p = p.parse::<u8>().map_err(|_| bad())?;
                IpNet::new(addr, p).map_err(|_| bad())?
            }
            None => IpNet::from(addr),
        };
        Ok(Self(net))
    }
}

impl IpBlock {
    /// True when `ip` is in the block. An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, what a
    /// dual-stack listener reports) matches its IPv4 block.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.contains(&canonical(ip))
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Parses `TRUSTED_PROXIES` (comma-separated; empty entries ignored).
pub fn parse_blocks(list: &[String]) -> Result<Vec<IpBlock>, InvalidBlock> {
    list.iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect()
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`192.0.2.1:4711`,
/// `[2001:db8::1]:4711`) as some proxies write it.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    let e = entry.trim();
    if let Ok(ip) = e.parse() {
        return Some(ip);
    }
    if let Some(rest) = e.strip_prefix('[') {
        return rest.split_once(']').and_then(|(ip, _)| ip.parse().ok());
    }
    e.rsplit_once(':')
        .filter(|(ip, _)| !ip.contains(':'))
        .and_then(|(ip, _)| ip.parse().ok())
}

/// The buyer's address: `peer` itself unless it is a trusted proxy, else the right-most
/// `X-Forwarded-For` entry that is not a trusted proxy. `forwarded_for` holds every
/// `X-Forwarded-For` header value in the order received (a proxy may add a second header line
/// instead of extending the first).
pub fn client_ip<'a>(
    peer: IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    trusted: &[IpBlock],
) -> Option<IpAddr> {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|b| b.contains(ip));
    if !is_trusted(peer) {
        return Some(canonical(peer));
    }
    let entries: Vec<&str> = forwarded_for
        .into_iter()
        .flat_map(|h| h.split(','))
        .collect();
    let mut last_trusted = peer;
    for entry in entries.iter().rev() {
        let ip = canonical(parse_entry(entry)?);
        if !is_trusted(ip) {
            return Some(ip);
        }
        last_trusted = ip;
    }
    // Every hop is a trusted proxy (a request from inside the trusted network): the left-most
    // one is as close to the client as the chain goes.
    Some(canonical(last_trusted))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::*;

    fn blocks(list: &[&str]) -> Vec<IpBlock> {
        parse_blocks(&list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()).unwrap()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn blocks_parse_and_match() {
        let b = blocks(&["10.0.0.0/8", "192.0.2.7", "fd00::/8", "172.16.0.0/12"]);
        assert!(b[0].contains(ip("10.200.3.4")));
        assert!(!b[0].contains(ip("11.0.0.1")));
        assert!(b[1].contains(ip("192.0.2.7")) && !b[1].contains(ip("192.0.2.8")));
        assert!(b[2].contains(ip("fd12::1")) && !b[2].contains(ip("fe80::1")));
        assert!(b[3].contains(ip("172.31.255.255")) && !b[3].contains(ip("172.32.0.0")));
        assert!(
            b[0].contains(ip("::ffff:10.1.2.3")),
            "IPv4-mapped IPv6 peer"
        );
        assert!(blocks(&["0.0.0.0/0"])[0].contains(ip("203.0.113.1")));
        for bad in [
            "10.0.0.0/33",
            "fd00::/129",
            "example.com",
            "10.0.0.0/",
            "10.0.0/8",
            "/8",
            "010.0.0.0/8",
            "10.0.0.0/-1",
        ] {
            assert_eq!(
                bad.parse::<IpBlock>(),
                Err(InvalidBlock(bad.to_owned())),
                "{bad}"
            );
        }
        assert!(blocks(&["", " 10.0.0.1 "]).len() == 1);
        // Host bits past the prefix are ignored, as in a routing table.
        assert!(blocks(&["10.1.2.3/8"])[0].contains(ip("10.200.0.1")));
        assert!(blocks(&["2001:db8::/32"])[0].contains(ip("2001:db8:ffff::1")));
        assert!(!blocks(&["2001:db8::/32"])[0].contains(ip("2001:db9::1")));
        assert!(
            !blocks(&["::/0"])[0].contains(ip("192.0.2.1")),
            "no family crossing"
        );
    }

    proptest::proptest! {
        /// Matching is "the first `prefix` bits are equal", computed here on integers; an
        /// IPv4-mapped IPv6 address is matched as its IPv4 address.
        #[test]
        fn matching_is_prefix_equality(net: u128, addr: u128, prefix in 0_u8..=128) {
            let (n4, a4, p4) = (net as u32, addr as u32, prefix % 33);
            let block: IpBlock = format!("{}/{p4}", Ipv4Addr::from(n4)).parse().unwrap();
            let same = p4 == 0 || (n4 ^ a4) >> (32 - u32::from(p4)) == 0;
            proptest::prop_assert_eq!(block.contains(Ipv4Addr::from(a4).into()), same);
            let mapped = Ipv4Addr::from(a4).to_ipv6_mapped();
            proptest::prop_assert_eq!(block.contains(mapped.into()), same);

            let block: IpBlock = format!("{}/{prefix}", Ipv6Addr::from(net)).parse().unwrap();
            let a6 = Ipv6Addr::from(addr);
            let same = prefix == 0 || (net ^ addr) >> (128 - u32::from(prefix)) == 0;
            let same = same && a6.to_ipv4_mapped().is_none();
            proptest::prop_assert_eq!(block.contains(a6.into()), same);
        }
    }

    #[test]
    fn untrusted_peer_is_the_client_whatever_the_header_says() {
        let trusted = blocks(&["10.0.0.0/8"]);
        assert_eq!(
            client_ip(ip("203.0.113.9"), ["198.51.100.1"], &trusted),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            client_ip(ip("203.0.113.9"), [], &[]),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            client_ip(ip("::ffff:203.0.113.9"), [], &[]),
            Some(ip("203.0.113.9"))
        );
    }

    #[test]
    fn trusted_peer_walks_the_header_from_the_right() {
        let trusted = blocks(&["10.0.0.0/8", "127.0.0.1"]);
        // The client forged the left-most entry; the first untrusted hop from the right wins.
        assert_eq!(
            client_ip(ip("10.0.0.2"), ["1.2.3.4, 203.0.113.9, 10.0.0.1"], &trusted),
            Some(ip("203.0.113.9"))
        );
        // Two header lines count as one list, in order.
        assert_eq!(
            client_ip(ip("127.0.0.1"), ["1.2.3.4", "203.0.113.9"], &trusted),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            client_ip(ip("10.0.0.2"), ["[2001:db8::7]:4711"], &trusted),
            Some(ip("2001:db8::7"))
        );
        assert_eq!(
            client_ip(ip("10.0.0.2"), ["203.0.113.9:4711"], &trusted),
            Some(ip("203.0.113.9"))
        );
        // No header: the proxy itself is all we know.
        assert_eq!(
            client_ip(ip("10.0.0.2"), [], &trusted),
            Some(ip("10.0.0.2"))
        );
        // Only trusted hops: the left-most.
        assert_eq!(
            client_ip(ip("10.0.0.2"), ["10.9.9.9, 10.0.0.1"], &trusted),
            Some(ip("10.9.9.9"))
        );
    }

    #[test]
    fn malformed_entry_gives_no_address() {
        let trusted = blocks(&["10.0.0.0/8"]);
        assert_eq!(
            client_ip(ip("10.0.0.2"), ["203.0.113.9, unknown"], &trusted),
            None
        );
        assert_eq!(client_ip(ip("10.0.0.2"), ["<script>"], &trusted), None);
        assert_eq!(
            client_ip(ip("10.0.0.2"), ["203.0.113.9,,10.0.0.1"], &trusted),
            None
        );
        // A bad entry left of the first untrusted one is never reached.
        assert_eq!(
            client_ip(ip("10.0.0.2"), ["garbage, 203.0.113.9"], &trusted),
            Some(ip("203.0.113.9"))
        );
    }
}
