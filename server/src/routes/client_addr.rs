//! Who the client is, as an address: the peer of the TCP connection, unless that peer is one of
//! the configured reverse proxies (`PINGAN_TRUSTED_PROXIES`), whose `X-Forwarded-For` is then
//! believed — nobody else's, so a client cannot pick its own address to dodge a rate limit.
//! The answer goes into each request as `app::auth::ClientAddr`.

use app::auth::ClientAddr;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// An address block like `10.0.0.0/8`, `::1/128` or a single address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
            None => (text, None),
        };
        let net: IpAddr = addr.parse().ok()?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Self { net, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// An IPv4 peer seen on a dual-stack socket (`::ffff:1.2.3.4`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<Cidr>);

impl TrustedProxies {
    /// A comma-separated list of addresses or blocks; `None` names the first bad entry.
    pub fn parse(text: &str) -> Result<Self, String> {
        text.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| Cidr::parse(p).ok_or_else(|| p.to_owned()))
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }

    /// The client of a request that arrived from `peer` with these `X-Forwarded-For` values:
    /// walking the chain from the nearest hop, the first address that is not a trusted proxy.
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let chain: Vec<&str> = forwarded_for
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in chain.iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>() else {
                // A hop that is not an address was written by someone we do not trust.
                return client;
            };
            let ip = canonical(ip);
            client = ip;
            if !self.trusts(ip) {
                return ip;
            }
        }
        client
    }
}

/// Middleware: puts `ClientAddr` into every request.
pub async fn resolve(
    State(trusted): State<Arc<TrustedProxies>>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client = peer.map(|peer| {
        let values: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        trusted.client(peer, &values)
    });
    req.extensions_mut().insert(ClientAddr(client));
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn blocks_contain_their_addresses_only() {
        let c = Cidr::parse("10.1.0.0/16").expect("cidr");
        assert!(c.contains(ip("10.1.200.3")));
        assert!(!c.contains(ip("10.2.0.1")));
        assert!(
            c.contains(ip("::ffff:10.1.0.9")),
            "IPv4 on a dual-stack socket"
        );
        assert!(Cidr::parse("127.0.0.1")
            .expect("one")
            .contains(ip("127.0.0.1")));
        assert!(Cidr::parse("0.0.0.0/0")
            .expect("all")
            .contains(ip("8.8.8.8")));
        assert!(Cidr::parse("fd00::/8").expect("v6").contains(ip("fd12::1")));
        assert_eq!(Cidr::parse("10.0.0.0/33"), None);
        assert_eq!(Cidr::parse("proxy"), None);
        assert_eq!(TrustedProxies::parse("10.0.0.1, nope"), Err("nope".into()));
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let trusted = TrustedProxies::parse("10.0.0.1").expect("list");
        // A client that sends its own header directly is its own address.
        assert_eq!(
            trusted.client(ip("203.0.113.9"), &["1.2.3.4"]),
            ip("203.0.113.9")
        );
        // Through the proxy: the address the proxy saw, not what the client claimed before it.
        assert_eq!(
            trusted.client(ip("10.0.0.1"), &["1.2.3.4, 198.51.100.7"]),
            ip("198.51.100.7")
        );
        assert_eq!(
            trusted.client(ip("10.0.0.1"), &["1.2.3.4", "198.51.100.7"]),
            ip("198.51.100.7")
        );
        // No header, or garbage: the proxy itself.
        assert_eq!(trusted.client(ip("10.0.0.1"), &[]), ip("10.0.0.1"));
        assert_eq!(trusted.client(ip("10.0.0.1"), &["x"]), ip("10.0.0.1"));
        // Two trusted hops are skipped.
        let two = TrustedProxies::parse("10.0.0.0/24").expect("list");
        assert_eq!(
            two.client(ip("10.0.0.1"), &["198.51.100.7, 10.0.0.2"]),
            ip("198.51.100.7")
        );
        // Nobody trusted: the header means nothing.
        assert_eq!(
            TrustedProxies::default().client(ip("10.0.0.1"), &["198.51.100.7"]),
            ip("10.0.0.1")
        );
    }
}
